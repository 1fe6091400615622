"""The step-through: "how this was computed", one forward pass step by step for the probe or the
viewer's own input, with the weights at any probe step the run kept. Each step: its formula (KaTeX,
the curriculum notes' notation), a sentence in the viewer's language, a small labelled chart with
the numbers in its tooltips. The maths is core/lab/stepthrough.py (tested against the model)."""

from __future__ import annotations

import math
from collections.abc import Callable

import streamlit as st

from core.lab import charts
from core.lab.view import RunView
from ui.lab import keys
from ui.lab import teaching_keys as tk
from ui.lab.draw import _memo, show
from ui.lab.teaching import task_of
from ui.lab.widgets import fmt
from ui.shell.actions import attempt
from ui.shell.i18n import current_lang, t
from ui.shell.widgets import pick_one

SOURCES = ("probe", "own")
KINDS = ("cross", "enc_self", "dec_self")
FINAL = -1  # the weights at the end of training


def _step(n: int, title_key: str, formula: str, help_text: str) -> None:
    st.markdown(f"**{t('lab.teach.step', n=n, title=t(title_key))}**")
    st.latex(formula)
    st.caption(help_text)


def _pick_weights(view: RunView, model, states: dict, slot: str) -> int | None:
    """The probe step whose weights to use (FINAL: the model as it ended)."""
    from core.lab.embeddings import whole_steps

    steps = [s for s in whole_steps(model, states) if s != view.step]
    if not steps:
        st.caption(t("lab.teach.st_only_final"))
        return FINAL
    options = [*steps, FINAL]
    labels = fmt(options, lambda s: t("lab.teach.st_final", step=view.step) if s == FINAL else str(s))
    key = keys.sub(slot, tk.ST_STEP)
    if st.session_state.get(key) not in options:
        st.session_state[key] = FINAL
    return st.select_slider(
        t("lab.teach.st_weights"), options, key=key, format_func=labels, help=t("lab.teach.st_weights_help")
    )


def _input(view: RunView, slot: str) -> tuple[bool, str | None]:
    """(go on, the viewer's text or None for the probe)."""
    from core.lab.train import MAX_TRY_CHARS

    task = task_of(view)
    example = " ".join(task.src_tokens(task.probe()[0][0]))
    source = st.segmented_control(
        t("lab.teach.st_source"),
        SOURCES,
        key=keys.sub(slot, tk.ST_SOURCE),
        default="probe",
        required=True,
        format_func=fmt(SOURCES, lambda s: t(f"lab.teach.st_source_{s}", text=example)),
    )
    if source != "own":
        return True, None
    text = st.text_input(
        t("lab.teach.st_text"), key=keys.sub(slot, tk.ST_TEXT), placeholder=example, max_chars=MAX_TRY_CHARS
    )
    if not (text or "").strip():  # the greyed example is a hint, not an input
        st.info(t("lab.page.try_empty", example=example))
        return False, None
    return True, text


def render(view: RunView, model: Callable, states: Callable[[], dict], slot: str) -> None:
    """The step-through section of a finished run (or an opened checkpoint); `model()` and
    `states()` are asked for only once it is open (ui/lab/after.py `render`)."""
    from core.lab.embeddings import weights_at
    from core.lab.stepthrough import step_through
    from core.lab.tasks import normalise_input

    box = st.expander(
        t("lab.teach.st_title"),
        key=keys.sub(slot, tk.ST_OPEN),
        on_change="rerun",
        icon=":material/calculate:",
    )
    with box:
        if not box.open:  # nothing computed until the viewer opens it
            return
        st.caption(t("lab.teach.st_help"))
        go, text = _input(view, slot)
        if not go:
            return
        model, states = model(), states()
        if model is None:
            st.caption(t("lab.page.no_model"))
            return
        step = _pick_weights(view, model, states, slot)
        task = task_of(view)
        token = (view.job_id, view.run_id, view.version, step, text)

        def build():
            m = weights_at(model, states, None if step == FINAL else step)
            return attempt(lambda: step_through(m, task, text))

        got = _memo(keys.memo(slot, tk.ST), token, build)
        if got is None:
            st.session_state.get(keys.MEMO, {}).pop(keys.memo(slot, tk.ST), None)  # retry next time
            return
        trace, notes = got
        if text is not None and normalise_input(text) != text:
            st.caption(t("lab.page.try_read_as", tokens=" ".join(trace.src)))
        for key, params in notes:
            st.warning(t(key, **params), icon=":material/straighten:")
        st.markdown(t("lab.teach.st_answer", src=" ".join(trace.src), out=" ".join(trace.out)))
        chart = _charts(slot, (*token, current_lang()))
        if trace.family == "transformer":
            _transformer(view, trace, slot, chart)
        else:
            _rnn(trace, slot, chart)


def _charts(slot: str, token: tuple):
    """chart(name, selection, build): a chart rebuilt only when its trace or selection changed (the
    same object is shown again, so its Vega-Lite spec is not made again)."""

    def chart(name: str, selection: tuple, build):
        return _memo(keys.memo(slot, f"{tk.ST}_{name}"), (*token, *selection), build)

    return chart


def _position(trace, slot: str) -> int:
    """The output position whose next-token probabilities to show."""
    positions = list(range(len(trace.out)))
    labels = fmt(positions, lambda i: f"{i + 1}: {trace.out[i]}")
    key = keys.sub(slot, tk.ST_POS)
    if st.session_state.get(key) not in positions:
        st.session_state[key] = 0
    if len(positions) == 1:
        return 0
    return st.select_slider(t("lab.teach.st_position"), positions, key=key, format_func=labels)


def _probs(n: int, trace, slot: str, formula: str, lang: str, chart) -> None:
    pos = _position(trace, slot)
    _step(n, "lab.teach.s.probs", formula, t("lab.teach.s.probs_help", pos=pos + 1, token=trace.out[pos]))
    title = f"{pos + 1}: {trace.out[pos]}"
    show(
        chart(
            "probs", (pos,), lambda: charts.prob_chart(trace.probs[pos], trace.vocab, lang=lang, title=title)
        )
    )


def _transformer(view: RunView, trace, slot: str, chart) -> None:
    from core.lab.stepthrough import FORMULAS

    cfg, lang = view.config.model, current_lang()
    kind = st.segmented_control(
        t("lab.teach.st_kind"),
        KINDS,
        key=keys.sub(slot, tk.ST_KIND),
        default="cross",
        required=True,
        format_func=fmt(KINDS, lambda k: t(f"lab.page.att.{k}")),
    )
    c1, c2, _ = st.columns([1, 1, 2])
    layers, heads = list(range(cfg.n_layers)), list(range(cfg.n_heads))
    for k, opts in ((keys.sub(slot, tk.ST_LAYER), layers), (keys.sub(slot, tk.ST_HEAD), heads)):
        if st.session_state.get(k) not in opts:
            st.session_state[k] = opts[-1] if k.endswith(tk.ST_LAYER) else 0
    layer = pick_one(
        t("lab.teach.st_layer"),
        layers,
        key=keys.sub(slot, tk.ST_LAYER),
        format_func=lambda i: str(i + 1),
        where=c1,
    )
    head = pick_one(
        t("lab.teach.st_head"),
        heads,
        key=keys.sub(slot, tk.ST_HEAD),
        format_func=lambda i: str(i + 1),
        where=c2,
    )
    a = trace.attention[f"{kind}/{layer}"]
    decoder = kind != "enc_self"
    rows = trace.out if decoder else trace.src  # queries: the outputs they predict, as the attention map
    cols = trace.tgt_in if kind == "dec_self" else trace.src
    side = t("lab.teach.emb_side.tgt") if decoder else t("lab.teach.emb_side.src")
    emb, pos, toks = (
        (trace.tgt_emb, trace.tgt_pos, trace.tgt_in) if decoder else (trace.src_emb, trace.src_pos, trace.src)
    )
    _step(1, "lab.teach.s.embed", FORMULAS["embed"], t("lab.teach.s.embed_help", side=side))
    st.latex(FORMULAS["pe"])
    e1, e2 = st.columns(2)
    with e1:
        show(
            chart(
                "emb", (decoder,), lambda: charts.matrix_chart(emb, toks, lang=lang, title="√d_model · E[w]")
            )
        )
    with e2:
        show(chart("pe", (decoder,), lambda: charts.matrix_chart(pos, toks, lang=lang, title="PE")))
    memory = t("lab.teach.s.memory_enc") if kind == "cross" else t("lab.teach.s.memory_self")
    dk = a.q.shape[-1]
    _step(
        2,
        "lab.teach.s.qkv",
        FORMULAS["qkv"],
        t("lab.teach.s.qkv_help", layer=layer + 1, head=head + 1, memory=memory, dk=dk),
    )
    q1, q2, q3 = st.columns(3)
    for col, name, m, labels in ((q1, "Q", a.q, rows), (q2, "K", a.k, cols), (q3, "V", a.v, cols)):
        with col:
            show(
                chart(
                    name,
                    (kind, layer, head),
                    lambda m=m, labels=labels, name=name: charts.matrix_chart(
                        m[head], labels, lang=lang, title=name, cell=10
                    ),
                )
            )
    _step(
        3, "lab.teach.s.scores", FORMULAS["scores"], t("lab.teach.s.scores_help", sqrt=f"{math.sqrt(dk):.2f}")
    )
    show(
        chart(
            "scores",
            (kind, layer, head),
            lambda: charts.matrix_chart(
                a.scores[head], rows, cols, lang=lang, title="QKᵀ/√d_k", scale="free", cell=24
            ),
        )
    )
    hidden = bool((a.mask == float("-inf")).any())
    mask_help = (
        "mask_help_causal" if kind == "dec_self" else ("mask_help_padded" if hidden else "mask_help_pad")
    )
    _step(4, "lab.teach.s.mask", FORMULAS["mask"], t(f"lab.teach.s.{mask_help}"))
    show(
        chart(
            "masked",
            (kind, layer, head),
            lambda: charts.matrix_chart(
                a.scores[head] + a.mask, rows, cols, lang=lang, title="S + m", scale="free", cell=24
            ),
        )
    )
    _step(5, "lab.teach.s.softmax", FORMULAS["softmax"], t("lab.teach.s.softmax_help"))
    show(
        chart(
            "weights",
            (kind, layer, head),
            lambda: charts.matrix_chart(
                a.weights[head], rows, cols, lang=lang, title="A", scale="unit", cell=24
            ),
        )
    )
    _step(6, "lab.teach.s.weighted", FORMULAS["weighted"], t("lab.teach.s.weighted_help"))
    show(
        chart(
            "heads",
            (kind, layer, head),
            lambda: charts.matrix_chart(a.heads[head], rows, lang=lang, title=f"Z_{head + 1} = AV"),
        )
    )
    _step(7, "lab.teach.s.output", FORMULAS["output"], t("lab.teach.s.output_help"))
    show(
        chart(
            "out",
            (kind, layer, head),
            lambda: charts.matrix_chart(a.out, rows, lang=lang, title="MultiHead(X)"),
        )
    )
    _probs(8, trace, slot, FORMULAS["probs"], lang, chart)


def _rnn(trace, slot: str, chart) -> None:
    from core.lab.stepthrough import FORMULAS

    r, lang = trace.rnn, current_lang()
    _step(1, "lab.teach.r.embed", r"x_t = E[w_t]", t("lab.teach.r.embed_help"))
    show(chart("x", (), lambda: charts.matrix_chart(trace.src_emb, trace.src, lang=lang, title="x_t")))
    _step(2, "lab.teach.r.encoder", FORMULAS[r["kind"]], t("lab.teach.r.encoder_help"))
    show(chart("h", (), lambda: charts.matrix_chart(r["enc"]["hidden"], trace.src, lang=lang, title="h_t")))
    n = 3
    gates = {k: v for k, v in r["enc"].items() if k not in ("hidden", "cell_state")}
    if gates:
        _step(n, "lab.teach.r.gates", FORMULAS[r["kind"]], t("lab.teach.r.gates_help"))
        show(chart("gates", (), lambda: charts.gates_chart(gates, trace.src, lang=lang)))
        n += 1
    att = r["attention"]
    help_key = "lab.teach.r.decoder_none" if att == "none" else "lab.teach.r.decoder_help"
    _step(n, "lab.teach.r.decoder", FORMULAS["none"] if att == "none" else FORMULAS[r["kind"]], t(help_key))
    show(chart("s", (), lambda: charts.matrix_chart(r["dec"]["hidden"], trace.out, lang=lang, title="s_t")))
    n += 1
    if att != "none":
        _step(n, "lab.teach.r.scores", FORMULAS[att], t(f"lab.teach.r.scores_help_{att}"))
        show(
            chart(
                "e",
                (),
                lambda: charts.matrix_chart(
                    r["scores"], trace.out, trace.src, lang=lang, title="e_ts", scale="free", cell=24
                ),
            )
        )
        _step(
            n + 1,
            "lab.teach.r.alignment",
            r"\alpha_{ts} = \mathrm{softmax}_s(e_{ts})",
            t("lab.teach.r.alignment_help"),
        )
        show(
            chart(
                "alpha",
                (),
                lambda: charts.matrix_chart(
                    r["weights"], trace.out, trace.src, lang=lang, title="α_ts", scale="unit", cell=24
                ),
            )
        )
        _step(
            n + 2, "lab.teach.r.context", r"c_t = \sum_s \alpha_{ts} \bar{h}_s", t("lab.teach.r.context_help")
        )
        show(chart("c", (), lambda: charts.matrix_chart(r["context"], trace.out, lang=lang, title="c_t")))
        _step(
            n + 3,
            "lab.teach.r.combined",
            r"\tilde{s}_t = \tanh\left(W_c [c_t; s_t] + b_c\right)",
            t("lab.teach.r.combined_help"),
        )
        show(
            chart(
                "combined", (), lambda: charts.matrix_chart(r["combined"], trace.out, lang=lang, title="s̃_t")
            )
        )
        n += 4
    _probs(n, trace, slot, FORMULAS["rnn_out"], lang, chart)
