"""The embeddings replay: the token embeddings projected to 2-D (PCA) at each probe step the run
kept, scrubbed with a slider like the attention replay; in translate coloured by word class.
The maths is core/lab/embeddings.py."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.lab import charts
from core.lab.view import RunView
from ui.lab import keys
from ui.lab import teaching_keys as tk
from ui.lab.draw import _memo, export_buttons, show
from ui.lab.teaching import task_of
from ui.lab.widgets import fmt
from ui.shell.i18n import current_lang, t

SIDES = ("src", "tgt")


def render(view: RunView, model: Callable, states: Callable[[], dict], slot: str) -> None:
    """The embeddings section of a finished run (or an opened checkpoint); `model()` and
    `states()` are asked for only once it is open (ui/lab/after.py `render`)."""
    from core.lab.embeddings import frames

    box = st.expander(
        t("lab.teach.emb_title"),
        key=keys.sub(slot, tk.EMB_OPEN),
        on_change="rerun",
        icon=":material/scatter_plot:",
    )
    with box:
        if not box.open:  # nothing computed until the viewer opens it
            return
        model, states = model(), states()
        if model is None:
            st.caption(t("lab.page.no_model"))
            return
        st.caption(t("lab.teach.emb_help"))
        cfg, task = view.config, task_of(view)
        side = st.segmented_control(
            t("lab.teach.emb_side"),
            SIDES,
            key=keys.sub(slot, tk.EMB_SIDE),
            default="src",
            required=True,
            format_func=fmt(SIDES, lambda s: t(f"lab.teach.emb_side.{s}")),
        )
        vocab = task.src_vocab if side == "src" else task.tgt_vocab
        base = (view.job_id, view.run_id, view.version, side)
        fr = _memo(
            keys.memo(slot, tk.EMB),
            base,
            lambda: frames(cfg.model.kind, side, states, model.state_dict(), view.step, vocab, cfg.task),
        )
        if len(fr.steps) == 1:
            st.caption(t("lab.teach.emb_only_final"))
            i = 0
        else:
            key = keys.sub(slot, tk.EMB_STEP)
            if st.session_state.get(key) not in fr.steps:
                st.session_state[key] = fr.steps[-1]
            step = st.select_slider(t("lab.teach.emb_step"), fr.steps, key=key)
            i = fr.steps.index(step)
        if cfg.task == "translate":
            st.caption(t("lab.teach.emb_translate"))
        lang = current_lang()
        ratio = fr.explained[i]

        def build():
            return charts.embedding_chart(
                fr.points[i],
                fr.tokens,
                fr.classes,
                lang=lang,
                title=f"{t(f'lab.teach.emb_side.{side}')} · {fr.steps[i]}",
                x_range=fr.x_range,
                y_range=fr.y_range,
                explained=ratio,
            )

        chart = _memo(keys.memo(slot, tk.EMB + "_chart"), (*base, fr.steps[i], lang), build)
        show(chart)
        st.caption(
            t(
                "lab.teach.emb_explained",
                step=fr.steps[i],
                x=f"{100 * ratio[0]:.0f}",
                y=f"{100 * ratio[1]:.0f}",
            )
        )
        if not view.active:
            export_buttons(chart, keys.sub(slot, tk.EMB), "embeddings")
