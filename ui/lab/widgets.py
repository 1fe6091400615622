"""Hyperparameter controls of a model tab, with the engine's validation shown inline.

Widget keys are `keys.field(tab, name)` ("lab_<tab>_<field>"), so a tab keeps its values across
reruns and tab switches; presets, links and stored runs set them through `load_config` before the
widgets are drawn. Number inputs have no upper bound on purpose: the engine's limit message names
the limit. `validation_error` is where a config from the form (or a link, which fills the form) is
validated: the one check before it reaches the job queue.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import streamlit as st

from core.lab.config import ATTENTIONS, NORMS, POS_ENCODINGS, TASK_NAMES, ConfigError, TrainConfig
from core.lab.presets import MODEL_TABS, tab_default
from ui.lab import keys
from ui.lab.query import MODEL_FIELDS, TRAIN_FIELDS
from ui.shell.i18n import t


def fmt(options, label) -> Callable[[Any], str]:
    """A format_func whose labels are computed now, in the script run (AppTest calls format_func
    again outside the run, where the session language is unknown)."""
    table = {o: label(o) for o in options}
    return table.__getitem__


def load_config(tab: str, cfg: TrainConfig) -> None:
    """Put `cfg` into the tab's widgets (call before they are drawn in this run)."""
    for name in TRAIN_FIELDS:
        st.session_state[keys.field(tab, name)] = getattr(cfg, name)
    for name in MODEL_FIELDS:
        st.session_state[keys.field(tab, name)] = getattr(cfg.model, name)


def _int(tab: str, name: str, label: str, *, disabled: bool = False, help: str | None = None) -> None:
    st.number_input(label, key=keys.field(tab, name), min_value=0, step=1, disabled=disabled, help=help)


def controls(tab: str, *, compact: bool = False) -> TrainConfig:
    """Draw the tab's controls and return the config they describe (not yet validated).

    `compact` (presenter mode) shows the few controls a demo changes; the rest keep their values.
    """
    base = tab_default(tab)
    for name in TRAIN_FIELDS:
        st.session_state.setdefault(keys.field(tab, name), getattr(base, name))
    for name in MODEL_FIELDS:
        st.session_state.setdefault(keys.field(tab, name), getattr(base.model, name))
    rnn = tab != "transformer"
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        st.selectbox(
            t("lab.page.task"),
            TASK_NAMES,
            key=keys.field(tab, "task"),
            format_func=fmt(TASK_NAMES, lambda n: t(f"lab.task.{n}")),  # core.lab.tasks would import torch
        )
    translate = st.session_state[keys.field(tab, "task")] == "translate"
    with c2:
        _int(tab, "steps", t("lab.page.steps"))
    with c3:
        st.number_input(
            t("lab.page.lr"),
            key=keys.field(tab, "lr"),
            min_value=0.0,
            step=1e-4,
            format="%g",
            help=t("lab.page.lr_help"),
        )
    with c4:
        if rnn:
            st.selectbox(
                t("lab.page.attention"),
                ATTENTIONS,
                key=keys.field(tab, "attention"),
                format_func=fmt(ATTENTIONS, lambda a: t(f"lab.page.attention.{a}")),
            )
        else:
            _int(tab, "n_heads", t("lab.page.n_heads"))
    if not compact:
        c1, c2, c3, c4 = st.columns(4)
        with c1:
            _int(
                tab,
                "seq_len",
                t("lab.page.seq_len"),
                disabled=translate,
                help=t("lab.page.fixed_by_translate") if translate else None,
            )
        with c2:
            _int(
                tab,
                "vocab_size",
                t("lab.page.vocab_size"),
                disabled=translate,
                help=t("lab.page.fixed_by_translate") if translate else None,
            )
        with c3:
            _int(tab, "emb_dim" if rnn else "d_model", t("lab.page.emb_dim" if rnn else "lab.page.d_model"))
        with c4:
            _int(tab, "hidden" if rnn else "d_ff", t("lab.page.hidden" if rnn else "lab.page.d_ff"))
        with st.expander(t("lab.page.more_settings"), icon=":material/tune:"):
            c1, c2, c3, c4 = st.columns(4)
            with c1:
                _int(tab, "n_layers", t("lab.page.n_layers"))
                _int(tab, "seed", t("lab.page.seed"), help=t("lab.page.seed_help"))
            with c2:
                _int(tab, "batch_size", t("lab.page.batch_size"))
                _int(tab, "warmup", t("lab.page.warmup"))
            with c3:
                _int(tab, "eval_every", t("lab.page.eval_every"))
                _int(tab, "probe_every", t("lab.page.probe_every"))
            with c4:
                st.number_input(
                    t("lab.page.dropout"),
                    key=keys.field(tab, "dropout"),
                    min_value=0.0,
                    step=0.05,
                    format="%g",
                )
                if not rnn:
                    st.selectbox(
                        t("lab.page.norm"),
                        NORMS,
                        key=keys.field(tab, "norm"),
                        format_func=fmt(NORMS, lambda n: t(f"lab.page.norm.{n}")),
                    )
                    st.selectbox(
                        t("lab.page.pos_encoding"),
                        POS_ENCODINGS,
                        key=keys.field(tab, "pos_encoding"),
                        format_func=fmt(POS_ENCODINGS, lambda n: t(f"lab.page.pos.{n}")),
                    )
    return current_config(tab)


def current_config(tab: str) -> TrainConfig:
    """The tab's config from its widget state (the tab fixes the model kind)."""
    base = tab_default(tab)
    get = lambda n, d: st.session_state.get(keys.field(tab, n), d)  # noqa: E731
    train = {n: get(n, getattr(base, n)) for n in TRAIN_FIELDS}
    model = {n: get(n, getattr(base.model, n)) for n in MODEL_FIELDS}
    return dataclasses.replace(base, **train, model=dataclasses.replace(base.model, kind=tab, **model))


def validation_error(cfg: TrainConfig) -> ConfigError | None:
    """The engine's verdict on `cfg` (None when it can train)."""
    try:
        cfg.validate()
    except ConfigError as err:
        return err
    return None


def keep_widget_state() -> None:
    """Keep every tab's values while its widgets are not drawn (hidden tab, presenter mode).

    Streamlit drops a widget's state after a run that did not draw it; re-assigning the value
    at the top of the run makes it plain session state that survives.
    """
    for tab in MODEL_TABS:
        for name in (*TRAIN_FIELDS, *MODEL_FIELDS):
            k = keys.field(tab, name)
            if k in st.session_state:
                st.session_state[k] = st.session_state[k]
