"""The seminar room page (`?code=<code>`): without a code, the lobby (join a room; a leader opens
one; members see recent rooms); with one, the room: its code, join link and QR code, the
challenge, the join form or one's nickname, and the live chart and leaderboard. Leaders set the
challenge and close the room; everyone else only watches and stops their own runs. An ended
room (closed or expired) stays viewable, without the live polling."""

from __future__ import annotations

import streamlit as st

from core.lab import rooms
from core.lab.presets import PRESETS, TAB_LABELS
from ui.lab import presenter, room_board, room_forms, room_keys
from ui.lab.identity import participant, remember_guest
from ui.lab.room_lab import ROOM_PAGE
from ui.lab.running import plain
from ui.shell.actions import act, attempt
from ui.shell.frame import Frame, frame
from ui.shell.i18n import t
from ui.shell.links import page_link
from ui.shell.time import show


def _lobby(ctx: Frame, who) -> None:
    st.title(t("lab.room.title"))
    st.caption(t("lab.room.tagline"))
    st.subheader(t("lab.room.join_heading"))
    room_forms.join_form(ctx, who, None)
    if ctx.is_leader:
        st.subheader(t("lab.room.open_heading"))
        room_forms.open_form(ctx)
    if ctx.actor is None:  # codes are what lets people in: guests type theirs
        return
    st.subheader(t("lab.room.recent"))
    with ctx.db.read() as s:
        held = rooms.list_rooms(session=s)
    if not held:
        st.caption(t("lab.room.none_yet"))
    for room in held:
        label = t(
            "lab.room.row",
            code=room.code,
            title=room.title or t("lab.room.untitled"),
            state=t(f"lab.room.state.{rooms.state_of(room)}"),
            when=show(room.created_at),
        )
        page_link(ROOM_PAGE, label, query={"code": room.code})


def _challenge(challenge: rooms.Challenge | None) -> None:
    if challenge is None:
        st.caption(t("lab.room.challenge_none"))
        return
    preset = PRESETS.get(challenge.preset)
    st.markdown(
        t(
            "lab.room.challenge_text",
            preset=t(preset.title_key) if preset else challenge.preset,
            tab=TAB_LABELS.get(challenge.tab, challenge.tab),
            steps=f"{challenge.config.steps:,}",
        )
    )
    if challenge.target is not None:
        metric = t(f"lab.room.metric.{challenge.metric}")
        st.markdown(t("lab.room.challenge_target", metric=metric, target=f"{challenge.target:.0%}"))
    if challenge.goal:
        st.markdown(f"> {plain(challenge.goal)}")


def _leader_tools(ctx: Frame, room) -> None:
    with st.expander(t("lab.room.set_challenge"), icon=":material/flag:"):
        room_forms.challenge_form(ctx, room)
    if st.button(t("lab.room.close"), key=room_keys.CLOSE, icon=":material/door_front:"):
        act(
            ctx.db,
            lambda s: rooms.close_room(session=s, by=ctx.actor, room_id=room.id),
            done="lab.room.closed_toast",
        )


def _room(ctx: Frame, room, who) -> None:
    state = rooms.state_of(room)
    with ctx.db.read() as s:
        seat = rooms.membership(session=s, room_id=room.id, who=who)
        count = len(rooms.participants(session=s, room_id=room.id))
    head, toggle = st.columns([4, 1], vertical_alignment="bottom")
    head.title(t("lab.room.header", code=room.code))
    on = presenter.room_toggle(toggle)  # a projector's view: no sidebar, leader tools or links
    if room.title:
        st.subheader(plain(room.title))
    challenge = rooms.challenge_of(room)
    if state == "open":
        st.caption(t("lab.room.open_until", when=show(room.expires_at), n=count))
        with st.expander(t("lab.room.share_heading"), icon=":material/qr_code_2:", expanded=seat is None):
            room_forms.share(room.code)
        if seat is not None:
            st.markdown(t("lab.room.you_are", name=plain(seat.nickname)))
            page_link("lab", t("lab.room.open_lab"), icon=":material/science:")
        else:
            room_forms.join_form(ctx, who, room.code)
    else:
        st.info(t("lab.room.ended_notice", state=t(f"lab.room.state.{state}")), icon=":material/event_busy:")
    with st.container(border=True):
        st.markdown(f"**{t('lab.room.challenge_heading')}**")
        _challenge(challenge)
    if ctx.is_leader and state == "open" and not on:
        _leader_tools(ctx, room)
    if state == "open":
        room_board.live_board(ctx, room.id, challenge, who, presenter=on)
    else:
        room_board.board(ctx, room.id, challenge, who, presenter=on)
    if not on:
        page_link(ROOM_PAGE, t("lab.room.back_to_lobby"), icon=":material/arrow_back:")


def render() -> None:
    """Draw the room page."""
    ctx = frame()
    who = participant(ctx)
    remember_guest()
    code = st.query_params.get("code")
    room = None
    if code:

        def find():
            with ctx.db.read() as s:
                return rooms.find_room(session=s, code=code)

        room = attempt(find)
    if room is None:
        _lobby(ctx, who)
    else:
        _room(ctx, room, who)
