"""The Lab engine's warm-up (ui/lab/engine.py) in a fresh interpreter, as a server starts it: the
page's modules imported before the server answers (without torch), not ready while torch is
missing, warm in the background, then ready with the registry built, torch._dynamo never
imported (counting the default models builds them on the CPU)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.paths import ROOT
from web import lab_warmup
from web.lifespan import STARTUPS

CODE = """
import sys
from web.lifespan import STARTUPS, run_startups
from ui.lab import engine
assert 'torch' not in sys.modules
stops = run_startups([s for s in STARTUPS if s[0] == 'lab engine warm-up'])
assert [name for name, _ in stops] == ['lab engine warm-up']  # its stop ends the worker processes
assert 'ui.lab.page' in sys.modules  # imported before the server answers a first visit
assert engine.ready() is False  # warming: the page would show Train off with its note
assert engine.wait(300), 'the warm-up did not finish'
assert engine.ready() and 'torch' in sys.modules
assert 'torch._dynamo' not in sys.modules, 'the parameter counts went through the meta device'
from ui.lab.jobs import lab_jobs
print(type(lab_jobs()).__name__, engine._state.seconds > 0)
"""


def test_the_server_starts_the_warm_up():
    assert ("lab engine warm-up", lab_warmup.start) in STARTUPS


@pytest.mark.slow
def test_warm_up_in_a_fresh_process_makes_the_engine_ready(tmp_path):
    env = {
        "STUDY_LAB_JOB_MODE": "thread",  # no worker process in a test
        "STUDY_DEMO_DATA": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'warm.db'}",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run(
        [sys.executable, "-c", CODE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split()[-2:] == ["LabJobs", "True"]
