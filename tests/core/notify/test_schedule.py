"""The periodic check: due within 24 hours, overdue, a seminar within 30 minutes; running it twice,
or in two processes, records each notice once (both back ends)."""

import threading
from datetime import UTC, date, datetime, timedelta

from core.curriculum import seminars
from core.notify import schedule
from core.reviews import assignments
from db.models.notify import Notice
from tests.support.factories import make_leader, make_member
from tests.support.reviews import make_paper, make_template, submitted

DUE = date(2026, 12, 10)
END_KST = datetime(2026, 12, 10, 15, 0, tzinfo=UTC)  # midnight after Dec 10 in Seoul (UTC+9)


def _events(db):
    with db.read() as s:
        return sorted((n.event, n.member_id) for n in s.query(Notice).all() if n.event != "assigned")


def _scan(db, now):
    with db.write() as s:
        return schedule.scan(s, now=now)


def test_due_soon_then_overdue_once_each_and_not_for_a_submitted_review(db):
    leader = make_leader(db)
    kim, lee = make_member(db, "kim", "김하연", by=leader), make_member(db, "lee", "이민준", by=leader)
    tid = make_template(db, leader)
    pid = make_paper(db, leader)
    with db.write() as s:
        assignments.assign(
            session=s,
            by=leader,
            paper_id=pid,
            member_ids=[kim.id, lee.id],
            due_on=DUE,
            today=date(2026, 12, 1),
        )
    submitted(db, lee, pid, tid)
    assert _scan(db, END_KST - timedelta(hours=25)) == 0  # more than a day ahead
    assert _scan(db, END_KST - timedelta(hours=23)) == 1
    assert _scan(db, END_KST - timedelta(hours=1)) == 0  # the same notice is not recorded twice
    assert _events(db) == [("due_soon", kim.id)]
    assert _scan(db, END_KST + timedelta(minutes=1)) == 1
    assert _scan(db, END_KST + timedelta(hours=5)) == 0
    assert _events(db) == [("due_soon", kim.id), ("overdue", kim.id)]
    assert _scan(db, END_KST + timedelta(days=8)) == 0  # long overdue: not announced again


def test_seminar_starting_within_30_minutes_reaches_everyone_once(db):
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    start = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    with db.write() as s:
        seminars.create_seminar(session=s, by=leader, title="LSTM", starts_at=start)
    assert _scan(db, start - timedelta(minutes=31)) == 0
    assert _scan(db, start - timedelta(minutes=29)) == 2
    assert _scan(db, start - timedelta(minutes=5)) == 0
    assert _scan(db, start + timedelta(minutes=1)) == 0  # started: no "starts soon"
    assert _events(db) == [("new_seminar", kim.id), ("seminar_soon", leader.id), ("seminar_soon", kim.id)]
    with db.read() as s:
        soon = s.query(Notice).filter(Notice.event == "seminar_soon", Notice.member_id == kim.id).one()
    assert soon.params["when"] == "2026-12-05 19:00 KST"


def test_two_processes_checking_at_once_record_each_notice_once(db):
    leader = make_leader(db)
    for i in range(4):
        make_member(db, f"mem{i}", f"멤버{i}", by=leader)
    start = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    with db.write() as s:
        seminars.create_seminar(session=s, by=leader, title="LSTM", starts_at=start)
    barrier, made = threading.Barrier(2), []

    def check():
        barrier.wait()
        made.append(_scan(db, start - timedelta(minutes=10)))

    threads = [threading.Thread(target=check) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(made) == [0, 5]
    assert len([e for e in _events(db) if e[0] == "seminar_soon"]) == 5
