"""The curriculum page's week: the week form, a leader's new week, picking a week (`?week=<id>`),
its header with exports and Lab link, and a leader's edit / reorder / archive."""

from __future__ import annotations

import streamlit as st

from core.curriculum import weeks as cur
from core.curriculum.export import curriculum_markdown, filename, week_markdown
from core.lab.presets import PRESETS
from core.validate import url_id
from db.models.curriculum import Week
from ui.curriculum import keys
from ui.curriculum.widgets import base_version, save_versioned, week_label
from ui.shell.actions import act
from ui.shell.forms import fresh, renew
from ui.shell.i18n import t
from ui.shell.links import lab_link
from ui.shell.markdown import markdown_editor, user_markdown
from ui.shell.time import show


def week_form(prefix: str, week: Week | None = None) -> dict:
    """The week fields (inside a form); keys carry the week so typed text survives reruns."""
    key = lambda field: keys.week_field(prefix, field)  # noqa: E731
    c1, c2 = st.columns(2)
    values = {
        "title_ko": c1.text_input(
            t("cur.week.title_ko"),
            value=week.title_ko if week else "",
            max_chars=cur.MAX_TITLE,
            key=key("title_ko"),
        ),
        "title_en": c2.text_input(
            t("cur.week.title_en"),
            value=week.title_en if week else "",
            max_chars=cur.MAX_TITLE,
            key=key("title_en"),
        ),
        "start_date": c1.date_input(
            t("cur.week.start_date"), value=week.start_date if week else None, key=key("start")
        ),
        "end_date": c2.date_input(
            t("cur.week.end_date"), value=week.end_date if week else None, key=key("end")
        ),
        "goals": markdown_editor(
            t("cur.week.goals"), value=week.goals if week else "", max_chars=cur.MAX_GOALS, key=key("goals")
        ),
        "summary": markdown_editor(
            t("cur.week.summary"),
            value=week.summary if week else "",
            max_chars=cur.MAX_SUMMARY,
            key=key("summary"),
        ),
        "tags": st.text_input(
            t("cur.week.tags"),
            value=", ".join(cur.tag_list(week.tags)) if week else "",
            help=t("cur.week.tags_help"),
            max_chars=cur.MAX_TAGS_TEXT,
            key=key("tags"),
        ),
    }
    presets = {"": t("common.none"), **{name: t(p.title_key) for name, p in PRESETS.items()}}
    current = week.lab_preset if week and week.lab_preset else ""
    values["lab_preset"] = st.selectbox(
        t("cur.week.lab_preset"),
        list(presets),
        index=list(presets).index(current),
        format_func=presets.get,
        key=key("preset"),
    )
    return values


def new_week(ctx) -> None:
    """Leader: add a week; the new week becomes the picked one."""
    with st.expander(t("cur.week.new"), icon=":material/add:"):
        with st.form(keys.NEW_WEEK_FORM):
            fields = week_form(fresh(keys.NEW_WEEK))
            create = st.form_submit_button(t("cur.week.create"), type="primary")
        if create:

            def created(w: Week) -> None:
                st.session_state[keys.WEEK] = w.id
                renew(keys.NEW_WEEK)  # the form starts empty for the next week

            act(
                ctx.db,
                lambda s: cur.create_week(session=s, by=ctx.actor, **fields),
                done="cur.week.created",
                params=lambda w: {"n": w.number},
                on_success=created,
                once=fields,
            )


def pick_week(ctx, weeks: list[Week]) -> Week:
    """The week selector; a `?week=<id>` link picks the week on the session's first visit."""
    by_id = {w.id: w for w in weeks}
    wanted = url_id(st.query_params.get("week"))
    if wanted in by_id and keys.WEEK not in st.session_state:
        st.session_state[keys.WEEK] = wanted
    if st.session_state.get(keys.WEEK) not in by_id:
        st.session_state[keys.WEEK] = weeks[0].id
    labels = {
        i: week_label(w, ctx.lang) + (f" ({t('cur.week.archived')})" if w.archived else "")
        for i, w in by_id.items()
    }
    week_id = st.selectbox(t("cur.week.pick"), list(by_id), key=keys.WEEK, format_func=labels.get)
    return by_id[week_id]


def week_header(ctx, week: Week) -> None:
    """Title, dates, tags, goals, summary, the Lab demo link, and the Markdown exports."""
    with ctx.db.read() as s:
        week_md = week_markdown(session=s, week_id=week.id, lang=ctx.lang)
        all_md = curriculum_markdown(session=s, lang=ctx.lang)
    st.header(week_label(week, ctx.lang), anchor=False)
    if week.title_en and ctx.lang == "ko":
        st.caption(week.title_en)
    if week.start_date or week.end_date:
        st.caption(f"{show(week.start_date)} ~ {show(week.end_date)}")
    if cur.tag_list(week.tags):
        st.markdown(" ".join(f":blue-badge[{tg}]" for tg in cur.tag_list(week.tags)))
    if week.goals:
        st.subheader(t("cur.week.goals"), anchor=False)
        user_markdown(week.goals)
    if week.summary:
        st.subheader(t("cur.week.summary"), anchor=False)
        user_markdown(week.summary)
    if week.lab_preset:
        lab_link(t("cur.week.lab_link"), preset=week.lab_preset)
    c1, c2 = st.columns(2)
    c1.download_button(
        t("cur.export.week"),
        week_md,
        file_name=filename(week),
        mime="text/markdown",
        icon=":material/download:",
        key=keys.DOWNLOAD_WEEK,
    )
    c2.download_button(
        t("cur.export.all"),
        all_md,
        file_name=filename(),
        mime="text/markdown",
        icon=":material/download:",
        key=keys.DOWNLOAD_ALL,
    )


def week_admin(ctx, week: Week) -> None:
    """Leader: edit the week (a stale save shows the newer one), move it, archive it."""
    me = ctx.actor
    base_key = keys.week_base(week.id)
    base_version(base_key, week.version)  # the version this edit starts from
    with st.expander(t("cur.week.edit"), icon=":material/edit:"):
        with st.form(keys.week_edit_form(week.id)):
            fields = week_form(keys.week_prefix(week.id), week)
            save = st.form_submit_button(t("common.save"), type="primary")
        if save:
            save_versioned(
                ctx.db,
                base_key,
                lambda s, v: cur.update_week(session=s, by=me, week_id=week.id, expected_version=v, **fields),
                lambda w: f"**{w.title_ko}** {w.title_en}\n\n{w.goals}\n\n{w.summary}",
                "cur.week.updated",
            )
    with st.expander(t("cur.week.order"), icon=":material/swap_vert:"):
        b1, b2, b3 = st.columns(3)
        if b1.button(t("cur.week.move_up"), key=keys.MOVE_UP, icon=":material/arrow_upward:"):
            act(ctx.db, lambda s: cur.move_week(session=s, by=me, week_id=week.id, step=-1))
        if b2.button(t("cur.week.move_down"), key=keys.MOVE_DOWN, icon=":material/arrow_downward:"):
            act(ctx.db, lambda s: cur.move_week(session=s, by=me, week_id=week.id, step=1))
        label = t("cur.week.unarchive") if week.archived else t("cur.week.archive")
        if b3.button(label, key=keys.ARCHIVE, icon=":material/archive:"):
            act(
                ctx.db,
                lambda s: cur.set_archived(session=s, by=me, week_id=week.id, archived=not week.archived),
            )
