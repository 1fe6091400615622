"""What server.py sets up before Streamlit serves: the GIL's switch interval (the event loop that
sends every tab its elements gets the GIL back within a millisecond of asking)."""

from __future__ import annotations

import subprocess
import sys

from tests.support.paths import ROOT


def test_the_server_hands_the_gil_on_within_a_millisecond():
    out = subprocess.run(
        [sys.executable, "-c", "import sys, server; print(sys.getswitchinterval(), server.GIL_SWITCH_S)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    interval, constant = (float(v) for v in out.stdout.split())
    assert interval == constant == 0.001
