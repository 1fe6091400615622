"""Room load test plumbing: the real server, two participants and the presenter over Streamlit's
websocket protocol, tiny runs; every figure is produced and every run finished (speed itself is
never asserted here: the machine running the tests is shared)."""

import json

import pytest

from benchmarks import room_load

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def test_room_load_reports_every_figure(tmp_path, capsys):
    out = tmp_path / "room.json"
    argv = ["--participants", "2", "--steps", "20", "--stops", "1", "--stops-after-room"]
    argv += ["--jitter", "0.5", "--render-every", "1", "--timeout", "300", "--json", str(out)]
    assert room_load.main(argv) == 0
    fig = json.loads(out.read_text(encoding="utf-8"))
    assert fig["participants"] == 2 and fig["finished"] == 2
    assert fig["stored_finished_runs"] == 2
    assert fig["presenter_outcome"] == "finished"
    assert fig["stops"] == ["stopped"]
    for name in (
        "page render: presenter's Lab",
        "page render: room view",
        "page render: participant pages",
        "presenter: Train -> first step",
        "participants: queue wait (Train -> running)",
        "Train -> first curve point",
        "Stop -> stopped",
        "participants: Train -> run ended",
    ):
        row = fig["rows"][name]
        assert row["n"] >= 1 and row["p50"] is not None and row["p95"] >= row["p50"] > 0, name
    assert fig["all_finished_s"] > 0 and fig["errors"] == []
    printed = capsys.readouterr().out
    assert "| presenter: Train -> first step |" in printed and "2/2 finished" in printed
