"""Leader page: the review template store. Edit fields in a table (each saved change is a new
version; reviews keep theirs), preview the form, duplicate, archive, import / export JSON."""

import pandas as pd
import streamlit as st

from core.errors import AppError, StaleEdit
from core.reviews import templates
from core.reviews.template_schema import FIELD_TYPES, SchemaError, validate_fields
from ui.reviews.widgets import field_widget, problems_box
from ui.shell.frame import frame
from ui.shell.i18n import show_error, t

ctx = frame()
st.title(t("rev.tpl.title"))
if flash := st.session_state.pop("rev_flash", None):
    st.success(flash)


def done(key: str, **params) -> None:
    st.session_state["rev_flash"] = t(key, **params)
    st.rerun()


with ctx.db.read() as s:
    rows = templates.list_templates(session=s, include_archived=True)
by_id = {tp.id: tp for tp in rows}

with st.expander(t("rev.tpl.import"), icon=":material/upload_file:"):
    upload = st.file_uploader(t("rev.tpl.import_file"), type=["json"], key="rev_tpl_upload")
    if upload is not None and st.button(t("rev.tpl.import"), key="rev_tpl_import_go"):
        try:
            with ctx.db.write() as s:
                tpl = templates.import_json(session=s, by=ctx.actor, data=upload.getvalue())
        except SchemaError as err:
            problems_box(err)
        except AppError as err:
            show_error(err)
        else:
            done("rev.tpl.imported", name=templates.template_name(tpl, ctx.lang))

NEW = 0
if (next_id := st.session_state.pop("rev_tpl_next", None)) is not None:
    st.session_state["rev_tpl_pick"] = next_id  # a template just created / duplicated
choices = [NEW, *by_id]
tid = st.selectbox(t("rev.tpl.pick"), choices, key="rev_tpl_pick", index=1 if by_id else 0,
                   format_func=lambda i: t("rev.tpl.new") if i == NEW else (
                       templates.template_name(by_id[i], ctx.lang) + (f" ({t('rev.tpl.archived')})" if by_id[i].archived else "")))
tpl = by_id.get(tid)
if tpl is not None:
    with ctx.db.read() as s:
        fields = templates.get_version(session=s, template_id=tid).fields
        export = templates.export_json(session=s, template_id=tid)
    st.caption(t("rev.tpl.version", n=tpl.current_version))
else:
    fields = [{"key": "summary", "type": "long_text", "label_ko": "요약", "label_en": "Summary", "required": True}]

c1, c2 = st.columns(2)
name_ko = c1.text_input(t("rev.tpl.name_ko"), value=tpl.name_ko if tpl else "", key=f"rev_tpl_nko_{tid}", max_chars=100)
name_en = c2.text_input(t("rev.tpl.name_en"), value=tpl.name_en if tpl else "", key=f"rev_tpl_nen_{tid}", max_chars=100)
desc_ko = c1.text_area(t("rev.tpl.description_ko"), value=tpl.description_ko if tpl else "", key=f"rev_tpl_dko_{tid}", height=80)
desc_en = c2.text_area(t("rev.tpl.description_en"), value=tpl.description_en if tpl else "", key=f"rev_tpl_den_{tid}", height=80)
st.caption(t("rev.tpl.table_help"))
edited = st.data_editor(
    pd.DataFrame(templates.fields_to_rows(fields), columns=list(templates.ROW_COLUMNS)),
    num_rows="dynamic", hide_index=True, width="stretch", key=f"rev_tpl_rows_{tid}",
    column_config={
        "key": st.column_config.TextColumn(t("rev.tpl.col_key"), required=True),
        "type": st.column_config.SelectboxColumn(t("rev.tpl.col_type"), options=list(FIELD_TYPES), required=True),
        "label_ko": st.column_config.TextColumn(t("rev.tpl.col_label_ko")),
        "label_en": st.column_config.TextColumn(t("rev.tpl.col_label_en")),
        "help_ko": st.column_config.TextColumn(t("rev.tpl.col_help_ko")),
        "help_en": st.column_config.TextColumn(t("rev.tpl.col_help_en")),
        "required": st.column_config.CheckboxColumn(t("rev.tpl.col_required")),
        "choices": st.column_config.TextColumn(t("rev.tpl.col_choices"), help=t("rev.tpl.choices_help")),
        "scale_min": st.column_config.NumberColumn(t("rev.tpl.col_min"), step=1),
        "scale_max": st.column_config.NumberColumn(t("rev.tpl.col_max"), step=1),
    })
new_fields = templates.rows_to_fields(edited.to_dict("records"))

with st.expander(t("rev.tpl.preview"), icon=":material/preview:", expanded=False):
    try:
        schema = validate_fields(new_fields)
    except SchemaError as err:
        problems_box(err)
    else:
        for f in schema.fields:
            field_widget(f, f"preview{tid}")

base_key = f"rev_tpl_base_{tid}"
if tpl is not None:
    st.session_state.setdefault(base_key, tpl.version)
c1, c2, c3, c4 = st.columns(4)
if c1.button(t("common.save") if tpl else t("rev.tpl.create"), type="primary", key="rev_tpl_save", icon=":material/save:"):
    try:
        with ctx.db.write() as s:
            if tpl is None:
                made = templates.create_template(session=s, by=ctx.actor, name_ko=name_ko, name_en=name_en,
                                                 fields=new_fields, description_ko=desc_ko, description_en=desc_en)
                st.session_state["rev_tpl_next"] = made.id
            else:
                templates.update_template(session=s, by=ctx.actor, template_id=tid,
                                          expected_version=st.session_state[base_key], name_ko=name_ko,
                                          name_en=name_en, fields=new_fields, description_ko=desc_ko,
                                          description_en=desc_en)
    except StaleEdit as err:
        show_error(err)
        st.info(t("rev.tpl.newer", name=err.current.name_ko, n=err.current.current_version))
        st.session_state[base_key] = err.current.version
    except SchemaError as err:
        problems_box(err)
    except AppError as err:
        show_error(err)
    else:
        st.session_state.pop(base_key, None)
        done("common.saved")
if tpl is not None:
    if c2.button(t("rev.tpl.duplicate"), key="rev_tpl_dup", icon=":material/content_copy:"):
        with ctx.db.write() as s:
            copy = templates.duplicate_template(session=s, by=ctx.actor, template_id=tid)
            st.session_state["rev_tpl_next"] = copy.id
        done("rev.tpl.duplicated")
    archive_label = t("rev.tpl.unarchive") if tpl.archived else t("rev.tpl.archive")
    if c3.button(archive_label, key="rev_tpl_arch", icon=":material/archive:"):
        with ctx.db.write() as s:
            templates.set_archived(session=s, by=ctx.actor, template_id=tid, archived=not tpl.archived)
        done("common.saved")
    c4.download_button(t("rev.tpl.export"), export, file_name=f"template-{tid}.json", mime="application/json",
                       icon=":material/download:", key="rev_tpl_export")
