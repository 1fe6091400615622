"""The RNN family's forward pass written out step by step (see stepthrough.py for the Transformer):
the encoder's hidden states h_t over time and its gates, the decoder's states s_t, and with
attention the scores, the alignment alpha_ts, the context vector c_t and the attentional state
s~_t for each output step; then the next-token probabilities. Recomputed from the trained weights
(`introspect.rnn_steps` follows torch's RNN / LSTM / GRU equations); the test checks the outputs
and the alignment against the model's own forward. No Streamlit.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from core.lab.introspect import rnn_steps
from core.lab.stepthrough import Trace, _np
from core.lab.tasks import PAD, Task


def _top(res: dict) -> dict[str, Tensor]:
    """The top layer's record of `rnn_steps`: hidden (T, H), gates, cell state."""
    return res["layers"][-1]


@torch.no_grad()
def trace_rnn(model: nn.Module, task: Task, src: Tensor, tgt_in: Tensor) -> Trace:
    """The seq2seq RNN's forward on src (1, S) and tgt_in (1, T), every step kept."""
    model.eval()
    enc_m, dec = model.encoder, model.decoder
    s_ids, t_ids = src[0], tgt_in[0]
    src_toks = [task.src_vocab[i] for i in s_ids.tolist()]
    tgt_toks = [task.tgt_vocab[i] for i in t_ids.tolist()]
    x = enc_m.embedding(s_ids)  # (S, E)
    y = dec.embedding(t_ids)  # (T, E)
    enc = rnn_steps(enc_m.rnn, x[None])
    h_bar = enc["output"]  # (S, H): the encoder states the decoder attends over
    mask = torch.zeros(len(s_ids)).masked_fill(s_ids.cpu() == PAD, float("-inf")).to(h_bar)  # (S,)
    attention = model.attention
    scores = weights = context = None
    dec_gates: dict[str, list[Tensor]] = {}
    if attention == "additive":
        keys = h_bar @ dec.w_key.weight.T + dec.w_key.bias  # (S, H): W_k h_s + b_k
        state, outs, e_all, a_all, c_all = enc["state"], [], [], [], []
        for t in range(len(t_ids)):
            s_prev = (state[0] if model.kind == "lstm" else state)[-1, 0]  # (H,): top layer s_{t-1}
            e = (torch.tanh(s_prev @ dec.w_query.weight.T + keys) @ dec.v.weight.T)[:, 0]  # (S,)
            a = torch.softmax(e + mask, dim=-1)  # (S,)
            c = a @ h_bar  # (H,)
            step = rnn_steps(dec.rnn, torch.cat([y[t], c])[None, None], state)
            state = step["state"]
            for name, v in _top(step).items():
                dec_gates.setdefault(name, []).append(v[0])
            outs.append(step["output"][0])
            e_all.append(e)
            a_all.append(a)
            c_all.append(c)
        s = torch.stack(outs)  # (T, H)
        scores, weights, context = (
            torch.stack(e_all),
            torch.stack(a_all),
            torch.stack(c_all),
        )  # (T, S), (T, S), (T, H)
        gates = {k: torch.stack(v) for k, v in dec_gates.items()}
    else:
        run = rnn_steps(dec.rnn, y[None], enc["state"])
        s, gates = run["output"], _top(run)  # (T, H)
        if attention == "dot":
            scores = s @ h_bar.T  # (T, S): s_t . h_s
            weights = torch.softmax(scores + mask, dim=-1)  # (T, S)
            context = weights @ h_bar  # (T, H)
    if context is not None:
        combined = torch.tanh(
            torch.cat([context, s], dim=-1) @ dec.combine.weight.T + dec.combine.bias
        )  # (T, H)
    else:
        combined = s
    logits = combined @ dec.out.weight.T + dec.out.bias  # (T, V)
    probs = torch.softmax(logits, dim=-1)
    out = [task.tgt_vocab[i] for i in logits.argmax(-1).tolist()]
    rnn = {
        "kind": model.kind,
        "attention": attention,
        "enc": {k: _np(v) for k, v in _top(enc).items()},  # hidden (S, H), gates, cell_state
        "dec": {k: _np(v) for k, v in gates.items()},  # hidden (T, H) s_t, gates, cell_state
        "combined": _np(combined),  # (T, H) s~_t (= s_t without attention)
        "scores": None if scores is None else _np(scores),  # (T, S) e_ts
        "weights": None if weights is None else _np(weights),  # (T, S) alpha_ts
        "context": None if context is None else _np(context),  # (T, H) c_t
        "mask": _np(mask),  # (S,)
    }
    return Trace(
        "rnn", src_toks, tgt_toks, out, list(task.tgt_vocab), _np(logits), _np(probs), _np(x), _np(y), rnn=rnn
    )
