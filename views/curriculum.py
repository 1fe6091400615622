"""Curriculum: weeks with goals, summary, materials and members' notes; search; export.
Guests read; members write notes; leaders plan, reorder and archive weeks."""

import streamlit as st

from core.curriculum import notes_import
from core.curriculum import weeks as cur
from core.curriculum.export import curriculum_markdown, filename, week_markdown
from core.curriculum.search import search
from core.errors import AppError
from db.models.curriculum import MATERIAL_KINDS
from ui.curriculum.widgets import base_version, edit_material, material_line, save_versioned, week_label, when
from ui.shell.frame import frame
from ui.shell.i18n import show_error, t
from ui.shell.links import lab_link

ctx = frame()
me = ctx.actor
is_leader = me is not None and me.is_leader
st.title(t("cur.nav.weeks"))


def week_form(prefix: str, week=None) -> dict:
    """The week fields (inside a form); keys carry the week so typed text survives reruns."""
    c1, c2 = st.columns(2)
    values = {
        "title_ko": c1.text_input(t("cur.week.title_ko"), value=week.title_ko if week else "",
                                  max_chars=200, key=f"{prefix}_title_ko"),
        "title_en": c2.text_input(t("cur.week.title_en"), value=week.title_en if week else "",
                                  max_chars=200, key=f"{prefix}_title_en"),
        "start_date": c1.date_input(t("cur.week.start_date"), value=week.start_date if week else None,
                                    key=f"{prefix}_start"),
        "end_date": c2.date_input(t("cur.week.end_date"), value=week.end_date if week else None,
                                  key=f"{prefix}_end"),
        "goals": st.text_area(t("cur.week.goals"), value=week.goals if week else "", key=f"{prefix}_goals"),
        "summary": st.text_area(t("cur.week.summary"), value=week.summary if week else "",
                                key=f"{prefix}_summary"),
        "tags": st.text_input(t("cur.week.tags"), value=", ".join(cur.tag_list(week.tags)) if week else "",
                              help=t("cur.week.tags_help"), key=f"{prefix}_tags"),
    }
    presets = {"": t("common.none"), **{p: p for p in cur.LAB_PRESETS}}
    current = week.lab_preset if week and week.lab_preset else ""
    values["lab_preset"] = st.selectbox(t("cur.week.lab_preset"), list(presets),
                                        index=list(presets).index(current), format_func=presets.get,
                                        key=f"{prefix}_preset")
    return values


# --- search -------------------------------------------------------------------------------------
with ctx.db.read() as s:
    weeks = cur.list_weeks(session=s, include_archived=is_leader)
    tags = cur.all_tags(session=s)
by_id = {w.id: w for w in weeks}

with st.expander(t("cur.search.title"), icon=":material/search:",
                 expanded=bool(st.session_state.get("cur_q") or st.session_state.get("cur_tag"))):
    c1, c2 = st.columns([3, 1])
    query = c1.text_input(t("cur.search.query"), key="cur_q")
    tag_labels = {"": t("cur.search.any_tag"), **{x: x for x in tags}}
    tag = c2.selectbox(t("cur.search.tag"), list(tag_labels), key="cur_tag", format_func=tag_labels.get)
    if query.strip() or tag:
        with ctx.db.read() as s:
            hits = search(session=s, query=query, tag=tag or None, lang=ctx.lang)
        st.caption(t("cur.search.count", n=len(hits)) if hits else t("cur.search.none"))
        for h in hits:
            where = week_label(by_id[h.week_id], ctx.lang) if h.week_id in by_id else ""
            st.markdown(f"**{t(f'cur.search.kind.{h.kind}')}** · {h.title}  \n"
                        f":gray[{where}] {h.snippet}")

# --- leader: new week ---------------------------------------------------------------------------
if is_leader:
    with st.expander(t("cur.week.new"), icon=":material/add:"):
        with st.form("cur_new_week"):
            fields = week_form("cur_new")
            create = st.form_submit_button(t("cur.week.create"), type="primary")
        if create:
            try:
                with ctx.db.write() as s:
                    w = cur.create_week(session=s, by=me, **fields)
            except AppError as err:
                show_error(err)
            else:
                st.session_state["cur_week"] = w.id
                st.success(t("cur.week.created", n=w.number))
                st.rerun()

if not weeks:
    st.info(t("cur.week.none"))
    st.stop()

# --- pick a week (?week=<id> from links) --------------------------------------------------------
wanted = st.query_params.get("week")
if wanted and wanted.isdigit() and int(wanted) in by_id and "cur_week" not in st.session_state:
    st.session_state["cur_week"] = int(wanted)
if st.session_state.get("cur_week") not in by_id:
    st.session_state["cur_week"] = weeks[0].id
week_labels = {i: week_label(w, ctx.lang) + (f" ({t('cur.week.archived')})" if w.archived else "")
               for i, w in by_id.items()}
week_id = st.selectbox(t("cur.week.pick"), list(by_id), key="cur_week", format_func=week_labels.get)
week = by_id[week_id]

with ctx.db.read() as s:
    materials = cur.list_materials(session=s, week_id=week.id)
    notes = cur.list_notes(session=s, week_id=week.id)
    week_md = week_markdown(session=s, week_id=week.id, lang=ctx.lang)
    all_md = curriculum_markdown(session=s, lang=ctx.lang)

st.header(week_label(week, ctx.lang), anchor=False)
if week.title_en and ctx.lang == "ko":
    st.caption(week.title_en)
if week.start_date or week.end_date:
    st.caption(f"{week.start_date or ''} ~ {week.end_date or ''}")
if cur.tag_list(week.tags):
    st.markdown(" ".join(f":blue-badge[{tg}]" for tg in cur.tag_list(week.tags)))
if week.goals:
    st.subheader(t("cur.week.goals"), anchor=False)
    st.markdown(week.goals)
if week.summary:
    st.subheader(t("cur.week.summary"), anchor=False)
    st.markdown(week.summary)
if week.lab_preset:
    lab_link(t("cur.week.lab_link"), preset=week.lab_preset)

c1, c2 = st.columns(2)
c1.download_button(t("cur.export.week"), week_md, file_name=filename(week), mime="text/markdown",
                   icon=":material/download:", key="cur_dl_week")
c2.download_button(t("cur.export.all"), all_md, file_name=filename(), mime="text/markdown",
                   icon=":material/download:", key="cur_dl_all")

# --- leader: edit, reorder, archive -------------------------------------------------------------
if is_leader:
    base_key = f"cur_week_base_{week.id}"
    base_version(base_key, week.version)  # the version this edit starts from
    with st.expander(t("cur.week.edit"), icon=":material/edit:"):
        with st.form(f"cur_edit_week_{week.id}"):
            fields = week_form(f"cur_w{week.id}", week)
            save = st.form_submit_button(t("common.save"), type="primary")
        if save:
            save_versioned(
                ctx.db, base_key,
                lambda s, v: cur.update_week(session=s, by=me, week_id=week.id, expected_version=v, **fields),
                lambda w: f"**{w.title_ko}** {w.title_en}\n\n{w.goals}\n\n{w.summary}", "cur.week.updated")
    with st.expander(t("cur.week.order"), icon=":material/swap_vert:"):
        b1, b2, b3 = st.columns(3)
        action = None
        if b1.button(t("cur.week.move_up"), key="cur_up", icon=":material/arrow_upward:"):
            action = lambda s: cur.move_week(session=s, by=me, week_id=week.id, step=-1)  # noqa: E731
        if b2.button(t("cur.week.move_down"), key="cur_down", icon=":material/arrow_downward:"):
            action = lambda s: cur.move_week(session=s, by=me, week_id=week.id, step=1)  # noqa: E731
        label = t("cur.week.unarchive") if week.archived else t("cur.week.archive")
        if b3.button(label, key="cur_archive", icon=":material/archive:"):
            action = lambda s: cur.set_archived(session=s, by=me, week_id=week.id,  # noqa: E731
                                                archived=not week.archived)
        if action is not None:
            try:
                with ctx.db.write() as s:
                    action(s)
            except AppError as err:
                show_error(err)
            else:
                st.rerun()

# --- materials ----------------------------------------------------------------------------------
st.subheader(t("cur.materials"), anchor=False)
if not materials:
    st.caption(t("cur.material.none"))

for m in materials:
    row = st.columns([6, 1, 1]) if is_leader else [st.container()]
    row[0].markdown(material_line(m.kind, m.title, m.url, m.note))
    if not is_leader:
        continue
    with row[1].popover(t("common.edit"), icon=":material/edit:"):
        edit_material(ctx.db, me, m)
    if row[2].button(t("common.delete"), key=f"cur_mat_del_{m.id}"):
        try:
            with ctx.db.write() as s:
                cur.delete_material(session=s, by=me, material_id=m.id)
        except AppError as err:
            show_error(err)
        else:
            st.rerun()
if is_leader:
    with st.expander(t("cur.material.add"), icon=":material/attach_file:"):
        with st.form(f"cur_mat_{week.id}"):
            c1, c2 = st.columns([1, 3])
            kinds = {k: t(f"cur.material.kind.{k}") for k in MATERIAL_KINDS}
            kind = c1.selectbox(t("cur.material.kind"), list(kinds), key="cur_mat_kind", format_func=kinds.get)
            mtitle = c2.text_input(t("cur.material.title"), key="cur_mat_title", max_chars=300)
            murl = st.text_input(t("cur.material.url"), key="cur_mat_url", placeholder="https://")
            mnote = st.text_input(t("cur.material.note"), key="cur_mat_note")
            add = st.form_submit_button(t("cur.material.add"))
        if add:
            try:
                with ctx.db.write() as s:
                    cur.add_material(session=s, by=me, week_id=week.id, kind=kind, title=mtitle,
                                     url=murl, note=mnote)
            except AppError as err:
                show_error(err)
            else:
                for k in ("cur_mat_title", "cur_mat_url", "cur_mat_note"):
                    st.session_state.pop(k, None)
                st.success(t("cur.material.added"))
                st.rerun()

# --- notes --------------------------------------------------------------------------------------
st.subheader(t("cur.notes"), anchor=False)
if not notes:
    st.caption(t("cur.note.none"))
for n in notes:
    with st.container(border=True, key=f"cur_note_card_{n.id}"):
        st.markdown(f"#### {n.title}")
        st.caption(t("cur.note.by", name=n.author.display_name, when=when(n.created_at)))
        st.markdown(n.body)
        if me is not None and n.author_id == me.id:
            base_key = f"cur_note_base_{n.id}"
            base_version(base_key, n.version)  # the version this edit starts from
            with st.expander(t("cur.note.edit"), icon=":material/edit:"):
                with st.form(f"cur_note_edit_{n.id}"):
                    etitle = st.text_input(t("cur.note.title"), value=n.title, key=f"cur_note_t_{n.id}")
                    ebody = st.text_area(t("cur.note.body"), help=t("cur.note.body_help"), value=n.body,
                                         height=240, key=f"cur_note_b_{n.id}")
                    esave = st.form_submit_button(t("cur.note.save"), type="primary")
                if esave:
                    save_versioned(
                        ctx.db, base_key,
                        lambda s, v, n=n, title=etitle, body=ebody: cur.update_note(
                            session=s, by=me, note_id=n.id, title=title, body=body, expected_version=v),
                        lambda x: f"**{x.title}**\n\n{x.body}", "cur.note.added")
        if me is not None and (n.author_id == me.id or is_leader):
            if st.button(t("cur.note.delete"), key=f"cur_note_del_{n.id}", icon=":material/delete:"):
                try:
                    with ctx.db.write() as s:
                        cur.delete_note(session=s, by=me, note_id=n.id)
                except AppError as err:
                    show_error(err)
                else:
                    st.rerun()

if me is None:
    st.info(t("cur.note.sign_in"))
    st.stop()

if st.session_state.pop("cur_note_saved", False):
    # Empty the new-note form *before* its widgets exist: popping their keys after a save only
    # clears the server's copy, while the browser keeps showing (and would resend) the old text.
    st.session_state["cur_note_title"] = ""
    st.session_state["cur_note_body"] = ""
with st.expander(t("cur.note.add"), icon=":material/edit_note:"):
    with st.form(f"cur_note_new_{week.id}"):
        ntitle = st.text_input(t("cur.note.title"), key="cur_note_title", max_chars=200)
        nbody = st.text_area(t("cur.note.body"), help=t("cur.note.body_help"), key="cur_note_body", height=240)
        nsave = st.form_submit_button(t("cur.note.save"), type="primary")
    if nsave:
        try:
            with ctx.db.write() as s:
                cur.add_note(session=s, by=me, week_id=week.id, title=ntitle, body=nbody)
        except AppError as err:
            show_error(err)
        else:
            st.session_state["cur_note_saved"] = True
            st.success(t("cur.note.added"))
            st.rerun()

with st.expander(t("cur.import.title"), icon=":material/upload_file:",
                 expanded="cur_import" in st.session_state):
    pasted = st.text_area(t("cur.import.paste"), key="cur_import_paste", height=160)
    upload = st.file_uploader(t("cur.import.file", max_kb=notes_import.MAX_IMPORT_BYTES // 1024),
                              type=["md", "markdown", "txt"], key="cur_import_file")
    if st.button(t("cur.import.check"), key="cur_import_check", icon=":material/auto_fix_high:"):
        try:
            result = (notes_import.from_upload(upload.getvalue(), upload.name) if upload is not None
                      else notes_import.from_paste(pasted))
        except AppError as err:
            show_error(err)
        else:
            st.session_state["cur_import"] = result.text
            st.session_state["cur_import_title"] = result.title
            items = ", ".join(t(f"cur.import.fix.{k}", n=v) for k, v in sorted(result.fixes.items()))
            st.session_state["cur_import_fixes"] = (t("cur.import.fixed", items=items) if items
                                                    else t("cur.import.clean"))
    if "cur_import" in st.session_state:
        st.info(st.session_state.get("cur_import_fixes", ""))
        ititle = st.text_input(t("cur.note.title"), key="cur_import_title", max_chars=200)
        ibody = st.text_area(t("cur.note.body"), help=t("cur.note.body_help"), key="cur_import", height=240)
        st.caption(t("cur.note.preview"))
        with st.container(border=True):
            st.markdown(ibody)
        if st.button(t("cur.import.save"), key="cur_import_save", type="primary"):
            try:
                with ctx.db.write() as s:
                    cur.add_note(session=s, by=me, week_id=week.id, title=ititle, body=ibody)
            except AppError as err:
                show_error(err)
            else:
                for k in ("cur_import", "cur_import_title", "cur_import_fixes", "cur_import_paste"):
                    st.session_state.pop(k, None)
                st.success(t("cur.note.added"))
                st.rerun()
