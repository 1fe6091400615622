"""Peer Q&A per week or seminar: ask, answer (several answers), accept an answer, mark resolved.
Markdown + LaTeX in questions and answers. Guests read; writing needs sign-in."""

import streamlit as st

from core.curriculum import qa, seminars
from core.curriculum import weeks as cur
from core.errors import AppError
from ui.curriculum.widgets import base_version, save_versioned, week_label, when
from ui.shell.frame import frame
from ui.shell.i18n import show_error, t

ctx = frame()
me = ctx.actor
is_leader = me is not None and me.is_leader
st.title(t("cur.nav.qa"))

with ctx.db.read() as s:
    weeks = cur.list_weeks(session=s)
    sems = seminars.list_seminars(session=s)
week_by_id = {w.id: w for w in weeks}
sem_by_id = {x.id: x for x in sems}
targets = [("w", w.id) for w in weeks] + [("s", x.id) for x in sems]


def target_label(target) -> str:
    kind, tid = target
    if kind == "w":
        return week_label(week_by_id[tid], ctx.lang)
    return f"{t('cur.seminar.heading')} · {sem_by_id[tid].title}"


def run(action, done_key: str) -> None:
    """Run one write; show the error, or confirm and rerun."""
    try:
        with ctx.db.write() as s:
            action(s)
    except AppError as err:
        show_error(err)
    else:
        st.toast(t(done_key))
        st.rerun()


c1, c2 = st.columns([3, 1])
filter_labels = {None: t("cur.qa.all"), **{i: week_label(w, ctx.lang) for i, w in week_by_id.items()}}
week_filter = c1.selectbox(t("cur.qa.filter_week"), list(filter_labels), key="cur_qa_week",
                           format_func=filter_labels.get)
open_only = c2.checkbox(t("cur.qa.open_only"), key="cur_qa_open")

# Empty a form after a successful save *before* its widgets exist: popping their keys after the
# save only clears the server's copy, while the browser keeps showing (and would resend) the text.
for k in st.session_state.pop("cur_qa_clear", []):
    st.session_state[k] = ""

if me is None:
    st.info(t("cur.qa.sign_in"))
elif targets:
    with st.expander(t("cur.qa.ask"), icon=":material/help:"):
        with st.form("cur_ask"):
            default = targets.index(("w", week_filter)) if week_filter else 0
            target_labels = {x: target_label(x) for x in targets}
            target = st.selectbox(t("cur.qa.target"), targets, index=default, format_func=target_labels.get,
                                  key="cur_ask_target")
            qtitle = st.text_input(t("cur.qa.title"), max_chars=200, key="cur_ask_title")
            qbody = st.text_area(t("cur.qa.body"), key="cur_ask_body")
            ask = st.form_submit_button(t("cur.qa.ask"), type="primary")
        if ask:
            try:
                with ctx.db.write() as s:
                    qa.ask(session=s, by=me, title=qtitle, body=qbody,
                           week_id=target[1] if target[0] == "w" else None,
                           seminar_id=target[1] if target[0] == "s" else None)
            except AppError as err:
                show_error(err)
            else:
                st.session_state["cur_qa_clear"] = ["cur_ask_title", "cur_ask_body"]
                st.toast(t("cur.qa.asked"))
                st.rerun()

with ctx.db.read() as s:
    questions = qa.list_questions(session=s, week_id=week_filter, open_only=open_only)
    counts = qa.answer_counts(session=s, question_ids=[q.id for q in questions])
    answers = {q.id: qa.list_answers(session=s, question_id=q.id) for q in questions}

if not questions:
    st.caption(t("cur.qa.none"))

for q in questions:
    status = t("cur.qa.resolved") if q.resolved else t("cur.qa.open")
    icon = ":material/check_circle:" if q.resolved else ":material/help:"
    where = (target_label(("w", q.week_id)) if q.week_id in week_by_id
             else target_label(("s", q.seminar_id)) if q.seminar_id in sem_by_id else "")
    # Keyed, so the expander stays the same element (and stays open) when its label changes
    # (a new answer, resolved); the question just written to opens expanded.
    with st.expander(f"{q.title} · {status} · {t('cur.qa.answers', n=counts[q.id])}", icon=icon,
                     key=f"cur_qbox_{q.id}", expanded=st.session_state.get("cur_qa_last") == q.id):
        st.caption(f"{where} · {t('cur.note.by', name=q.author.display_name, when=when(q.created_at))}")
        if q.body:
            st.markdown(q.body)
        may_moderate = me is not None and (me.id == q.author_id or is_leader)
        if may_moderate:
            label = t("cur.qa.reopen") if q.resolved else t("cur.qa.mark_resolved")
            if st.button(label, key=f"cur_q_res_{q.id}"):
                run(lambda s, q=q: qa.set_resolved(session=s, by=me, question_id=q.id,
                                                   resolved=not q.resolved), "cur.qa.saved")
        if me is not None and me.id == q.author_id:
            base_key = f"cur_q_base_{q.id}"
            base_version(base_key, q.version)  # the version this edit starts from
            with st.form(f"cur_q_edit_{q.id}"):
                st.caption(t("cur.qa.edit"))
                etitle = st.text_input(t("cur.qa.title"), value=q.title, key=f"cur_q_t_{q.id}")
                ebody = st.text_area(t("cur.qa.body"), value=q.body, key=f"cur_q_b_{q.id}")
                esave = st.form_submit_button(t("common.save"))
            if esave:
                save_versioned(
                    ctx.db, base_key,
                    lambda s, v, q=q, title=etitle, body=ebody: qa.update_question(
                        session=s, by=me, question_id=q.id, title=title, body=body, expected_version=v),
                    lambda x: f"**{x.title}**\n\n{x.body}")
        for a in answers[q.id]:
            with st.container(border=True):
                head = f":green-badge[{t('cur.qa.accepted')}] " if a.accepted else ""
                st.markdown(head + f"**{a.author.display_name}** · {when(a.created_at)}")
                st.markdown(a.body)
                if may_moderate and not a.accepted and st.button(t("cur.qa.accept"), key=f"cur_acc_{a.id}",
                                                                 icon=":material/check:"):
                    run(lambda s, a=a: qa.accept(session=s, by=me, answer_id=a.id), "cur.qa.saved")
                if me is not None and me.id == a.author_id:
                    base_key = f"cur_a_base_{a.id}"
                    base_version(base_key, a.version)  # the version this edit starts from
                    with st.form(f"cur_a_edit_{a.id}"):
                        abody = st.text_area(t("cur.qa.edit"), value=a.body, key=f"cur_a_b_{a.id}")
                        asave = st.form_submit_button(t("common.save"))
                    if asave:
                        save_versioned(
                            ctx.db, base_key,
                            lambda s, v, a=a, body=abody: qa.update_answer(
                                session=s, by=me, answer_id=a.id, body=body, expected_version=v),
                            lambda x: x.body)
                if me is not None and (me.id == a.author_id or is_leader):
                    if st.button(t("cur.qa.delete_answer"), key=f"cur_a_del_{a.id}", icon=":material/delete:"):
                        run(lambda s, a=a: qa.delete_answer(session=s, by=me, answer_id=a.id), "cur.qa.saved")
        if me is not None:
            with st.form(f"cur_answer_{q.id}"):
                body = st.text_area(t("cur.qa.answer"), key=f"cur_ans_{q.id}")
                post = st.form_submit_button(t("cur.qa.answer_submit"), type="primary")
            if post:
                try:
                    with ctx.db.write() as s:
                        qa.answer(session=s, by=me, question_id=q.id, body=body)
                except AppError as err:
                    show_error(err)
                else:
                    st.session_state["cur_qa_clear"] = [f"cur_ans_{q.id}"]
                    st.session_state["cur_qa_last"] = q.id
                    st.toast(t("cur.qa.answered"))
                    st.rerun()
