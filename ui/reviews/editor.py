"""The review editor: a form generated from the template version, autosaved as the member types (on
every widget change, which the type-and-save script sends 0.5 s after typing stops and when the page
goes away, plus a timer as a safety net), with stale-save handling that keeps the member's text, and
submit / resubmit / save-revision."""

from __future__ import annotations

import streamlit as st

from core.errors import AppError, StaleEdit
from core.reviews import workflow as reviews
from core.reviews.answers import ReviewIncomplete
from core.reviews.queries import get_row
from core.reviews.templates import schema_of
from db.engine import Database
from ui.reviews import keys
from ui.reviews.autosave import install_autocommit
from ui.reviews.widgets import (
    field_widget,
    load_values,
    problems_box,
    read_values,
    render_answers,
)
from ui.shell.actions import act
from ui.shell.i18n import show_error, t
from ui.shell.markdown import user_markdown
from ui.shell.time import show

AUTOSAVE_EVERY_S = 3


def autosave(db: Database, actor, rid: int, schema, prefix: str) -> None:
    """Save the widgets' values as the draft if they changed (never raises, never reruns: it also
    runs as a widget callback and in the timer fragment)."""
    k = keys.draft_state(rid)
    ss = st.session_state
    if ss.get(k["conflict"]) or k["base"] not in ss:
        return  # paused until the member decides how to resolve the conflict
    values = read_values(schema, prefix)
    if values == ss.get(k["saved"]):
        return

    def saved(draft) -> None:
        ss[k["base"]], ss[k["saved"]], ss[k["saved_at"]] = draft.version, dict(draft.answers), draft.saved_at
        ss.pop(k["error"], None)

    def refused(err: AppError) -> None:  # kept for the conflict box / the ticker to show
        if isinstance(err, StaleEdit):
            ss[k["conflict"]] = {"answers": dict(err.current.answers), "version": err.current.version}
        else:
            ss[k["error"]] = err

    act(
        db,
        lambda s: reviews.save_draft(
            session=s, by=actor, review_id=rid, answers=values, expected_version=ss[k["base"]]
        ),
        rerun=False,
        on_success=saved,
        on_error=refused,
    )


def _conflict_box(db, actor, rid, schema, prefix) -> None:
    k = keys.draft_state(rid)
    conflict = st.session_state[k["conflict"]]
    show_error(StaleEdit())
    with st.expander(t("rev.edit.newer"), expanded=True):
        render_answers(schema, conflict["answers"])
    c1, c2 = st.columns(2)
    if c1.button(t("rev.edit.keep_mine"), key=keys.keep_mine(rid), icon=":material/save:"):
        st.session_state[k["base"]] = conflict["version"]
        st.session_state.pop(k["conflict"])
        autosave(db, actor, rid, schema, prefix)
        st.rerun()
    if c2.button(t("rev.edit.take_newer"), key=keys.take_newer(rid), icon=":material/sync:"):
        load_values(schema, prefix, conflict["answers"])
        st.session_state[k["base"]] = conflict["version"]
        st.session_state[k["saved"]] = conflict["answers"]
        st.session_state.pop(k["conflict"])
        st.rerun()


def editor(ctx, rid: int) -> None:
    """Draw the editor for the actor's own review `rid`."""
    k = keys.draft_state(rid)
    with ctx.db.read() as s:
        row = get_row(session=s, by=ctx.actor, review_id=rid)
        review = row.review
        schema = schema_of(review.template_version)
        draft_answers, draft_version = dict(review.draft.answers), review.draft.version
        thread = reviews.comments(session=s, by=ctx.actor, review_id=rid)
    prefix = keys.review_prefix(rid)
    ss = st.session_state
    if not ss.get(k["loaded"]):
        # first run of this browser session (or after a reload): restore the server's draft
        load_values(schema, prefix, draft_answers)
        ss[k["base"]], ss[k["saved"]], ss[k["loaded"]] = draft_version, read_values(schema, prefix), True
    st.caption(t("rev.edit.status", status=t(f"rev.status.{review.status}")))
    feedback = [c for c in thread if c.kind == "return"]
    if review.status == "returned" and feedback:
        st.warning(t("rev.edit.returned"), icon=":material/undo:")
        user_markdown(feedback[-1].body)
    if review.status == "approved":
        st.success(t("rev.edit.approved"), icon=":material/verified:")
        render_answers(schema, review.answers)
        return
    install_autocommit()
    if ss.get(k["conflict"]):
        _conflict_box(ctx.db, ctx.actor, rid, schema, prefix)
    args = (ctx.db, ctx.actor, rid, schema, prefix)
    for field in schema.fields:
        field_widget(field, prefix, on_change=autosave, args=args)
    _ticker(*args)
    action = reviews.commit_action(review.status)
    if st.button(t(f"rev.edit.{action}"), key=keys.commit(rid), type="primary", icon=":material/send:"):
        autosave(*args)
        if ss.get(k["conflict"]):
            st.rerun()
        act(
            ctx.db,
            lambda s: reviews.commit_review(
                session=s,
                by=ctx.actor,
                review_id=rid,
                answers=read_values(schema, prefix),
                expected_version=ss[k["base"]],
            ),
            done=f"rev.edit.done_{action}",
            on_error=_commit_refused,
        )


def _commit_refused(err: AppError) -> None:
    """Every missing field at once; a stale commit reruns into the conflict box; else the error."""
    if isinstance(err, ReviewIncomplete):
        problems_box(err)
    elif isinstance(err, StaleEdit):
        st.rerun()
    else:
        show_error(err)


@st.fragment(run_every=AUTOSAVE_EVERY_S)
def _ticker(db, actor, rid, schema, prefix) -> None:
    """Every few seconds: save anything not yet saved, and say when the draft was last saved."""
    k = keys.draft_state(rid)
    had_conflict = bool(st.session_state.get(k["conflict"]))
    autosave(db, actor, rid, schema, prefix)
    if st.session_state.get(k["conflict"]) and not had_conflict:
        st.rerun()  # the whole page, so the conflict box with both texts appears
    err = st.session_state.get(k["error"])
    if err is not None:
        show_error(err)
    saved_at = st.session_state.get(k["saved_at"])
    if st.session_state.get(k["conflict"]):
        st.caption(t("rev.edit.paused"))
    elif saved_at is not None:
        st.caption(t("rev.edit.saved_at", time=show(saved_at, "clock")))
    else:
        st.caption(t("rev.edit.autosave_on"))
