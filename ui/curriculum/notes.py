"""A week's notes: the cards (the author edits, the author or a leader deletes), a member's new
note, and importing a Markdown note (cleaned up and previewed before it is saved)."""

from __future__ import annotations

import streamlit as st

from core.curriculum import notes_import
from core.curriculum import weeks as cur
from db.models.curriculum import Week
from ui.curriculum import keys
from ui.curriculum.widgets import base_version, save_versioned, week_label, when
from ui.shell.actions import act, attempt
from ui.shell.forms import fresh, renew
from ui.shell.i18n import t
from ui.shell.markdown import markdown_editor, user_markdown
from ui.shell.widgets import upload


def notes_list(ctx, week: Week) -> None:
    """Every note of the week as a card; a stale edit shows the newer note and keeps the text."""
    me = ctx.actor
    with ctx.db.read() as s:
        notes = cur.list_notes(session=s, week_id=week.id)
    st.subheader(t("cur.notes"), anchor=False)
    if not notes:
        st.caption(t("cur.note.none"))
    for n in notes:
        with st.container(border=True, key=keys.note_card(n.id)):
            st.markdown(f"#### {n.title}")
            st.caption(t("cur.note.by", name=n.author.display_name, when=when(n.created_at)))
            user_markdown(n.body)
            if me is not None and n.author_id == me.id:
                _edit_note(ctx, n)
            if me is not None and (n.author_id == me.id or me.is_leader):
                if st.button(t("cur.note.delete"), key=keys.note_delete(n.id), icon=":material/delete:"):
                    act(ctx.db, lambda s, n=n: cur.delete_note(session=s, by=me, note_id=n.id))


def _edit_note(ctx, n) -> None:
    base_key = keys.note_base(n.id)
    base_version(base_key, n.version)  # the version this edit starts from
    with st.expander(t("cur.note.edit"), icon=":material/edit:"):
        with st.form(keys.note_edit_form(n.id)):
            title = st.text_input(
                t("cur.note.title"), value=n.title, key=keys.note_title(n.id), max_chars=cur.MAX_TITLE
            )
            body = markdown_editor(
                t("cur.note.body"),
                help=t("cur.note.body_help"),
                value=n.body,
                height=240,
                max_chars=cur.MAX_NOTE,
                key=keys.note_body(n.id),
            )
            save = st.form_submit_button(t("cur.note.save"), type="primary")
        if save:
            save_versioned(
                ctx.db,
                base_key,
                lambda s, v: cur.update_note(
                    session=s, by=ctx.actor, note_id=n.id, title=title, body=body, expected_version=v
                ),
                lambda x: f"**{x.title}**\n\n{x.body}",
                "cur.note.added",
            )


def new_note(ctx, week: Week) -> None:
    """A member writes a note (Markdown and LaTeX); the form is empty again after a save."""
    if st.session_state.pop(keys.NOTE_SAVED, False):
        # Empty the new-note form *before* its widgets exist: popping their keys after a save only
        # clears the server's copy, while the browser keeps showing (and would resend) the old text.
        st.session_state[keys.NOTE_TITLE] = ""
        st.session_state[keys.NOTE_BODY] = ""
    with st.expander(t("cur.note.add"), icon=":material/edit_note:"):
        with st.form(keys.note_new_form(week.id)):
            title = st.text_input(t("cur.note.title"), key=keys.NOTE_TITLE, max_chars=cur.MAX_TITLE)
            body = markdown_editor(
                t("cur.note.body"),
                help=t("cur.note.body_help"),
                key=keys.NOTE_BODY,
                height=240,
                max_chars=cur.MAX_NOTE,
            )
            save = st.form_submit_button(t("cur.note.save"), type="primary")
        if save:
            act(
                ctx.db,
                lambda s: cur.add_note(session=s, by=ctx.actor, week_id=week.id, title=title, body=body),
                done="cur.note.added",
                on_success=lambda _: st.session_state.update({keys.NOTE_SAVED: True}),
                once=(week.id, title, body),
            )


def _cleaned(upload, pasted: str):
    result = (
        notes_import.from_upload(upload.getvalue(), upload.name)
        if upload is not None
        else notes_import.from_paste(pasted)
    )
    cur.check_note_body(result.text)  # longer than a note may be: refused, not cut by the preview box
    return result


def _check_import(upload, pasted: str) -> None:
    """Clean the upload (or the pasted text) up and keep the result for the preview."""
    result = attempt(lambda: _cleaned(upload, pasted))
    if result is None:
        return
    st.session_state[keys.IMPORT_BODY] = result.text
    st.session_state[keys.IMPORT_TITLE] = result.title
    st.session_state[keys.IMPORT_FROM] = upload.name if upload is not None else None
    items = ", ".join(t(f"cur.import.fix.{k}", n=v) for k, v in sorted(result.fixes.items()))
    st.session_state[keys.IMPORT_FIXES] = (
        t("cur.import.fixed", items=items) if items else t("cur.import.clean")
    )


def _forget_import() -> None:
    """Drop the preview and the uploaded file (after a save, or when the week changes)."""
    for key in keys.IMPORT_STATE:
        st.session_state.pop(key, None)
    renew(keys.IMPORT_FILE)


def _import_source(upload, pasted: str):
    """Which text to clean up: the file or the pasted text; the user picks when both are there
    (None until they do)."""
    if upload is None or not pasted.strip():
        return "file" if upload is not None else "paste"
    sources = {"file": t("cur.import.from_file", name=upload.name), "paste": t("cur.import.from_paste")}
    return st.radio(
        t("cur.import.source"),
        list(sources),
        index=None,
        format_func=sources.get,
        horizontal=True,
        key=keys.import_source(fresh(keys.IMPORT_FILE)),
    )


def import_note(ctx, week: Week) -> None:
    """Paste or upload Markdown; check it (fixes listed), edit the preview, save it as a note."""
    if st.session_state.get(keys.IMPORT_WEEK, week.id) != week.id:
        _forget_import()  # a file or preview picked for another week is not saved into this one
    st.session_state[keys.IMPORT_WEEK] = week.id
    if st.session_state.pop(keys.IMPORT_SAVED, False):
        st.session_state[keys.IMPORT_PASTE] = ""  # before the box exists, so the browser empties it
    with st.expander(
        t("cur.import.title"), icon=":material/upload_file:", expanded=keys.IMPORT_BODY in st.session_state
    ):
        pasted = st.text_area(
            t("cur.import.paste"), key=keys.IMPORT_PASTE, height=160, max_chars=notes_import.MAX_IMPORT_BYTES
        )
        upload_file = upload(
            t("cur.import.file"),
            max_bytes=notes_import.MAX_IMPORT_BYTES,
            types=[s.lstrip(".") for s in notes_import.ALLOWED_SUFFIXES],
            key=fresh(keys.IMPORT_FILE),
        )
        source = _import_source(upload_file, pasted)
        if st.button(t("cur.import.check"), key=keys.IMPORT_CHECK, icon=":material/auto_fix_high:"):
            if source is None:
                st.warning(t("cur.import.pick_source"))
            else:
                _check_import(upload_file if source == "file" else None, pasted)
        if keys.IMPORT_BODY not in st.session_state:
            return
        st.info(st.session_state.get(keys.IMPORT_FIXES, ""))
        made_from = st.session_state.get(keys.IMPORT_FROM)
        st.caption(t("cur.import.from_file", name=made_from) if made_from else t("cur.import.from_paste"))
        title = st.text_input(t("cur.note.title"), key=keys.IMPORT_TITLE, max_chars=cur.MAX_TITLE)
        body = st.text_area(
            t("cur.note.body"),
            help=t("cur.note.body_help"),
            key=keys.IMPORT_BODY,
            height=240,
            max_chars=cur.MAX_NOTE,
        )
        st.caption(t("cur.note.preview"))
        with st.container(border=True):
            user_markdown(body)
        st.caption(t("cur.import.into", week=week_label(week, ctx.lang)))
        if st.button(t("cur.import.save"), key=keys.IMPORT_SAVE, type="primary"):

            def saved(_) -> None:
                _forget_import()
                st.session_state[keys.IMPORT_SAVED] = True

            act(
                ctx.db,
                lambda s: cur.add_note(session=s, by=ctx.actor, week_id=week.id, title=title, body=body),
                done="cur.note.added",
                on_success=saved,
                once=(week.id, title, body),
            )
