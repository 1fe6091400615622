"""Drawing a RunView: progress line, loss / accuracy charts, the attention replay, exports.

Charts are rebuilt only when the run has something new (`RunView.version`) or the viewer changed
a selection; otherwise the cached chart objects are sent again (a fragment must re-emit them).
Loss and accuracy curves go out as a fixed spec plus new data, so a live page updates the
charts it has instead of rebuilding them. Curves are thinned once, to what a stored run keeps
(`core.lab.runs.decimate`): a stored run's curves pass through as stored, and a live job's chart
is the chart its stored run will show.
"""

from __future__ import annotations

import functools
import json
import math
import threading
from collections import OrderedDict
from typing import Any

import altair as alt
import streamlit as st

from core.lab import charts
from core.lab.charts.base import presented
from core.lab.metrics import headline_metric
from core.lab.runs import decimate
from core.lab.view import RunView
from ui.lab import keys
from ui.shell.i18n import current_lang, t


def _memo(slot: str, token: tuple, build):
    """Rebuild with `build()` only when `token` changed since the last draw of this slot."""
    memo = st.session_state.setdefault(keys.MEMO, {})
    hit = memo.get(slot)
    if hit is not None and hit[0] == token:
        return hit[1]
    value = build()
    memo[slot] = (token, value)
    return value


def secs(s: float | None) -> str:
    """Seconds as m:ss ("–" when unknown)."""
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
        st.progress(
            min(1.0, view.step / max(1, total)),
            text=t(
                "lab.page.progress",
                step=view.step,
                total=total,
                speed=f"{view.steps_per_s or 0:.1f}",
                eta=secs(view.eta_s),
            ),
        )
    elif view.status == "finished":
        whole = headline_metric(view.config.task) == "val_seq_acc"
        st.success(
            t(
                "lab.page.done_whole" if whole else "lab.page.done",
                step=view.step,
                acc=_pct(view.metrics.get("val_token_acc")),
                seq=_pct(view.metrics.get("val_seq_acc")),
                secs=f"{view.metrics.get('duration_s') or 0:.1f}",
            ),
            icon=":material/check_circle:",
        )
    elif view.status == "stopped":
        note = f" {t(view.error_key, **view.error_params)}" if view.error_key else ""
        st.warning(t("lab.page.stopped", step=view.step) + note, icon=":material/stop_circle:")
    elif view.status == "diverged":
        st.error(
            t(
                "lab.page.diverged",
                step=view.step,
                lr=f"{view.config.lr:g}",
                lower=f"{view.config.lr / 10:g}",
            ),
            icon=":material/trending_up:",
        )
    else:
        detail = t(view.error_key, **view.error_params) if view.error_key else view.error or "?"
        st.error(t("lab.page.failed", detail=detail), icon=":material/error:")


def _pct(v: Any) -> str:
    return f"{100 * v:.1f}%" if isinstance(v, (int, float)) and math.isfinite(v) else "–"


def _curve_data(view: RunView) -> dict[str, list]:
    return decimate(view.curves)  # a stored run's curves are already within the limits: unchanged


CURVE_KINDS = ("loss", "accuracy")
_TITLES = {"loss": "lab.page.loss_title", "accuracy": "lab.page.acc_title"}
_SHARED_LIMIT = 128  # tables kept for all sessions (a few per run on screen, the running-now panel)
_shared: OrderedDict[tuple, Any] = OrderedDict()
_shared_lock = threading.Lock()


def shared(key: tuple, make):
    """`make()` once per `key` for every session (the newest _SHARED_LIMIT kept): the rows a state
    of a run is drawn from, which every viewer of that run is sent."""
    with _shared_lock:
        hit = _shared.get(key)
        if hit is not None:
            _shared.move_to_end(key)
            return hit
    value = make()
    with _shared_lock:
        _shared[key] = value
        while len(_shared) > _SHARED_LIMIT:
            _shared.popitem(last=False)
    return value


def arrow_rows(df):
    """The table as the Arrow IPC bytes Streamlit sends for a named dataset, made once and shared
    (Streamlit passes bytes through as they are; with a DataFrame it converts per call)."""
    try:
        from streamlit.dataframe_util import convert_anything_to_arrow_bytes
    except ImportError:  # another Streamlit layout: let st.vega_lite_chart convert the DataFrame
        return df
    return convert_anything_to_arrow_bytes(df)


def _frames(view: RunView, lang: str) -> dict[str, tuple]:
    """{kind: (series, rows)} for this state of the run, `rows` the two tables ready to send;
    shared by every session.

    A seminar's guests all poll the same job: the rows are made once per new state of the run
    (job / run, version, step, language), not once per viewer, and from numpy columns straight
    to Arrow (`charts.curve_columns`), not through pandas.
    """
    # the config in the key too: SQLite may give a deleted run's id to the next run stored
    key = ("curves", view.job_id, view.run_id, view.config, view.version, view.step, lang)
    return shared(key, lambda: _make_frames(view, lang))


def _make_frames(view: RunView, lang: str) -> dict[str, tuple]:
    import pyarrow as pa

    data = _curve_data(view)
    out = {}
    for kind in CURVE_KINDS:
        line_cols, point_cols, series = charts.curve_columns(kind, data, lang)
        rows = {"lines": arrow_rows(pa.table(line_cols)), "points": arrow_rows(pa.table(point_cols))}
        out[kind] = (series, rows)
    return out


@functools.lru_cache(maxsize=64)
def _curve_template(kind: str, series: tuple[str, ...], lang: str, title: str, presenter: bool) -> str:
    """The curve chart's Vega-Lite spec (JSON) with its data left as named references.

    It depends only on what the legend shows, the language and presenter mode, so it stays
    byte-identical while a run trains: the browser then swaps the new rows into the chart it
    already has instead of compiling and embedding a new one twice a second, and the server
    skips Altair (building the chart and its schema walk was most of a poll's work).
    """
    chart = charts.curve_chart(
        kind, alt.NamedData(name="lines"), alt.NamedData(name="points"), series, lang=lang, title=title
    )
    spec = _presented(chart, presenter).to_dict(validate=False)
    spec["usermeta"] = {"embedOptions": {"renderer": "canvas"}}  # redrawn twice a second: no SVG DOM churn
    return json.dumps(spec)


def _full_curve_chart(kind: str, view: RunView, lang: str, title: str):
    """The chart with its data inline, for the PNG / SVG export (made when asked for)."""
    line_df, point_df = charts.curve_frames(kind, _curve_data(view), lang=lang, max_points=None)
    series = charts.curve_series(kind, line_df, point_df, lang)
    return charts.curve_chart(kind, line_df, point_df, series, lang=lang, title=title)


FOCUS_HEIGHT = 520  # px of a curve that fills the screen (presenter mode, one chart)


def draw_curves(view: RunView, slot: str, *, presenter: bool = False, only: str | None = None) -> None:
    """Loss and accuracy side by side (stacked in presenter mode, where they are larger); `only`
    one of them (CURVE_KINDS), filling the page's width and most of a projector's height."""
    if not view.curves.get("step") and not view.curves.get("eval_step"):
        st.caption(t("lab.page.no_steps_yet"))
        return
    lang = current_lang()
    frames = _frames(view, lang)
    kinds = (only,) if only in CURVE_KINDS else CURVE_KINDS
    cols = [st.container() for _ in kinds] if presenter or len(kinds) == 1 else st.columns(2)
    for col, kind in zip(cols, kinds, strict=True):
        series, rows = frames[kind]
        title = t(_TITLES[kind])
        spec = json.loads(_curve_template(kind, series, lang, title, presenter))
        if len(kinds) == 1:
            spec["height"] = FOCUS_HEIGHT
        spec["datasets"] = dict(rows)  # named datasets leave the spec as Arrow tables
        with col:
            st.vega_lite_chart(spec=spec, width="stretch")
            if not view.active:
                export_buttons(
                    functools.partial(_full_curve_chart, kind, view, lang, title),
                    keys.sub(slot, kind),
                    kind,
                )


def presenting() -> bool:
    """Presenter mode is on (large type, fewer controls)."""
    return bool(st.session_state.get(keys.PRESENTER))


def _presented(chart, presenter: bool):
    """The chart as shown: in presenter mode its text readable from the back row."""
    return presented(chart) if presenter else chart


SPEC_CACHE = 24  # Vega-Lite specs kept per session (the charts on screen, a few times over)


def _spec(chart, presenter: bool) -> dict:
    """The chart's Vega-Lite dict, made once per chart object: a live fragment re-emits the same
    memoised charts twice a second, and Altair's schema validation (what st.altair_chart runs on
    every call) was a large part of the server's CPU while a run trained."""
    cache = st.session_state.setdefault(keys.SPECS, {})
    key = (id(chart), presenter)
    hit = cache.get(key)
    if hit is not None and hit[0] is chart:
        return hit[1]
    # Our builders are tested against the schema (tests/core/lab/test_charts.py); skip it here.
    spec = stable_dataset_names(_presented(chart, presenter).to_dict(validate=False))
    if len(cache) >= SPEC_CACHE:
        cache.pop(next(iter(cache)))
    cache[key] = (chart, spec)  # the reference keeps id(chart) from being reused
    return spec


def stable_dataset_names(spec: dict) -> dict:
    """Rename Altair's content-hashed datasets ("data-<hash>") to positional names ("d0", "d1", ...).

    With hashed names every redraw of a live curve changed the spec itself, so the browser
    compiled and embedded a new Vega view twice a second. With stable names the spec stays
    byte-identical while only the data changes, and Streamlit's frontend swaps the datasets into
    the existing view (`view.data(name, rows)`): the chart re-renders without being rebuilt.
    """
    datasets = spec.get("datasets")
    if not datasets:
        return spec
    names = {old: f"d{i}" for i, old in enumerate(datasets)}

    def rename(node):
        if isinstance(node, dict):
            out = {k: rename(v) for k, v in node.items() if k != "datasets"}
            ref = node.get("data")
            if isinstance(ref, dict) and ref.get("name") in names:
                out["data"] = {**ref, "name": names[ref["name"]]}
            return out
        if isinstance(node, list):
            return [rename(v) for v in node]
        return node

    renamed = rename(spec)
    renamed["datasets"] = {names[k]: v for k, v in datasets.items()}
    return renamed


def show(chart, *, width: str = "content") -> None:
    """Render a chart (presenter mode: larger type) from its cached Vega-Lite spec."""
    st.vega_lite_chart(spec=_spec(chart, presenting()), width=width)


def export_buttons(chart, slot: str, name: str) -> None:
    """PNG and SVG download buttons for one chart, or a function making it (made on demand;
    hidden in presenter mode)."""
    if presenting():
        return
    with st.popover(t("lab.page.export_chart"), icon=":material/download:"):
        files_key = keys.sub(slot, keys.EXPORT_FILES)
        if st.button(t("lab.page.prepare_png_svg"), key=keys.sub(slot, keys.EXPORT_PREPARE)):
            full = chart() if callable(chart) else chart
            st.session_state[files_key] = (charts.chart_to_png(full), charts.chart_to_svg(full))
        files = st.session_state.get(files_key)
        if files:
            st.download_button(
                "PNG",
                files[0],
                file_name=f"{name}.png",
                mime="image/png",
                key=keys.sub(slot, keys.EXPORT_PNG),
                on_click="ignore",
            )
            st.download_button(
                "SVG",
                files[1].encode("utf-8"),
                file_name=f"{name}.svg",
                mime="image/svg+xml",
                key=keys.sub(slot, keys.EXPORT_SVG),
                on_click="ignore",
            )
