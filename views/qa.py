"""Peer Q&A per week or seminar: ask, answer (several answers), accept an answer, mark resolved.
Markdown + LaTeX in questions and answers. Guests read; writing needs sign-in."""

import streamlit as st

from core.curriculum import qa, seminars
from core.curriculum import weeks as cur
from ui.curriculum.qa import ask_form, clear_posted, filters, follow_link, question_box, target_labels
from ui.shell.frame import frame
from ui.shell.i18n import t

ctx = frame()
st.title(t("cur.nav.qa"))

with ctx.db.read() as s:
    weeks = cur.list_weeks(session=s)
    sems = seminars.list_seminars(session=s)
labels = target_labels(ctx, weeks, sems)
follow_link()
week_filter, open_only = filters(ctx, weeks)
clear_posted()

if ctx.actor is None:
    st.info(t("cur.qa.sign_in"))
elif labels:
    ask_form(ctx, labels, week_filter)

with ctx.db.read() as s:
    questions = qa.list_questions(session=s, week_id=week_filter, open_only=open_only)
    counts = qa.answer_counts(session=s, question_ids=[q.id for q in questions])
    answers = {q.id: qa.list_answers(session=s, question_id=q.id) for q in questions}
if not questions:
    st.caption(t("cur.qa.none"))
for q in questions:
    question_box(ctx, q, answers[q.id], counts[q.id], labels)
