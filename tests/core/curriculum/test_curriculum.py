"""Weeks, materials and notes: permissions, validation, reorder/archive, stale edits."""

from datetime import date

import pytest

from core.curriculum import weeks as cur
from core.errors import NotFound, PermissionDenied, StaleEdit
from core.validate import FieldError
from tests.support.factories import make_leader, make_member


@pytest.fixture
def people(db):
    leader = make_leader(db)
    return (
        leader,
        make_member(db, "minjun", "이민준", by=leader),
        make_member(db, "seoyeon", "박서연", by=leader),
    )


def _week(db, by, title="어텐션", **kw):
    with db.write() as s:
        return cur.create_week(session=s, by=by, title_ko=title, **kw)


def test_leader_creates_weeks_in_order_and_members_cannot(db, people):
    leader, member, _ = people
    w1 = _week(db, leader, "기초", title_en="Basics", tags="MLP, CNN ,#rnn, mlp")
    w2 = _week(db, leader, "어텐션")
    assert (w1.number, w2.number) == (1, 2)
    assert cur.tag_list(w1.tags) == ["mlp", "cnn", "rnn"]
    for who in (member, None):
        with pytest.raises(PermissionDenied), db.write() as s:
            cur.create_week(session=s, by=who, title_ko="몰래")
    with db.read() as s:
        assert [w.title_ko for w in cur.list_weeks(session=s)] == ["기초", "어텐션"]


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"title_ko": "  "}, "cur.week.title_ko"),
        (
            {"title_ko": "x", "start_date": date(2025, 4, 10), "end_date": date(2025, 4, 3)},
            "cur.week.end_date",
        ),
        ({"title_ko": "x", "lab_preset": "no_such_preset"}, "cur.week.lab_preset"),
        ({"title_ko": "x", "tags": ",".join(f"t{i}" for i in range(20))}, "cur.week.tags"),
    ],
)
def test_bad_week_input_names_the_field_and_saves_nothing(db, people, kwargs, field):
    leader = people[0]
    with pytest.raises(FieldError) as err, db.write() as s:
        cur.create_week(session=s, by=leader, **kwargs)
    assert err.value.field == field
    assert "입력을 확인해 주세요" in err.value.message("ko")
    with db.read() as s:
        assert cur.list_weeks(session=s, include_archived=True) == []


def test_dates_out_of_order_message_in_both_languages(db, people):
    with pytest.raises(FieldError) as err, db.write() as s:
        cur.create_week(
            session=s, by=people[0], title_ko="x", start_date=date(2025, 5, 2), end_date=date(2025, 5, 1)
        )
    assert "종료일" in err.value.message("ko")
    assert "end date" in err.value.message("en")


def test_reorder_and_archive(db, people):
    leader, member, _ = people
    a, b, c = (_week(db, leader, t) for t in "ABC")
    with db.write() as s:
        cur.move_week(session=s, by=leader, week_id=c.id, step=-1)
    with db.read() as s:
        assert [w.title_ko for w in cur.list_weeks(session=s)] == ["A", "C", "B"]
        assert [w.number for w in cur.list_weeks(session=s)] == [1, 2, 3]
    with db.write() as s:
        cur.move_week(session=s, by=leader, week_id=a.id, step=-1)  # already first: no change
        cur.set_archived(session=s, by=leader, week_id=a.id, archived=True)
    with db.read() as s:
        assert [w.title_ko for w in cur.list_weeks(session=s)] == ["C", "B"]
        assert len(cur.list_weeks(session=s, include_archived=True)) == 3
    with pytest.raises(PermissionDenied), db.write() as s:
        cur.move_week(session=s, by=member, week_id=b.id, step=1)
    with db.write() as s:
        cur.set_archived(session=s, by=leader, week_id=a.id, archived=False)
    with db.read() as s:
        assert cur.list_weeks(session=s)[-1].title_ko == "A"


def test_stale_week_edit_is_refused_with_the_newer_text(db, people):
    leader = people[0]
    other = make_leader(db, "second", "둘째 스터디장")
    w = _week(db, leader, "원래 제목")
    with db.write() as s:
        cur.update_week(
            session=s, by=other, week_id=w.id, expected_version=w.version, title_ko="다른 사람이 먼저 고침"
        )
    with pytest.raises(StaleEdit) as err, db.write() as s:
        cur.update_week(
            session=s, by=leader, week_id=w.id, expected_version=w.version, title_ko="내가 고친 제목"
        )
    assert err.value.current.title_ko == "다른 사람이 먼저 고침"
    with db.read() as s:
        assert cur.get_week(session=s, week_id=w.id).title_ko == "다른 사람이 먼저 고침"


def test_materials_need_http_urls_and_a_leader(db, people):
    leader, member, _ = people
    w = _week(db, leader)
    with db.write() as s:
        cur.add_material(
            session=s,
            by=leader,
            week_id=w.id,
            kind="paper",
            title="Attention Is All You Need",
            url="https://arxiv.org/abs/1706.03762",
        )
    with pytest.raises(FieldError) as err, db.write() as s:
        cur.add_material(
            session=s, by=leader, week_id=w.id, kind="link", title="x", url="javascript:alert(1)"
        )
    assert err.value.field == "cur.material.url"
    with pytest.raises(PermissionDenied), db.write() as s:
        cur.add_material(session=s, by=member, week_id=w.id, kind="link", title="x")
    with db.read() as s:
        assert [m.kind for m in cur.list_materials(session=s, week_id=w.id)] == ["paper"]


def test_members_write_notes_and_edit_only_their_own(db, people):
    leader, minjun, seoyeon = people
    w = _week(db, leader)
    with db.write() as s:
        note = cur.add_note(
            session=s,
            by=minjun,
            week_id=w.id,
            title="Q/K/V 정리",
            body="$\\mathrm{softmax}(QK^T/\\sqrt{d_k})V$",
        )
    with pytest.raises(PermissionDenied), db.write() as s:
        cur.add_note(session=s, by=None, week_id=w.id, title="guest", body="x")
    for intruder in (seoyeon, leader):
        with pytest.raises(PermissionDenied), db.write() as s:
            cur.update_note(
                session=s,
                by=intruder,
                note_id=note.id,
                expected_version=note.version,
                title="가로챔",
                body="x",
            )
    with db.write() as s:
        edited = cur.update_note(
            session=s,
            by=minjun,
            note_id=note.id,
            expected_version=note.version,
            title="Q/K/V 정리 (수정)",
            body="본문",
        )
    assert edited.version == note.version + 1
    with db.read() as s:
        notes = cur.list_notes(session=s, week_id=w.id)
    assert notes[0].author.display_name == "이민준"  # author loaded, readable after the session
    with pytest.raises(PermissionDenied), db.write() as s:
        cur.delete_note(session=s, by=seoyeon, note_id=note.id)
    with db.write() as s:
        cur.delete_note(session=s, by=leader, note_id=note.id)  # leaders moderate
    with pytest.raises(NotFound), db.read() as s:
        cur.get_note(session=s, note_id=note.id)


def test_stale_note_edit_from_two_tabs(db, people):
    leader, minjun, _ = people
    w = _week(db, leader)
    with db.write() as s:
        note = cur.add_note(session=s, by=minjun, week_id=w.id, title="t", body="첫 판")
    with db.write() as s:  # tab 1 saves
        cur.update_note(
            session=s, by=minjun, note_id=note.id, expected_version=note.version, title="t", body="탭 1"
        )
    with pytest.raises(StaleEdit) as err, db.write() as s:  # tab 2 began from the same version
        cur.update_note(
            session=s, by=minjun, note_id=note.id, expected_version=note.version, title="t", body="탭 2"
        )
    assert err.value.current.body == "탭 1"


def test_leader_corrects_a_material_and_a_concurrent_edit_is_refused(db, people):
    leader, member, _ = people
    w = _week(db, leader)
    with db.write() as s:
        m = cur.add_material(
            session=s,
            by=leader,
            week_id=w.id,
            kind="link",
            title="Attention paper",
            url="https://arxiv.org/abs/1706.0376",
        )
        seen = {k: getattr(m, k) for k in cur.MATERIAL_FIELDS}
        mid = m.id
    with db.write() as s:
        cur.update_material(
            session=s,
            by=leader,
            material_id=mid,
            kind="paper",
            title="Attention Is All You Need",
            url="https://arxiv.org/abs/1706.03762",
            note="원 논문",
            seen=seen,
        )
    with db.read() as s:
        (got,) = cur.list_materials(session=s, week_id=w.id)
        assert (got.kind, got.title, got.url, got.note) == (
            "paper",
            "Attention Is All You Need",
            "https://arxiv.org/abs/1706.03762",
            "원 논문",
        )
    # a second editor who opened the form before that save is refused, with the newer fields
    with pytest.raises(StaleEdit) as err, db.write() as s:
        cur.update_material(session=s, by=leader, material_id=mid, kind="link", title="other", seen=seen)
    assert err.value.current.title == "Attention Is All You Need"
    with pytest.raises(PermissionDenied), db.write() as s:
        cur.update_material(session=s, by=member, material_id=mid, kind="link", title="x")
    with pytest.raises(FieldError) as bad, db.write() as s:
        cur.update_material(
            session=s, by=leader, material_id=mid, kind="link", title="x", url="javascript:alert(1)"
        )
    assert bad.value.field == "cur.material.url"
    with pytest.raises(FieldError), db.write() as s:
        cur.update_material(session=s, by=leader, material_id=mid, kind="video", title="x")
    with db.read() as s:
        assert (
            cur.list_materials(session=s, week_id=w.id)[0].title == "Attention Is All You Need"
        )  # unchanged
