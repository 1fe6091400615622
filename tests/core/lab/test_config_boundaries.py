"""A config is validated where it enters and trusted after. Here: the job queue refuses an invalid
config with the translated message. The other boundaries: the CLI in test_cli.py, the page form and
a link's config in tests/pages/test_lab_page.py (test_invalid_config_is_explained_inline_...)."""

from __future__ import annotations

import pytest

from core.lab.config import ConfigError, replace
from core.lab.jobs.registry import JobRegistry
from core.lab.presets import tab_default

BAD = replace(tab_default("transformer"), **{"model.n_heads": 3})  # 64 is not divisible by 3


def test_the_job_queue_refuses_an_invalid_config_before_queueing_it():
    trained = []
    reg = JobRegistry(slots=1, train_fn=lambda cfg, stop: trained.append(cfg) or iter(()))
    with pytest.raises(ConfigError) as info:
        reg.start(BAD)
    err = info.value
    assert err.key == "validation.lab.heads_divide" and err.params == {"d_model": 64, "n_heads": 3}
    assert "나누어떨어져야" in err.message("ko") and "divide" in err.message("en")
    assert reg.list_jobs() == [] and trained == []
