"""Every st.session_state key of the seminar rooms (ui/lab/room*.py), defined once. The values are
the strings tests and browser selectors use; they never change."""

from __future__ import annotations

# --- the room this browser is in (the Lab tags runs with it; ui/lab/room_lab.py) ----------------------
ROOM = "lab_room"  # {"id": room id, "code": code}
ROOM_LOAD = "_lab_room_load"  # the Lab puts the room's challenge config into its form on its next run
ROOM_NOTICE = "_lab_room_notice"  # why the Lab let go of the room (it ended)
ROOM_USE = "lab_room_use"  # Lab button: start from the challenge
ROOM_LEAVE = "lab_room_leave"  # Lab button: leave the room

# --- the lobby and the room page (ui/lab/room.py, room_forms.py, room_board.py) --------------------
JOIN_FORM = "room_join_form"
JOIN_CODE = "room_join_code"
JOIN_NICK = "room_join_nick"
OPEN_FORM = "room_open_form"
OPEN_TITLE = "room_open_title"
OPEN_SEMINAR = "room_open_seminar"
OPEN_HOURS = "room_open_hours"
CH_FORM = "room_ch_form"
CH_PRESET = "room_ch_preset"
CH_TAB = "room_ch_tab"
CH_STEPS = "room_ch_steps"
CH_TARGET = "room_ch_target"
CH_METRIC = "room_ch_metric"
CH_GOAL = "room_ch_goal"
CH_CLEAR = "room_ch_clear"
CLOSE = "room_close"
SEMINAR_OPEN = "room_for_seminar"  # prefix of a seminar's "open a Lab room" button


def stop(job_id: str) -> str:
    """The stop (owner) or cancel (leader) button of a live run on the leaderboard."""
    return f"room_stop_{job_id}"


def seminar_open(seminar_id: int) -> str:
    """A seminar's "open a Lab room" button."""
    return f"{SEMINAR_OPEN}_{seminar_id}"
