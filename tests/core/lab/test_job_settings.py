"""How many Lab jobs train at once: the default per device and the STUDY_LAB_SLOTS setting."""

from __future__ import annotations

import pytest

from core.lab.jobs.registry import SLOTS_ENV, JobRegistry, cpu_cores, default_slots


def test_one_job_per_core_up_to_four_on_cpu_and_four_with_cuda_by_default(monkeypatch):
    monkeypatch.delenv(SLOTS_ENV, raising=False)
    assert [default_slots(cuda=False, cores=n) for n in (1, 2, 3, 4, 16)] == [1, 2, 3, 4, 4]
    assert default_slots(cuda=False) == min(cpu_cores(), 4)  # this machine's usable cores
    assert default_slots(cuda=True) == default_slots(cuda=True, cores=1) == 4


def test_the_setting_changes_how_many_jobs_train_at_once(monkeypatch):
    monkeypatch.setenv(SLOTS_ENV, "3")
    assert default_slots(cuda=False) == 3
    reg = JobRegistry(train_fn=lambda cfg, **kw: iter(()), prewarm=False)
    assert reg.slots == 3


@pytest.mark.parametrize("raw", ["0", "-1", "two", "1.5", "65"])
def test_a_bad_setting_names_itself_and_the_allowed_range(monkeypatch, raw):
    monkeypatch.setenv(SLOTS_ENV, raw)
    with pytest.raises(ValueError, match=r"STUDY_LAB_SLOTS must be a whole number from 1 to 64"):
        default_slots(cuda=False)
