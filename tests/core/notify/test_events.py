"""Each event is recorded where it happens, in the same transaction, once per member and key; the
inbox counts, lists and marks read; preferences and addresses (both back ends)."""

from datetime import date, timedelta

import pytest

from core.curriculum import qa, seminars
from core.errors import InvalidFields, InvalidInput, NotFound
from core.notify import inbox, outbox, prefs
from core.reviews import assignments
from core.reviews import workflow as reviews
from db.base import utcnow
from db.models.notify import Delivery, Notice
from tests.support.factories import make_leader, make_member
from tests.support.reviews import GOOD, make_paper, make_template, submitted

TODAY = date(2026, 12, 3)


def _notices(db, member=None):
    with db.read() as s:
        rows = s.query(Notice).order_by(Notice.id).all()
    return [(n.event, n.member_id) for n in rows if member is None or n.member_id == member.id]


def _assign(db, leader, pid, *members, due=TODAY + timedelta(days=3)):
    with db.write() as s:
        return assignments.assign(
            session=s, by=leader, paper_id=pid, member_ids=[m.id for m in members], due_on=due, today=TODAY
        )


def test_assignment_reaches_each_member_once_even_when_saved_again(db):
    leader = make_leader(db)
    kim, lee = make_member(db, "kim", "김하연", by=leader), make_member(db, "lee", "이민준", by=leader)
    pid = make_paper(db, leader)
    _assign(db, leader, pid, kim, lee)
    _assign(db, leader, pid, kim, lee)  # the same form saved twice: no second notice
    assert _notices(db) == [("assigned", kim.id), ("assigned", lee.id)]
    with db.read() as s:
        n = inbox.notices(session=s, by=kim)[0]
    assert n.page == "write-review" and n.query == {"paper": pid}
    assert n.params["paper"] == "Attention Is All You Need"
    _assign(db, leader, pid, kim, due=TODAY + timedelta(days=5))  # a new due date is news
    assert _notices(db, kim) == [("assigned", kim.id)] * 2


def test_a_rolled_back_write_records_nothing(db):
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    pid = make_paper(db, leader)
    with pytest.raises(RuntimeError), db.write() as s:
        assignments.assign(session=s, by=leader, paper_id=pid, member_ids=[kim.id], due_on=TODAY, today=TODAY)
        raise RuntimeError("the request failed after the assignment")
    assert _notices(db) == []


def test_review_return_approve_and_comments_reach_the_other_side(db):
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    tid = make_template(db, leader)
    pid = make_paper(db, kim)
    rid = submitted(db, kim, pid, tid)
    with db.write() as s:
        reviews.return_review(session=s, by=leader, review_id=rid, feedback="그림 2를 설명해 주세요")
    with db.read() as s:
        version = reviews.get_review(session=s, by=kim, review_id=rid).draft.version
    with db.write() as s:
        reviews.commit_review(session=s, by=kim, review_id=rid, answers=GOOD, expected_version=version)
    with db.write() as s:
        reviews.add_comment(session=s, by=kim, review_id=rid, body="고쳤습니다")  # to the leaders
    with db.write() as s:
        reviews.add_comment(session=s, by=leader, review_id=rid, body="좋아요")  # to the author
    with db.write() as s:
        reviews.approve_review(session=s, by=leader, review_id=rid)
    assert _notices(db) == [
        ("returned", kim.id),
        ("comment", leader.id),
        ("comment", kim.id),
        ("approved", kim.id),
    ]
    with db.read() as s:
        to_leader = inbox.notices(session=s, by=leader)[0]
    assert to_leader.page == "reviews" and to_leader.query == {"review": rid}


def test_new_seminar_reaches_every_active_member_but_its_creator(db):
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    with db.write() as s:
        seminars.create_seminar(
            session=s, by=leader, title="Transformer", starts_at=utcnow() + timedelta(days=2)
        )
    assert _notices(db) == [("new_seminar", kim.id)]
    with db.read() as s:
        n = inbox.notices(session=s, by=kim)[0]
    assert "KST" in n.params["when"] and n.params["title"] == "Transformer"


def test_an_answer_reaches_the_asker_not_the_answerer(db):
    leader = make_leader(db)
    kim, lee = make_member(db, "kim", "김하연", by=leader), make_member(db, "lee", "이민준", by=leader)
    with db.write() as s:
        sem = seminars.create_seminar(
            session=s, by=leader, title="RNN", starts_at=utcnow() + timedelta(days=2)
        )
        question = qa.ask(session=s, by=kim, title="LSTM 게이트?", seminar_id=sem.id)
    with db.write() as s:
        qa.answer(session=s, by=kim, question_id=question.id, body="스스로 답")
        qa.answer(session=s, by=lee, question_id=question.id, body="forget gate 입니다")
    assert [e for e in _notices(db, kim) if e[0] == "answered"] == [("answered", kim.id)]
    assert ("answered", lee.id) not in _notices(db)


def test_inbox_counts_lists_and_marks_read_only_your_own(db):
    leader = make_leader(db)
    kim, lee = make_member(db, "kim", "김하연", by=leader), make_member(db, "lee", "이민준", by=leader)
    pid1, pid2 = make_paper(db, leader), make_paper(db, leader, "BERT", "1810.04805")
    _assign(db, leader, pid1, kim, lee)
    _assign(db, leader, pid2, kim)
    with db.read() as s:
        assert inbox.unread_count(session=s, by=kim) == 2
        assert inbox.unread_count(session=s, by=None) == 0
        newest = inbox.notices(session=s, by=kim)[0]
        lees = inbox.notices(session=s, by=lee)[0]
    assert newest.params["paper"] == "BERT"
    with pytest.raises(NotFound), db.write() as s:
        inbox.mark_read(session=s, by=kim, notice_id=lees.id)
    with db.write() as s:
        inbox.mark_read(session=s, by=kim, notice_id=newest.id)
    with db.read() as s:
        assert inbox.unread_count(session=s, by=kim) == 1
        assert len(inbox.notices(session=s, by=kim, unread_only=True)) == 1
    with db.write() as s:
        assert inbox.mark_all_read(session=s, by=kim) == 1
    with db.read() as s:
        assert inbox.unread_count(session=s, by=kim) == 0
        assert inbox.unread_count(session=s, by=lee) == 1


def test_preferences_choose_inbox_and_channels_per_event(db, monkeypatch):
    monkeypatch.setenv("STUDY_NOTIFY_ALLOW_LOCAL_HTTP", "1")
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    with db.write() as s:
        prefs.set_addresses(
            session=s, by=kim, values={"discord": "https://discord.com/api/webhooks/1/x", "slack": ""}
        )
        prefs.set_matrix(
            session=s, by=kim, choices={("assigned", "inbox"): False, ("new_seminar", "discord"): False}
        )
    pid = make_paper(db, leader)
    _assign(db, leader, pid, kim)
    with db.write() as s:
        seminars.create_seminar(session=s, by=leader, title="GRU", starts_at=utcnow() + timedelta(days=2))
    with db.read() as s:
        assert inbox.unread_count(session=s, by=kim) == 1  # the assignment stays out of the inbox
        outs = [(d.channel, s.get(Notice, d.notice_id).event) for d in s.query(Delivery).all()]
        chosen = prefs.matrix(session=s, member_id=kim.id)
    assert outs == [("discord", "assigned")]  # no slack address; the seminar's discord turned off
    assert chosen[("assigned", "inbox")] is False and chosen[("assigned", "discord")] is True


def test_bad_addresses_are_named_and_nothing_is_saved(db, monkeypatch):
    monkeypatch.delenv("STUDY_NOTIFY_ALLOW_LOCAL_HTTP", raising=False)
    monkeypatch.delenv("STUDY_SMTP_HOST", raising=False)
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    with db.write() as s:
        prefs.set_addresses(session=s, by=kim, values={"discord": "https://discord.com/api/webhooks/1/x"})
    with pytest.raises(InvalidFields) as caught, db.write() as s:
        prefs.set_addresses(
            session=s,
            by=kim,
            values={"discord": "http://discord.com/api/webhooks/2/y", "slack": "ftp://x", "email": "a@b.co"},
        )
    lines = caught.value.lines("ko")
    assert "웹후크 주소는 https:// 로 시작해야 합니다." in " ".join(lines)
    assert any("이메일 발송이 꺼져" in line for line in lines)
    assert len(caught.value.lines("en")) == 3
    with db.read() as s:
        assert (
            prefs.addresses(session=s, member_id=kim.id)["discord"] == "https://discord.com/api/webhooks/1/x"
        )


def test_webhooks_point_only_at_their_service():
    ok = prefs.check_webhook(
        "https://hooks.slack.com/services/T0/B0/x", "f", channel="slack", allow_local_http=False
    )
    assert ok.startswith("https://hooks.slack.com/")
    assert prefs.check_webhook("https://ptb.discord.com/api/webhooks/1/x", "f", allow_local_http=False)
    for bad in (
        "https://10.0.0.5/hook",
        "https://discord.com.evil.org/api/webhooks/1/x",
        "https://127.0.0.1/x",
    ):
        with pytest.raises(InvalidInput) as caught:
            prefs.check_webhook(bad, "notify.prefs.discord_url", allow_local_http=False)
        assert "discord.com, discordapp.com" in caught.value.message("en")
    with pytest.raises(InvalidInput):
        prefs.check_webhook(
            "https://discord.com/api/webhooks/1/x", "f", channel="slack", allow_local_http=False
        )


def test_local_http_webhooks_only_with_the_test_setting():
    with pytest.raises(InvalidInput):
        prefs.check_webhook("http://127.0.0.1:9/hook", "f", allow_local_http=False)
    assert prefs.check_webhook("http://127.0.0.1:9/hook", "f", allow_local_http=True)
    with pytest.raises(InvalidInput):
        prefs.check_webhook("http://example.com/hook", "f", allow_local_http=True)


def test_inactive_members_hear_nothing(db):
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    from core.accounts import members

    with db.read() as s:
        version = members.get_member(session=s, member_id=kim.id).version
    with db.write() as s:
        members.update_member(
            session=s,
            by=leader,
            member_id=kim.id,
            expected_version=version,
            display_name="김하연",
            role="member",
            active=False,
        )
    with db.write() as s:
        assert outbox.emit(s, "new_seminar", to=[kim.id], ref="x", params={}) == []
