"""Who is signed in, and the sidebar sign-in box. Checks themselves live in core.accounts.

Three ways in: a password (the box's form), a remembered sign-in (an HttpOnly cookie the server
sets: core/accounts/sessions.py, web/session.py), and, where configured, the group's accounts
through an OIDC provider (ui/accounts/oidc.py).
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from core.accounts import members, sessions, signin
from core.accounts.members import Actor
from core.errors import AppError
from db.engine import Database
from ui.accounts import oidc
from ui.accounts.client import client_id
from ui.accounts.keys import OIDC_ERROR, REMEMBER_ME, VIA_OIDC
from ui.shell.actions import act, attempt
from ui.shell.cookies import post_script, read_cookie, send
from ui.shell.i18n import show_error, t
from ui.shell.keys import (
    ACTOR_KEY,
    COOKIE_JS_KEY,
    LANG_KEY,
    PENDING_LANG_KEY,
    SIGN_IN_ERROR_KEY,
    SIGN_IN_PASSWORD_KEY,
    SIGN_IN_USER_KEY,
    SIGNED_OUT_KEY,
    TOKEN_KEY,
)

COOKIE = sessions.COOKIE


def current_actor() -> Actor | None:
    """The signed-in member for this browser session, or None for a guest."""
    return st.session_state.get(ACTOR_KEY)


def refresh(db: Database) -> Actor | None:
    """Re-read the signed-in member each run, so a deactivation, role change or (for the group's
    accounts) an unlink applies at once."""
    actor = current_actor()
    if actor is None:
        return None
    with db.read() as s:
        fresh = members.refresh_actor(session=s, actor=actor)
    if fresh is not None and st.session_state.get(VIA_OIDC):
        found = oidc.resolve(db)
        if not isinstance(found, Actor) or found.id != fresh.id:
            fresh = None
            if isinstance(found, AppError):
                st.session_state[OIDC_ERROR] = found
    if fresh is None:
        st.session_state.pop(ACTOR_KEY, None)
        st.session_state.pop(VIA_OIDC, None)
    else:
        st.session_state[ACTOR_KEY] = fresh
    return fresh


def sign_in_as(
    actor: Actor, db: Database | None = None, *, remember: bool = True, via_oidc: bool = False
) -> None:
    """Mark `actor` signed in and switch to their saved language on the next run. With a db and
    `remember`, the browser is sent a one-time hand-off to trade for the HttpOnly remembered
    sign-in cookie (this session names its sign-in by the hand-off: TOKEN_KEY)."""
    st.session_state[ACTOR_KEY] = actor
    st.session_state[PENDING_LANG_KEY] = actor.language
    st.session_state.pop(SIGNED_OUT_KEY, None)
    st.session_state.pop(OIDC_ERROR, None)
    st.session_state[VIA_OIDC] = via_oidc
    if db is not None and remember:
        with db.write() as s:
            handoff = sessions.create_handoff(session=s, actor=actor)
        st.session_state[TOKEN_KEY] = handoff
        st.session_state[COOKIE_JS_KEY] = post_script(sessions.REMEMBER_PATH, {"handoff": handoff})


def sign_out(db: Database) -> bool:
    """End the remembered sign-in on the server and have the browser clear its cookie (and, for
    the group's accounts, forget the provider's identity too: True when the browser is about to
    be sent away for that)."""
    with db.write() as s:
        sessions.end_session(session=s, token=st.session_state.pop(TOKEN_KEY, None) or _cookie_token())
    st.session_state.pop(ACTOR_KEY, None)
    st.session_state[SIGNED_OUT_KEY] = True  # the request's cookie is stale from now on
    st.session_state[COOKIE_JS_KEY] = post_script(sessions.FORGET_PATH)
    if st.session_state.pop(VIA_OIDC, False):
        oidc.logout()
        return True
    return False


def _cookie_token() -> str | None:
    return read_cookie(COOKIE, sessions.TOKEN_RE)


def resume_from_cookie(db: Database) -> None:
    """A new browser session (e.g. after a reload) picks up a remembered sign-in, or the member
    the provider's identity maps to (an identity that maps to nobody leaves its reason to show)."""
    if current_actor() is not None or st.session_state.get(SIGNED_OUT_KEY):
        return
    token = _cookie_token()
    if token:
        with db.read() as s:
            actor = sessions.resume_session(session=s, token=token)
        if actor is not None:
            st.session_state[ACTOR_KEY] = actor
            st.session_state[TOKEN_KEY] = token
            st.session_state[PENDING_LANG_KEY] = actor.language
            return
    found = oidc.resolve(db)
    if isinstance(found, Actor):
        # Streamlit's own identity cookie keeps this sign-in across reloads: no hand-off needed.
        sign_in_as(found, via_oidc=True)
    elif isinstance(found, AppError):
        st.session_state[OIDC_ERROR] = found


def flush_cookie_script() -> None:
    """Send a pending cookie change to the browser (invisible element)."""
    send(st.session_state.pop(COOKIE_JS_KEY, None), st.sidebar)


def apply_pending_language() -> None:
    """Apply a language chosen by sign-in before the language widget is drawn."""
    lang = st.session_state.pop(PENDING_LANG_KEY, None)
    if lang:
        st.session_state[LANG_KEY] = lang


def sign_in_box(db: Database) -> None:
    """Sidebar: the sign-in form (and the group's accounts, where configured) for guests, the
    name and a sign-out button for members."""
    actor = current_actor()
    box = st.sidebar.container(border=True)
    if actor is not None:
        box.markdown(t("auth.signed_in_as", name=actor.display_name, role=t(f"role.{actor.role}")))
        if box.button(t("auth.sign_out"), key="sign_out", icon=":material/logout:") and not sign_out(db):
            st.rerun()  # not after st.logout: a rerun would drop its redirect to the provider
        return
    if (err := st.session_state.get(OIDC_ERROR)) is not None:
        show_error(err, box)
        if box.button(t("auth.oidc.other_account"), key="oidc_other_account"):
            st.session_state.pop(OIDC_ERROR, None)
            oidc.logout()
    elif oidc.enabled():
        oidc.login_buttons(box)
    if oidc.enabled():
        box.caption(t("auth.oidc.or"))
    if (err := st.session_state.pop(SIGN_IN_ERROR_KEY, None)) is not None:
        show_error(err, box)
    with box.form("sign_in", border=False):
        st.text_input(t("auth.username"), key=SIGN_IN_USER_KEY, max_chars=signin.MAX_NAME_CHARS)
        # No max_chars: its "10/256" count sat over the password dots in the narrow sidebar;
        # signin.sign_in refuses a longer password than members.MAX_PASSWORD without hashing it.
        st.text_input(t("auth.password"), type="password", key=SIGN_IN_PASSWORD_KEY)
        # On by default, as every sign-in was remembered before; untick on a shared computer.
        st.checkbox(t("auth.remember"), value=True, key=REMEMBER_ME)
        st.form_submit_button(t("auth.sign_in"), icon=":material/login:", on_click=_try_sign_in, args=(db,))
    box.caption(t("auth.browse_as_guest"))


def _try_sign_in(db: Database) -> None:
    """The sign-in button's callback (it runs before the script, so it may still clear a field):
    success signs in, and the same URL then opens with its page; a failure empties the password,
    keeps the username and leaves the error for the box to show."""
    username = st.session_state.get(SIGN_IN_USER_KEY, "")
    password = st.session_state.get(SIGN_IN_PASSWORD_KEY, "")
    # sign_in owns its transactions: a failed try is counted, and the slow hash runs with none open
    actor = attempt(
        lambda: signin.sign_in(db=db, username=username, password=password, client=client_id()),
        on_error=lambda err: st.session_state.update({SIGN_IN_ERROR_KEY: err}),
    )
    st.session_state[SIGN_IN_PASSWORD_KEY] = ""
    if actor is not None:
        sign_in_as(actor, db, remember=bool(st.session_state.get(REMEMBER_ME, True)))


def remember_language(db: Database) -> None:
    """Store a signed-in member's language choice when the switch changes."""
    actor = current_actor()
    lang = st.session_state.get(LANG_KEY)
    if actor is None or not lang or lang == actor.language:
        return
    act(
        db,
        lambda s: members.set_language(session=s, by=actor, language=lang),
        rerun=False,
        on_error=lambda err: None,  # a refused choice still switches this session's language
        on_success=lambda _: st.session_state.update(
            {ACTOR_KEY: dataclasses.replace(actor, language=lang)}  # keeps the sign-in epoch
        ),
    )
