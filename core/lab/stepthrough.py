"""One forward pass written out step by step, for the Lab's "how this was computed" view.

The Transformer's forward is recomputed here in plain tensor maths from the trained weights (like
the Annotated Transformer: each formula next to its line), keeping every intermediate: token
embedding and positional encoding, then for every attention of every layer Q, K, V, the scores
QK^T / sqrt(d_k), the mask, the softmax weights, their weighted sum of V and the output
projection, and finally the next-token probabilities. tests/core/lab/test_stepthrough.py checks
the outputs and the attention weights against the model's own forward to 1e-5, so what the page
shows is what the model computes. The RNN family lives in `stepthrough_rnn.py`. No Streamlit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from core.lab.tasks import BOS, EOS, PAD, Task

# The formulas beside each step (KaTeX), in the curriculum notes' notation (db/seeds/curriculum.py).
FORMULAS: dict[str, str] = {
    "embed": r"x_{pos} = \sqrt{d_{model}}\,E[w_{pos}] + PE_{pos}",
    "pe": r"PE_{(pos,\,2i)} = \sin\left(\frac{pos}{10000^{2i/d_{model}}}\right), \qquad "
    r"PE_{(pos,\,2i+1)} = \cos\left(\frac{pos}{10000^{2i/d_{model}}}\right)",
    "qkv": r"Q = X W^Q_h + b^Q_h, \quad K = M W^K_h + b^K_h, \quad V = M W^V_h + b^V_h",
    "scores": r"S = \frac{QK^\top}{\sqrt{d_k}}",
    "mask": r"S_{ij} \leftarrow S_{ij} + m_{ij}, \qquad m_{ij} \in \{0, -\infty\}",
    "softmax": r"A_{ij} = \frac{\exp S_{ij}}{\sum_{j'} \exp S_{ij'}}",
    "weighted": r"Z_h = A V = \mathrm{softmax}\left(\frac{QK^\top}{\sqrt{d_k}}\right) V",
    "output": r"\mathrm{MultiHead}(X) = \mathrm{Concat}(Z_1, \dots, Z_H)\, W^O + b^O",
    "probs": r"P(y_t \mid y_{<t}, x) = \mathrm{softmax}\left(W_{out}\, h_t + b_{out}\right)",
    "rnn": r"h_t = \tanh\left(W_{hh} h_{t-1} + W_{xh} x_t + b_h\right)",
    "lstm": r"\begin{aligned} i_t &= \sigma(W_{xi} x_t + W_{hi} h_{t-1} + b_i), \quad "
    r"f_t = \sigma(W_{xf} x_t + W_{hf} h_{t-1} + b_f) \\ "
    r"\tilde{c}_t &= \tanh(W_{xc} x_t + W_{hc} h_{t-1} + b_c), \quad "
    r"o_t = \sigma(W_{xo} x_t + W_{ho} h_{t-1} + b_o) \\ "
    r"c_t &= f_t \odot c_{t-1} + i_t \odot \tilde{c}_t, \quad h_t = o_t \odot \tanh(c_t) \end{aligned}",
    "gru": r"\begin{aligned} r_t &= \sigma(W_{xr} x_t + W_{hr} h_{t-1} + b_r), \quad "
    r"z_t = \sigma(W_{xz} x_t + W_{hz} h_{t-1} + b_z) \\ "
    r"n_t &= \tanh\left(W_{xn} x_t + r_t \odot (W_{hn} h_{t-1} + b_{hn}) + b_n\right), \quad "
    r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1} \end{aligned}",
    "none": r"s_0 = h_S, \qquad s_t = f(s_{t-1}, y_{t-1})",
    "dot": r"e_{ts} = s_t^\top \bar{h}_s, \quad \alpha_{ts} = \frac{\exp e_{ts}}{\sum_{s'} \exp e_{ts'}}, "
    r"\quad c_t = \sum_s \alpha_{ts} \bar{h}_s, \quad \tilde{s}_t = \tanh\left(W_c [c_t; s_t] + b_c\right)",
    "additive": r"e_{ts} = v^\top \tanh\left(W_q s_{t-1} + W_k \bar{h}_s + b_k\right), \quad "
    r"\alpha_{ts} = \mathrm{softmax}_s(e_{ts}), \quad c_t = \sum_s \alpha_{ts} \bar{h}_s, "
    r"\quad s_t = f(s_{t-1}, [y_{t-1}; c_t])",
    "rnn_out": r"P(y_t \mid y_{<t}, x) = \mathrm{softmax}\left(W_{out}\, \tilde{s}_t + b_{out}\right)",
}


@dataclass(frozen=True)
class AttentionStep:
    """One attention sublayer of one layer, every head: what its formulas produce."""

    kind: str  # enc_self | dec_self | cross
    layer: int
    queries: list[str]  # tokens down
    keys: list[str]  # tokens across
    q: np.ndarray  # (H, Tq, d_k)
    k: np.ndarray  # (H, Tk, d_k)
    v: np.ndarray  # (H, Tk, d_k)
    scores: np.ndarray  # (H, Tq, Tk) QK^T / sqrt(d_k), before the mask
    mask: np.ndarray  # (Tq, Tk) additive: 0 or -inf
    weights: np.ndarray  # (H, Tq, Tk) softmax(scores + mask)
    heads: np.ndarray  # (H, Tq, d_k) weights @ V
    out: np.ndarray  # (Tq, D) Concat(heads) W^O + b^O


@dataclass(frozen=True)
class Trace:
    """A forward pass written out. `logits` / `probs` (T, V): the next-token distribution at each
    decoder position; `out` the argmax tokens (the greedy answer when `tgt_in` was its own)."""

    family: str  # "transformer" | "rnn"
    src: list[str]
    tgt_in: list[str]
    out: list[str]
    vocab: list[str]
    logits: np.ndarray
    probs: np.ndarray
    src_emb: np.ndarray  # (S, D) token embeddings (Transformer: scaled by sqrt(d_model))
    tgt_emb: np.ndarray  # (T, D)
    src_pos: np.ndarray | None = None  # (S, D) positional encodings (Transformer)
    tgt_pos: np.ndarray | None = None
    attention: dict[str, AttentionStep] = field(default_factory=dict)  # "enc_self/0", ...
    rnn: dict = field(default_factory=dict)  # the RNN family's states, gates and alignment


def _np(x: Tensor) -> np.ndarray:
    return x.detach().cpu().float().numpy()


def greedy_inputs(model: nn.Module, task: Task, src: Tensor) -> Tensor:
    """Decoder inputs (1, T): BOS then the model's own greedy answer up to (not incl.) its EOS, so
    teacher forcing on them replays generation and every position's argmax is the answer."""
    res = model.greedy_decode(src, task.output_len(int((src[0] != PAD).sum())), need_weights=False)
    toks = res.tokens[0].tolist()
    toks = toks[: toks.index(EOS) + 1] if EOS in toks else toks
    return torch.tensor([[BOS, *toks[:-1]]], dtype=torch.long, device=src.device)  # (1, T)


def _ln(norm: nn.LayerNorm, x: Tensor) -> Tensor:
    return F.layer_norm(x, norm.normalized_shape, norm.weight, norm.bias, norm.eps)


def _ff(ff: nn.Module, x: Tensor) -> Tensor:
    """relu(x W_1^T + b_1) W_2^T + b_2: (T, D) -> (T, D)."""
    return torch.relu(x @ ff.lin1.weight.T + ff.lin1.bias) @ ff.lin2.weight.T + ff.lin2.bias


def _attend(m: nn.Module, x: Tensor, mem: Tensor, mask: Tensor, kind: str, layer: int, qt, kt):
    """Multi-head attention of queries x (Tq, D) over mem (Tk, D) with an additive mask (Tq, Tk)."""
    d, h, dh = m.d_model, m.n_heads, m.d_head
    w, b = m.in_proj.weight, m.in_proj.bias  # rows W^Q; W^K; W^V
    q = (x @ w[:d].T + b[:d]).view(-1, h, dh).transpose(0, 1)  # (H, Tq, dh)
    k = (mem @ w[d : 2 * d].T + b[d : 2 * d]).view(-1, h, dh).transpose(0, 1)  # (H, Tk, dh)
    v = (mem @ w[2 * d :].T + b[2 * d :]).view(-1, h, dh).transpose(0, 1)  # (H, Tk, dh)
    scores = q @ k.transpose(1, 2) / math.sqrt(dh)  # (H, Tq, Tk)
    weights = torch.softmax(scores + mask, dim=-1)  # (H, Tq, Tk)
    heads = weights @ v  # (H, Tq, dh)
    out = heads.transpose(0, 1).reshape(x.shape[0], d) @ m.out_proj.weight.T + m.out_proj.bias  # (Tq, D)
    step = AttentionStep(
        kind,
        layer,
        list(qt),
        list(kt),
        _np(q),
        _np(k),
        _np(v),
        _np(scores),
        _np(mask),
        _np(weights),
        _np(heads),
        _np(out),
    )
    return out, step


@torch.no_grad()
def trace_transformer(model: nn.Module, task: Task, src: Tensor, tgt_in: Tensor) -> Trace:
    """The Transformer's forward on src (1, S) and tgt_in (1, T), every step kept."""
    model.eval()
    pre = model.cfg.norm == "pre"
    s_ids, t_ids = src[0], tgt_in[0]
    src_toks = [task.src_vocab[i] for i in s_ids.tolist()]
    tgt_toks = [task.tgt_vocab[i] for i in t_ids.tolist()]
    scale = model.emb_scale  # sqrt(d_model)
    s_emb, t_emb = scale * model.src_emb(s_ids), scale * model.tgt_emb(t_ids)  # (S, D), (T, D)
    s_pos, t_pos = model.positions(0, len(s_ids)), model.positions(0, len(t_ids))  # (S, D), (T, D)
    pad = torch.zeros(len(s_ids)).masked_fill(s_ids.cpu() == PAD, float("-inf")).to(s_emb)  # (S,)
    steps: dict[str, AttentionStep] = {}

    x = s_emb + s_pos  # (S, D)
    enc_mask = pad.expand(len(s_ids), -1)  # (S, S): PAD keys hidden
    for i, layer in enumerate(model.encoder_layers):
        h = _ln(layer.norm1, x) if pre else x
        a, steps[f"enc_self/{i}"] = _attend(
            layer.self_attn, h, h, enc_mask, "enc_self", i, src_toks, src_toks
        )
        x = x + a if pre else _ln(layer.norm1, x + a)
        x = x + _ff(layer.ff, _ln(layer.norm2, x)) if pre else _ln(layer.norm2, x + _ff(layer.ff, x))
    memory = _ln(model.enc_norm, x) if pre else x  # (S, D)

    n = len(t_ids)
    causal = torch.zeros(n, n).masked_fill(torch.ones(n, n, dtype=torch.bool).triu(1), float("-inf")).to(x)
    cross_mask = pad.expand(n, -1)  # (T, S)
    y = t_emb + t_pos  # (T, D)
    for i, layer in enumerate(model.decoder_layers):
        h = _ln(layer.norm1, y) if pre else y
        a, steps[f"dec_self/{i}"] = _attend(layer.self_attn, h, h, causal, "dec_self", i, tgt_toks, tgt_toks)
        y = y + a if pre else _ln(layer.norm1, y + a)
        h = _ln(layer.norm2, y) if pre else y
        a, steps[f"cross/{i}"] = _attend(
            layer.cross_attn, h, memory, cross_mask, "cross", i, tgt_toks, src_toks
        )
        y = y + a if pre else _ln(layer.norm2, y + a)
        y = y + _ff(layer.ff, _ln(layer.norm3, y)) if pre else _ln(layer.norm3, y + _ff(layer.ff, y))
    if pre:
        y = _ln(model.dec_norm, y)
    logits = y @ model.out.weight.T + model.out.bias  # (T, V)
    probs = torch.softmax(logits, dim=-1)  # (T, V)
    out = [task.tgt_vocab[i] for i in logits.argmax(-1).tolist()]
    return Trace(
        "transformer",
        src_toks,
        tgt_toks,
        out,
        list(task.tgt_vocab),
        _np(logits),
        _np(probs),
        _np(s_emb),
        _np(t_emb),
        _np(s_pos),
        _np(t_pos),
        steps,
    )


def step_through(
    model: nn.Module, task: Task, text: str | None = None
) -> tuple[Trace, list[tuple[str, dict]]]:
    """The forward pass on the probe (text None) or the viewer's `text` (ConfigError for an empty,
    too long or unknown input), decoder fed its own greedy answer; with the notes a reader needs
    (an input longer or much shorter than trained)."""
    device = next(model.parameters()).device
    if text is None:
        src = task.probe()[0].to(device)  # (1, S)
        notes: list[tuple[str, dict]] = []
    else:
        ids = task.encode(text)
        src = torch.tensor([ids], dtype=torch.long, device=device)  # (1, S)
        notes = task.input_notes(len(ids))
    was = model.training
    model.eval()
    try:
        tgt_in = greedy_inputs(model, task, src)
        if hasattr(model, "encoder_layers"):
            return trace_transformer(model, task, src, tgt_in), notes
        from core.lab.stepthrough_rnn import trace_rnn

        return trace_rnn(model, task, src, tgt_in), notes
    finally:
        model.train(was)
