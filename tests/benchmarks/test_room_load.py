"""Room load test plumbing: the real server, two participants and the presenter over Streamlit's
websocket protocol, runs of a few seconds, on each back end (PostgreSQL with one extra worker process); every
figure is produced and every run finished. Speed itself is never asserted here: the machine
running the tests is shared."""

import json
import re

import pytest

from benchmarks import room_load

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

FIGURES = (
    "page render: presenter's Lab",
    "page render: room view",
    "page render: participant pages",
    "presenter: Train -> first step",
    "participants: queue wait (Train -> running)",
    "participants: Train -> first step",
    "Train -> first curve point",
    "curve update gap while training",
    "Stop -> stopped",
    "Stop -> stored as stopped (database)",
    "participants: Train -> run ended",
)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_room_load_reports_every_figure(backend, request, tmp_path, capsys):
    if backend == "postgres":
        request.getfixturevalue("pg_server")  # skipped with the reason when no PostgreSQL answers
    out = tmp_path / "room.json"
    # long enough (a few seconds) that each tab sees its run training, not only its end
    argv = ["--backend", backend, "--participants", "2", "--steps", "150", "--stops", "1"]
    argv += ["--jitter", "0.5", "--render-every", "1", "--timeout", "300", "--json", str(out)]
    assert room_load.main(argv) == 0
    fig = json.loads(out.read_text(encoding="utf-8"))
    assert fig["errors"] == []
    assert fig["participants"] == 2 and fig["finished"] == 2
    assert fig["stored_finished_runs"] == 2
    assert fig["presenter_outcome"] == "finished"
    assert fig["stops"] == ["stopped"]
    for name in FIGURES:
        row = fig["rows"][name]
        assert row["n"] >= 1 and row["p50"] is not None and row["p95"] >= row["p50"] > 0, name
    assert fig["all_finished_s"] > 0
    printed = capsys.readouterr().out
    assert "| presenter: Train -> first step |" in printed and "2/2 finished" in printed
    assert (
        len(fig["slowest_page_runs"]) == 3
    )  # named, to look into: "p01: click lab_transformer_train 1.20 s"
    assert all(
        re.fullmatch(r"(p\d\d|presenter|projector): .+ \d+\.\d\d s", r) for r in fig["slowest_page_runs"]
    )
    cpu = fig["process_cpu_s"]  # where the machine's CPU went, read from /proc
    assert cpu["server"] > 0 and cpu["training workers" if backend == "sqlite" else "queue worker"] > 0


def test_a_room_past_its_deadline_still_prints_what_it_measured(tmp_path, capsys):
    out = tmp_path / "room.json"
    argv = ["--participants", "2", "--steps", "5000", "--stops", "0", "--jitter", "0"]
    argv += ["--timeout", "300", "--deadline", "20", "--json", str(out)]
    assert room_load.main(argv) == 1  # runs that did not end are a failed load test
    fig = json.loads(out.read_text(encoding="utf-8"))
    assert fig["participants"] == 2 and fig["finished"] == 0
    assert fig["outcomes"] == {"not ended by the deadline": 2}
    assert any("not done 20 s after the start" in e for e in fig["errors"])
    assert fig["rows"]["page render: participant pages"]["n"] >= 2  # what the tabs saw is kept
    printed = capsys.readouterr().out
    assert "0/2 finished" in printed and "not ended by the deadline" in printed
