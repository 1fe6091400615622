"""Curriculum pages in AppTest on SQLite: a leader plans a week and a seminar, a member
writes a note, imports one, asks and answers, checks in; stale edits keep the user's text."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from core.curriculum import attendance, seminars
from core.curriculum import weeks as cur
from core.timezone import to_group
from db.base import utcnow
from db.models.members import Member
from db.seeds import run_seeds
from tests.support.factories import make_leader, make_member
from tests.support.pages import button, make_week, texts


def test_leader_creates_a_week_with_a_material(run_page, db):
    leader = make_leader(db)
    at = run_page("views/curriculum.py", actor=leader, lang="en")
    assert not at.exception
    at.text_input(key="cur_new_title_ko").input("트랜스포머")
    at.text_input(key="cur_new_title_en").input("The Transformer")
    at.text_input(key="cur_new_tags").input("attention, transformer")
    at.selectbox(key="cur_new_preset").set_value("transformer_reverse")
    button(at, "Add week").click().run()
    assert not at.exception and not at.error
    with db.read() as s:
        [week] = cur.list_weeks(session=s)
    assert (week.title_en, week.lab_preset, cur.tag_list(week.tags)) == (
        "The Transformer",
        "transformer_reverse",
        ["attention", "transformer"],
    )
    at.text_input(key="cur_mat_title").input("Attention Is All You Need")
    at.text_input(key="cur_mat_url").input("file:///etc/passwd")
    button(at, "Add material").click().run()
    assert "http" in at.error[0].value
    assert at.text_input(key="cur_mat_title").value == "Attention Is All You Need"  # kept
    at.text_input(key="cur_mat_url").set_value("https://arxiv.org/abs/1706.03762")
    button(at, "Add material").click().run()
    assert not at.error
    assert "Attention Is All You Need" in texts(at)
    # the add-material form is empty again for the next one
    assert _labelled(at.text_input, "Material title", "cur_mat1").value == ""
    assert _labelled(at.text_input, "URL", "cur_mat1").value == ""


def test_leader_corrects_a_material_and_a_stale_save_shows_the_newer_one(run_page, db):
    leader = make_leader(db)
    w = make_week(db, leader)
    with db.write() as s:
        mid = cur.add_material(
            session=s,
            by=leader,
            week_id=w.id,
            kind="link",
            title="Atention paper",
            url="https://arxiv.org/abs/1706.03762",
        ).id
    at = run_page("views/curriculum.py", actor=leader, lang="en")
    at.text_input(key=f"cur_mat_{mid}_title").set_value("Attention Is All You Need")
    at.selectbox(key=f"cur_mat_{mid}_kind").set_value("paper")
    at.button(key=f"FormSubmitter:cur_mat_edit_{mid}-Save").click().run()
    assert not at.exception and not at.error
    assert "**Paper** · [Attention Is All You Need](https://arxiv.org/abs/1706.03762)" in texts(at)
    # the form reopens on the saved values; another leader then saves first
    at.text_input(key=f"cur_mat_{mid}_note").set_value("read sections 3.2-3.5")
    with db.write() as s:
        cur.update_material(
            session=s,
            by=leader,
            material_id=mid,
            kind="paper",
            title="Attention (Vaswani 2017)",
            url="https://arxiv.org/abs/1706.03762",
        )
    at.button(key=f"FormSubmitter:cur_mat_edit_{mid}-Save").click().run()
    assert "Someone else saved first" in at.error[0].value
    assert "Attention (Vaswani 2017)" in texts(at)  # the newer version is shown
    assert at.text_input(key=f"cur_mat_{mid}_note").value == "read sections 3.2-3.5"  # input kept
    at.button(key=f"FormSubmitter:cur_mat_edit_{mid}-Save").click().run()  # a second save is deliberate
    assert not at.error
    with db.read() as s:
        (m,) = cur.list_materials(session=s, week_id=w.id)
    assert (m.title, m.note) == ("Attention Is All You Need", "read sections 3.2-3.5")


def test_week_dates_out_of_order_keep_the_form(run_page, db):
    leader = make_leader(db)
    at = run_page("views/curriculum.py", actor=leader)
    at.text_input(key="cur_new_title_ko").input("거꾸로 된 주차")
    at.date_input(key="cur_new_start").set_value(date(2025, 4, 10))
    at.date_input(key="cur_new_end").set_value(date(2025, 4, 3))
    button(at, "주차 추가").click().run()
    assert "종료일이 시작일보다" in at.error[0].value
    assert at.text_input(key="cur_new_title_ko").value == "거꾸로 된 주차"
    with db.read() as s:
        assert cur.list_weeks(session=s) == []


def test_guest_reads_week_and_cannot_write(run_page, db):
    leader = make_leader(db)
    w = make_week(db, leader, goals="Q/K/V 이해하기", lab_preset="transformer_reverse")
    at = run_page("views/curriculum.py")
    assert not at.exception
    assert "Q/K/V 이해하기" in texts(at)
    assert "로그인" in at.info[0].value
    assert not [b for b in at.button if b.label in ("노트 저장", "주차 추가")]
    assert at.selectbox(key="cur_week").value == w.id


def test_member_adds_a_note_and_stale_edit_keeps_their_text(run_page, db):
    leader = make_leader(db)
    member = make_member(db, "minjun", "이민준", by=leader)
    w = make_week(db, leader)
    at = run_page("views/curriculum.py", actor=member, lang="en")
    at.text_input(key="cur_note_title").input("Scaled dot-product")
    at.text_area(key="cur_note_body").input("$$\\mathrm{softmax}(QK^T/\\sqrt{d_k})V$$")
    button(at, "Save note").click().run()
    assert not at.exception and not at.error
    with db.read() as s:
        [note] = cur.list_notes(session=s, week_id=w.id)
    assert "Scaled dot-product" in texts(at)
    # The member opens the edit form; meanwhile another tab saves a newer version.
    at.text_area(key=f"cur_note_b_{note.id}").input("내가 고친 본문")
    with db.write() as s:
        cur.update_note(
            session=s,
            by=member,
            note_id=note.id,
            expected_version=note.version,
            title=note.title,
            body="다른 탭에서 먼저 저장",
        )
    button(at, "Save note").click().run()
    assert "saved first" in at.error[0].value or "newer" in at.error[0].value.lower()
    assert "다른 탭에서 먼저 저장" in texts(at)
    assert at.text_area(key=f"cur_note_b_{note.id}").value == "내가 고친 본문"
    # saving again (now deliberately over the newer version) works
    button(at, "Save note").click().run()
    with db.read() as s:
        assert cur.get_note(session=s, note_id=note.id).body == "내가 고친 본문"


def test_member_imports_a_pasted_note_with_preview(run_page, db):
    leader = make_leader(db)
    member = make_member(db, "minjun", by=leader)
    w = make_week(db, leader)
    at = run_page("views/curriculum.py", actor=member, lang="en")
    at.text_area(key="cur_import_paste").input(
        "# RNN 정리\n- 점화식 : $\nh_t = \\tanh(W h_{t-1} + U x_t)\n$ 이다<br>끝"
    )
    button(at, "Clean up and preview").click().run()
    assert not at.exception
    assert "split across lines" in at.info[0].value
    assert at.text_area(key="cur_import").value.startswith("- 점화식 : $h_t = \\tanh")  # title once
    assert at.text_input(key="cur_import_title").value == "RNN 정리"
    button(at, "Save as a note").click().run()
    with db.read() as s:
        [note] = cur.list_notes(session=s, week_id=w.id)
    assert "<br>" not in note.body and note.title == "RNN 정리"


def test_leader_creates_a_seminar_and_unknown_url_is_refused(run_page, db):
    leader = make_leader(db)
    presenter = make_member(db, "seoyeon", "박서연", by=leader)
    w = make_week(db, leader)
    at = run_page("views/seminars.py", actor=leader, lang="en")
    assert not at.exception
    at.text_input(key="cur_sn_title").input("Attention Is All You Need")
    at.date_input(key="cur_sn_day").set_value(date.today() + timedelta(days=3))
    at.selectbox(key="cur_sn_presenter").set_value(presenter.id)
    at.selectbox(key="cur_sn_week").set_value(w.id)
    at.text_input(key="cur_sn_slides").input("slides.pdf")
    button(at, "Add seminar").click().run()
    assert "Slides URL" in at.error[0].value
    assert at.text_input(key="cur_sn_title").value == "Attention Is All You Need"
    at.text_input(key="cur_sn_slides").set_value("https://example.org/slides.pdf")
    button(at, "Add seminar").click().run()
    assert not at.error
    with db.read() as s:
        [sem] = seminars.list_seminars(session=s)
    seoul_hour = to_group(sem.starts_at, ZoneInfo("Asia/Seoul")).hour
    assert (sem.presenter_id, sem.week_id, seoul_hour) == (presenter.id, w.id, 19)
    assert at.header[0].value == "Attention Is All You Need"


def test_attendance_check_in_and_leader_marks(run_page, db):
    leader = make_leader(db)
    member = make_member(db, "minjun", "이민준", by=leader)
    with db.write() as s:
        sem = seminars.create_seminar(
            session=s, by=leader, title="지금 하는 세미나", starts_at=utcnow() - timedelta(minutes=5)
        )
    at = run_page("views/seminars.py", actor=member, lang="en")
    at.text_input[0].input(sem.checkin_code.lower())
    button(at, "Check in").click().run()
    assert not at.exception
    with db.read() as s:
        assert attendance.for_seminar(session=s, by=member, seminar_id=sem.id)[member.id].status == "present"
    assert "Your attendance: Present" in at.success[0].value
    at = run_page("views/seminars.py", actor=leader, lang="en")
    at.selectbox(key=f"cur_att_{sem.id}_{member.id}").set_value("late")
    at.selectbox(key=f"cur_att_{sem.id}_{leader.id}").set_value("present")
    button(at, "Save attendance").click().run()
    assert not at.exception
    with db.read() as s:
        marks = attendance.for_seminar(session=s, by=leader, seminar_id=sem.id)
    assert {k: v.status for k, v in marks.items()} == {member.id: "late", leader.id: "present"}
    assert len(at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")) == 2
    assert [b for b in at.get("download_button")]


def test_home_shows_the_next_seminar(run_app, db):
    leader = make_leader(db)
    with db.write() as s:
        seminars.create_seminar(
            session=s, by=leader, title="다음 주 세미나", starts_at=utcnow() + timedelta(days=2)
        )
    at = run_app()  # the real router: Home links to every page registered for a guest
    assert not at.exception
    assert "다음 주 세미나" in texts(at)


def test_home_names_the_demo_seminars_presenter_who_has_no_password(run_app, db):
    """The demo seminar's presenter is the demo member 김하연, who has no password (nobody can sign
    in as her): Home still names her, for a guest and for a signed-in leader."""
    with db.write() as s:
        run_seeds(s)
        hayeon = s.query(Member).filter_by(username="demo.hayeon").one()
        assert hayeon.password_hash is None
    leader = make_leader(db)
    with db.read() as s:
        sem = seminars.next_seminar(session=s)
        assert sem is not None and sem.presenter_id == hayeon.id
    for actor in (None, leader):
        at = run_app(actor=actor)
        assert not at.exception
        facts = [m.value for m in at.markdown if m.value.startswith("**발표자**")]
        assert facts == ["**발표자**: 김하연"], facts


def _uploader(at):
    [uploader] = at.file_uploader
    return uploader


def _labelled(widgets, label, prefix):
    """The widget with this label whose key starts with `prefix` (a form's widgets)."""
    [found] = [w for w in widgets if w.label == label and w.key.startswith(prefix)]
    return found


def test_import_after_a_saved_file_uses_the_new_pasted_text_in_the_other_week(run_page, db):
    leader = make_leader(db)
    member = make_member(db, "minjun", by=leader)
    w1, w2 = make_week(db, leader, title_ko="1주차"), make_week(db, leader, title_ko="2주차")
    at = run_page("views/curriculum.py", actor=member, lang="en")
    _uploader(at).set_value(("old.md", b"# Old file\n\nold body", "text/markdown"))
    at.run()
    button(at, "Clean up and preview").click().run()
    assert at.text_input(key="cur_import_title").value == "Old file"
    button(at, "Save as a note").click().run()
    assert _uploader(at).value is None  # the saved file is gone from the uploader
    at.selectbox(key="cur_week").set_value(w2.id).run()
    at.text_area(key="cur_import_paste").input("# New note\n\nnew body")
    button(at, "Clean up and preview").click().run()
    assert not at.warning
    assert at.text_input(key="cur_import_title").value == "New note"
    assert at.text_area(key="cur_import").value == "new body\n"
    assert "Pasted text" in texts(at) and "Saves into: Week 2" in texts(at)
    button(at, "Save as a note").click().run()
    with db.read() as s:
        assert [n.title for n in cur.list_notes(session=s, week_id=w1.id)] == ["Old file"]
        assert [n.title for n in cur.list_notes(session=s, week_id=w2.id)] == ["New note"]


def test_import_with_a_file_and_pasted_text_asks_which_one(run_page, db):
    leader = make_leader(db)
    member = make_member(db, "minjun", by=leader)
    make_week(db, leader)
    at = run_page("views/curriculum.py", actor=member, lang="en")
    _uploader(at).set_value(("file.md", b"# From the file\n\nx", "text/markdown"))
    at.text_area(key="cur_import_paste").input("# From the box\n\ny")
    at.run()
    button(at, "Clean up and preview").click().run()
    assert "Pick which one" in at.warning[0].value
    assert "cur_import" not in at.session_state  # no preview until the user picks
    choice = at.radio(key="cur_import_file_source")
    assert choice.options == ["Uploaded file: file.md", "Pasted text"]
    choice.set_value("paste")
    button(at, "Clean up and preview").click().run()
    assert at.text_input(key="cur_import_title").value == "From the box"


def test_a_week_change_empties_the_uploader_and_the_preview(run_page, db):
    leader = make_leader(db)
    member = make_member(db, "minjun", by=leader)
    _, w2 = make_week(db, leader, title_ko="1주차"), make_week(db, leader, title_ko="2주차")
    at = run_page("views/curriculum.py", actor=member, lang="en")
    _uploader(at).set_value(("week1.md", b"# Week one\n\nx", "text/markdown"))
    at.run()
    button(at, "Clean up and preview").click().run()
    assert "cur_import" in at.session_state
    at.selectbox(key="cur_week").set_value(w2.id).run()
    assert _uploader(at).value is None and "cur_import" not in at.session_state


def test_import_save_empties_the_paste_box_and_it_is_limited_to_the_import_size(run_page, db):
    from core.curriculum.notes_import import MAX_IMPORT_BYTES

    leader = make_leader(db)
    member = make_member(db, "minjun", by=leader)
    make_week(db, leader)
    at = run_page("views/curriculum.py", actor=member, lang="en")
    assert at.text_area(key="cur_import_paste").max_chars == MAX_IMPORT_BYTES
    at.text_area(key="cur_import_paste").input("# 3 KB note\n\n" + "본문 " * 500)
    button(at, "Clean up and preview").click().run()
    button(at, "Save as a note").click().run()
    assert not at.error
    assert at.text_area(key="cur_import_paste").value == ""
    assert "cur_import" not in at.session_state


def test_new_week_and_new_seminar_forms_are_empty_after_a_save(run_page, db):
    leader = make_leader(db)
    at = run_page("views/curriculum.py", actor=leader, lang="en")
    at.text_input(key="cur_new_title_ko").input("트랜스포머")
    at.text_area(key="cur_new_goals").input("셀프 어텐션 이해")
    button(at, "Add week").click().run()
    assert not at.error
    # the new-week form (keys "cur_new...") is empty; the edit form of the new week holds it
    assert _labelled(at.text_input, "Title (Korean)", "cur_new").value == ""
    assert _labelled(at.text_area, "Goals", "cur_new").value == ""
    at = run_page("views/seminars.py", actor=leader, lang="en")
    at.text_input(key="cur_sn_title").input("Attention Is All You Need")
    at.text_area(key="cur_sn_desc").input("논문을 함께 읽습니다")
    button(at, "Add seminar").click().run()
    assert not at.error
    assert _labelled(at.text_input, "Seminar title", "cur_sn").value == ""
    assert _labelled(at.text_area, "Description", "cur_sn").value == ""


def test_week_form_lists_lab_presets_by_their_translated_titles(run_page, db):
    from core.i18n import translate
    from core.lab.presets import PRESETS

    leader = make_leader(db)
    at = run_page("views/curriculum.py", actor=leader, lang="en")
    options = at.selectbox(key="cur_new_preset").options
    assert options[1:] == [translate(p.title_key, "en") for p in PRESETS.values()]
    assert "rnn_basics" not in options and "long_term_dependency" not in options
    at = run_page("views/curriculum.py", actor=leader, lang="ko")
    assert translate(PRESETS["rnn_basics"].title_key, "ko") in at.selectbox(key="cur_new_preset").options


def test_the_same_new_week_submitted_again_at_once_is_not_saved_twice(run_page, db):
    leader = make_leader(db)
    at = run_page("views/curriculum.py", actor=leader, lang="en")
    at.text_input(key="cur_new_title_ko").input("트랜스포머")
    button(at, "Add week").click().run()
    # a second press with the same values (the renewed form filled the same way) moments later
    at.text_input(key="cur_new1_title_ko").input("트랜스포머")
    button(at, "Add week").click().run()
    assert at.warning and at.text_input(key="cur_new1_title_ko").value == "트랜스포머"
    with db.read() as s:
        assert [w.title_ko for w in cur.list_weeks(session=s)] == ["트랜스포머"]


def test_week_goals_keep_the_line_breaks_the_leader_typed(run_page, db):
    leader = make_leader(db)
    with db.write() as s:
        cur.create_week(session=s, by=leader, title_ko="1주차", goals="RNN 복습\nLSTM 게이트\nGRU 비교")
    at = run_page("views/curriculum.py")
    shown = [m.value for m in at.markdown]
    assert "RNN 복습  \nLSTM 게이트  \nGRU 비교" in shown  # hard breaks: three lines, not one paragraph
