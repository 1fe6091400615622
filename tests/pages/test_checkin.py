"""Seminar check-in on the seminars page: the typed code, the scanned link ?checkin=<code> (signed
in, or after signing in), a wrong code's message, the leader's code and QR, mark all present, and
members seeing only their own attendance."""

from datetime import timedelta

from core.curriculum import attendance, seminars
from db.base import utcnow
from tests.support.factories import make_leader, make_member


def _on_now(db, leader, title="지금 하는 세미나"):
    with db.write() as s:
        return seminars.create_seminar(
            session=s, by=leader, title=title, starts_at=utcnow() - timedelta(minutes=5)
        )


def _status(db, leader, sem, member):
    with db.read() as s:
        row = attendance.for_seminar(session=s, by=leader, seminar_id=sem.id).get(member.id)
    return row.status if row else None


def _texts(at):
    return " ".join(
        str(x.value) for kind in ("info", "error", "success", "caption", "markdown") for x in at.get(kind)
    )


def test_scanned_link_checks_a_signed_in_member_in_once(run_page, db):
    leader = make_leader(db)
    member = make_member(db, "minjun", "이민준", by=leader)
    sem = _on_now(db, leader)
    at = run_page("views/seminars.py", actor=member, lang="en", query={"checkin": sem.checkin_code})
    assert not at.exception
    assert _status(db, leader, sem, member) == "present"
    assert "checkin" not in at.query_params  # a reload does not try the code again
    assert "Your attendance: Present" in at.success[0].value


def test_scanned_link_asks_a_guest_to_sign_in_and_keeps_the_code(run_page, db):
    leader = make_leader(db)
    member = make_member(db, "minjun", "이민준", by=leader)
    sem = _on_now(db, leader)
    at = run_page("views/seminars.py", lang="en", query={"checkin": sem.checkin_code})
    assert not at.exception
    assert "Sign in on the left to check in" in at.info[0].value
    assert at.query_params["checkin"] == sem.checkin_code  # signing in reruns the same link
    assert _status(db, leader, sem, member) is None
    at.session_state["actor"] = member  # what signing in does; the same URL runs again
    at.run()
    assert not at.exception
    assert _status(db, leader, sem, member) == "present"


def test_wrong_code_is_explained_and_nothing_is_stored(run_page, db):
    leader = make_leader(db)
    member = make_member(db, "minjun", "이민준", by=leader)
    sem = _on_now(db, leader)
    wrong = "ZZZZZZ" if sem.checkin_code != "ZZZZZZ" else "YYYYYY"
    at = run_page("views/seminars.py", actor=member, lang="ko")
    at.text_input[0].input(wrong)
    next(b for b in at.button if b.label == "출석 체크인").click().run()
    assert not at.exception
    assert "체크인 코드가 맞지 않거나" in at.error[0].value and "9번" in at.error[0].value
    assert _status(db, leader, sem, member) is None


def test_leader_sees_the_code_and_its_qr_and_marks_all_present(run_page, db):
    leader = make_leader(db)
    member = make_member(db, "minjun", "이민준", by=leader)
    sem = _on_now(db, leader)
    at = run_page("views/seminars.py", actor=leader, lang="en")
    assert not at.exception
    assert f"# {sem.checkin_code}" in [m.value for m in at.markdown]
    assert any(f"seminars?checkin={sem.checkin_code}" in c.value for c in at.code)
    assert len(at.get("image")) == 1  # the QR of the check-in link
    next(b for b in at.button if b.label == "Mark all present").click().run()
    assert not at.exception
    assert _status(db, leader, sem, member) == _status(db, leader, sem, leader) == "present"


def test_member_sees_only_their_own_attendance_and_no_code(run_page, db):
    leader = make_leader(db)
    member = make_member(db, "minjun", "이민준", by=leader)
    make_member(db, "seoyeon", "김서연", by=leader)
    sem = _on_now(db, leader)
    with db.write() as s:
        attendance.mark_all_present(session=s, by=leader, seminar_id=sem.id)
    at = run_page("views/seminars.py", actor=member, lang="en")
    assert not at.exception
    assert sem.checkin_code not in _texts(at) + " ".join(c.value for c in at.code)
    [table] = at.dataframe
    assert list(table.value["member"]) == ["이민준"]
    assert table.value["rate"][0] == 100
    assert "Only your own attendance is shown." in _texts(at)
