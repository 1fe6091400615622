"""A week's materials: the list, a leader's correction form (a stale save shows the newer fields
and keeps the input), delete, and the add form."""

from __future__ import annotations

import streamlit as st

from core.curriculum import weeks as cur
from core.validate import MAX_URL
from db.models.curriculum import MATERIAL_KINDS, Week
from ui.curriculum import keys
from ui.curriculum.widgets import on_stale, refused_unless_stale
from ui.shell.actions import act
from ui.shell.forms import fresh, renew
from ui.shell.i18n import t


def material_line(kind: str, title: str, url: str, note: str) -> str:
    """One material as a Markdown line: kind, linked title, note."""
    link = f"[{title}]({url})" if url else title
    return f"**{t(f'cur.material.kind.{kind}')}** · {link}" + (f" — {note}" if note else "")


def _kinds() -> dict[str, str]:
    return {k: t(f"cur.material.kind.{k}") for k in MATERIAL_KINDS}


def edit_material(db, me, m) -> None:
    """A leader's correction form; a save refused as stale shows the newer fields and keeps the input."""
    seen_key = keys.material_seen(m.id)
    seen = st.session_state.setdefault(seen_key, {k: getattr(m, k) for k in cur.MATERIAL_FIELDS})
    with st.form(keys.material_edit_form(m.id)):
        kinds = _kinds()
        c1, c2 = st.columns([1, 3])
        kind = c1.selectbox(
            t("cur.material.kind"),
            list(kinds),
            index=list(kinds).index(m.kind),
            key=keys.material_field(m.id, "kind"),
            format_func=kinds.get,
        )
        mtitle = c2.text_input(
            t("cur.material.title"),
            value=m.title,
            key=keys.material_field(m.id, "title"),
            max_chars=cur.MAX_MATERIAL_TITLE,
        )
        murl = st.text_input(
            t("cur.material.url"), value=m.url, key=keys.material_field(m.id, "url"), max_chars=MAX_URL
        )
        mnote = st.text_input(
            t("cur.material.note"),
            value=m.note,
            key=keys.material_field(m.id, "note"),
            max_chars=cur.MAX_MATERIAL_NOTE,
        )
        save = st.form_submit_button(t("common.save"))
    if not save:
        return

    def newer(err) -> None:
        n = err.current
        on_stale(
            err,
            seen_key,
            material_line(n.kind, n.title, n.url, n.note),
            base={k: getattr(n, k) for k in cur.MATERIAL_FIELDS},
        )

    act(
        db,
        lambda s: cur.update_material(
            session=s, by=me, material_id=m.id, kind=kind, title=mtitle, url=murl, note=mnote, seen=seen
        ),
        done="cur.material.saved",
        on_error=refused_unless_stale(newer),
        forget=(seen_key, *(keys.material_field(m.id, f) for f in cur.MATERIAL_FIELDS)),
    )


def materials_section(ctx, week: Week) -> None:
    """The week's materials; leaders correct, delete and add."""
    with ctx.db.read() as s:
        materials = cur.list_materials(session=s, week_id=week.id)
    st.subheader(t("cur.materials"), anchor=False)
    if not materials:
        st.caption(t("cur.material.none"))
    for m in materials:
        row = st.columns([6, 1, 1]) if ctx.is_leader else [st.container()]
        row[0].markdown(material_line(m.kind, m.title, m.url, m.note))
        if not ctx.is_leader:
            continue
        with row[1].popover(t("common.edit"), icon=":material/edit:"):
            edit_material(ctx.db, ctx.actor, m)
        if row[2].button(t("common.delete"), key=keys.material_delete(m.id)):
            act(ctx.db, lambda s, m=m: cur.delete_material(session=s, by=ctx.actor, material_id=m.id))
    if ctx.is_leader:
        _add_material(ctx, week)


def _add_material(ctx, week: Week) -> None:
    with st.expander(t("cur.material.add"), icon=":material/attach_file:"):
        with st.form(keys.material_add_form(week.id)):
            key = lambda field: keys.new_material_field(fresh(keys.NEW_MATERIAL), field)  # noqa: E731
            c1, c2 = st.columns([1, 3])
            kinds = _kinds()
            kind = c1.selectbox(t("cur.material.kind"), list(kinds), key=key("kind"), format_func=kinds.get)
            mtitle = c2.text_input(
                t("cur.material.title"), key=key("title"), max_chars=cur.MAX_MATERIAL_TITLE
            )
            murl = st.text_input(
                t("cur.material.url"), key=key("url"), placeholder="https://", max_chars=MAX_URL
            )
            mnote = st.text_input(t("cur.material.note"), key=key("note"), max_chars=cur.MAX_MATERIAL_NOTE)
            add = st.form_submit_button(t("cur.material.add"))
        if add:
            act(
                ctx.db,
                lambda s: cur.add_material(
                    session=s, by=ctx.actor, week_id=week.id, kind=kind, title=mtitle, url=murl, note=mnote
                ),
                done="cur.material.added",
                on_success=lambda _: renew(keys.NEW_MATERIAL),  # the form starts empty again
                once=(week.id, kind, mtitle, murl, mnote),
            )
