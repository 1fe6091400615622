"""The seminar room page in presenter mode (`?code=...&present=1`): no sidebar, no leader tools or
lobby link, the room chart's text enlarged; the toggle keeps the address in step."""

from __future__ import annotations

import json

import pytest

from core.lab import rooms
from core.lab.config import replace, to_dict
from core.lab.jobs.policy import Participant
from core.lab.presets import PRESETS
from core.lab.runs import RunRecord, store_run
from tests.support.factories import make_leader

ROOM = "views/room.py"
HEX = "4" * 32


@pytest.fixture
def room(db):
    """An open room with a challenge and one finished run of a guest who joined it."""
    lead = make_leader(db)
    cfg = replace(PRESETS["long_term_dependency"].configs["rnn"], steps=40)
    who = Participant(f"guest:{HEX}", "guest")
    curves = {"step": [1, 2, 3], "loss": [1.0, 0.5, 0.3], "eval_step": [3], "val_token_acc": [0.4]}
    with db.write() as s:
        r = rooms.open_room(session=s, by=lead, title="Week 2: recall")
        rooms.set_challenge(
            session=s, by=lead, room_id=r.id, preset="long_term_dependency", tab="rnn", target=0.99, steps=40
        )
        rooms.join_room(session=s, code=r.code, who=who, nickname="Kim")
        rooms.add_run(session=s, room_id=r.id, who=who, job_id="stored-kim", cfg=cfg)
        run_id = store_run(session=s, by=None, record=RunRecord(to_dict(cfg), "finished", 3, {}, curves)).id
        rooms.attach_run(session=s, job_id="stored-kim", run_id=run_id)
    return {"code": r.code, "leader": lead}


def _chart_config(at) -> dict:
    (chart,) = at.get("vega_lite_chart")
    return json.loads(chart.proto.spec).get("config", {})


def test_a_presenter_link_to_a_room_hides_the_tools_and_enlarges_the_chart(run_page, room):
    plain = run_page(ROOM, actor=room["leader"], lang="en", query={"code": room["code"]})
    assert not plain.exception
    assert "room_close" in {b.key for b in plain.button}  # a leader's tools, normally
    assert "axis" not in _chart_config(plain) or _chart_config(plain)["axis"].get("labelFontSize", 10) < 16
    at = run_page(ROOM, actor=room["leader"], lang="en", query={"code": room["code"], "present": "1"})
    assert not at.exception
    assert at.toggle(key="room_presenter").value is True
    assert any('[data-testid="stSidebar"]' in m.value for m in at.markdown if "<style>" in m.value)
    assert "room_close" not in {b.key for b in at.button}
    assert "Another room" in [p.proto.label for p in plain.get("page_link")]
    assert "Another room" not in [p.proto.label for p in at.get("page_link")]
    assert _chart_config(at)["axis"]["labelFontSize"] >= 16
    at.toggle(key="room_presenter").set_value(False).run()
    assert dict(at.query_params) == {"code": room["code"]}
    assert "room_close" in {b.key for b in at.button}
    at.toggle(key="room_presenter").set_value(True).run()
    assert dict(at.query_params) == {"code": room["code"], "present": "1"}
