"""The seminar room page (AppTest; jobs in thread mode with a held fake `train_fn`, so live runs
stay live where a test puts them): the chart has one labelled line per participant, the
leaderboard ranks the runs, guests only watch (and stop their own run), joining refuses empty and
taken nicknames and unknown codes in words, a joined guest's Lab starts from the challenge and
its run is listed in the room, and an ended room stays viewable."""

from __future__ import annotations

import functools
import json
import threading

import pytest

from core.lab import rooms
from core.lab.config import replace, to_dict
from core.lab.jobs.policy import Participant
from core.lab.jobs.registry import JobRegistry
from core.lab.presets import PRESETS
from core.lab.runs import RunRecord, store_run
from core.lab.train import DoneEvent, EvalEvent, StepEvent
from tests.support.factories import make_leader, make_member
from tests.support.lab import LAB
from tests.support.waiting import wait_until

ROOM = "views/room.py"
KIM_ID, LEE_ID, MINA_ID = "1" * 32, "2" * 32, "3" * 32
CHALLENGE_STEPS = 40


class Held:
    """A train_fn: five steps and one evaluation, then held until stopped or released."""

    def __init__(self):
        self.release = threading.Event()

    def __call__(self, cfg, *, stop):
        for step in range(1, 6):
            yield StepEvent(step, 1.0 / step, 0.5, 0.1, 1e-3, 0.0)
        yield EvalEvent(5, 0.5, 0.6, 0.25, None)
        while not (stop.is_set() or self.release.is_set()):
            stop.wait(0.01)
        yield DoneEvent("stopped" if stop.is_set() else "finished", 5, {}, None, 0, "cpu")


@pytest.fixture
def held(monkeypatch):
    fake = Held()
    monkeypatch.setattr(
        "ui.lab.jobs._registry_class", lambda: functools.partial(JobRegistry, train_fn=fake, slots=4)
    )
    yield fake
    fake.release.set()


def jobs():
    from ui.lab.jobs import lab_jobs

    return lab_jobs()


def guest(hex_id: str) -> Participant:
    return Participant(f"guest:{hex_id}", "guest")


def as_guest(hex_id: str) -> dict:
    return {"_lab_guest_id": hex_id}


def challenge_cfg():
    return replace(PRESETS["long_term_dependency"].configs["rnn"], steps=CHALLENGE_STEPS)


@pytest.fixture
def room(db):
    """An open room with a challenge (99% held-out token accuracy) that Kim and Lee joined."""
    lead = make_leader(db)
    with db.write() as s:
        r = rooms.open_room(session=s, by=lead, title="Week 2: recall")
        rooms.set_challenge(
            session=s, by=lead, room_id=r.id, preset="long_term_dependency", tab="rnn", target=0.99,
            steps=CHALLENGE_STEPS,
        )  # fmt: skip
        for hex_id, nick in ((KIM_ID, "Kim"), (LEE_ID, "Lee")):
            rooms.join_room(session=s, code=r.code, who=guest(hex_id), nickname=nick)
    return {"id": r.id, "code": r.code, "leader": lead}


def start_live(db, room_id: int, hex_id: str, **changes) -> str:
    cfg = replace(challenge_cfg(), **changes)
    job = jobs().start(cfg, db=db, actor=None, who=guest(hex_id), room_id=room_id)
    wait_until(lambda: jobs().registry.snapshot(job).step >= 5, timeout=10, what="five steps")
    return job


def store_finished(db, room_id: int, hex_id: str, accs: list[float]) -> int:
    curves = {
        "step": list(range(1, 10 * len(accs) + 1)),
        "loss": [1.0 / s for s in range(1, 10 * len(accs) + 1)],
        "eval_step": [10 * (i + 1) for i in range(len(accs))],
        "val_token_acc": accs,
    }
    cfg = replace(challenge_cfg(), lr=1e-2)
    with db.write() as s:
        rooms.add_run(session=s, room_id=room_id, who=guest(hex_id), job_id="stored-" + hex_id, cfg=cfg)
        run_id = store_run(
            session=s, by=None, record=RunRecord(to_dict(cfg), "finished", 10 * len(accs), {}, curves)
        ).id
        rooms.attach_run(session=s, job_id="stored-" + hex_id, run_id=run_id)
    return run_id


def room_specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def chart_lines(at) -> dict[str, set[str]]:
    """{panel: participants with a line} of the room chart (its data travels as Arrow)."""
    import pyarrow as pa

    (chart,) = at.get("vega_lite_chart")
    df = pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_pandas()
    return {p: set(df[df.panel == p].who) for p in ("loss", "accuracy")}


def buttons(at) -> set[str]:
    return {b.key for b in at.button if b.key}


def texts(at) -> list[str]:
    return [m.value for m in at.markdown]


def test_the_chart_has_one_labelled_line_per_participant_and_the_leaderboard_ranks_runs(
    run_page, db, room, held
):
    store_finished(db, room["id"], KIM_ID, [0.5, 0.995])  # reached the target at step 20
    lee = start_live(db, room["id"], LEE_ID)  # live: held-out accuracy 60% after 5 steps
    at = run_page(ROOM, actor=room["leader"], lang="en", query={"code": room["code"]})
    assert not at.exception
    assert chart_lines(at) == {"loss": {"Kim", "Lee"}, "accuracy": {"Kim", "Lee"}}
    (spec,) = room_specs(at)
    assert all(panel["layer"][1]["mark"]["type"] == "text" for panel in spec["hconcat"])  # name at line end
    board = texts(at)
    kim, lee_row = board.index("**Kim**"), board.index("**Lee**")
    assert kim < lee_row and board[kim - 1] == "**1**" and board[lee_row - 1] == "**2**"
    assert "99.5%" in board and "60.0%" in board and "5/40" in board
    assert "target at step 20" in [c.value for c in at.caption]
    assert any(c.value == "Learning rate 0.003 → 0.01" for c in at.caption)  # differs from the preset
    assert any(c.value == "as the preset" for c in at.caption)
    assert f"room_stop_{lee}" in buttons(at)  # a leader may cancel anyone's run
    at.button(key=f"room_stop_{lee}").click().run()
    wait_until(lambda: jobs().registry.snapshot(lee).status == "stopped", timeout=10, what="the cancel")


def test_guests_only_watch_and_stop_their_own_run(run_page, db, room, held):
    kim, lee = start_live(db, room["id"], KIM_ID), start_live(db, room["id"], LEE_ID, seed=9)
    at = run_page(ROOM, lang="en", query={"code": room["code"]}, state=as_guest(LEE_ID))
    assert not at.exception
    keys = buttons(at)
    assert f"room_stop_{lee}" in keys and f"room_stop_{kim}" not in keys
    assert not {"room_close", "room_ch_clear"} & keys
    assert [b.label for b in at.button if b.key == f"room_stop_{lee}"] == ["Stop training"]
    assert not any(b.label == "Save" for b in at.button)  # no challenge form
    assert "Your nickname in this room: **Lee**" in texts(at)
    member = run_page(ROOM, actor=make_member(db, "ann", "Ann"), lang="en", query={"code": room["code"]})
    assert not {k for k in buttons(member) if k.startswith("room_stop_") or k == "room_close"}
    at.button(key=f"room_stop_{lee}").click().run()
    wait_until(lambda: jobs().registry.snapshot(lee).status == "stopped", timeout=10, what="the stop")
    assert jobs().registry.snapshot(kim).status == "running"


def join_button(at):
    """The join form's submit button, or None."""
    return next((b for b in at.get("form_submit_button") if b.form_id == "room_join_form"), None)


def _join(at, nick: str, code: str | None = None):
    if code is not None:
        at.text_input(key="room_join_code").input(code)
    at.text_input(key="room_join_nick").input(nick)
    return join_button(at).click().run()


def test_joining_refuses_empty_and_taken_nicknames_and_unknown_codes_in_words(run_page, db, room):
    at = run_page(ROOM, lang="en", query={"code": room["code"]}, state=as_guest(MINA_ID))
    _join(at, "   ")
    assert [e.value for e in at.error] == ["Nickname cannot be empty."]
    _join(at, "KIM")
    assert [e.value for e in at.error] == ["Nickname 'KIM' is already taken in this room. Pick another one."]
    assert at.text_input(key="room_join_nick").value == "KIM"  # what was typed stays
    _join(at, "Mina")
    assert not at.error and at.session_state["lab_room"] == {"id": room["id"], "code": room["code"]}
    assert "Your nickname in this room: **Mina**" in texts(at)
    lobby = run_page(ROOM, lang="ko", state=as_guest(MINA_ID))
    _join(lobby, "Mina", code="QQQQQQ")
    assert [e.value for e in lobby.error] == ["코드가 'QQQQQQ'인 방이 없습니다. 코드를 다시 확인해 주세요."]
    assert "lab_room" not in lobby.session_state


def test_a_joined_guests_lab_starts_from_the_challenge_and_lists_its_run_in_the_room(
    run_page, db, room, held
):
    state = {**as_guest(KIM_ID), "lab_room": {"id": room["id"], "code": room["code"]}, "_lab_room_load": True}
    lab = run_page(LAB, lang="en", state=state)
    assert not lab.exception
    assert any(m.startswith(f"You are in room **{room['code']}** as **Kim**") for m in texts(lab))
    assert lab.number_input(key="lab_rnn_steps").value == CHALLENGE_STEPS  # the challenge's config
    assert lab.selectbox(key="lab_rnn_task").value == "recall"
    lab.button(key="lab_rnn_train").click().run()
    assert not lab.exception and not lab.error

    def listed():
        with db.read() as s:
            return rooms.room_runs(session=s, room_id=room["id"], live=jobs().registry.snapshot)

    # the queue hands the job to a slot on its own thread: wait for that, not for a fixed time
    wait_until(lambda: [r.status for r in listed()] == ["running"], timeout=10, what="the run training")
    (run,) = listed()
    assert (run.nickname, run.status, run.config["steps"]) == ("Kim", "running", CHALLENGE_STEPS)
    held.release.set()  # the job ends and is stored: the room links its stored run
    wait_until(lambda: jobs().stored_run_id(run.job_id), timeout=10, what="the stored run")
    with db.read() as s:
        (run,) = rooms.room_runs(session=s, room_id=room["id"])
    assert run.run_id == jobs().stored_run_id(run.job_id) and run.status == "finished"


def test_an_ended_room_stays_viewable_without_joining_or_leader_tools(run_page, db, room):
    store_finished(db, room["id"], KIM_ID, [0.4, 0.7])
    with db.write() as s:
        rooms.close_room(session=s, by=room["leader"], room_id=room["id"])
    for actor in (None, room["leader"]):
        at = run_page(ROOM, actor=actor, lang="en", query={"code": room["code"]}, state=as_guest(MINA_ID))
        assert not at.exception
        assert [i.value for i in at.info] == [
            "This room has ended (closed). Its results stay here to look at."
        ]
        assert chart_lines(at)["loss"] == {"Kim"} and "**Kim**" in texts(at)
        assert join_button(at) is None and "room_close" not in buttons(at)
