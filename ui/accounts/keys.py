"""Every st.session_state key of the account screen, defined once (tests use the same values)."""

from __future__ import annotations

OWN_PASSWORD_FORM = "own_password"
OLD_PASSWORD = "own_pw_old"
NEW_PASSWORD = "own_pw_new"
NEW_PASSWORD_AGAIN = "own_pw_again"
PASSWORD_FIELDS = (OLD_PASSWORD, NEW_PASSWORD, NEW_PASSWORD_AGAIN)

# --- sign-in (the sidebar box lives in ui/shell/auth.py) ------------------------------------------
REMEMBER_ME = "sign_in_remember"  # the sign-in box's "keep me signed in" checkbox
VIA_OIDC = "_signed_in_via_oidc"  # this session's member came through the group's accounts (st.user)
OIDC_ERROR = "_oidc_error"  # why a provider's identity did not sign in (shown in the sign-in box)


def identity_email(member_id: int) -> str:
    """The members page's linked-e-mail field for one member."""
    return f"identity_email_{member_id}"


# --- calendar feed (ui/accounts/calendar.py) -------------------------------------------------------
CAL_TOKEN = "cal_feed_token"  # the feed token just made: its address is shown in this session only
CAL_RENEW = "cal_feed_renew"
CAL_REVOKE = "cal_feed_revoke"
CAL_DOWNLOAD = "cal_feed_download"
