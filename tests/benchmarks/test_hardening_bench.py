"""Hardening probes (benchmarks/hardening.py): a tiny run of every section reports its figures,
and the fuzz watchdog tells a crash, the app's own error and a hang apart (marked slow like the
other benchmark tests; speed itself is never asserted here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import hardening
from benchmarks.hardening_fuzz import Guard, inputs
from tests.support.db import pg_admin_url

pytestmark = pytest.mark.slow


def test_the_watchdog_counts_a_crash_an_app_error_and_a_hang_then_goes_on():
    guard = Guard("selfcheck", timeout=1.0)
    try:
        kinds = [guard.call(i, value)[0] for i, value in enumerate(["ok", "crash", "app", "hang", "ok"])]
    finally:
        guard.close()
    assert kinds == ["ok", "crash", "app_error", "hang", "ok"]  # a fresh worker took the input after the hang


def test_fuzz_inputs_are_the_same_for_a_seed():
    assert inputs("notes", 3, 5) == inputs("notes", 3, 5) != inputs("notes", 4, 5)


def test_a_quick_run_of_every_section_but_the_browser_reports_its_figures():
    r = hardening.run(("concurrency", "races", "fuzz", "guest", "probes"), quick=True, seed=5)
    sqlite = r["concurrency"][0]
    assert sqlite["backend"] == "sqlite" and sqlite["writes"] == 24
    assert sqlite["saved"] == 24 and sqlite["errors"] == 0 and sqlite["lost"] == 0
    for f in r["fuzz"]:
        assert f["seed"] == 5 and f["ok"] + f["app_errors"] + f["crashes"] + f["hangs"] == f["inputs"] == 12
    guest = r["guest"]
    assert [x["largest"] for x in guest["rows"]] == ["time", "memory"]
    for x in guest["rows"]:
        assert x["steps"] <= guest["limits"]["steps"] and x["est_tflop"] <= guest["limits"]["tflop"]
        assert x["measured_s"] > 0 and x["measured_mb"] > 0
    assert r["probes"]["status"] == "finished" and 0 < r["probes"]["kept_probes"] <= 32
    if pg_admin_url() is not None:
        pg = r["concurrency"][1]
        assert pg["backend"] == "postgresql" and pg["errors"] == 0 and pg["lost"] == 0
        for race in r["races"]:
            assert race["raw"] == 0 and race["other"] == 0, race
            if "stale_saves" in race:
                assert race["stale_detected"] == race["stale_saves"] and race["lost_updates"] == 0
    text = hardening.report(r)
    for head in ("lost rows", "PostgreSQL race", "fuzz target", "largest by", "RSS before MiB"):
        assert head in text


@pytest.mark.skipif(not Path(hardening.hardening_health.CHROMIUM).exists(), reason="no chromium")
def test_the_health_probe_times_the_check_while_the_app_previews_a_paste():
    r = hardening.run(("health",), quick=True)
    (row,) = r["health"]["rows"]
    assert row["outcome"] == "preview" and row["checks"] >= 1 and row["max_ms"] > 0
