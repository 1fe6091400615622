"""Every st.session_state key of the paper-review screens (papers, writing, reading, templates,
assignments), defined once: widget keys, form keys and the state the screens keep between runs.
The values are the strings tests and browser selectors use; they never change. Keys that end in an
id are functions of it."""

from __future__ import annotations

# --- template-driven answer widgets ------------------------------------------------------------
# The container class "st-key-revf_..." also scopes the type-and-save script (ui/reviews/autosave.js).
FIELD_PREFIX = "revf_"


def answer_field(prefix: str, field_key: str) -> str:
    """The widget of one template field; `prefix` tells forms apart (review_prefix, preview_prefix)."""
    return f"{FIELD_PREFIX}{prefix}_{field_key}"


def review_prefix(review_id: int) -> str:
    """Field-widget prefix of a review's editor."""
    return f"r{review_id}"


def preview_prefix(template_id: int) -> str:
    """Field-widget prefix of a template's preview."""
    return f"preview{template_id}"


# --- the editor (ui/reviews/editor.py) ---------------------------------------------------------
def draft_state(review_id: int) -> dict[str, str]:
    """The editor's state of one review: base (version the draft started from), saved (answers last
    saved), saved_at, conflict (a newer draft from elsewhere), loaded (server draft read into the
    widgets), error (the last autosave's refusal)."""
    return {k: f"rev_{k}_{review_id}" for k in ("base", "saved", "saved_at", "conflict", "loaded", "error")}


def keep_mine(review_id: int) -> str:
    return f"rev_keep_{review_id}"


def take_newer(review_id: int) -> str:
    return f"rev_take_{review_id}"


def commit(review_id: int) -> str:
    """The submit / resubmit / save-revision button."""
    return f"rev_commit_{review_id}"


# --- reading a review (ui/reviews/view.py) -----------------------------------------------------
def download(review_id: int) -> str:
    return f"rev_dl_{review_id}"


def lab_run_form(review_id: int) -> str:
    return f"rev_lab_{review_id}"


def lab_run(review_id: int) -> str:
    return f"rev_labrun_{review_id}"


def diff_from(review_id: int) -> str:
    return f"rev_da_{review_id}"


def diff_to(review_id: int) -> str:
    return f"rev_db_{review_id}"


def comment_form(review_id: int) -> str:
    return f"rev_comment_{review_id}"


def comment_body(review_id: int) -> str:
    return f"rev_cbody_{review_id}"


def feedback(review_id: int) -> str:
    """The leader's feedback box (return / approve)."""
    return f"rev_fb_{review_id}"


def return_button(review_id: int) -> str:
    return f"rev_ret_{review_id}"


def approve_button(review_id: int) -> str:
    return f"rev_app_{review_id}"


def helpfulness(review_id: int) -> str:
    return f"rev_help_{review_id}"


def rate_button(review_id: int) -> str:
    return f"rev_rate_{review_id}"


# --- finding reviews (views/reviews.py) --------------------------------------------------------
FIND_PAPER, FIND_MEMBER, FIND_STATUS, FIND_WEEK = "rev_f_paper", "rev_f_member", "rev_f_status", "rev_f_week"
FIND_TAG, FIND_RATING_KEY, FIND_MIN_RATING = "rev_f_tag", "rev_f_rkey", "rev_f_rmin"
FIND_TEXT = "rev_f_text"
ZIP = "rev_zip"  # the prepared ZIP of every readable review

# --- writing (views/review_write.py) -----------------------------------------------------------
WRITE_PAPER, WRITE_TEMPLATE, WRITE_WEEK = "rev_write_paper", "rev_write_tpl", "rev_write_week"

# --- papers ------------------------------------------------------------------------------------
NEW_PAPER = "rev_new"  # prefix of the add-by-hand widgets (paper_field)
ADD_PAPER = "rev_add_paper"
BIB_TEXT, BIB_FILE, BIB_GO = "rev_bib_text", "rev_bib_file", "rev_bib_go"
PAPER_QUERY, PAPER_PICK = "rev_paper_q", "rev_paper_pick"
LOOKUP_TEXT, LOOKUP_GO = "rev_lookup_text", "rev_lookup_go"  # arXiv id / DOI look-up above the form


def paper_fill(prefix: str) -> str:
    """A looked-up paper waiting to fill the form `prefix` (applied before its widgets are drawn)."""
    return f"{prefix}_fill"


def paper_prefix(paper_id: int) -> str:
    """Prefix of a paper's edit widgets (paper_field)."""
    return f"rev_edit_{paper_id}"


def paper_field(prefix: str, field: str) -> str:
    """A paper form's widget: title, year, authors, venue, arxiv, doi, url."""
    return f"{prefix}_{field}"


def paper_base(paper_id: int) -> str:
    """The paper version its edit form started from."""
    return f"rev_paper_base_{paper_id}"


def paper_save(paper_id: int) -> str:
    return f"rev_paper_save_{paper_id}"


def paper_delete(paper_id: int) -> str:
    return f"rev_paper_del_{paper_id}"


# --- templates ---------------------------------------------------------------------------------
TEMPLATE_UPLOAD, TEMPLATE_IMPORT = "rev_tpl_upload", "rev_tpl_import_go"
TEMPLATE_PICK = "rev_tpl_pick"
TEMPLATE_NEXT = "rev_tpl_next"  # a template just created / duplicated: picked on the next run
TEMPLATE_SAVE, TEMPLATE_DUPLICATE, TEMPLATE_ARCHIVE = "rev_tpl_save", "rev_tpl_dup", "rev_tpl_arch"
TEMPLATE_EXPORT = "rev_tpl_export"


def template_field(template_id: int, field: str) -> str:
    """A template's name / description widget: nko, nen, dko, den."""
    return f"rev_tpl_{field}_{template_id}"


def template_rows(template_id: int) -> str:
    """The template's field table (st.data_editor)."""
    return f"rev_tpl_rows_{template_id}"


def template_base(template_id: int) -> str:
    return f"rev_tpl_base_{template_id}"


# --- assignments -------------------------------------------------------------------------------
ASSIGN_FORM = "rev_assign"
ASSIGN_PAPER = "rev_assign_paper"
ASSIGN_MEMBERS = "rev_assign_members"
ASSIGN_DUE = "rev_assign_due"
ASSIGN_WEEK = "rev_assign_week"
ASSIGN_TEMPLATE = "rev_assign_template"
ASSIGN_RENEW = (ASSIGN_PAPER, ASSIGN_MEMBERS)  # drawn empty after a successful assignment (ui/shell/forms.py)
BOARD_WEEK = "rev_asg_week"
