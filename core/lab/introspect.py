"""Looking inside a trained RNN-family model, for the Lab's after-training views: the LSTM / GRU
gate activations over a sequence, recomputed from the torch module's own weights
(they reproduce nn.LSTM / nn.GRU outputs exactly), and the gradient norm that reaches each
encoder time step. No Streamlit.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from core.lab.tasks import PAD

LSTM_GATES = ("input", "forget", "cell", "output")  # torch order i, f, g, o
GRU_GATES = ("reset", "update", "new")  # torch order r, z, n


def _layer_weights(rnn: nn.RNNBase, k: int) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    return (
        getattr(rnn, f"weight_ih_l{k}"),
        getattr(rnn, f"weight_hh_l{k}"),
        getattr(rnn, f"bias_ih_l{k}"),
        getattr(rnn, f"bias_hh_l{k}"),
    )


@torch.no_grad()
def rnn_gates(rnn: nn.RNNBase, x: Tensor, layer: int | None = None) -> dict[str, Tensor]:
    """Gates of one layer (default: the top one) over x (1, T, E): {gate: (T, H)}, plus "hidden".

    Follows torch's equations step by step; dropout between layers is off (eval).
    """
    kind = type(rnn).__name__
    if kind not in ("LSTM", "GRU"):
        raise ValueError("gates exist for LSTM and GRU only")
    top = rnn.num_layers - 1 if layer is None else layer
    inp = x[0]  # (T, E)
    for k in range(top + 1):
        w_ih, w_hh, b_ih, b_hh = _layer_weights(rnn, k)
        hsz = rnn.hidden_size
        h = inp.new_zeros(hsz)
        c = inp.new_zeros(hsz)
        gates: dict[str, list[Tensor]] = {}
        hs = []
        for t in range(inp.shape[0]):
            gi = w_ih @ inp[t] + b_ih  # (G*H,)
            gh = w_hh @ h + b_hh  # (G*H,)
            if kind == "LSTM":
                i, f, g, o = (gi + gh).chunk(4)
                i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
                c = f * c + i * g
                h = o * torch.tanh(c)
                vals = (i, f, g, o)
                names = LSTM_GATES
            else:
                r_i, z_i, n_i = gi.chunk(3)
                r_h, z_h, n_h = gh.chunk(3)
                r = torch.sigmoid(r_i + r_h)
                z = torch.sigmoid(z_i + z_h)
                n = torch.tanh(n_i + r * n_h)
                h = (1 - z) * n + z * h
                vals = (r, z, n)
                names = GRU_GATES
            for name, v in zip(names, vals, strict=True):
                gates.setdefault(name, []).append(v)
            hs.append(h)
        inp = torch.stack(hs)  # (T, H): the next layer's input
    out = {name: torch.stack(v) for name, v in gates.items()}  # (T, H) each
    out["hidden"] = inp
    return out


def gate_activations(model: nn.Module, src: Tensor, layer: int | None = None) -> dict[str, object]:
    """{"gates": {name: (T, H)}, "hidden": (T, H)} of the encoder over src (1, S) (PAD dropped)."""
    was = model.training
    model.eval()
    try:
        ids = src[:, src[0] != PAD]  # (1, S')
        x = model.encoder.embedding(ids.to(next(model.parameters()).device))  # (1, S', E)
        res = rnn_gates(model.encoder.rnn, x, layer)
    finally:
        model.train(was)
    hidden = res.pop("hidden").cpu()
    return {"gates": {k: v.cpu() for k, v in res.items()}, "hidden": hidden}


def encoder_grad_norms(model: nn.Module, src: Tensor, tgt: Tensor) -> Tensor:
    """‖∂L/∂x_t‖ for each source embedding x_t (S,): how much learning signal reaches step t.

    Uses autograd.grad on the embeddings, so no parameter's .grad changes (the model may be
    shared by several viewers).
    """
    was = model.training
    model.eval()
    device = next(model.parameters()).device
    src, tgt = src.to(device), tgt.to(device)
    captured: list[Tensor] = []

    def keep(_mod, _inp, out):
        captured.append(out)

    hook = model.encoder.embedding.register_forward_hook(keep)
    try:
        with torch.enable_grad():
            logits = model(src, tgt[:, :-1])  # (1, T-1, V)
            loss = F.cross_entropy(
                logits.reshape(-1, logits.shape[-1]), tgt[:, 1:].reshape(-1), ignore_index=PAD
            )
            (grad,) = torch.autograd.grad(loss, captured[0])  # (1, S, E)
    finally:
        hook.remove()
        model.train(was)
    return grad[0].norm(dim=-1).detach().cpu()  # (S,)
