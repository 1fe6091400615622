"""The seminar room's forms: join (code and nickname), open a room (leaders), set the challenge
(leaders), and the join link with its QR code for the projector."""

from __future__ import annotations

import streamlit as st

from core.curriculum import seminars
from core.lab import rooms
from core.lab.presets import PRESETS, TAB_LABELS
from db.models.rooms import CHALLENGE_METRICS
from ui.lab import room_keys
from ui.lab.room_lab import ROOM_PAGE, enter
from ui.lab.running import plain
from ui.shell.actions import act
from ui.shell.frame import Frame
from ui.shell.i18n import t
from ui.shell.qr import page_url, qr_png
from ui.shell.widgets import pick_one


def _go_to(code: str) -> None:
    st.query_params.from_dict({"code": code})


def join_form(ctx: Frame, who, code: str | None) -> None:
    """Join a room: the code (unless the page already shows its room) and a nickname."""
    if ctx.actor is not None:
        st.session_state.setdefault(room_keys.JOIN_NICK, ctx.actor.display_name[: rooms.NICKNAME_MAX])
    with st.form(room_keys.JOIN_FORM, border=True):
        typed = code
        if code is None:
            typed = st.text_input(
                t("lab.room.code_field"),
                key=room_keys.JOIN_CODE,
                max_chars=rooms.CODE_INPUT_MAX,
                help=t("lab.room.code_help"),
            )
        nick = st.text_input(
            t("lab.room.nickname"),
            key=room_keys.JOIN_NICK,
            max_chars=rooms.NICKNAME_MAX,
            help=t("lab.room.nickname_help"),
        )
        go = st.form_submit_button(t("lab.room.join"), type="primary", icon=":material/login:")
    if not go:
        return

    def join(s):
        seat = rooms.join_room(session=s, code=typed or "", who=who, nickname=nick)
        room = rooms.get_room(session=s, room_id=seat.room_id)
        return room.id, room.code, seat.nickname

    def joined(found) -> None:
        enter(found[0], found[1])
        _go_to(found[1])

    act(ctx.db, join, done="lab.room.joined", params=lambda r: {"name": plain(r[2])}, on_success=joined)


def open_form(ctx: Frame) -> None:
    """A leader opens a room, for a seminar or on its own."""
    with ctx.db.read() as s:
        sems = [(sem.id, sem.title) for sem in seminars.list_seminars(session=s)]
    names = dict(sems)
    with st.form(room_keys.OPEN_FORM, border=True):
        title = st.text_input(t("lab.room.title_field"), key=room_keys.OPEN_TITLE, max_chars=rooms.TITLE_MAX)
        seminar = pick_one(
            t("lab.room.seminar_field"),
            [None, *names],
            key=room_keys.OPEN_SEMINAR,
            format_func={None: t("lab.room.no_seminar_option"), **names}.__getitem__,
        )
        hours = st.number_input(
            t("lab.room.hours_field"),
            key=room_keys.OPEN_HOURS,
            min_value=1,
            max_value=rooms.MAX_ROOM_HOURS,
            value=rooms.ROOM_HOURS,
            step=1,
        )
        go = st.form_submit_button(t("lab.room.open"), type="primary", icon=":material/meeting_room:")
    if go:
        act(
            ctx.db,
            lambda s: (
                rooms.open_room(session=s, by=ctx.actor, title=title, seminar_id=seminar, hours=hours).code
            ),
            done="lab.room.opened",
            params=lambda code: {"code": code},
            on_success=_go_to,
            forget=(room_keys.OPEN_TITLE,),
        )


def _choices() -> dict[tuple[str, str], str]:
    return {
        (name, tab): f"{t(p.title_key)} · {TAB_LABELS[tab]}"
        for name, p in PRESETS.items()
        for tab in p.configs
    }


def challenge_form(ctx: Frame, room) -> None:
    """A leader sets the challenge: a preset's model, its steps, a held-out accuracy target, words."""
    choices = _choices()
    current = rooms.challenge_of(room)
    with st.form(room_keys.CH_FORM, border=False):
        pick = pick_one(
            t("lab.room.preset_field"),
            list(choices),
            key=room_keys.CH_PRESET,
            format_func=choices.__getitem__,
            index=list(choices).index((current.preset, current.tab))
            if current and (current.preset, current.tab) in choices
            else 0,
        )
        c1, c2, c3 = st.columns(3)
        steps = c1.number_input(
            t("lab.room.steps_field"),
            key=room_keys.CH_STEPS,
            min_value=1,
            step=10,
            value=current.config.steps if current else None,
        )
        target = c2.number_input(
            t("lab.room.target_field"),
            key=room_keys.CH_TARGET,
            min_value=0.0,
            max_value=100.0,
            step=1.0,
            value=current.target * 100 if current and current.target else None,
        )
        metric = c3.selectbox(
            t("lab.room.metric_field"),
            CHALLENGE_METRICS,
            key=room_keys.CH_METRIC,
            format_func={m: t(f"lab.room.metric.{m}") for m in CHALLENGE_METRICS}.__getitem__,
        )
        goal = st.text_input(t("lab.room.goal_field"), key=room_keys.CH_GOAL, max_chars=rooms.GOAL_MAX)
        go = st.form_submit_button(t("lab.room.save_challenge"), type="primary", icon=":material/flag:")
    if go:
        act(
            ctx.db,
            lambda s: rooms.set_challenge(
                session=s,
                by=ctx.actor,
                room_id=room.id,
                preset=pick[0],
                tab=pick[1],
                steps=int(steps) if steps else None,
                target=target / 100 if target is not None else None,
                metric=metric,
                goal=goal,
            ),
            done="lab.room.challenge_saved",
        )
    if current is not None and st.button(t("lab.room.clear_challenge"), key=room_keys.CH_CLEAR):
        act(
            ctx.db,
            lambda s: rooms.set_challenge(session=s, by=ctx.actor, room_id=room.id, preset=""),
            done="lab.room.challenge_cleared",
        )


def join_link(code: str) -> str:
    """The address participants open: this server's room page with the code."""
    return page_url(ROOM_PAGE, {"code": code})


def share(code: str) -> None:
    """The join link and its QR code, large enough to scan off a projector."""
    link = join_link(code)
    st.caption(t("lab.room.share_help"))
    left, right = st.columns([3, 2])
    left.markdown(f"# {code}")
    left.code(link, language=None)
    right.image(qr_png(link), width=280, alt=t("lab.room.qr_alt", code=code))
