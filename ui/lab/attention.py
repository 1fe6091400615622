"""The attention view: a heatmap of the probe's attention at a chosen probe step (a slider
replays how attention formed), Transformer map / layer / head choice or all heads as a grid."""

from __future__ import annotations

import functools
import json

import numpy as np
import streamlit as st

from core.lab import charts
from core.lab.view import Probe, RunView
from ui.lab import keys
from ui.lab.draw import _presented, arrow_rows, export_buttons, presenting, shared
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
    grid = head == ALL
    maps = _squeeze_heads(weights)
    # cells as large as the page allows: a 64-token map must still fit on a projector
    fit = max(len(xs), len(ys), 1)
    if grid:
        cell = max(8, min(44 if compact else 32, 1000 // (min(GRID_COLUMNS, len(maps)) * fit)))
    else:
        cell = max(10, min(52 if compact else 36, 760 // fit))
    tokens = (tuple(map(str, xs)), tuple(map(str, ys)))
    spec = json.loads(
        _template(tokens[0], len(ys), len(maps) if grid else None, title, lang, cell, presenting())
    )

    def cells():
        return _cells(maps if grid else maps[head - 1 : head], *tokens, lang, grid)

    if view.job_id is None and view.run_id is None:  # an uploaded checkpoint: this viewer's own
        spec["datasets"] = cells()
    else:  # a job's or a stored run's probe: the same for every viewer (the config and output
        # in the key too: SQLite may give a deleted run's id to the next run stored)
        key = ("attention", view.job_id, view.run_id, view.config, probe.step, tokens, name, head, lang)
        spec["datasets"] = shared(key, cells)
    st.vega_lite_chart(spec=spec, width="content")
    if not view.active:

        def full():
            if grid:
                return charts.attention_grid(maps, xs, ys, title, lang=lang, columns=GRID_COLUMNS, cell=cell)
            return charts.attention_heatmap(maps[head - 1], xs, ys, title, lang=lang, cell=cell)

        export_buttons(full, keys.sub(slot, keys.ATT), "attention")


GRID_COLUMNS = 4  # heads side by side before the grid wraps


def _squeeze_heads(weights) -> np.ndarray:
    """A probe's map of one layer as (heads, Tq, Tk): a leading batch of one dropped."""
    w = np.asarray(weights)
    while w.ndim > 3 and w.shape[0] == 1:
        w = w[0]
    return w


@functools.lru_cache(maxsize=64)
def _template(
    xs: tuple, n_queries: int, heads: int | None, title: str, lang: str, cell: int, presenter: bool
) -> str:
    """The map's Vega-Lite spec (JSON) with its cells left as named data (`_cells`). It changes
    with the input tokens and the sizes only, so while a run trains every new probe goes out as
    new data under the same spec: the browser swaps the cells into the map it shows, and the
    server skips Altair (a new chart and its spec for every probe was 15% of the server's CPU in
    a 30-person room on PostgreSQL, docs/benchmarks.md, eighth session)."""
    chart = charts.attention_template(
        list(xs), n_queries, heads, title, lang=lang, cell=cell, columns=GRID_COLUMNS
    )
    return json.dumps(_presented(chart, presenter).to_dict(validate=False))


def _cells(maps, xs: tuple, ys: tuple, lang: str, grid: bool) -> dict:
    """The template's named data: the one map ("map") or each head's ("head1", ...), as Arrow."""
    import pyarrow as pa

    def rows(w):
        return arrow_rows(pa.table(charts.heat_columns(w, xs, ys, lang)))

    if not grid:
        return {"map": rows(maps[0])}
    return {f"head{h + 1}": rows(w) for h, w in enumerate(maps)}
