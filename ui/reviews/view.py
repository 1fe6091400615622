"""Reading one review: answers by the template version it was written with, the Lab demo,
revision history with a diff, the comment thread, and the leader's return / approve / rating."""

from __future__ import annotations

import streamlit as st

from core.accounts import members
from core.reviews import answers as ans
from core.reviews import export as review_export
from core.reviews import workflow as reviews
from core.reviews.queries import feedback_visible, get_row
from core.reviews.templates import schema_of, template_name
from ui.reviews import keys
from ui.reviews.widgets import render_answers, status_label
from ui.shell.actions import act, attempt
from ui.shell.forms import fresh
from ui.shell.i18n import t
from ui.shell.links import lab_link, page_link
from ui.shell.markdown import markdown_editor, user_markdown
from ui.shell.time import show, zone


def _act(ctx, fn, done_key: str, renew: tuple[str, ...] = (), **kwargs) -> None:
    """One review action by the actor, toasted on success (`renew`: boxes drawn empty afterwards)."""
    act(ctx.db, lambda s: fn(session=s, by=ctx.actor, **kwargs), done=done_key, renew=renew)


def _load(ctx, rid: int) -> tuple:
    with ctx.db.read() as s:
        row = get_row(session=s, by=ctx.actor, review_id=rid)
        schema = schema_of(row.review.template_version)
        tpl = row.review.template_version.template
        tpl_caption = f"{template_name(tpl, ctx.lang)} v{row.review.template_version.number}"
        revs = reviews.revisions(session=s, by=ctx.actor, review_id=rid)
        # the thread carries the leaders' feedback: the author's and the leaders' only
        thread = (
            reviews.comments(session=s, by=ctx.actor, review_id=rid)
            if feedback_visible(ctx.actor, row.review)
            else None
        )
        markdown = review_export.review_markdown(row, ctx.lang, zone=zone())
        names = {m.id: m.display_name for m in members.list_members(session=s)} if thread else {}
    return row, schema, tpl_caption, revs, thread, markdown, names


def review_page(ctx, rid: int) -> None:
    """Draw review `rid` for the actor (NotFound shows as a message)."""
    loaded = attempt(lambda: _load(ctx, rid))
    if loaded is None:
        return
    row, schema, tpl_caption, revs, thread, markdown, names = loaded
    r, paper = row.review, row.paper
    mine = r.author_id == ctx.actor.id
    st.subheader(paper.title)
    st.caption(
        f"{t('rev.export.review_by', name=row.author.display_name)} · {status_label(r.status)} · "
        f"{t('rev.template')}: {tpl_caption}"
        + (f" · {t('rev.week')} {r.week_no}" if r.week_no is not None else "")
    )
    if row.helpfulness:
        st.caption(f"{t('rev.helpfulness')}: {'★' * row.helpfulness}{'☆' * (5 - row.helpfulness)}")
    render_answers(schema, r.answers)
    if r.lab_run_id:
        lab_link(t("rev.view.lab_run", run=r.lab_run_id), run=r.lab_run_id)
    st.download_button(
        t("rev.view.download"),
        markdown,
        file_name=f"review-{r.id}.md",
        mime="text/markdown",
        icon=":material/download:",
        key=keys.download(rid),
    )
    if mine:
        page_link("write-review", t("rev.view.edit"), ":material/edit:", {"paper": paper.id})
        with st.form(keys.lab_run_form(rid)):
            run = st.number_input(
                t("rev.lab_run"), min_value=1, value=r.lab_run_id, step=1, key=keys.lab_run(rid)
            )
            if st.form_submit_button(t("common.save")):
                _act(
                    ctx,
                    reviews.set_lab_run,
                    "common.saved",
                    review_id=rid,
                    run_id=int(run) if run is not None else None,
                )
    _history(schema, revs, ctx.lang, rid)
    if thread is not None:
        _thread(ctx, r, thread, names)
    if ctx.actor.is_leader and not mine:
        _leader_actions(ctx, r)


def _history(schema, revs, lang, rid) -> None:
    with st.expander(t("rev.view.history", n=len(revs)), icon=":material/history:"):
        for rev in revs:
            st.caption(f"#{rev.number} · {t(f'rev.status.{rev.status}')} · {show(rev.created_at)}")
        if len(revs) >= 2:
            nums = [rev.number for rev in revs]
            c1, c2 = st.columns(2)
            a = c1.selectbox(t("rev.view.from"), nums, index=len(nums) - 2, key=keys.diff_from(rid))
            b = c2.selectbox(t("rev.view.to"), nums, index=len(nums) - 1, key=keys.diff_to(rid))
            by_no = {rev.number: rev for rev in revs}
            diff = ans.diff(schema, by_no[a].answers, by_no[b].answers, lang, (f"#{a}", f"#{b}"))
            st.code(diff or t("rev.view.no_diff"), language="diff")


def _thread(ctx, r, thread, names) -> None:
    st.markdown(f"#### {t('rev.view.thread')}")
    for c in thread:
        with st.chat_message("assistant" if c.author_id != r.author_id else "user"):
            kind = "" if c.kind == "comment" else f" · {t(f'rev.view.kind_{c.kind}')}"
            st.caption(f"{names.get(c.author_id, '?')} · {show(c.created_at)}{kind}")
            user_markdown(c.body)  # Markdown + LaTeX, typed line breaks kept; raw HTML is not rendered
    if r.status != "draft" and (ctx.actor.is_leader or r.author_id == ctx.actor.id):
        # Not clear_on_submit: the preview button submits the form too, and must keep the text.
        with st.form(keys.comment_form(r.id)):
            body = markdown_editor(
                t("rev.comment"),
                key=fresh(keys.comment_body(r.id)),
                help=t("rev.view.md_help"),
                max_chars=reviews.MAX_COMMENT,
            )
            if st.form_submit_button(t("rev.view.post"), icon=":material/send:"):
                _act(
                    ctx,
                    reviews.add_comment,
                    "rev.view.posted",
                    renew=(keys.comment_body(r.id),),
                    review_id=r.id,
                    body=body,
                )


def _leader_actions(ctx, r) -> None:
    st.markdown(f"#### {t('rev.view.leader')}")
    if r.status in ("submitted", "resubmitted"):
        feedback = markdown_editor(
            t("rev.view.feedback"),
            key=keys.feedback(r.id),
            help=t("rev.view.md_help"),
            max_chars=reviews.MAX_COMMENT,
        )
        c1, c2 = st.columns(2)
        if c1.button(t("rev.view.return"), key=keys.return_button(r.id), icon=":material/undo:"):
            _act(ctx, reviews.return_review, "rev.view.returned", review_id=r.id, feedback=feedback)
        if c2.button(
            t("rev.view.approve"), key=keys.approve_button(r.id), type="primary", icon=":material/verified:"
        ):
            _act(ctx, reviews.approve_review, "rev.view.approved", review_id=r.id, comment=feedback)
    if r.status != "draft":
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        score = c1.radio(
            t("rev.helpfulness"),
            [1, 2, 3, 4, 5],
            horizontal=True,
            key=keys.helpfulness(r.id),
            index=r.helpfulness - 1 if r.helpfulness else None,
            format_func=lambda n: "★" * n,
        )
        if c2.button(t("rev.view.rate"), key=keys.rate_button(r.id), disabled=score is None):
            _act(ctx, reviews.rate_helpfulness, "rev.view.rated", review_id=r.id, score=score)
