"""The leader's group time zone setting (on the members page): every time on screen and in
exports, and every date default, follows it (core/timezone.py)."""

from __future__ import annotations

import streamlit as st

from core import timezone
from ui.shell.actions import act
from ui.shell.i18n import t
from ui.shell.keys import ZONE_FORM, ZONE_PICK
from ui.shell.time import forget_zone, show, zone
from ui.shell.widgets import pick_one


def zone_setting(ctx) -> None:
    """Pick an IANA zone and save it (leaders; the service checks the role and the name)."""
    current = zone()
    st.subheader(t("tz.heading"))
    st.caption(t("tz.help"))
    st.caption(t("tz.now", now=show(timezone.now_utc()), zone=current.key))
    names = timezone.zone_names()
    with st.form(ZONE_FORM):
        picked = pick_one(
            t("tz.zone"),
            names,
            index=names.index(current.key) if current.key in names else None,
            key=ZONE_PICK,
        )
        submitted = st.form_submit_button(t("tz.save"), type="primary")
    if submitted:
        act(
            ctx.db,
            lambda s: timezone.set_group_zone(session=s, by=ctx.actor, name=picked or ""),
            done="tz.saved",
            params=lambda z: {"zone": z.key},
            on_success=lambda _zone: forget_zone(),
        )
