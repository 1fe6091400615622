"""Every st.session_state key of the shell (frame, sign-in, language) and of its own screens
(members, setup / restore), defined once. The values are what tests set, so they never change."""

from __future__ import annotations

# --- frame, sign-in, language ------------------------------------------------------------------
FRAME_KEY = "frame"  # the Frame drawn for this run (pages read it through frame())
ACTOR_KEY = "actor"  # the signed-in Actor; absent for a guest
LANG_KEY = "lang_choice"  # the language switch's widget key: "ko" | "en"
PENDING_LANG_KEY = "_pending_lang"  # a language chosen by sign-in, applied before the switch is drawn
TOKEN_KEY = "_session_token"  # this browser session's remembered sign-in token
COOKIE_JS_KEY = "_cookie_js"  # a cookie change waiting to be sent to the browser
SIGNED_OUT_KEY = "_signed_out"  # signed out in this session: the request's cookie is stale
SIGN_IN_USER_KEY = "sign_in_user"  # the sign-in box's name field
SIGN_IN_PASSWORD_KEY = "sign_in_pw"  # ...its password field (emptied after a failure)
SIGN_IN_ERROR_KEY = "_sign_in_error"  # a failed sign-in's error, shown on the next run

# --- members page ------------------------------------------------------------------------------
MEMBER_PICK = "member_pick"


def member_base(member_id: int) -> str:
    """The member version an edit form started from."""
    return f"member_base_{member_id}"


def member_field(member_id: int, field: str) -> str:
    """A member edit form's widget: field is "name", "role" or "active"."""
    return f"m_{field}_{member_id}"


# --- setup / restore -----------------------------------------------------------------------------
RESTORE_UPLOAD = "restore_upload"

# --- the group's time zone (ui/shell/zone_setting.py) --------------------------------------------
ZONE_FORM = "group_zone_form"
ZONE_PICK = "group_zone_pick"
