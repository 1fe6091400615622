"""After training: try your own input (prediction + attention), the positional encoding chart,
LSTM / GRU gate activations over the probe, gradient norm per encoder time step, exports and the
share link. The trained model comes from the job (same process) or the stored checkpoint."""

from __future__ import annotations

import functools
from collections.abc import Callable

import streamlit as st

from core.lab import charts
from core.lab import runs as lab_runs
from core.lab.config import TrainConfig, to_dict
from core.lab.view import RunView
from ui.lab import keys
from ui.lab.draw import _memo, export_buttons, show
from ui.shell.actions import attempt
from ui.shell.frame import Frame
from ui.shell.i18n import current_lang, t

PE_MAX_LEN = 50


@st.cache_resource(show_spinner=False, max_entries=8)
def _model_of_run(_db, db_url: str, run_id: int, version: int):
    """The stored run's model rebuilt from its checkpoint (None when it kept none)."""
    from core.lab.checkpoint import load_checkpoint
    from ui.lab.teaching import run_checkpoint

    data = run_checkpoint(_db, db_url, run_id, version)
    if not data:
        return None
    model, _ = load_checkpoint(data)
    return model


def model_of(ctx: Frame, view: RunView):
    """The trained model of the view, if this server can get it (rebuilt from a stored run's
    checkpoint once per process)."""
    if view.model is not None:
        return view.model
    if view.run_id is not None:
        return attempt(lambda: _model_of_run(ctx.db, ctx.db.url, view.run_id, view.version))
    return None


def _task(cfg: TrainConfig):
    from core.lab.tasks import make_task

    return make_task(cfg.task, cfg.seq_len, cfg.vocab_size)


def try_input(ctx: Frame, tab: str, view: RunView, model: Callable, *, slot: str | None = None) -> None:
    """A text box: the model's answer and its attention for the viewer's own input (`slot`: whose
    widgets, the tab's by default); `model()` is asked for once there is an input."""
    from core.lab.train import MAX_TRY_CHARS
    from core.lab.train import try_input as answer_input

    cfg = view.config
    task = _task(cfg)
    example = " ".join(task.src_tokens(task.probe()[0][0]))
    slot = slot or keys.slot(tab)
    with st.form(keys.sub(slot, keys.TRY_FORM), border=False):
        text = st.text_input(
            t("lab.page.try_label"),
            key=keys.sub(slot, keys.TRY),
            placeholder=example,
            help=t("lab.page.try_help", example=example),
            max_chars=MAX_TRY_CHARS,
        )
        go = st.form_submit_button(t("lab.page.try_go"), icon=":material/send:")
    done_key = keys.sub(slot, keys.TRY_DONE)
    if not (go or st.session_state.get(done_key)):
        return
    if not (text or "").strip():  # the greyed example is a hint, not an input
        st.info(t("lab.page.try_empty", example=example))
        st.session_state.pop(done_key, None)
        return
    trained = model()
    if trained is None:
        st.caption(t("lab.page.no_model"))
        return
    tried = attempt(lambda: answer_input(trained, task, text))
    if tried is None:
        return
    st.session_state[done_key] = True
    if tried.normalised:
        st.caption(t("lab.page.try_read_as", tokens=" ".join(tried.src)))
    for key, params in tried.notes:
        st.warning(t(key, **params), icon=":material/straighten:")
    st.markdown(t("lab.page.try_answer", answer=tried.answer or "∅"))
    src, outs, res = tried.src, tried.outs, tried.result
    lang = current_lang()
    if not res.attention:
        return
    if tab == "transformer":
        layer = cfg.model.n_layers - 1
        w = res.attention[f"cross/{layer}"][0][:, : len(outs), :]  # (H, Tq, Tk)
        chart = charts.attention_grid(
            w, src, outs, title=t("lab.page.att.cross") + f" · {layer + 1}", lang=lang, columns=4
        )
    else:
        w = res.attention["cross"][0][0][: len(outs), :]  # (Tq, Tk)
        chart = charts.attention_heatmap(w, src, outs, title=t("lab.page.alignment"), lang=lang)
    show(chart, width="content")


def positional_encoding(tab: str, cfg: TrainConfig) -> None:
    """The sinusoidal encoding the Transformer adds to its embeddings (needs no training). Drawn
    only while its section is open (a preset about it opens it: keys.PE_OPEN): built closed on
    every page run of every Transformer tab, it was 5% of a seminar room's server samples."""
    from core.lab.models import positional_encoding as pe

    box = _section(t("lab.page.pe_title"), keys.PE_OPEN, ":material/waves:")
    with box:
        if not box.open:
            return
        st.caption(t("lab.page.pe_help", d=cfg.model.d_model))
        if cfg.model.pos_encoding != "sinusoidal":
            st.caption(t("lab.page.pe_learned"))
        d = max(2, min(int(cfg.model.d_model or 2), 512))
        lang = current_lang()
        slot = keys.slot(tab)
        build = lambda: charts.positional_encoding_chart(pe(PE_MAX_LEN, d), lang=lang)  # noqa: E731
        chart = _memo(keys.memo(slot, keys.PE), (d, lang), build)
        show(chart, width="content")
        export_buttons(chart, keys.sub(slot, keys.PE), "positional_encoding")


def _section(title: str, key: str, icon: str):
    """A section drawn only while open (the expander's state reaches the server: a rerun)."""
    return st.expander(title, key=key, on_change="rerun", icon=icon)


def gates(tab: str, view: RunView, model: Callable, *, slot: str | None = None) -> None:
    """LSTM / GRU gate activations over the probe sequence, from the trained weights."""
    gate_activations = _introspect().gate_activations

    task = _task(view.config)
    src = task.probe()[0]
    slot = slot or keys.slot(tab)
    box = _section(t("lab.page.gates_title"), keys.sub(slot, keys.GATES_OPEN), ":material/tune:")
    with box:
        if not box.open:  # computed from the weights only once the viewer opens it
            return
        st.caption(t(f"lab.page.gates_help.{tab}"))
        lang = current_lang()

        def build():
            acts = gate_activations(model(), src)
            g = acts["gates"] if isinstance(acts, dict) and "gates" in acts else acts
            return charts.gates_chart(g, task.src_tokens(src[0]), lang=lang)

        chart = _memo(keys.memo(slot, keys.GATES), (view.job_id, view.run_id, view.version, lang), build)
        show(chart, width="content")
        export_buttons(chart, keys.sub(slot, keys.GATES), "gates")


def grad_norms(tab: str, view: RunView, model: Callable, *, slot: str | None = None) -> None:
    """How much gradient reaches each encoder time step (vanishing in the plain RNN)."""
    encoder_grad_norms = _introspect().encoder_grad_norms

    task = _task(view.config)
    src, tgt = task.probe()
    slot = slot or keys.slot(tab)
    box = _section(t("lab.page.grad_title"), keys.sub(slot, keys.GRAD_OPEN), ":material/show_chart:")
    with box:
        if not box.open:  # computed from the weights only once the viewer opens it
            return
        st.caption(t("lab.page.grad_help"))
        lang = current_lang()

        def build():
            norms = encoder_grad_norms(model(), src, tgt)
            return charts.grad_norm_chart({tab.upper(): norms}, task.src_tokens(src[0]), lang=lang)

        chart = _memo(keys.memo(slot, keys.GRAD), (view.job_id, view.run_id, view.version, lang), build)
        show(chart, width="content")
        export_buttons(chart, keys.sub(slot, keys.GRAD), "grad_norms")


def exports(ctx: Frame, tab: str, view: RunView, model: Callable) -> None:
    """Config JSON, metrics CSV, checkpoint, and the link to this run."""
    st.markdown(f"**{t('lab.page.exports')}**")
    slot = keys.slot(tab)
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        t("lab.page.export_config"),
        _config_json(view.config),
        file_name=f"{slot}_config.json",
        mime="application/json",
        key=keys.sub(slot, keys.DOWNLOAD_CONFIG),
        on_click="ignore",
        icon=":material/data_object:",
    )
    c2.download_button(
        t("lab.page.export_csv"),
        lab_runs.metrics_csv(view.curves),
        file_name=f"{slot}_metrics.csv",
        mime="text/csv",
        key=keys.sub(slot, keys.DOWNLOAD_CSV),
        on_click="ignore",
        icon=":material/table:",
    )
    data = _checkpoint(ctx, view, model)
    if data:
        c3.download_button(
            t("lab.page.export_ckpt"),
            data,
            file_name=f"{slot}.pt",
            mime="application/octet-stream",
            key=keys.sub(slot, keys.DOWNLOAD_CHECKPOINT),
            on_click="ignore",
            icon=":material/save:",
        )
    if view.run_id is not None:
        base = (st.context.url or "").split("?")[0]
        st.caption(t("lab.page.share_run", run_id=view.run_id))
        st.code(f"{base}?run={view.run_id}", language=None)


def _config_json(cfg: TrainConfig) -> str:
    import json

    return json.dumps(to_dict(cfg), indent=2, sort_keys=True)


def _checkpoint(ctx: Frame, view: RunView, model: Callable) -> bytes | None:
    """The job's own bytes, else the stored run's, else (a model held here) the weights saved now."""
    if view.checkpoint is not None:
        return view.checkpoint
    if view.run_id is not None:
        from ui.lab.teaching import run_checkpoint

        data = run_checkpoint(ctx.db, ctx.db.url, view.run_id, view.version)
        if data:
            return data
    trained = model()
    if trained is not None:
        from core.lab.checkpoint import save_checkpoint

        return save_checkpoint(trained, view.config)
    return None


def teaching(ctx: Frame, tab: str, view: RunView, model: Callable, *, slot: str) -> None:
    """The teaching views (ui/lab/stepthrough.py, embeddings.py) with the weights the run kept at
    its probe steps, then the RNN family's gates and gradient norms; each asks for the model and
    the kept weights only while it is open."""
    from ui.lab import embeddings, stepthrough
    from ui.lab.teaching import kept_states

    states = functools.cache(lambda: kept_states(ctx, view))
    stepthrough.render(view, model, states, slot)
    embeddings.render(view, model, states, slot)
    if tab in ("lstm", "gru"):
        gates(tab, view, model, slot=slot)
    if tab != "transformer":
        grad_norms(tab, view, model, slot=slot)


def _has_model(ctx: Frame, view: RunView) -> bool:
    """The view has a trained model to show: held here, or a stored checkpoint to rebuild it from."""
    if view.model is not None:
        return True
    if view.run_id is None:
        return False
    from ui.lab.teaching import run_checkpoint

    return bool(attempt(lambda: run_checkpoint(ctx.db, ctx.db.url, view.run_id, view.version)))


def _introspect():
    """The engine's introspect module (imported lazily: it imports torch)."""
    from core.lab import introspect

    return introspect


def render(ctx: Frame, tab: str, view: RunView, *, presenter: bool) -> None:
    """Everything shown once a run has ended (finished or stopped: the weights still teach)."""
    if view.status not in ("finished", "stopped") or view.step == 0:
        return
    # The model is rebuilt from a stored run's checkpoint (0.1-0.2 s of CPU) only when a section
    # asks for it: a run's end drew it for every tab whose run ended, though each section that uses
    # it waits for the viewer (9% of a 30-person room's server on PostgreSQL, docs/benchmarks.md).
    model = functools.cache(lambda: model_of(ctx, view))
    if not _has_model(ctx, view):
        st.caption(t("lab.page.no_model"))
    else:
        with st.expander(t("lab.page.try_title"), expanded=True, icon=":material/keyboard:"):
            try_input(ctx, tab, view, model)
        teaching(ctx, tab, view, model, slot=keys.slot(tab))
    if not presenter:
        exports(ctx, tab, view, model)
