"""Sign-in flood benchmark plumbing: both shapes run briefly and report what they measured
(marked slow like the other benchmark tests; speed itself is never asserted here)."""

import pytest

from benchmarks import signin_flood

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("mode", ["before", "after"])
def test_flood_reports_writes_and_tries(mode):
    r = signin_flood.run(threads=2, seconds=0.5, mode=mode, clients="many")
    assert r["mode"] == mode and r["threads"] == 2
    assert r["writes"] >= 1 and r["tries"] >= 1
    assert r["p50_s"] > 0
