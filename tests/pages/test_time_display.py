"""Every screen shows stored UTC times in the group's zone (KST by default, another zone after a
leader changes the setting), and date defaults come from the group's today (AppTest, clock
injected: core.timezone.use_clock)."""

from datetime import UTC, date, datetime

import pytest

from core import timezone
from core.curriculum import qa
from core.curriculum import weeks as cur
from core.lab import rooms
from core.lab.config import to_dict
from core.reviews import workflow as reviews
from db.models.curriculum import Answer, Note, Question
from db.models.lab import LabRun
from db.models.reviews import Review, ReviewComment, ReviewRevision
from tests.support.factories import make_leader, make_member
from tests.support.lab import LAB, TINY_RNN
from tests.support.reviews import make_paper, make_template, start, submitted
from ui.curriculum import keys as cur_keys
from ui.lab import keys as lab_keys
from ui.reviews import keys as rev_keys
from ui.shell.keys import ZONE_PICK
from ui.shell.time import forget_zone

INSTANT = datetime(2026, 12, 3, 15, 30, 5, tzinfo=UTC)
KST, BERLIN = "2026-12-04 00:30", "2026-12-03 16:30"


def _zone(db, leader, name: str) -> None:
    with db.write() as s:
        timezone.set_group_zone(session=s, by=leader, name=name)
    forget_zone()  # the pages remember the zone for a few seconds


def _stamp(db, model, key, column="created_at") -> None:
    with db.write() as s:
        setattr(s.get(model, key), column, INSTANT)


def _texts(at) -> str:
    parts = [*at.caption, *at.markdown, *at.text, *at.info, *at.success]
    return "\n".join(str(p.value) for p in parts)


@pytest.fixture
def review(db):
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    tid = make_template(db, leader)
    pid = make_paper(db, kim)
    rid = submitted(db, kim, pid, tid)
    with db.write() as s:
        comment = reviews.add_comment(session=s, by=leader, review_id=rid, body="좋아요")
        [revision] = reviews.revisions(session=s, by=leader, review_id=rid)
        comment_id, revision_id = comment.id, revision.id
    _stamp(db, ReviewComment, comment_id)
    _stamp(db, ReviewRevision, revision_id)
    return leader, kim, tid, pid, rid


def test_comment_and_revision_times(run_page, db, review):
    leader, kim, tid, pid, rid = review
    at = run_page("views/reviews.py", actor=leader, lang="en", query={"review": str(rid)})
    assert not at.exception
    shown = _texts(at)
    assert f"#1 · Submitted · {KST}" in shown  # the revision list
    assert f"스터디장 · {KST}" in shown  # the comment thread
    _zone(db, leader, "Europe/Berlin")
    shown = _texts(run_page("views/reviews.py", actor=leader, lang="en", query={"review": str(rid)}))
    assert f"#1 · Submitted · {BERLIN}" in shown and f"스터디장 · {BERLIN}" in shown
    assert KST not in shown


def test_review_search_updated_column(run_page, db, review):
    leader, kim, tid, pid, rid = review
    _stamp(db, Review, rid, "updated_at")
    at = run_page("views/reviews.py", actor=leader, lang="en")
    assert list(at.dataframe[0].value["Updated"]) == [KST]


def test_autosave_stamp(run_page, db):
    leader = make_leader(db)
    kim = make_member(db, "kim", by=leader)
    tid, pid = make_template(db, leader), make_paper(db, leader)
    rid, _ = start(db, kim, pid, tid)
    saved_at = rev_keys.draft_state(rid)["saved_at"]  # set by the autosave from the draft it saved
    at = run_page("views/review_write.py", actor=kim, lang="en", query={"paper": str(pid)})
    at.session_state[saved_at] = INSTANT
    assert "Draft saved at 00:30:05" in _texts(at.run())
    _zone(db, leader, "America/New_York")
    at.session_state[saved_at] = INSTANT
    assert "Draft saved at 10:30:05" in _texts(at.run())


def test_notes_and_qa_times(run_page, db):
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    with db.write() as s:
        week = cur.create_week(session=s, by=leader, title_ko="트랜스포머")
        note = cur.add_note(session=s, by=kim, week_id=week.id, title="메모", body="본문")
        question = qa.ask(session=s, by=kim, title="질문", week_id=week.id)
        answer = qa.answer(session=s, by=leader, question_id=question.id, body="답")
        ids = note.id, question.id, answer.id
    for model, key in zip((Note, Question, Answer), ids, strict=True):
        _stamp(db, model, key)
    assert KST in _texts(run_page("views/curriculum.py", actor=kim, lang="en"))
    shown = _texts(run_page("views/qa.py", actor=kim, lang="en"))
    assert shown.count(KST) >= 2  # the question and its answer
    _zone(db, leader, "Europe/Berlin")
    assert BERLIN in _texts(run_page("views/curriculum.py", actor=kim, lang="en"))
    assert BERLIN in _texts(run_page("views/qa.py", actor=kim, lang="en"))


def test_lab_history_times_and_its_date_filter_use_the_groups_days(run_page, db):
    with db.write() as s:
        run = LabRun(
            kind="rnn",
            task=TINY_RNN.task,
            status="finished",
            config=to_dict(TINY_RNN),
            config_hash="x" * 64,
            seed=TINY_RNN.seed,
            created_at=INSTANT,
        )
        s.add(run)
        s.flush()
        run_id = run.id
    at = run_page(LAB, lang="en", query={"tab": "compare"})
    assert not at.exception
    assert list(at.dataframe[0].value["When"]) == [KST]
    # the run was made on 12-04 in Seoul (12-03 in UTC): the group's day finds it
    at.date_input(key=lab_keys.FILTER_DATES).set_value((date(2026, 12, 4), date(2026, 12, 4))).run()
    assert list(at.dataframe[0].value["#"]) == [run_id]
    at.date_input(key=lab_keys.FILTER_DATES).set_value((date(2026, 12, 3), date(2026, 12, 3))).run()
    assert any("No runs match" in i.value for i in at.info)


@pytest.mark.parametrize(("zone", "day"), [("Asia/Seoul", date(2026, 12, 4)), ("UTC", date(2026, 12, 3))])
def test_seminar_form_defaults_to_the_groups_today_just_after_midnight(run_page, db, zone, day):
    leader = make_leader(db)
    _zone(db, leader, zone)
    with timezone.use_clock(INSTANT):  # 00:30 on 12-04 in Korea, still 12-03 in UTC
        at = run_page("views/seminars.py", actor=leader, lang="en")
    assert not at.exception
    assert at.date_input(key=cur_keys.seminar_field(cur_keys.NEW_SEMINAR, "day")).value == day


def test_assignment_due_date_defaults_from_the_groups_today(run_page, db):
    leader = make_leader(db)
    with timezone.use_clock(INSTANT):
        at = run_page("views/assignments.py", actor=leader, lang="en")
    assert not at.exception
    due = at.date_input(key=rev_keys.ASSIGN_DUE)
    assert due.value == date(2026, 12, 11) and due.min == date(2026, 12, 4)


def test_a_leader_changes_the_zone_on_the_members_page(run_page, db, review):
    leader, kim, tid, pid, rid = review
    with timezone.use_clock(INSTANT):
        # Korean: AppTest formats the page's other select boxes outside the run, in Korean
        at = run_page("views/members.py", actor=leader, lang="ko")
        assert at.selectbox(key=ZONE_PICK).value == "Asia/Seoul"
        assert f"지금 모임 시각: {KST}" in _texts(at)
        at.selectbox(key=ZONE_PICK).set_value("Europe/Berlin")
        at = next(b for b in at.button if b.label == "시간대 저장").click().run()
    assert not at.exception and not at.error
    assert "Europe/Berlin" in at.toast[0].value
    with db.read() as s:
        assert timezone.group_zone(session=s).key == "Europe/Berlin"
    # every screen follows at once, without waiting for the remembered zone to expire
    shown = _texts(run_page("views/reviews.py", actor=leader, lang="en", query={"review": str(rid)}))
    assert f"#1 · Submitted · {BERLIN}" in shown


def test_room_lobby_times(run_page, db):
    leader = make_leader(db)
    with db.write() as s:
        rooms.open_room(session=s, by=leader, title="Week 2", now=INSTANT)
    at = run_page("views/room.py", actor=leader, lang="en")
    assert not at.exception
    assert any(KST in link.proto.label for link in at.get("page_link"))
    _zone(db, leader, "Europe/Berlin")
    at = run_page("views/room.py", actor=leader, lang="en")
    assert any(BERLIN in link.proto.label for link in at.get("page_link"))
