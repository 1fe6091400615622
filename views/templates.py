"""Leader page: the review template store. Edit fields in a table (each saved change is a new
version; reviews keep theirs), preview the form, duplicate, archive, import / export JSON."""

import streamlit as st

from core.reviews import templates
from ui.reviews.templates import (
    STARTER_FIELDS,
    import_template,
    pick_template,
    template_actions,
    template_editor,
)
from ui.shell.frame import frame
from ui.shell.i18n import t

ctx = frame()
st.title(t("rev.tpl.title"))

with ctx.db.read() as s:
    by_id = {tp.id: tp for tp in templates.list_templates(session=s, include_archived=True)}
import_template(ctx)
tid = pick_template(ctx, by_id)
tpl = by_id.get(tid)
fields, export = STARTER_FIELDS, None
if tpl is not None:
    with ctx.db.read() as s:
        fields = templates.get_version(session=s, template_id=tid).fields
        export = templates.export_json(session=s, template_id=tid)
    st.caption(t("rev.tpl.version", n=tpl.current_version))
draft = template_editor(tid, tpl, fields)
template_actions(ctx, tid, tpl, draft, export)
