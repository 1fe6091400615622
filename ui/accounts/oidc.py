"""Sign in with the group's accounts (OIDC through Streamlit's st.login), optional per deployment.

Off unless .streamlit/secrets.toml has an [auth] section with redirect_uri, cookie_secret and at
least one provider (README, "Sign-in"); then the sign-in box shows a button per provider. After
the provider's round trip Streamlit keeps the identity in its own signed HttpOnly cookie and shows
it as st.user; `resolve` maps its verified e-mail to a member (core/accounts/identities.py) on
every run, so an unlink or a deactivation applies at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from core.accounts import identities
from core.accounts.actor import Actor
from core.errors import AppError
from db.engine import Database
from ui.shell.i18n import t

REQUIRED = ("client_id", "client_secret", "server_metadata_url")  # what st.login needs of a provider
DEFAULT = "default"  # st.login()'s name for a provider written straight into [auth]


def _auth_section() -> Mapping[str, Any]:
    try:
        section = st.secrets.get("auth")
    except Exception:  # noqa: BLE001  no secrets file at all
        return {}
    return section if isinstance(section, Mapping) else {}


def providers() -> list[str]:
    """The configured providers' names (empty: sign-in with the group's accounts is off)."""
    auth = _auth_section()
    if not auth.get("redirect_uri") or not auth.get("cookie_secret"):
        return []
    named = [
        name
        for name, section in auth.items()
        if isinstance(section, Mapping) and "_" not in name and all(k in section for k in REQUIRED)
    ]
    return ([DEFAULT] if all(k in auth for k in REQUIRED) else []) + sorted(named)


def enabled() -> bool:
    """Is sign-in with the group's accounts configured on this deployment?"""
    return bool(providers())


def provider_label(name: str) -> str:
    """A provider's name on its button ("Google", "Keycloak"; the default one: the group's)."""
    return t("auth.oidc.default_name") if name == DEFAULT else name.replace("-", " ").title()


def claims() -> dict[str, Any] | None:
    """The provider's claims (st.user) when this browser signed in through one, else None."""
    if not enabled():
        return None
    try:
        user = st.user
        if not user.get("is_logged_in"):
            return None
        return {key: user.get(key) for key in ("email", "email_verified", "sub", "provider")}
    except Exception:  # noqa: BLE001  no browser session (AppTest, bare mode)
        return None


def resolve(db: Database) -> Actor | AppError | None:
    """The member this browser's provider identity signs in as; the reason (an AppError) when it
    may not; None when no identity is signed in."""
    found = claims()
    if found is None:
        return None
    try:
        with db.read() as s:
            return identities.member_for_identity(session=s, claims=found)
    except AppError as err:
        return err


def login_buttons(box) -> None:
    """One button per provider; a click goes to the provider and comes back signed in."""
    for name in providers():
        if box.button(
            t("auth.oidc.button", provider=provider_label(name)),
            key=f"oidc_login_{name}",
            icon=":material/badge:",
            width="stretch",
        ):
            st.login() if name == DEFAULT else st.login(name)


def logout() -> None:
    """Forget the provider's identity in this browser (Streamlit's cookie); a new session starts."""
    st.logout()
