"""The README's set-up facts match the code: settings, job concurrency, which torch each platform gets."""

from __future__ import annotations

import re

from core.lab.jobs.registry import CPU_SLOTS_CAP, MODE_ENV, SLOTS_ENV, default_slots
from tests.support.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"\n## {title}")
    end = README.find("\n## ", start + 1)
    return README[start : end if end > 0 else None]


def _env_vars_read_by_the_app() -> set[str]:
    names: set[str] = set()
    for folder in ("core", "ui", "db", "views", "web"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            names |= set(re.findall(r"environ(?:\.get)?[\[(]\s*\"([A-Z][A-Z0-9_]+)\"", text))
            names |= set(re.findall(r"^[A-Z_]+_ENV = \"([A-Z][A-Z0-9_]+)\"", text, re.M))
    return names | set(re.findall(r"environ\.get\(\"([A-Z_]+)\"", (ROOT / "app.py").read_text()))


def test_every_setting_the_app_reads_has_a_row_in_the_configuration_table():
    table = _section("Configuration")
    missing = sorted(n for n in _env_vars_read_by_the_app() if f"`{n}" not in table)
    assert not missing, f"settings read by the code but not in README's Configuration table: {missing}"
    assert {MODE_ENV, SLOTS_ENV} <= _env_vars_read_by_the_app()


def test_the_readme_says_how_many_jobs_train_at_once_as_the_code_decides(monkeypatch):
    monkeypatch.delenv(SLOTS_ENV, raising=False)
    row = next(line for line in _section("Configuration").splitlines() if f"`{SLOTS_ENV}" in line)
    assert f"one per CPU core, at most {CPU_SLOTS_CAP}" in row
    assert f"{default_slots(cuda=True)} with CUDA" in row
    # one place says where jobs train; hosting advice must not contradict it with "threads of the app"
    assert "background threads of the app process" not in README


def test_the_gpu_section_says_what_each_platform_gets_and_how_to_stay_on_the_cpu_build():
    gpu = _section("GPU")
    for platform in ("Linux", "Windows", "macOS"):
        assert platform in gpu
    assert "PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu bash scripts/app.sh" in gpu
    requirements = (ROOT / "requirements.txt").read_text()
    assert "torch==2.13.0" in requirements and "CPU wheel" not in requirements


def test_every_lab_limit_setting_is_named_in_the_configuration_table():
    from dataclasses import fields

    from core.lab.jobs.policy import ENV_PREFIX, JobLimits, RoleLimits

    table = _section("Configuration")
    limits = JobLimits()
    for role in limits.roles:
        assert f"`{role.upper()}`" in table
    for f in fields(RoleLimits):
        assert f"`{f.name.upper()}`" in table, f.name
    for name in ("max_queued", "max_probes", "max_probe_bytes", "stop_grace_s"):
        assert f"`{ENV_PREFIX}{name.upper()}`" in table, name
    guest = limits.of("guest")
    assert f"guest {guest.max_steps:,} steps" in table
