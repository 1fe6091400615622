"""The template store's parts: import a JSON template, pick one (or a new one), edit its names and
field table with a live preview, and save (a new version; reviews keep theirs), duplicate, archive,
export."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core.errors import StaleEdit
from core.reviews import templates
from core.reviews.template_schema import FIELD_TYPES, SchemaError, validate_fields
from ui.reviews import keys
from ui.reviews.widgets import field_widget
from ui.shell.actions import act
from ui.shell.i18n import show_error, t
from ui.shell.widgets import upload

NEW = 0  # the picker's "new template" entry
STARTER_FIELDS = [
    {"key": "summary", "type": "long_text", "label_ko": "요약", "label_en": "Summary", "required": True}
]


@dataclass(frozen=True)
class Draft:
    """What the editor holds: names, descriptions and the fields from the table."""

    name_ko: str
    name_en: str
    description_ko: str
    description_en: str
    fields: list[dict]


def import_template(ctx) -> None:
    """Upload a template exported as JSON; every schema problem is listed."""
    with st.expander(t("rev.tpl.import"), icon=":material/upload_file:"):
        json_file = upload(
            t("rev.tpl.import_file"),
            max_bytes=templates.MAX_TEMPLATE_JSON,
            types=["json"],
            key=keys.TEMPLATE_UPLOAD,
        )
        if json_file is not None and st.button(t("rev.tpl.import"), key=keys.TEMPLATE_IMPORT):
            act(
                ctx.db,
                lambda s: templates.import_json(session=s, by=ctx.actor, data=json_file.getvalue()),
                done="rev.tpl.imported",
                params=lambda tpl: {"name": templates.template_name(tpl, ctx.lang)},
                on_error=show_error,
            )


def pick_template(ctx, by_id: dict) -> int:
    """The template picker (NEW for a new one); a template just made is picked."""
    if (next_id := st.session_state.pop(keys.TEMPLATE_NEXT, None)) is not None:
        st.session_state[keys.TEMPLATE_PICK] = next_id

    def label(i: int) -> str:
        if i == NEW:
            return t("rev.tpl.new")
        archived = f" ({t('rev.tpl.archived')})" if by_id[i].archived else ""
        return templates.template_name(by_id[i], ctx.lang) + archived

    return st.selectbox(
        t("rev.tpl.pick"), [NEW, *by_id], key=keys.TEMPLATE_PICK, index=1 if by_id else 0, format_func=label
    )


def template_editor(tid: int, tpl, fields: list[dict]) -> Draft:
    """Names, descriptions and the field table (one row per field), then the form's preview."""
    c1, c2 = st.columns(2)
    name_ko = c1.text_input(
        t("rev.tpl.name_ko"),
        value=tpl.name_ko if tpl else "",
        key=keys.template_field(tid, "nko"),
        max_chars=templates.MAX_NAME,
    )
    name_en = c2.text_input(
        t("rev.tpl.name_en"),
        value=tpl.name_en if tpl else "",
        key=keys.template_field(tid, "nen"),
        max_chars=templates.MAX_NAME,
    )
    desc_ko = c1.text_area(
        t("rev.tpl.description_ko"),
        value=tpl.description_ko if tpl else "",
        key=keys.template_field(tid, "dko"),
        height=80,
        max_chars=templates.MAX_DESCRIPTION,
    )
    desc_en = c2.text_area(
        t("rev.tpl.description_en"),
        value=tpl.description_en if tpl else "",
        key=keys.template_field(tid, "den"),
        height=80,
        max_chars=templates.MAX_DESCRIPTION,
    )
    st.caption(t("rev.tpl.table_help"))
    column = st.column_config
    edited = st.data_editor(
        pd.DataFrame(templates.fields_to_rows(fields), columns=list(templates.ROW_COLUMNS)),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key=keys.template_rows(tid),
        column_config={
            "key": column.TextColumn(t("rev.tpl.col_key"), required=True),
            "type": column.SelectboxColumn(t("rev.tpl.col_type"), options=list(FIELD_TYPES), required=True),
            "label_ko": column.TextColumn(t("rev.tpl.col_label_ko")),
            "label_en": column.TextColumn(t("rev.tpl.col_label_en")),
            "help_ko": column.TextColumn(t("rev.tpl.col_help_ko")),
            "help_en": column.TextColumn(t("rev.tpl.col_help_en")),
            "required": column.CheckboxColumn(t("rev.tpl.col_required")),
            "choices": column.TextColumn(t("rev.tpl.col_choices"), help=t("rev.tpl.choices_help")),
            "scale_min": column.NumberColumn(t("rev.tpl.col_min"), step=1),
            "scale_max": column.NumberColumn(t("rev.tpl.col_max"), step=1),
        },
    )
    new_fields = templates.rows_to_fields(edited.to_dict("records"))
    with st.expander(t("rev.tpl.preview"), icon=":material/preview:", expanded=False):
        try:  # not an AppError guard: the preview only lists what the table gets wrong
            schema = validate_fields(new_fields)
        except SchemaError as err:
            show_error(err)
        else:
            for f in schema.fields:
                field_widget(f, keys.preview_prefix(tid))
    return Draft(name_ko, name_en, desc_ko, desc_en, new_fields)


def template_actions(ctx, tid: int, tpl, draft: Draft, export: str | None) -> None:
    """Save (create), duplicate, archive / unarchive, export. A stale save names the newer version."""
    base_key = keys.template_base(tid)
    if tpl is not None:
        st.session_state.setdefault(base_key, tpl.version)
    values = {
        "name_ko": draft.name_ko,
        "name_en": draft.name_en,
        "fields": draft.fields,
        "description_ko": draft.description_ko,
        "description_en": draft.description_en,
    }

    def save(s):
        if tpl is None:
            return templates.create_template(session=s, by=ctx.actor, **values)
        return templates.update_template(
            session=s, by=ctx.actor, template_id=tid, expected_version=st.session_state[base_key], **values
        )

    def refused(err) -> None:
        show_error(err)
        if isinstance(err, StaleEdit):
            st.info(t("rev.tpl.newer", name=err.current.name_ko, n=err.current.current_version))
            st.session_state[base_key] = err.current.version

    def pick(made) -> None:
        st.session_state[keys.TEMPLATE_NEXT] = made.id

    c1, c2, c3, c4 = st.columns(4)
    if c1.button(
        t("common.save") if tpl else t("rev.tpl.create"),
        type="primary",
        key=keys.TEMPLATE_SAVE,
        icon=":material/save:",
    ):
        act(
            ctx.db,
            save,
            done="common.saved",
            forget=(base_key,),
            on_error=refused,
            on_success=pick if tpl is None else None,
        )
    if tpl is None:
        return
    if c2.button(t("rev.tpl.duplicate"), key=keys.TEMPLATE_DUPLICATE, icon=":material/content_copy:"):
        act(
            ctx.db,
            lambda s: templates.duplicate_template(session=s, by=ctx.actor, template_id=tid),
            done="rev.tpl.duplicated",
            on_success=pick,
        )
    archive_label = t("rev.tpl.unarchive") if tpl.archived else t("rev.tpl.archive")
    if c3.button(archive_label, key=keys.TEMPLATE_ARCHIVE, icon=":material/archive:"):
        act(
            ctx.db,
            lambda s: templates.set_archived(
                session=s, by=ctx.actor, template_id=tid, archived=not tpl.archived
            ),
            done="common.saved",
        )
    c4.download_button(
        t("rev.tpl.export"),
        export,
        file_name=f"template-{tid}.json",
        mime="application/json",
        icon=":material/download:",
        key=keys.TEMPLATE_EXPORT,
    )
