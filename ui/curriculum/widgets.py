"""Streamlit glue shared by the curriculum screens: labels, seminar facts, and version
bookkeeping for edit forms with the stale-edit notice (the newer version is shown, the user's
text stays in the widgets, the next save starts from the newer version)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import streamlit as st
from sqlalchemy.orm import Session

from core.curriculum.weeks import week_title
from core.errors import AppError, StaleEdit
from db.models.curriculum import Seminar, Week
from ui.shell.actions import act
from ui.shell.i18n import show_error, t
from ui.shell.markdown import user_markdown
from ui.shell.time import show


def week_label(week: Week, lang: str) -> str:
    """'3주차 · 어텐션' / 'Week 3 · Attention'."""
    return f"{t('cur.week.short', n=week.number)} · {week_title(week, lang)}"


def when(moment: datetime) -> str:
    """A stored UTC time as the group's local 'YYYY-MM-DD HH:MM'."""
    return show(moment)


def base_version(key: str, version: int) -> int:
    """The version an edit form started from (kept across reruns until saved)."""
    return st.session_state.setdefault(key, version)


def on_stale(err: StaleEdit, key: str, newer_markdown: str, base: object = None) -> None:
    """Explain the refusal, show what the other person saved, and let the next save start from
    it (`base`, by default the newer version number). The form widgets keep their own keys, so
    the user's text stays where it is."""
    show_error(err)
    with st.container(border=True):
        st.caption(t("cur.week.newer"))
        user_markdown(newer_markdown)
    st.session_state[key] = err.current.version if base is None else base


def refused_unless_stale(on_newer: Callable[[StaleEdit], None]) -> Callable[[AppError], None]:
    """An `act(on_error=...)` that hands a stale save to `on_newer` and shows any other error."""

    def refused(err: AppError) -> None:
        if isinstance(err, StaleEdit):
            on_newer(err)
        else:
            show_error(err)

    return refused


def save_versioned(
    db,
    base_key: str,
    write: Callable[[Session, int], object],
    newer_markdown: Callable[[object], str],
    done_key: str | None = None,
) -> None:
    """Run `write(session, expected_version)` through `act`. A stale save shows the newer text
    (the user's own stays in the widgets); success forgets the base version, toasts, reruns."""
    act(
        db,
        lambda s: write(s, st.session_state[base_key]),
        done=done_key,
        forget=(base_key,),
        on_error=refused_unless_stale(lambda err: on_stale(err, base_key, newer_markdown(err.current))),
    )


def seminar_facts(sem: Seminar, lang: str) -> None:
    """Date, place / link, presenter, paper and slides of a seminar."""
    st.markdown(
        f"**{t('cur.seminar.date')}**: "
        + t("cur.seminar.when", when=when(sem.starts_at), minutes=sem.duration_min)
    )
    if sem.place:
        st.markdown(f"**{t('cur.seminar.place')}**: {sem.place}")
    if sem.link:
        st.link_button(t("cur.seminar.join"), sem.link, icon=":material/videocam:")
    presenter = sem.presenter.display_name if sem.presenter else t("cur.seminar.no_presenter")
    st.markdown(f"**{t('cur.seminar.presenter')}**: {presenter}")
    if sem.paper_title:
        paper = f"[{sem.paper_title}]({sem.paper_url})" if sem.paper_url else sem.paper_title
        st.markdown(f"**{t('cur.seminar.paper_title')}**: {paper}")
    if sem.slides_url:
        st.markdown(f"**{t('cur.seminar.slides')}**: [{sem.slides_url}]({sem.slides_url})")
    if sem.week is not None:
        st.markdown(f"**{t('cur.seminar.week')}**: {week_label(sem.week, lang)}")
