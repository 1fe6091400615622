"""The seminars page's seminar: the seminar form, a leader's new seminar, picking one, and a
leader's edit (a stale save shows the newer one) and delete."""

from __future__ import annotations

from datetime import time

import streamlit as st

from core.curriculum import seminars
from core.validate import MAX_URL
from db.models.curriculum import Seminar, Week
from ui.curriculum import keys
from ui.curriculum.widgets import (
    base_version,
    save_versioned,
    seminar_facts,
    week_label,
    when,
)
from ui.lab.room_lab import seminar_room
from ui.shell.actions import act
from ui.shell.forms import fresh, renew
from ui.shell.i18n import t
from ui.shell.markdown import markdown_editor, user_markdown
from ui.shell.time import local as local_time
from ui.shell.time import to_utc
from ui.shell.time import today as group_today


def seminar_form(ctx, prefix: str, people: list, weeks: list[Week], sem: Seminar | None = None) -> dict:
    """Seminar fields inside a form; explicit keys keep typed text after a refused save."""
    key = lambda field: keys.seminar_field(prefix, field)  # noqa: E731
    local = local_time(sem.starts_at) if sem else None
    title = st.text_input(
        t("cur.seminar.title"), value=sem.title if sem else "", max_chars=seminars.MAX_TITLE, key=key("title")
    )
    c1, c2, c3 = st.columns(3)
    day = c1.date_input(t("cur.seminar.date"), value=local.date() if local else group_today(), key=key("day"))
    at = c2.time_input(
        t("cur.seminar.time"), value=local.time() if local else time(19, 0), step=300, key=key("time")
    )
    duration = c3.number_input(
        t("cur.seminar.duration"),
        1,
        seminars.MAX_DURATION_MIN,
        value=sem.duration_min if sem else 90,
        step=15,
        key=key("dur"),
    )
    c1, c2 = st.columns(2)
    place = c1.text_input(
        t("cur.seminar.place"), value=sem.place if sem else "", max_chars=seminars.MAX_PLACE, key=key("place")
    )
    link = c2.text_input(
        t("cur.seminar.link"),
        value=sem.link if sem else "",
        placeholder="https://",
        max_chars=MAX_URL,
        key=key("link"),
    )
    presenters = {None: t("cur.seminar.no_presenter"), **{p.id: p.display_name for p in people}}
    presenter_ids = list(presenters)
    presenter = c1.selectbox(
        t("cur.seminar.presenter"),
        presenter_ids,
        index=presenter_ids.index(sem.presenter_id) if sem and sem.presenter_id in presenter_ids else 0,
        format_func=presenters.get,
        key=key("presenter"),
    )
    week_labels = {None: t("cur.seminar.no_week"), **{w.id: week_label(w, ctx.lang) for w in weeks}}
    week_ids = list(week_labels)
    week = c2.selectbox(
        t("cur.seminar.week"),
        week_ids,
        index=week_ids.index(sem.week_id) if sem and sem.week_id in week_ids else 0,
        format_func=week_labels.get,
        key=key("week"),
    )
    paper_title = c1.text_input(
        t("cur.seminar.paper_title"),
        value=sem.paper_title if sem else "",
        max_chars=seminars.MAX_PAPER_TITLE,
        key=key("paper"),
    )
    paper_url = c2.text_input(
        t("cur.seminar.paper_url"),
        value=sem.paper_url if sem else "",
        placeholder="https://",
        max_chars=MAX_URL,
        key=key("paper_url"),
    )
    slides_url = st.text_input(
        t("cur.seminar.slides_url"),
        value=sem.slides_url if sem else "",
        placeholder="https://",
        max_chars=MAX_URL,
        key=key("slides"),
    )
    description = markdown_editor(
        t("cur.seminar.description"),
        value=sem.description if sem else "",
        max_chars=seminars.MAX_DESCRIPTION,
        key=key("desc"),
    )
    return {
        "title": title,
        "starts_at": to_utc(day, at) if day and at else None,
        "duration_min": int(duration or 0),
        "place": place,
        "link": link,
        "presenter_id": presenter,
        "paper_title": paper_title,
        "paper_url": paper_url,
        "slides_url": slides_url,
        "description": description,
        "week_id": week,
    }


def new_seminar(ctx, people: list, weeks: list[Week]) -> None:
    """Leader: schedule a seminar; it becomes the picked one."""
    with st.expander(t("cur.seminar.new"), icon=":material/add:"):
        with st.form(keys.NEW_SEMINAR_FORM):
            fields = seminar_form(ctx, fresh(keys.NEW_SEMINAR), people, weeks)
            create = st.form_submit_button(t("cur.seminar.create"), type="primary")
        if create:

            def created(new: Seminar) -> None:
                st.session_state[keys.SEMINAR] = new.id
                renew(keys.NEW_SEMINAR)  # the form starts empty for the next seminar

            act(
                ctx.db,
                lambda s: seminars.create_seminar(session=s, by=ctx.actor, **fields),
                done="cur.seminar.created",
                on_success=created,
                once=fields,
            )


def pick_seminar(all_seminars: list[Seminar], upcoming: Seminar | None) -> Seminar:
    """The seminar selector (the next one by default); shows the pick's facts."""
    by_id = {x.id: x for x in all_seminars}
    if st.session_state.get(keys.SEMINAR) not in by_id:
        st.session_state[keys.SEMINAR] = upcoming.id if upcoming else all_seminars[0].id
    labels = {i: f"{when(x.starts_at)} · {x.title}" for i, x in by_id.items()}
    return by_id[st.selectbox(t("cur.seminar.pick"), list(by_id), key=keys.SEMINAR, format_func=labels.get)]


def seminar_details(ctx, sem: Seminar) -> None:
    st.header(sem.title, anchor=False)
    seminar_facts(sem, ctx.lang)
    if sem.description:
        user_markdown(sem.description)
    seminar_room(ctx, sem.id)  # the seminar's Lab rooms; a leader opens one from here


def seminar_admin(ctx, sem: Seminar, people: list, weeks: list[Week]) -> None:
    """Leader: edit the seminar (a stale save shows the newer one) or delete it."""
    base_key = keys.seminar_base(sem.id)
    base_version(base_key, sem.version)  # the version this edit starts from
    with st.expander(t("cur.seminar.edit"), icon=":material/edit:"):
        with st.form(keys.seminar_edit_form(sem.id)):
            fields = seminar_form(ctx, keys.seminar_prefix(sem.id), people, weeks, sem)
            save = st.form_submit_button(t("common.save"), type="primary")
        if save:
            save_versioned(
                ctx.db,
                base_key,
                lambda s, v: seminars.update_seminar(
                    session=s, by=ctx.actor, seminar_id=sem.id, expected_version=v, **fields
                ),
                lambda x: f"**{x.title}** · {when(x.starts_at)}\n\n{x.description}",
                "cur.seminar.updated",
            )
        if st.button(t("cur.seminar.delete"), key=keys.seminar_delete(sem.id), icon=":material/delete:"):
            act(
                ctx.db,
                lambda s: seminars.delete_seminar(session=s, by=ctx.actor, seminar_id=sem.id),
                forget=(keys.SEMINAR,),
            )
