"""Every st.session_state key of the curriculum screens (weeks, materials, notes, seminars,
attendance, Q&A, retrospectives), defined once: widget keys, form keys and the state the screens
keep between runs. The values are the strings tests and browser selectors use; they never change.
Keys that end in an id are functions of it."""

from __future__ import annotations

# --- search (curriculum page) ------------------------------------------------------------------
SEARCH_QUERY = "cur_q"
SEARCH_TAG = "cur_tag"

# --- forms that start empty again after a save ---------------------------------------------------


# --- weeks -------------------------------------------------------------------------------------
WEEK = "cur_week"  # the picked week; ?week=<id> sets it once
NEW_WEEK_FORM = "cur_new_week"
NEW_WEEK = "cur_new"  # prefix of the new-week form's widgets (week_field); renewed after a save
MOVE_UP, MOVE_DOWN, ARCHIVE = "cur_up", "cur_down", "cur_archive"
DOWNLOAD_WEEK, DOWNLOAD_ALL = "cur_dl_week", "cur_dl_all"


def week_prefix(week_id: int) -> str:
    """Prefix of a week's edit-form widgets (week_field)."""
    return f"cur_w{week_id}"


def week_field(prefix: str, field: str) -> str:
    """A week form's widget: title_ko, title_en, start, end, goals, summary, tags, preset."""
    return f"{prefix}_{field}"


def week_edit_form(week_id: int) -> str:
    return f"cur_edit_week_{week_id}"


def week_base(week_id: int) -> str:
    """The week version its edit form started from."""
    return f"cur_week_base_{week_id}"


# --- materials ---------------------------------------------------------------------------------
NEW_MATERIAL = "cur_mat"  # prefix of the add-material form's widgets; renewed after an add


def new_material_field(prefix: str, field: str) -> str:
    """An add-material widget: kind, title, url, note ("cur_mat_title" until the first add)."""
    return f"{prefix}_{field}"


def material_add_form(week_id: int) -> str:
    return f"cur_mat_{week_id}"


def material_edit_form(material_id: int) -> str:
    return f"cur_mat_edit_{material_id}"


def material_field(material_id: int, field: str) -> str:
    """A material's correction-form widget: kind, title, url, note."""
    return f"cur_mat_{material_id}_{field}"


def material_seen(material_id: int) -> str:
    """The material fields its correction form started from."""
    return f"cur_mat_seen_{material_id}"


def material_delete(material_id: int) -> str:
    return f"cur_mat_del_{material_id}"


# --- notes -------------------------------------------------------------------------------------
NOTE_TITLE, NOTE_BODY = "cur_note_title", "cur_note_body"  # the new-note form
NOTE_SAVED = "cur_note_saved"  # a note was just added: empty the new-note form before it is drawn


def note_new_form(week_id: int) -> str:
    return f"cur_note_new_{week_id}"


def note_card(note_id: int) -> str:
    """The note's bordered container (browser tests select `.st-key-cur_note_card_<id>`)."""
    return f"cur_note_card_{note_id}"


def note_base(note_id: int) -> str:
    return f"cur_note_base_{note_id}"


def note_edit_form(note_id: int) -> str:
    return f"cur_note_edit_{note_id}"


def note_title(note_id: int) -> str:
    return f"cur_note_t_{note_id}"


def note_body(note_id: int) -> str:
    return f"cur_note_b_{note_id}"


def note_delete(note_id: int) -> str:
    return f"cur_note_del_{note_id}"


# --- notes import ------------------------------------------------------------------------------
IMPORT_PASTE = "cur_import_paste"
IMPORT_FILE = "cur_import_file"  # prefix of the uploader and its source choice; renewed after a save
IMPORT_CHECK, IMPORT_SAVE = "cur_import_check", "cur_import_save"
IMPORT_BODY = "cur_import"  # the cleaned text; its presence opens the preview
IMPORT_TITLE, IMPORT_FIXES = "cur_import_title", "cur_import_fixes"
IMPORT_FROM = "cur_import_from"  # what the preview was made from (the file's name, or None: pasted)
IMPORT_WEEK = "cur_import_week"  # the week the import section was last drawn for
IMPORT_SAVED = "cur_import_saved"  # a note was just imported: empty the paste box before it is drawn
IMPORT_STATE = (IMPORT_BODY, IMPORT_TITLE, IMPORT_FIXES, IMPORT_FROM)  # the preview


def import_source(file_key: str) -> str:
    """The file-or-pasted-text choice beside the uploader `file_key` (renewed with it)."""
    return f"{file_key}_source"


# --- seminars ----------------------------------------------------------------------------------
SEMINAR = "cur_seminar"  # the picked seminar
NEW_SEMINAR_FORM = "cur_new_seminar"
NEW_SEMINAR = "cur_sn"  # prefix of the new-seminar form's widgets (seminar_field); renewed after a save


def seminar_prefix(seminar_id: int) -> str:
    """Prefix of a seminar's edit-form widgets (seminar_field)."""
    return f"cur_s{seminar_id}"


def seminar_field(prefix: str, field: str) -> str:
    """A seminar form's widget: title, day, time, dur, place, link, presenter, week, paper,
    paper_url, slides, desc."""
    return f"{prefix}_{field}"


def seminar_edit_form(seminar_id: int) -> str:
    return f"cur_edit_seminar_{seminar_id}"


def seminar_base(seminar_id: int) -> str:
    return f"cur_sem_base_{seminar_id}"


def seminar_delete(seminar_id: int) -> str:
    return f"cur_sem_del_{seminar_id}"


# --- attendance --------------------------------------------------------------------------------
CHECK_IN = "cur_checkin"
ATTENDANCE_CSV = "cur_att_csv"


def attendance_form(seminar_id: int) -> str:
    return f"cur_att_{seminar_id}"


def attendance_mark(seminar_id: int, member_id: int) -> str:
    return f"cur_att_{seminar_id}_{member_id}"


# --- Q&A ---------------------------------------------------------------------------------------
QA_WEEK, QA_OPEN_ONLY = "cur_qa_week", "cur_qa_open"
QA_CLEAR = "cur_qa_clear"  # widget keys to empty before they are drawn (after a successful post)
QA_LAST = "cur_qa_last"  # the question just written to: its box opens expanded
ASK_FORM = "cur_ask"
ASK_TARGET, ASK_TITLE, ASK_BODY = "cur_ask_target", "cur_ask_title", "cur_ask_body"


def question_box(question_id: int) -> str:
    return f"cur_qbox_{question_id}"


def question_resolve(question_id: int) -> str:
    return f"cur_q_res_{question_id}"


def question_base(question_id: int) -> str:
    return f"cur_q_base_{question_id}"


def question_edit_form(question_id: int) -> str:
    return f"cur_q_edit_{question_id}"


def question_title(question_id: int) -> str:
    return f"cur_q_t_{question_id}"


def question_body(question_id: int) -> str:
    return f"cur_q_b_{question_id}"


def answer_form(question_id: int) -> str:
    return f"cur_answer_{question_id}"


def answer_new(question_id: int) -> str:
    """The new-answer text box under a question."""
    return f"cur_ans_{question_id}"


def answer_accept(answer_id: int) -> str:
    return f"cur_acc_{answer_id}"


def answer_base(answer_id: int) -> str:
    return f"cur_a_base_{answer_id}"


def answer_edit_form(answer_id: int) -> str:
    return f"cur_a_edit_{answer_id}"


def answer_body(answer_id: int) -> str:
    return f"cur_a_b_{answer_id}"


def answer_delete(answer_id: int) -> str:
    return f"cur_a_del_{answer_id}"


# --- retrospectives ----------------------------------------------------------------------------
RETRO_WEEK = "cur_retro_week"


def retro_base(week_id: int) -> str:
    """The retrospective version its form started from (None: began with none)."""
    return f"cur_retro_base_{week_id}"


def retro_form(week_id: int) -> str:
    return f"cur_retro_{week_id}"


def retro_body(week_id: int) -> str:
    return f"cur_retro_body_{week_id}"


def retro_visibility(week_id: int) -> str:
    return f"cur_retro_vis_{week_id}"


def retro_delete(week_id: int) -> str:
    return f"cur_retro_del_{week_id}"
