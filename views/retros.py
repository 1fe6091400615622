"""Retrospectives (회고): write one per week and choose who reads it; read what you may.
Members only; who may read what is decided in core.curriculum.retros, not here."""

import streamlit as st

from core.curriculum import retros
from core.curriculum import weeks as cur
from core.validate import url_id
from db.models.curriculum import RETRO_VISIBILITY
from ui.curriculum import keys
from ui.curriculum.widgets import save_versioned, week_label, when
from ui.shell.actions import act
from ui.shell.frame import frame
from ui.shell.i18n import t
from ui.shell.markdown import markdown_editor, user_markdown

ctx = frame()
me = ctx.actor
st.title(t("cur.retro.title"))
st.caption(t("cur.retro.intro"))

with ctx.db.read() as s:
    weeks = cur.list_weeks(session=s)
if not weeks:
    st.info(t("cur.week.none"))
    st.stop()
week_labels = {w.id: week_label(w, ctx.lang) for w in weeks}
linked = url_id(st.query_params.get("week"))  # a search hit's link picks the week on the first visit
if linked in week_labels and keys.RETRO_WEEK not in st.session_state:
    st.session_state[keys.RETRO_WEEK] = linked
week_id = st.selectbox(
    t("cur.retro.week"), list(week_labels), key=keys.RETRO_WEEK, format_func=week_labels.get
)

with ctx.db.read() as s:
    mine = retros.my_retro(session=s, by=me, week_id=week_id)
    readable = [r for r in retros.list_retros(session=s, by=me, week_id=week_id) if r.author_id != me.id]

st.subheader(t("cur.retro.mine"), anchor=False)
# The version this form began from; None means "began with no retrospective".
base_key = keys.retro_base(week_id)
if base_key not in st.session_state:
    st.session_state[base_key] = mine.version if mine else None
with st.form(keys.retro_form(week_id)):
    body = markdown_editor(
        t("cur.retro.body"),
        value=mine.body if mine else "",
        height=200,
        max_chars=retros.MAX_BODY,
        key=keys.retro_body(week_id),
    )
    vis_labels = {v: t(f"cur.retro.vis.{v}") for v in RETRO_VISIBILITY}
    visibility = st.radio(
        t("cur.retro.visibility"),
        RETRO_VISIBILITY,
        horizontal=True,
        index=RETRO_VISIBILITY.index(mine.visibility) if mine else 0,
        format_func=vis_labels.get,
        key=keys.retro_visibility(week_id),
    )
    save = st.form_submit_button(t("cur.retro.save"), type="primary")
if save:
    save_versioned(
        ctx.db,
        base_key,
        lambda s, v: retros.save(
            session=s, by=me, week_id=week_id, body=body, visibility=visibility, expected_version=v
        ),
        lambda x: f"{t(f'cur.retro.vis.{x.visibility}')}\n\n{x.body}",
        "cur.retro.saved",
    )
if mine is not None and st.button(
    t("cur.retro.delete"), key=keys.retro_delete(week_id), icon=":material/delete:"
):
    act(
        ctx.db,
        lambda s: retros.delete(session=s, by=me, retro_id=mine.id),
        forget=(base_key, keys.retro_body(week_id), keys.retro_visibility(week_id)),
    )

st.subheader(t("cur.retro.others"), anchor=False)
if not readable:
    st.caption(t("cur.retro.none"))
for r in readable:
    with st.container(border=True):
        st.caption(
            f"{t('cur.note.by', name=r.author.display_name, when=when(r.updated_at))} · "
            f"{t(f'cur.retro.vis.{r.visibility}')}"
        )
        user_markdown(r.body)
