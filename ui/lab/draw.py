"""Drawing a RunView: progress line, loss / accuracy charts, the attention replay, exports.

Charts are rebuilt only when the run has something new (`RunView.version`) or the viewer changed
a selection; otherwise the cached chart objects are sent again (a fragment must re-emit them).
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from core.lab import charts
from core.lab_runs import decimate
from ui.i18n import current_lang, t
from ui.lab.view import RunView

DRAW_POINTS = 400  # curve points sent to the browser per series


def _memo(slot: str, token: tuple, build):
    """Rebuild with `build()` only when `token` changed since the last draw of this slot."""
    memo = st.session_state.setdefault("_lab_memo", {})
    hit = memo.get(slot)
    if hit is not None and hit[0] == token:
        return hit[1]
    value = build()
    memo[slot] = (token, value)
    return value


def _secs(s: float | None) -> str:
    if s is None or not math.isfinite(s):
        return "–"
    s = int(round(s))
    return f"{s // 60}:{s % 60:02d}"


def status_line(view: RunView) -> None:
    """Where the run stands: queue place, progress with speed and time left, or its outcome."""
    total = view.config.steps
    if view.status == "queued":
        st.info(t("lab.page.queued", pos=view.queue_pos or 1), icon=":material/hourglass_top:")
    elif view.status == "running":
        st.progress(min(1.0, view.step / max(1, total)),
                    text=t("lab.page.progress", step=view.step, total=total,
                           speed=f"{view.steps_per_s or 0:.1f}", eta=_secs(view.eta_s)))
    elif view.status == "finished":
        st.success(t("lab.page.done", step=view.step, acc=_pct(view.metrics.get("val_token_acc")),
                     seq=_pct(view.metrics.get("val_seq_acc")), secs=f"{view.metrics.get('duration_s') or 0:.1f}"),
                   icon=":material/check_circle:")
    elif view.status == "stopped":
        st.warning(t("lab.page.stopped", step=view.step), icon=":material/stop_circle:")
    elif view.status == "diverged":
        st.error(t("lab.page.diverged", step=view.step, lr=f"{view.config.lr:g}", lower=f"{view.config.lr / 10:g}"),
                 icon=":material/trending_up:")
    else:
        st.error(t("lab.page.failed", detail=view.error or "?"), icon=":material/error:")


def _pct(v: Any) -> str:
    return f"{100 * v:.1f}%" if isinstance(v, (int, float)) and math.isfinite(v) else "–"


def _curve_data(view: RunView) -> dict[str, list]:
    return decimate(view.curves, DRAW_POINTS, DRAW_POINTS)


def curve_charts(view: RunView, slot: str) -> tuple[Any, Any] | None:
    """(loss chart, accuracy chart) for the run, or None before the first step."""
    if not view.curves.get("step") and not view.curves.get("eval_step"):
        return None
    lang = current_lang()

    def build():
        data = _curve_data(view)
        if "step" not in data:
            data = {"step": [], "loss": [], "token_acc": [], **data}
        return (charts.loss_chart(data, lang=lang, title=t("lab.page.loss_title")),
                charts.accuracy_chart(data, lang=lang, title=t("lab.page.acc_title")))

    return _memo(f"{slot}:curves", (view.job_id, view.run_id, view.version, view.step, lang), build)


def draw_curves(view: RunView, slot: str, *, presenter: bool = False) -> None:
    """Loss and accuracy side by side (stacked in presenter mode, where they are larger)."""
    pair = curve_charts(view, slot)
    if pair is None:
        st.caption(t("lab.page.no_steps_yet"))
        return
    cols = [st.container(), st.container()] if presenter else st.columns(2)
    for col, chart, name in zip(cols, pair, ("loss", "accuracy"), strict=True):
        with col:
            show(chart, width="stretch")
            if not view.active:
                export_buttons(chart, f"{slot}_{name}", name)


def presenting() -> bool:
    """Presenter mode is on (large type, fewer controls)."""
    return bool(st.session_state.get("lab_presenter"))


SPEC_CACHE = 24  # Vega-Lite specs kept per session (the charts on screen, a few times over)


def _spec(chart, presenter: bool) -> dict:
    """The chart's Vega-Lite dict, made once per chart object: a live fragment re-emits the same
    memoised charts twice a second, and Altair's schema validation (what st.altair_chart runs on
    every call) was a large part of the server's CPU while a run trained."""
    cache = st.session_state.setdefault("_lab_specs", {})
    key = (id(chart), presenter)
    hit = cache.get(key)
    if hit is not None and hit[0] is chart:
        return hit[1]
    shown = chart
    if presenter:  # axis, legend and title text readable from the back row
        shown = (chart.configure_axis(labelFontSize=16, titleFontSize=18)
                 .configure_legend(labelFontSize=16, titleFontSize=16, labelLimit=320)
                 .configure_title(fontSize=20))
    # Our builders are tested against the schema (tests/core/lab/test_charts.py); skip it here.
    spec = shown.to_dict(validate=False)
    if len(cache) >= SPEC_CACHE:
        cache.pop(next(iter(cache)))
    cache[key] = (chart, spec)  # the reference keeps id(chart) from being reused
    return spec


def show(chart, *, width: str = "content") -> None:
    """Render a chart (presenter mode: larger type) from its cached Vega-Lite spec."""
    st.vega_lite_chart(spec=_spec(chart, presenting()), width=width)


def export_buttons(chart, slot: str, name: str) -> None:
    """PNG and SVG download buttons for one chart (made on demand; hidden in presenter mode)."""
    if presenting():
        return
    with st.popover(t("lab.page.export_chart"), icon=":material/download:"):
        if st.button(t("lab.page.prepare_png_svg"), key=f"{slot}_prep"):
            st.session_state[f"{slot}_files"] = (charts.chart_to_png(chart), charts.chart_to_svg(chart))
        files = st.session_state.get(f"{slot}_files")
        if files:
            st.download_button("PNG", files[0], file_name=f"{name}.png", mime="image/png", key=f"{slot}_png",
                               on_click="ignore")
            st.download_button("SVG", files[1].encode("utf-8"), file_name=f"{name}.svg", mime="image/svg+xml",
                               key=f"{slot}_svg", on_click="ignore")
