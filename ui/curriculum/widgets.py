"""Streamlit glue shared by the curriculum pages: labels, the next-seminar card on Home, the
stale-edit notice, version bookkeeping for edit forms, and the material editor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import streamlit as st
from sqlalchemy.orm import Session

from core.curriculum import seminars
from core.curriculum import weeks as cur
from core.curriculum.weeks import week_title
from core.errors import AppError, StaleEdit
from db.models.curriculum import MATERIAL_KINDS, Seminar, Week
from ui.shell.actions import act
from ui.shell.i18n import show_error, t

CURRICULUM_PAGE = "views/curriculum.py"
SEMINARS_PAGE = "views/seminars.py"


def week_label(week: Week, lang: str) -> str:
    """'3주차 · 어텐션' / 'Week 3 · Attention'."""
    return f"{t('cur.week.short', n=week.number)} · {week_title(week, lang)}"


def when(moment: datetime) -> str:
    """A stored UTC time as the group's local 'YYYY-MM-DD HH:MM'."""
    return seminars.to_local(moment).strftime("%Y-%m-%d %H:%M")


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
        st.markdown(newer_markdown)
    st.session_state[key] = err.current.version if base is None else base


def save_versioned(db, base_key: str, write: Callable[[Session, int], object],
                   newer_markdown: Callable[[object], str], done_key: str | None = None) -> None:
    """Run `write(session, expected_version)` through `act`. A stale save shows the newer text
    (the user's own stays in the widgets); success forgets the base version, toasts, reruns."""

    def refused(err: AppError) -> None:
        if isinstance(err, StaleEdit):
            on_stale(err, base_key, newer_markdown(err.current))
        else:
            show_error(err)

    act(db, lambda s: write(s, st.session_state[base_key]), done=done_key, forget=(base_key,),
        on_error=refused)


def seminar_facts(sem: Seminar, lang: str) -> None:
    """Date, place / link, presenter, paper and slides of a seminar."""
    st.markdown(f"**{t('cur.seminar.date')}**: " + t("cur.seminar.when", when=when(sem.starts_at),
                                                      minutes=sem.duration_min))
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


def this_week_card(ctx) -> None:
    """Home card: the week in progress (or next), its goals, tags and Lab demo."""
    from core.curriculum import weeks as curriculum
    from ui.shell.links import lab_link

    with ctx.db.read() as s:
        week = curriculum.current_week(session=s, today=datetime.now(seminars.GROUP_TZ).date())
        n_notes = len(curriculum.list_notes(session=s, week_id=week.id)) if week else 0
        n_materials = len(curriculum.list_materials(session=s, week_id=week.id)) if week else 0
    with st.container(border=True):
        st.subheader(t("cur.home.week"), anchor=False)
        if week is None:
            st.caption(t("home.empty"))
            return
        st.markdown(f"**{week_label(week, ctx.lang)}**")
        if week.start_date:
            end = f" – {week.end_date:%Y-%m-%d}" if week.end_date else ""
            st.caption(f"{week.start_date:%Y-%m-%d}{end}")
        if week.goals:
            st.markdown(f"**{t('cur.week.goals')}**")
            st.markdown(week.goals)
        tags = curriculum.tag_list(week.tags)
        if tags:
            st.markdown(" ".join(f":blue-badge[{tag}]" for tag in tags))
        st.caption(t("cur.home.counts", notes=n_notes, materials=n_materials))
        cols = st.columns(2)
        try:
            cols[0].page_link(CURRICULUM_PAGE, label=t("cur.nav.weeks"), icon=":material/menu_book:")
        except Exception:  # noqa: BLE001  page not registered in this run (e.g. a test harness)
            pass
        if week.lab_preset:
            lab_link(t("cur.home.demo"), preset=week.lab_preset, where=cols[1])


def next_seminar_card(ctx) -> None:
    """Home card: the seminar on now or coming next, with a link to the seminars page."""
    with ctx.db.read() as s:
        sem = seminars.next_seminar(session=s)
    with st.container(border=True):
        st.subheader(t("cur.home.next"), anchor=False)
        if sem is None:
            st.caption(t("cur.home.none"))
            return
        if sem.starts_at <= datetime.now(sem.starts_at.tzinfo):
            st.badge(t("cur.seminar.now"), color="green")
        st.markdown(f"**{sem.title}**")
        seminar_facts(sem, ctx.lang)
        try:
            st.page_link(SEMINARS_PAGE, label=t("cur.nav.seminars"), icon=":material/co_present:")
        except Exception:  # noqa: BLE001  page not registered in this run (e.g. a test harness)
            pass


def material_line(kind: str, title: str, url: str, note: str) -> str:
    """One material as a Markdown line: kind, linked title, note."""
    link = f"[{title}]({url})" if url else title
    return f"**{t(f'cur.material.kind.{kind}')}** · {link}" + (f" — {note}" if note else "")


def edit_material(db, me, m) -> None:
    """A leader's correction form; a save refused as stale shows the newer fields and keeps the input."""
    seen_key = f"cur_mat_seen_{m.id}"
    seen = st.session_state.setdefault(seen_key, {k: getattr(m, k) for k in cur.MATERIAL_FIELDS})
    with st.form(f"cur_mat_edit_{m.id}"):
        kinds = {k: t(f"cur.material.kind.{k}") for k in MATERIAL_KINDS}
        c1, c2 = st.columns([1, 3])
        kind = c1.selectbox(t("cur.material.kind"), list(kinds), index=list(kinds).index(m.kind),
                            key=f"cur_mat_{m.id}_kind", format_func=kinds.get)
        mtitle = c2.text_input(t("cur.material.title"), value=m.title, key=f"cur_mat_{m.id}_title", max_chars=300)
        murl = st.text_input(t("cur.material.url"), value=m.url, key=f"cur_mat_{m.id}_url")
        mnote = st.text_input(t("cur.material.note"), value=m.note, key=f"cur_mat_{m.id}_note")
        save = st.form_submit_button(t("common.save"))
    if not save:
        return
    try:
        with db.write() as s:
            cur.update_material(session=s, by=me, material_id=m.id, kind=kind, title=mtitle, url=murl,
                                note=mnote, seen=seen)
    except StaleEdit as err:
        newer = err.current
        on_stale(err, seen_key, material_line(newer.kind, newer.title, newer.url, newer.note),
                 base={k: getattr(newer, k) for k in cur.MATERIAL_FIELDS})
    except AppError as err:
        show_error(err)
    else:
        for k in (seen_key, *(f"cur_mat_{m.id}_{f}" for f in cur.MATERIAL_FIELDS)):
            st.session_state.pop(k, None)
        st.toast(t("cur.material.saved"), icon=":material/check:")
        st.rerun()
