"""The attention view: a heatmap of the probe's attention at a chosen probe step (a slider
replays how attention formed), Transformer map / layer / head choice or all heads as a grid."""

from __future__ import annotations

import streamlit as st

from core.lab import charts
from core.lab.view import Probe, RunView
from ui.lab import keys
from ui.lab.draw import _memo, export_buttons, show
from ui.lab.widgets import fmt
from ui.shell.i18n import current_lang, t

KINDS = ("cross", "enc_self", "dec_self")
ALL = 0  # head choice meaning "every head of the layer, as a grid"


def axis_tokens(probe: Probe, kind: str) -> tuple[list[str], list[str]]:
    """(key tokens across, query tokens down) for a map kind."""
    if kind == "enc_self":
        return probe.src, probe.src
    if kind == "dec_self":
        return ["<bos>", *probe.out[:-1]], probe.out
    return probe.src, probe.out


def _follow(slot: str, steps: list[int]) -> None:
    """Keep the slider on the newest probe while the viewer has not moved it back."""
    slider_key, last_key = keys.sub(slot, keys.PROBE_STEP), keys.sub(slot, keys.PROBE_LATEST)
    cur = st.session_state.get(slider_key)
    if cur is None or cur not in steps or cur == st.session_state.get(last_key):
        st.session_state[slider_key] = steps[-1]
    st.session_state[last_key] = steps[-1]


def pick_step(view: RunView, slot: str) -> int | None:
    """The probe step to show (a select slider when there are several)."""
    steps = view.probe_steps
    if not steps:
        return None
    _follow(slot, steps)
    if len(steps) == 1:
        return steps[0]
    return st.select_slider(
        t("lab.page.probe_step"),
        options=steps,
        key=keys.sub(slot, keys.PROBE_STEP),
        help=t("lab.page.probe_step_help"),
    )


def draw_attention(view: RunView, slot: str, *, compact: bool = False) -> None:
    """The probe's attention at the chosen step (controls first, then the map)."""
    tab = view.config.model.kind
    if tab != "transformer" and view.config.model.attention == "none":
        st.info(t("lab.page.no_attention"), icon=":material/info:")
        return
    step = pick_step(view, slot)
    probe = view.probe_at(step) if step is not None else None
    if probe is None or not probe.attention:
        st.caption(t("lab.page.no_probe_yet"))
        return
    st.caption(t("lab.page.probe_io", src=" ".join(probe.src), out=" ".join(probe.out), step=probe.step))
    if tab == "transformer":
        n_layers = view.config.model.n_layers
        n_heads = view.config.model.n_heads
        layer_key, head_key = keys.sub(slot, keys.ATT_LAYER), keys.sub(slot, keys.ATT_HEAD)
        kind = st.segmented_control(
            t("lab.page.att_kind"),
            KINDS,
            key=keys.sub(slot, keys.ATT_KIND),
            default="cross",
            format_func=fmt(KINDS, lambda k: t(f"lab.page.att.{k}")),
            required=True,
        )
        for k, n in ((layer_key, n_layers), (head_key, n_heads + 1)):
            if st.session_state.get(k, 0) >= n:  # the previous run had more layers / heads
                st.session_state.pop(k)
        c2, c3, _ = st.columns([1, 1, 2])
        layer = c2.selectbox(
            t("lab.page.layer"), list(range(n_layers)), key=layer_key, format_func=lambda i: str(i + 1)
        )
        head = c3.selectbox(
            t("lab.page.head"),
            list(range(n_heads + 1)),
            key=head_key,
            format_func=fmt(range(n_heads + 1), lambda h: t("lab.page.all_heads") if h == ALL else str(h)),
        )
        name = f"{kind or 'cross'}/{layer or 0}"
        kind = kind or "cross"
    else:
        kind, name, head = "cross", "cross", 1
    weights = probe.attention.get(name)
    if weights is None:
        st.caption(t("lab.page.no_probe_yet"))
        return
    xs, ys = axis_tokens(probe, kind)
    lang = current_lang()
    title = t(f"lab.page.att.{kind}") if tab == "transformer" else t("lab.page.alignment")

    def build():
        # cells as large as the page allows: a 64-token map must still fit on a projector
        fit = max(len(xs), len(ys), 1)
        if head == ALL:
            per_row = min(4, weights.shape[0])
            return charts.attention_grid(
                weights,
                xs,
                ys,
                title=title,
                lang=lang,
                columns=4,
                cell=max(8, min(44 if compact else 32, 1000 // (per_row * fit))),
            )
        return charts.attention_heatmap(
            weights[head - 1],
            xs,
            ys,
            title=title,
            lang=lang,
            cell=max(10, min(52 if compact else 36, 760 // fit)),
        )

    chart = _memo(
        keys.memo(slot, keys.ATT), (view.job_id, view.run_id, probe.step, name, head, lang, compact), build
    )
    show(chart, width="content")
    if not view.active:
        export_buttons(chart, keys.sub(slot, keys.ATT), "attention")
