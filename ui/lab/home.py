"""The Model Lab's Home card: seminar presets and the latest runs, one click into the Lab.
Torch-free on purpose (Home must render fast): only links and a database read."""

from __future__ import annotations

import streamlit as st

from core.lab import runs as lab_runs
from core.lab.metrics import headline_accuracy
from core.lab.presets import HOME, PRESETS, TAB_LABELS
from ui.shell.i18n import t
from ui.shell.links import lab_link


def home_card(ctx) -> None:
    """Presets to start from and the three newest stored runs."""
    with st.container(border=True):
        st.markdown(f"**:material/science: {t('lab.page.title')}**")
        st.caption(t("lab.page.home_caption"))
        cols = st.columns(2)
        for i, name in enumerate(HOME):
            lab_link(t(PRESETS[name].title_key), preset=name, where=cols[i % 2])
        with ctx.db.read() as s:
            recent = lab_runs.list_runs(session=s, status="finished", limit=3)
        for run in recent:
            acc = headline_accuracy(run.task, run.metrics)
            acc_txt = f" · {100 * acc:.0f}%" if isinstance(acc, (int, float)) else ""
            lab_link(
                f"#{run.id} {TAB_LABELS.get(run.kind, run.kind)} · {run.title or t(f'lab.page.task_name.{run.task}')}{acc_txt}",
                run=run.id,
            )
