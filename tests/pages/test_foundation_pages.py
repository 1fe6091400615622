"""Frame, setup, home, members and backup pages in AppTest (SQLite; the restore on both back ends)."""

import pytest

from core.accounts import members
from tests.support.factories import PASSWORD, make_leader, make_member


def test_first_visit_asks_for_leader_then_signs_in(run_app, db):
    at = run_app()
    assert not at.exception
    assert "스터디장" in at.title[0].value
    at.text_input[0].input("boss")
    at.text_input[1].input("김스터디")
    at.text_input[2].input(PASSWORD)
    at.text_input[3].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["actor"].is_leader
    with db.read() as s:
        assert not members.needs_first_leader(session=s)


def test_setup_password_mismatch_keeps_input(run_app, db):
    at = run_app(lang="en")
    at.text_input[0].input("boss")
    at.text_input[1].input("Kim")
    at.text_input[2].input(PASSWORD)
    at.text_input[3].input("different pw 9")
    at.button[0].click().run()
    assert "differ" in at.error[0].value
    assert at.text_input[0].value == "boss"


def test_home_in_korean_and_english_for_guest(run_app, db):
    make_leader(db)
    at = run_app()
    assert not at.exception
    assert at.title[0].value == "스터디 대시보드"
    at = run_app(lang="en")
    assert at.title[0].value == "Study Dashboard"


def test_guest_cannot_reach_members_page_but_leader_can(run_app, db):
    leader = make_leader(db)
    member = make_member(db, by=leader)
    for who in (None, member):
        at = run_app(actor=who)
        with pytest.raises(ValueError):
            at.switch_page("views/members.py").run()
    at = run_app(actor=leader)
    at.switch_page("views/members.py").run()
    assert not at.exception


def test_sign_in_box_generic_error_and_success(run_page, db):
    make_leader(db, "boss")
    at = run_page("views/home.py", lang="en")
    at.sidebar.text_input[0].input("boss")
    at.sidebar.text_input[1].input("wrong password")
    at.sidebar.button[0].click().run()
    assert at.sidebar.error[0].value == "Wrong username or password."
    at.sidebar.text_input[1].input(PASSWORD)
    at.sidebar.button[0].click().run()
    assert at.session_state["actor"].username == "boss"


def test_members_page_add_duplicate_and_edit(run_page, db):
    leader = make_leader(db)
    at = run_page("views/members.py", actor=leader)
    assert not at.exception
    form_inputs = at.text_input
    form_inputs[0].input("kim")
    form_inputs[1].input("김민수")
    form_inputs[2].input(PASSWORD)
    add_button = [b for b in at.button if b.label == "멤버 추가"][0]
    add_button.click().run()
    assert not at.exception
    with db.read() as s:
        assert "kim" in [m.username for m in members.list_members(session=s)]
    at.text_input[0].input("kim")
    at.text_input[1].input("또 김민수")
    at.text_input[2].input(PASSWORD)
    [b for b in at.button if b.label == "멤버 추가"][0].click().run()
    assert "이미 있는 아이디" in at.error[0].value
    assert at.text_input[1].value == "또 김민수"


def test_backup_page_offers_downloads(run_page, db):
    leader = make_leader(db)
    at = run_page("views/backup.py", actor=leader)
    assert not at.exception
    labels = [d.proto.label for d in at.get("download_button")]
    assert "JSON 백업 내려받기" in labels


def test_malformed_database_url_stops_with_message(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.support.paths import APP

    monkeypatch.setenv("DATABASE_URL", "this is not a url")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "DATABASE_URL" in at.error[0].value


def test_language_switch_is_remembered_for_member(run_page, db):
    leader = make_leader(db)
    at = run_page("views/home.py", actor=leader)
    at.sidebar.radio[0].set_value("en").run()
    assert at.title[0].value == "Study Dashboard"
    with db.read() as s:
        assert members.get_member(session=s, member_id=leader.id).language == "en"


@pytest.mark.both_backends  # restoring writes every table and resets PostgreSQL's sequences
def test_restore_from_setup_screen(run_app, db, tmp_path):
    import json

    from core import backup
    from db.engine import Database
    from db.migrate import upgrade

    source = Database(f"sqlite:///{tmp_path / 'src.db'}")
    upgrade(source.engine)
    boss = make_leader(source, "boss", "김보스")
    with source.read() as s:
        data = backup.export_json(session=s, by=boss)
    source.dispose()
    at = run_app()
    assert len(at.get("file_uploader")) == 1  # the restore form is on the setup screen
    assert json.loads(data)["format"] == "study-dashboard-backup"
    with db.write() as s:
        from db.migrate import current_heads

        backup.restore(session=s, data=data, expected_schema=sorted(current_heads(db.engine)))
    at = run_app()
    assert at.title[0].value == "스터디 대시보드"  # setup is over: the restored leader exists
