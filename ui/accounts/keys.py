"""Every st.session_state key of the account screen, defined once (tests use the same values)."""

from __future__ import annotations

OWN_PASSWORD_FORM = "own_password"
OLD_PASSWORD = "own_pw_old"
NEW_PASSWORD = "own_pw_new"
NEW_PASSWORD_AGAIN = "own_pw_again"
PASSWORD_FIELDS = (OLD_PASSWORD, NEW_PASSWORD, NEW_PASSWORD_AGAIN)
