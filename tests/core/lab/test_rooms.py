"""Seminar rooms (core/lab/rooms.py) on both back ends: a leader opens a room with a short code,
people join under nicknames (empty, taken, unknown or ended codes refused in words), a closed or
expired room stays viewable, the challenge, runs linked to their stored rows, the leaderboard's
order and the room chart's bounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.errors import AppError, FieldError, InvalidInput, NotFound, PermissionDenied
from core.lab import rooms
from core.lab.charts.base import MAX_ROWS
from core.lab.charts.room import room_chart
from core.lab.config import replace, to_dict
from core.lab.jobs.policy import Participant
from core.lab.presets import PRESETS
from core.lab.runs import RunRecord, store_run
from tests.support.factories import make_leader, make_member

T0 = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
KIM = Participant("guest:" + "1" * 32, "guest")
LEE = Participant("guest:" + "2" * 32, "guest")


def _open(db, leader, **kw) -> tuple[int, str]:
    with db.write() as s:
        room = rooms.open_room(session=s, by=leader, now=T0, **kw)
        return room.id, room.code


def _join(db, code, who, nick, now=T0):
    with db.write() as s:
        return rooms.join_room(session=s, code=code, who=who, nickname=nick, now=now).nickname


def _refusal(db, fn) -> AppError:
    with pytest.raises(AppError) as info:
        with db.write() as s:
            fn(s)
    return info.value


def test_a_leader_opens_a_room_with_a_short_unambiguous_code_members_and_guests_cannot(db):
    lead, ann = make_leader(db), make_member(db, "ann", "Ann")
    rid, code = _open(db, lead, title="Week 3")
    assert rooms.CODE_RE.match(code) and not set(code) & set("01OI")
    with db.read() as s:
        room = rooms.find_room(session=s, code=f" {code[:3].lower()}-{code[3:]} ")  # as typed
        assert (room.id, room.title, rooms.state_of(room, T0)) == (rid, "Week 3", "open")
    for who in (ann, None):
        err = _refusal(db, lambda s, who=who: rooms.open_room(session=s, by=who))
        assert isinstance(err, PermissionDenied) and err.key == "lab.room.leaders_only"


def test_codes_that_collide_are_drawn_again(db):
    lead = make_leader(db)
    first = _open(db, lead, code_fn=lambda: "ABCDEF")[1]
    draws = iter(["ABCDEF", "ABCDEF", "GHJKLM"])
    second = _open(db, lead, code_fn=lambda: next(draws))[1]
    assert (first, second) == ("ABCDEF", "GHJKLM")


def test_a_seminar_room_takes_the_seminar_title_and_an_unknown_seminar_is_refused(db):
    from core.curriculum.seminars import create_seminar

    lead = make_leader(db)
    with db.write() as s:
        sem = create_seminar(session=s, by=lead, title="Attention seminar", starts_at=T0).id
    rid, _ = _open(db, lead, seminar_id=sem)
    with db.read() as s:
        assert rooms.get_room(session=s, room_id=rid).title == "Attention seminar"
        assert [r.id for r in rooms.list_rooms(session=s, seminar_id=sem)] == [rid]
    err = _refusal(db, lambda s: rooms.open_room(session=s, by=lead, seminar_id=sem + 99))
    assert isinstance(err, NotFound) and err.key == "lab.room.no_seminar"


def test_guests_join_with_nicknames_taken_and_empty_ones_are_refused_in_words(db):
    lead = make_leader(db)
    rid, code = _open(db, lead)
    assert _join(db, code, KIM, "  Kim \u200b ") == "Kim"  # spaces and invisible characters dropped
    taken = _refusal(db, lambda s: rooms.join_room(session=s, code=code, who=LEE, nickname="ＫＩＭ", now=T0))
    assert isinstance(taken, FieldError) and taken.key == "lab.room.nickname_taken"
    assert taken.message("en") == "Nickname 'KIM' is already taken in this room. Pick another one."
    assert "이미 쓰는 닉네임" in taken.message("ko")
    for empty in ("", "   ", "\u200b\u200d"):
        err = _refusal(
            db, lambda s, e=empty: rooms.join_room(session=s, code=code, who=LEE, nickname=e, now=T0)
        )
        assert err.key == "lab.room.nickname_empty" and err.message("en") == "Nickname cannot be empty."
    err = _refusal(db, lambda s: rooms.join_room(session=s, code=code, who=LEE, nickname="x" * 41, now=T0))
    assert err.key == "common.error.too_long"
    assert _join(db, code, LEE, "Lee") == "Lee"
    assert _join(db, code, LEE, "Lee Two") == "Lee Two"  # joining again renames, no second seat
    assert _join(db, code, KIM, "kim") == "kim"  # one's own name in another case is not "taken"
    with db.read() as s:
        assert [p.nickname for p in rooms.participants(session=s, room_id=rid)] == ["kim", "Lee Two"]


def test_unknown_and_malformed_codes_are_refused_in_words(db):
    make_leader(db)
    for typed, shown in (("ZZZZZZ", "ZZZZZZ"), ("hello!", "HELLO!"), ("", "")):
        err = _refusal(db, lambda s, c=typed: rooms.join_room(session=s, code=c, who=KIM, nickname="Kim"))
        assert isinstance(err, NotFound) and err.key == "lab.room.unknown_code"
        assert err.message("en") == f"No room has the code '{shown}'. Check the code and try again."


def test_an_expired_or_closed_room_refuses_joins_and_runs_but_stays_viewable(db):
    lead = make_leader(db)
    rid, code = _open(db, lead, hours=2)
    _join(db, code, KIM, "Kim")
    later = T0 + timedelta(hours=2)
    err = _refusal(db, lambda s: rooms.join_room(session=s, code=code, who=LEE, nickname="Lee", now=later))
    assert isinstance(err, InvalidInput) and err.key == "lab.room.expired" and code in err.message("en")
    err = _refusal(db, lambda s: rooms.may_run(session=s, room_id=rid, who=KIM, now=later))
    assert err.key == "lab.room.expired"
    rid2, code2 = _open(db, lead)
    _join(db, code2, KIM, "Kim")
    with db.write() as s:
        rooms.add_run(session=s, room_id=rid2, who=KIM, job_id="j1", cfg=_cfg(), now=T0)
    with db.write() as s:
        rooms.close_room(session=s, by=lead, room_id=rid2, now=T0 + timedelta(minutes=5))
    err = _refusal(db, lambda s: rooms.join_room(session=s, code=code2, who=LEE, nickname="Lee", now=T0))
    assert err.key == "lab.room.closed"
    err = _refusal(
        db, lambda s: rooms.add_run(session=s, room_id=rid2, who=KIM, job_id="j2", cfg=_cfg(), now=T0)
    )
    assert err.key == "lab.room.closed"
    with db.read() as s:  # still found by its code, with its runs
        room = rooms.find_room(session=s, code=code2)
        assert rooms.state_of(room, T0) == "closed"
        assert [r.job_id for r in rooms.room_runs(session=s, room_id=room.id)] == ["j1"]
    member = make_member(db, "ann", "Ann")
    err = _refusal(db, lambda s: rooms.close_room(session=s, by=member, room_id=rid, now=T0))
    assert isinstance(err, PermissionDenied)


def _cfg(**changes):
    return replace(PRESETS["long_term_dependency"].configs["rnn"], **changes)


def test_the_challenge_is_a_preset_config_with_a_target_and_only_leaders_set_it(db):
    lead, ann = make_leader(db), make_member(db, "ann", "Ann")
    rid, _ = _open(db, lead)
    with db.write() as s:
        room = rooms.set_challenge(
            session=s,
            by=lead,
            room_id=rid,
            preset="long_term_dependency",
            tab="rnn",
            target=0.99,
            steps=40,
            now=T0,
        )
        ch = rooms.challenge_of(room)
    assert (ch.preset, ch.tab, ch.target, ch.metric) == ("long_term_dependency", "rnn", 0.99, "val_token_acc")
    assert ch.config == _cfg(steps=40)
    err = _refusal(
        db, lambda s: rooms.set_challenge(session=s, by=ann, room_id=rid, preset="rnn_basics", now=T0)
    )
    assert isinstance(err, PermissionDenied)
    bad = [
        ({"preset": "nope"}, "lab.room.unknown_preset"),
        ({"preset": "rnn_basics", "tab": "transformer"}, "lab.room.preset_tab"),
        ({"preset": "rnn_basics", "target": 1.5}, "lab.room.target_range"),
        ({"preset": "rnn_basics", "target": 0.0}, "lab.room.target_range"),
        ({"preset": "rnn_basics", "steps": 0}, "validation.min"),
    ]
    for kw, key in bad:
        err = _refusal(
            db, lambda s, kw=kw: rooms.set_challenge(session=s, by=lead, room_id=rid, now=T0, **kw)
        )
        assert key in {err.key, *(p.key for p in err.problems)}, (kw, err.key)
    with db.read() as s:  # a refused change kept the challenge
        assert rooms.challenge_of(rooms.get_room(session=s, room_id=rid)) == ch
    with db.write() as s:
        assert (
            rooms.challenge_of(rooms.set_challenge(session=s, by=lead, room_id=rid, preset="", now=T0))
            is None
        )


def test_runs_need_a_seat_and_are_linked_to_their_stored_row(db):
    lead = make_leader(db)
    rid, code = _open(db, lead)
    err = _refusal(
        db, lambda s: rooms.add_run(session=s, room_id=rid, who=KIM, job_id="j1", cfg=_cfg(), now=T0)
    )
    assert err.key == "lab.room.not_joined"
    _join(db, code, KIM, "Kim")
    _join(db, code, LEE, "Lee")
    with db.write() as s:
        rooms.add_run(session=s, room_id=rid, who=KIM, job_id="jk", cfg=_cfg(), now=T0)
        rooms.add_run(session=s, room_id=rid, who=LEE, job_id="jl", cfg=_cfg(seed=7), now=T0)
        rooms.add_run(session=s, room_id=rid, who=LEE, job_id="jgone", cfg=_cfg(), now=T0)
        rec = RunRecord(to_dict(_cfg()), "finished", 30, {}, _curves([0.5, 0.9]), duration_s=4.0)
        run_id = store_run(session=s, by=None, record=rec).id
        assert rooms.attach_run(session=s, job_id="jk", run_id=run_id)
        assert not rooms.attach_run(session=s, job_id="not-a-room-job", run_id=run_id)

    class Live:
        status, step, curves = "running", 12, _curves([0.3])

    asked: list[str] = []

    def live(job_id: str):
        asked.append(job_id)
        return {"jl": Live(), "jk": Live()}.get(job_id)

    with db.read() as s:
        runs = rooms.room_runs(session=s, room_id=rid, live=live, now=T0 + timedelta(seconds=9))
    assert asked == ["jl", "jgone"]  # a stored run's job ended: the queue is not asked (a projector poll)
    assert [(r.nickname, r.status, r.run_id, r.step, r.seconds) for r in runs] == [
        ("Kim", "finished", run_id, 30, 4.0),
        ("Lee", "running", None, 12, 9.0),
        ("Lee", "lost", None, 0, None),  # neither the queue nor the database has it
    ]
    assert [r.job_id for r in rooms.latest_per_participant(runs)] == ["jk", "jgone"]


def _curves(accs: list[float], every: int = 10) -> dict[str, list]:
    n = every * len(accs)
    return {
        "step": list(range(1, n + 1)),
        "loss": [1.0 / s for s in range(1, n + 1)],
        "eval_step": [every * (i + 1) for i in range(len(accs))],
        "val_token_acc": accs,
        "val_seq_acc": accs,
    }


def _run(i, nick, accs, *, seconds=10.0, step=None, cfg=None):
    return rooms.RoomRun(
        i, nick, f"guest:{i}", f"j{i}", None, cfg or to_dict(_cfg()), "finished",
        step or 10 * len(accs), seconds, _curves(accs),
    )  # fmt: skip


def test_the_leaderboard_ranks_reaching_the_target_in_fewest_steps_then_accuracy():
    ch = rooms.Challenge("long_term_dependency", "rnn", _cfg(), "val_token_acc", 0.99, "")
    runs = [
        _run(1, "slow", [0.5, 0.9, 0.995, 0.999]),  # target at step 30
        _run(2, "none", []),  # not evaluated yet
        _run(3, "fast", [0.6, 0.991]),  # target at step 20
        _run(4, "fast-but-later", [0.7, 0.992], seconds=20.0),  # step 20 too, slower clock
        _run(5, "close", [0.5, 0.98]),
        _run(6, "far", [0.2, 0.4, 0.6]),
        _run(7, "close-fewer-steps", [0.98], cfg=to_dict(_cfg(lr=1e-2, **{"model.hidden": 32}))),
    ]
    board = rooms.leaderboard(runs, ch)
    assert [r.run.nickname for r in board] == [
        "fast", "fast-but-later", "slow", "close-fewer-steps", "close", "far", "none",
    ]  # fmt: skip
    assert [r.rank for r in board] == list(range(1, 8))
    assert (board[0].reached_at, board[0].accuracy) == (20, 0.991)
    assert board[3].diff == [("lr", 3e-3, 1e-2), ("model.hidden", 64, 32)]
    assert board[0].diff == []
    plain = rooms.leaderboard(runs, None)  # no challenge: accuracy, then steps
    assert [r.run.nickname for r in plain][:3] == ["slow", "fast-but-later", "fast"]
    assert all(r.reached_at is None and r.diff == [] for r in plain)


def test_the_room_chart_has_one_labelled_line_per_participant_and_bounded_rows():
    lines = [(f"p{i}", _curves([0.1 * (k % 10) for k in range(500)], every=4)) for i in range(40)]
    spec = room_chart(lines, lang="en").to_dict()  # Altair's row guard is on
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) <= MAX_ROWS
    assert {r["who"] for r in rows if r["panel"] == "loss"} == {f"p{i}" for i in range(40)}
    assert {r["who"] for r in rows if r["panel"] == "accuracy"} == {f"p{i}" for i in range(40)}
    small = room_chart([("Kim", _curves([0.5])), ("Kim", _curves([0.7]))], lang="ko").to_dict()
    assert {r["who"] for r in next(iter(small["datasets"].values()))} == {"Kim", "Kim (2)"}
    panels = small["hconcat"]
    assert [p["title"] for p in panels] == ["학습 손실", "검증 토큰 정확도"]
    assert all(layer["layer"][1]["mark"]["type"] == "text" for layer in panels)  # each line labelled


def test_room_rows_survive_the_backup_rules():
    from core.backup_rules import ROW_RULES

    ROW_RULES["lab_rooms"]({"code": "ABCDEF", "challenge_config": None})
    ROW_RULES["lab_rooms"]({"code": "ABCDEF", "challenge_config": to_dict(_cfg())})
    for bad in ({"code": "abc"}, {"code": "ABCDEF", "challenge_config": {"steps": -1}}):
        with pytest.raises(ValueError):
            ROW_RULES["lab_rooms"](bad)
    with pytest.raises(ValueError):
        ROW_RULES["lab_room_runs"]({"config": {"nope": 1}})


def test_without_a_challenge_a_recall_room_is_judged_by_whole_answers():
    # token accuracy counts the always-right <eos>: a plain RNN at chance would show ~55%
    recall = to_dict(_cfg(task="recall", seq_len=21))
    chance = rooms.RoomRun(1, "chance", "guest:1", "j1", None, recall, "finished", 20, 5.0,
                           {**_curves([0.55, 0.56]), "val_seq_acc": [0.1, 0.1]})  # fmt: skip
    learned = rooms.RoomRun(2, "learned", "guest:2", "j2", None, recall, "finished", 20, 5.0,
                            {**_curves([0.52, 0.54]), "val_seq_acc": [0.5, 0.9]})  # fmt: skip
    assert rooms.board_metric([chance, learned], None) == "val_seq_acc"
    assert [r.run.nickname for r in rooms.leaderboard([chance, learned], None)] == ["learned", "chance"]
    copy = _run(3, "copy", [0.5], cfg=to_dict(_cfg(task="copy", seq_len=8)))
    assert rooms.board_metric([copy], None) == "val_token_acc"
