"""Peer Q&A: the filters, asking about a week or a seminar, and each question's box with its
answers (accept, edit, delete) and the answer form. Markdown + LaTeX render in both."""

from __future__ import annotations

import streamlit as st

from core.curriculum import qa
from core.validate import url_id
from db.models.curriculum import Seminar, Week
from ui.curriculum import keys
from ui.curriculum.widgets import base_version, save_versioned, week_label, when
from ui.shell.actions import act
from ui.shell.i18n import t
from ui.shell.markdown import markdown_editor, user_markdown

Target = tuple[str, int]  # ("w", week id) or ("s", seminar id)


def target_labels(ctx, weeks: list[Week], sems: list[Seminar]) -> dict[Target, str]:
    """What a question may be about, weeks first, with its label."""
    return {
        **{("w", w.id): week_label(w, ctx.lang) for w in weeks},
        **{("s", x.id): f"{t('cur.seminar.heading')} · {x.title}" for x in sems},
    }


def filters(ctx, weeks: list[Week]) -> tuple[int | None, bool]:
    """The week filter (None: all) and "open questions only"."""
    c1, c2 = st.columns([3, 1])
    labels = {None: t("cur.qa.all"), **{w.id: week_label(w, ctx.lang) for w in weeks}}
    week_filter = c1.selectbox(
        t("cur.qa.filter_week"), list(labels), key=keys.QA_WEEK, format_func=labels.get
    )
    return week_filter, c2.checkbox(t("cur.qa.open_only"), key=keys.QA_OPEN_ONLY)


def follow_link() -> None:
    """A `?question=<id>` link (a search hit, a notice) opens that question on the session's first
    visit: every week shown, open and closed, and its box expanded."""
    wanted = url_id(st.query_params.get("question"))
    if wanted is None or keys.QA_WEEK in st.session_state:
        return
    st.session_state[keys.QA_WEEK] = None
    st.session_state[keys.QA_OPEN_ONLY] = False
    st.session_state[keys.QA_LAST] = wanted


def clear_posted() -> None:
    """Empty a form after a successful post *before* its widgets exist: popping their keys after the
    save only clears the server's copy, while the browser keeps showing (and would resend) the text."""
    for k in st.session_state.pop(keys.QA_CLEAR, []):
        st.session_state[k] = ""


def ask_form(ctx, labels: dict[Target, str], week_filter: int | None) -> None:
    """Ask a question about a week (the filtered one by default) or a seminar."""
    targets = list(labels)
    with st.expander(t("cur.qa.ask"), icon=":material/help:"):
        with st.form(keys.ASK_FORM):
            default = targets.index(("w", week_filter)) if week_filter else 0
            target = st.selectbox(
                t("cur.qa.target"), targets, index=default, format_func=labels.get, key=keys.ASK_TARGET
            )
            title = st.text_input(t("cur.qa.title"), max_chars=qa.MAX_TITLE, key=keys.ASK_TITLE)
            body = markdown_editor(t("cur.qa.body"), max_chars=qa.MAX_BODY, key=keys.ASK_BODY)
            ask = st.form_submit_button(t("cur.qa.ask"), type="primary")
        if ask:
            kind, target_id = target
            act(
                ctx.db,
                lambda s: qa.ask(
                    session=s,
                    by=ctx.actor,
                    title=title,
                    body=body,
                    week_id=target_id if kind == "w" else None,
                    seminar_id=target_id if kind == "s" else None,
                ),
                done="cur.qa.asked",
                on_success=lambda _: st.session_state.update(
                    {keys.QA_CLEAR: [keys.ASK_TITLE, keys.ASK_BODY]}
                ),
            )


def question_box(ctx, q, answers: list, n_answers: int, labels: dict[Target, str]) -> None:
    """One question: body, resolve / edit for its author, answers, and the answer form."""
    me = ctx.actor
    status = t("cur.qa.resolved") if q.resolved else t("cur.qa.open")
    icon = ":material/check_circle:" if q.resolved else ":material/help:"
    where = labels.get(("w", q.week_id)) or labels.get(("s", q.seminar_id)) or ""
    # Keyed, so the expander stays the same element (and stays open) when its label changes
    # (a new answer, resolved); the question just written to opens expanded.
    with st.expander(
        f"{q.title} · {status} · {t('cur.qa.answers', n=n_answers)}",
        icon=icon,
        key=keys.question_box(q.id),
        expanded=st.session_state.get(keys.QA_LAST) == q.id,
    ):
        st.caption(f"{where} · {t('cur.note.by', name=q.author.display_name, when=when(q.created_at))}")
        if q.body:
            user_markdown(q.body)
        may_moderate = me is not None and (me.id == q.author_id or me.is_leader)
        if may_moderate:
            label = t("cur.qa.reopen") if q.resolved else t("cur.qa.mark_resolved")
            if st.button(label, key=keys.question_resolve(q.id)):
                act(
                    ctx.db,
                    lambda s: qa.set_resolved(session=s, by=me, question_id=q.id, resolved=not q.resolved),
                    done="cur.qa.saved",
                )
        if me is not None and me.id == q.author_id:
            _edit_question(ctx, q)
        for a in answers:
            _answer(ctx, a, may_moderate)
        if me is not None:
            _answer_form(ctx, q)


def _edit_question(ctx, q) -> None:
    base_key = keys.question_base(q.id)
    base_version(base_key, q.version)  # the version this edit starts from
    with st.form(keys.question_edit_form(q.id)):
        st.caption(t("cur.qa.edit"))
        title = st.text_input(
            t("cur.qa.title"), value=q.title, max_chars=qa.MAX_TITLE, key=keys.question_title(q.id)
        )
        body = markdown_editor(
            t("cur.qa.body"), value=q.body, max_chars=qa.MAX_BODY, key=keys.question_body(q.id)
        )
        save = st.form_submit_button(t("common.save"))
    if save:
        save_versioned(
            ctx.db,
            base_key,
            lambda s, v: qa.update_question(
                session=s, by=ctx.actor, question_id=q.id, title=title, body=body, expected_version=v
            ),
            lambda x: f"**{x.title}**\n\n{x.body}",
        )


def _answer(ctx, a, may_moderate: bool) -> None:
    me = ctx.actor
    with st.container(border=True):
        head = f":green-badge[{t('cur.qa.accepted')}] " if a.accepted else ""
        st.markdown(head + f"**{a.author.display_name}** · {when(a.created_at)}")
        user_markdown(a.body)
        if (
            may_moderate
            and not a.accepted
            and st.button(t("cur.qa.accept"), key=keys.answer_accept(a.id), icon=":material/check:")
        ):
            act(ctx.db, lambda s: qa.accept(session=s, by=me, answer_id=a.id), done="cur.qa.saved")
        if me is not None and me.id == a.author_id:
            base_key = keys.answer_base(a.id)
            base_version(base_key, a.version)  # the version this edit starts from
            with st.form(keys.answer_edit_form(a.id)):
                body = markdown_editor(
                    t("cur.qa.edit"), value=a.body, max_chars=qa.MAX_BODY, key=keys.answer_body(a.id)
                )
                save = st.form_submit_button(t("common.save"))
            if save:
                save_versioned(
                    ctx.db,
                    base_key,
                    lambda s, v: qa.update_answer(
                        session=s, by=me, answer_id=a.id, body=body, expected_version=v
                    ),
                    lambda x: x.body,
                )
        if me is not None and (me.id == a.author_id or me.is_leader):
            if st.button(t("cur.qa.delete_answer"), key=keys.answer_delete(a.id), icon=":material/delete:"):
                act(ctx.db, lambda s: qa.delete_answer(session=s, by=me, answer_id=a.id), done="cur.qa.saved")


def _answer_form(ctx, q) -> None:
    with st.form(keys.answer_form(q.id)):
        body = markdown_editor(t("cur.qa.answer"), max_chars=qa.MAX_BODY, key=keys.answer_new(q.id))
        post = st.form_submit_button(t("cur.qa.answer_submit"), type="primary")
    if post:
        act(
            ctx.db,
            lambda s: qa.answer(session=s, by=ctx.actor, question_id=q.id, body=body),
            done="cur.qa.answered",
            on_success=lambda _: st.session_state.update(
                {keys.QA_CLEAR: [keys.answer_new(q.id)], keys.QA_LAST: q.id}
            ),
        )
