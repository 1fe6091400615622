"""The seminar room as the Lab and other pages see it: which room this browser is in (the Lab tags
the runs it starts with it), the room's challenge put into the Lab's form as its starting config,
the banner above the Lab's tabs, and a seminar's "open a Lab room" button.

The room a browser is in is session state (`room_keys.ROOM`), set when it joins on the room page.
"""

from __future__ import annotations

import streamlit as st

from core.errors import NotFound
from core.lab import rooms
from core.lab.presets import PRESETS
from ui.lab import keys, room_keys
from ui.lab.identity import participant
from ui.lab.running import plain
from ui.lab.widgets import load_config
from ui.shell.actions import act
from ui.shell.frame import Frame
from ui.shell.i18n import t
from ui.shell.links import page_link

ROOM_PAGE = "room"


def enter(room_id: int, code: str) -> None:
    """This browser joined a room: its Lab tags new runs with it and starts from the challenge."""
    st.session_state[room_keys.ROOM] = {"id": room_id, "code": code}
    st.session_state[room_keys.ROOM_LOAD] = True


def current_room_id() -> int | None:
    """The room new Lab runs are started in (None: not in a room)."""
    room = st.session_state.get(room_keys.ROOM)
    return room["id"] if room else None


def _read(ctx: Frame):
    """(room, challenge, my nickname) of this browser's room; None when it is in none, or the room
    ended or is gone (then the Lab lets go of it and says why)."""
    mine = st.session_state.get(room_keys.ROOM)
    if not mine:
        return None
    who = participant(ctx)
    with ctx.db.read() as s:
        try:
            room = rooms.get_room(session=s, room_id=mine["id"])
        except NotFound:
            room = None
        seat = room and rooms.membership(session=s, room_id=room.id, who=who)
        if room is None or seat is None or rooms.state_of(room) != "open":
            st.session_state.pop(room_keys.ROOM, None)
            st.session_state[room_keys.ROOM_NOTICE] = mine["code"]
            return None
        return room, rooms.challenge_of(room), seat.nickname


def apply(ctx: Frame) -> None:
    """Before the Lab draws its form: a guest's nickname is their room nickname, and a pending
    challenge goes into the form of its tab (which opens)."""
    found = _read(ctx)
    if found is None:
        st.session_state.pop(room_keys.ROOM_LOAD, None)
        return
    _, challenge, nick = found
    if ctx.actor is None and not (st.session_state.get(keys.GUEST_NAME) or "").strip():
        st.session_state[keys.GUEST_NAME] = nick
    if st.session_state.pop(room_keys.ROOM_LOAD, False) and challenge is not None:
        load_config(challenge.tab, challenge.config)
        st.session_state[keys.TAB_ID] = challenge.tab
        st.session_state[keys.show(challenge.tab)] = None
        if challenge.preset in PRESETS:
            st.session_state[keys.PRESET] = challenge.preset


def banner(ctx: Frame) -> None:
    """Above the Lab's tabs: the room this browser trains in, with its challenge to start from."""
    ended = st.session_state.pop(room_keys.ROOM_NOTICE, None)
    if ended:
        st.info(t("lab.room.left_ended", code=ended), icon=":material/meeting_room:")
    found = _read(ctx)
    if found is None:
        return
    room, challenge, nick = found
    with st.container(border=True):
        st.markdown(t("lab.room.banner", code=room.code, name=plain(nick)))
        cols = st.columns([2, 2, 2, 3], vertical_alignment="center")
        if challenge is not None and cols[0].button(
            t("lab.room.use_challenge"), key=room_keys.ROOM_USE, icon=":material/flag:"
        ):
            st.session_state[room_keys.ROOM_LOAD] = True
            st.rerun()
        page_link(ROOM_PAGE, t("lab.room.to_room"), query={"code": room.code}, where=cols[1])
        if cols[2].button(t("lab.room.leave"), key=room_keys.ROOM_LEAVE, icon=":material/logout:"):
            st.session_state.pop(room_keys.ROOM, None)
            st.rerun()


def seminar_room(ctx: Frame, seminar_id: int) -> None:
    """On a seminar's page: links to its Lab rooms, and for a leader a button that opens a new one
    and goes to it (the room's code, link and QR code are there)."""
    with ctx.db.read() as s:
        held = [(r.code, rooms.state_of(r)) for r in rooms.list_rooms(session=s, seminar_id=seminar_id)]
    for code, state in held[:3]:
        label = t("lab.room.seminar_room", code=code) + f" · {t(f'lab.room.state.{state}')}"
        page_link(ROOM_PAGE, label, query={"code": code})
    if not ctx.is_leader:
        return
    if st.button(
        t("lab.room.open_for_seminar"), key=room_keys.seminar_open(seminar_id), icon=":material/meeting_room:"
    ):
        opened: list[str] = []
        act(
            ctx.db,
            lambda s: rooms.open_room(session=s, by=ctx.actor, seminar_id=seminar_id).code,
            on_success=opened.append,
            rerun=False,
        )
        if opened:
            from ui.shell.nav import page_spec

            st.switch_page(page_spec(ROOM_PAGE).file, query_params={"code": opened[0]})


__all__ = ["apply", "banner", "current_room_id", "enter", "seminar_room"]
