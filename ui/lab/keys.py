"""Every st.session_state key of the Model Lab, defined once: widget keys, form keys and the state
the page keeps between runs. The values are the strings tests and browser selectors use; they never
change. Keys of one model tab share its prefix `slot(tab)` ("lab_<tab>"), keys of one chart area
the prefix of its slot; `sub(prefix, NAME)` joins them ("lab_rnn" + TRAIN -> "lab_rnn_train").
"""

from __future__ import annotations

# --- the page ------------------------------------------------------------------------------------
TAB = "lab_tab"  # st.tabs widget: the label of the tab the viewer clicked
TAB_ID = "lab_tab_id"  # the tab to show ("rnn" ... "compare"); links and buttons set it
RENDERED = "_lab_tab_rendered"  # the tab drawn by the previous run
PRESENTER = "lab_presenter"  # presenter-mode toggle
PRESET = "lab_preset"  # the preset open now (a ?preset= link, the picker, a room)
PE_OPEN = "lab_pe_open"  # that preset opens the positional encoding chart
PRESET_PICK = "lab_preset_pick"  # the page's preset picker (select box)
PRESET_RESET = "lab_preset_reset"  # the story box's "Reset to preset" button
NOTICES = "_lab_notices"  # messages about the link just opened

# --- who is acting (ui/lab/identity.py) and the "running now" panel (ui/lab/running.py) -----------
GUEST_ID = "_lab_guest_id"  # this browser's guest id (also in the study_lab_guest cookie)
GUEST_COOKIE_JS = "_lab_guest_cookie_js"  # the script that stores a new guest id
GUEST_NAME = "lab_guest_name"  # text input: a guest's nickname on their runs

# --- the address bar (ui/lab/urlstate.py) ---------------------------------------------------------
QUERY_WRITTEN = "_lab_query_written"  # the query this session last wrote
QUERY_SEEN = "_lab_query_seen"  # addresses this session applied or wrote (oldest first)
OPEN_RUN = "_lab_open_run"  # ?run=<id>, resolved by the page (it needs the database)
OPEN_JOB = "_lab_open_job"  # ?job=<id>: (job id, tab)
STALE = "_lab_stale"  # (job id, tab) of a ?job= this server no longer knows
STALE_SHOW = "lab_stale_show"  # button: show the stored result of that job
STALE_DISMISS = "lab_stale_dismiss"

# --- caches of drawn charts (ui/lab/draw.py) ------------------------------------------------------
MEMO = "_lab_memo"  # {memo slot: (token, chart)}
SPECS = "_lab_specs"  # Vega-Lite dicts of the charts on screen

# --- Compare tab (ui/lab/history.py) --------------------------------------------------------------
COMPARE_IDS = "lab_compare_ids"  # multiselect of compared run ids; ?runs= sets it
FILTER_KIND, FILTER_TASK, FILTER_STATUS = "lab_f_kind", "lab_f_task", "lab_f_status"
FILTER_WHO, FILTER_DATES = "lab_f_who", "lab_f_dates"
ONLY_DIFF = "lab_only_diff"
COMPARE = "lab_cmp"  # the comparison chart's slot (export buttons)
COMPARE_METRIC, COMPARE_LOG = "lab_cmp_metric", "lab_cmp_log"
RUN_PICK, RUN_OPEN, RUN_DELETE = "lab_cmp_act", "lab_cmp_open", "lab_cmp_del"


# The "running now" panel: a job picked from its table, and what to do with it.
JOB_PICK, JOB_WATCH, JOB_CANCEL, JOB_FRONT = (
    "lab_job_pick",
    "lab_job_watch",
    "lab_job_cancel",
    "lab_job_front",
)


def run_base(run_id: int) -> str:
    """The version a run's title / notes edit began from."""
    return f"lab_run_base_{run_id}"


def run_edit_form(run_id: int) -> str:
    """The form that edits a run's title and notes."""
    return f"lab_run_edit_{run_id}"


def run_title(run_id: int) -> str:
    """The title box of that form."""
    return f"lab_run_title_{run_id}"


def run_notes(run_id: int) -> str:
    """The notes box of that form."""
    return f"lab_run_notes_{run_id}"


# --- a model tab ----------------------------------------------------------------------------------
def slot(tab: str) -> str:
    """Prefix of everything a model tab keeps: "lab_<tab>"."""
    return f"lab_{tab}"


def sub(prefix: str, name: str) -> str:
    """A key under a prefix: sub("lab_rnn", TRAIN) -> "lab_rnn_train"."""
    return f"{prefix}_{name}"


def field(tab: str, name: str) -> str:
    """A hyperparameter widget of a tab, "lab_<tab>_<field>" (TrainConfig / ModelConfig field names)."""
    return sub(slot(tab), name)


def show(tab: str) -> str:
    """What a model tab shows: {"job": id} or {"run": id} (or nothing)."""
    return sub(slot(tab), "show")


def offer(tab: str) -> str:
    """The stored run offered for instant replay instead of training again."""
    return sub(slot(tab), "offer")


def memo(prefix: str, name: str) -> str:
    """A chart's name in the MEMO cache (not a session key itself)."""
    return f"{prefix}:{name}"


# Names under a tab's slot.
TRAIN, STOP, REPLAY, TRAIN_ANYWAY = "train", "stop", "replay", "anyway"
STOP_ERROR = "stop_error"  # a refused stop, said on the run after the click (ui/lab/model_tab.py)
TRY_FORM, TRY, TRY_DONE = "try_form", "try", "try_done"  # "try your own input"
DOWNLOAD_CONFIG, DOWNLOAD_CSV, DOWNLOAD_CHECKPOINT = "dl_cfg", "dl_csv", "dl_ckpt"
PE, GATES, GRAD = "pe", "gates", "grad"  # after-training chart slots
GATES_OPEN, GRAD_OPEN = "gates_open", "grad_open"  # their sections (drawn only while open)

# Names under a chart area's slot (a tab's slot, or COMPARE).
PROBE_STEP = "probe_step"  # the attention replay's slider
PROBE_LATEST = "probe_step_latest"  # the newest probe step the slider followed
ATT_KIND, ATT_LAYER, ATT_HEAD, ATT = "att_kind", "att_layer", "att_head", "att"
EXPORT_PREPARE, EXPORT_FILES, EXPORT_PNG, EXPORT_SVG = "prep", "files", "png", "svg"
