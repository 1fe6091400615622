"""Looking inside a trained model, for the Lab's after-training views: the RNN / LSTM / GRU
recurrence stepped through time from the torch module's own weights (gates, hidden and cell states;
they reproduce nn.RNN / nn.LSTM / nn.GRU outputs exactly), the gradient norm that reaches each
encoder time step, and the weights kept at probe steps while a run trains (`ProbeStates`), which
the step-through and the embeddings replay read back. No Streamlit.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from core.lab.jobs.policy import ProbeKeeper
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


def _cell(
    kind: str, gi: Tensor, gh: Tensor, h: Tensor, c: Tensor
) -> tuple[Tensor, Tensor, dict[str, Tensor]]:
    """One time step of torch's equations from the two affine parts gi = W_ih x + b_ih, gh = W_hh h + b_hh."""
    if kind == "LSTM":
        i, f, g, o = (gi + gh).chunk(4)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c = f * c + i * g
        return o * torch.tanh(c), c, dict(zip(LSTM_GATES, (i, f, g, o), strict=True))
    if kind == "GRU":
        r_i, z_i, n_i = gi.chunk(3)
        r_h, z_h, n_h = gh.chunk(3)
        r = torch.sigmoid(r_i + r_h)
        z = torch.sigmoid(z_i + z_h)
        n = torch.tanh(n_i + r * n_h)
        return (1 - z) * n + z * h, c, dict(zip(GRU_GATES, (r, z, n), strict=True))
    return torch.tanh(gi + gh), c, {}  # nn.RNN's default tanh cell: h_t = tanh(W_ih x_t + W_hh h_{t-1} + b)


@torch.no_grad()
def rnn_steps(rnn: nn.RNNBase, x: Tensor, state: Tensor | tuple[Tensor, Tensor] | None = None) -> dict:
    """Step `rnn` over x (1, T, E) from `state` (torch's (L, 1, H), or (h, c) for LSTM; None: zeros).

    Returns {"output": (T, H) top layer, "state": like torch's final state, "layers": per layer
    {"hidden": (T, H), "cell_state": (T, H) for LSTM, gate name: (T, H)}}. Dropout between layers is off.
    """
    kind = type(rnn).__name__
    hsz, n_layers = rnn.hidden_size, rnn.num_layers
    if state is None:
        h0 = x.new_zeros(n_layers, 1, hsz)
        c0 = x.new_zeros(n_layers, 1, hsz)
    elif kind == "LSTM":
        h0, c0 = state
    else:
        h0, c0 = state, x.new_zeros(n_layers, 1, hsz)
    inp = x[0]  # (T, E)
    layers, h_fin, c_fin = [], [], []
    for k in range(n_layers):
        w_ih, w_hh, b_ih, b_hh = _layer_weights(rnn, k)
        h, c = h0[k, 0], c0[k, 0]  # (H,)
        rec: dict[str, list[Tensor]] = {}
        for t in range(inp.shape[0]):
            h, c, gates = _cell(kind, w_ih @ inp[t] + b_ih, w_hh @ h + b_hh, h, c)
            for name, v in gates.items():
                rec.setdefault(name, []).append(v)
            rec.setdefault("hidden", []).append(h)
            if kind == "LSTM":  # "cell" is the candidate gate g; the cell state c_t has its own name
                rec.setdefault("cell_state", []).append(c)
        layer = {name: torch.stack(v) for name, v in rec.items()}  # (T, H) each
        layers.append(layer)
        h_fin.append(h)
        c_fin.append(c)
        inp = layer["hidden"]  # (T, H): the next layer's input
    h_n = torch.stack(h_fin)[:, None]  # (L, 1, H)
    final = (h_n, torch.stack(c_fin)[:, None]) if kind == "LSTM" else h_n
    return {"output": inp, "state": final, "layers": layers}


def rnn_gates(rnn: nn.RNNBase, x: Tensor, layer: int | None = None) -> dict[str, Tensor]:
    """Gates of one layer (default: the top one) over x (1, T, E): {gate: (T, H)}, plus "hidden"."""
    kind = type(rnn).__name__
    if kind not in ("LSTM", "GRU"):
        raise ValueError("gates exist for LSTM and GRU only")
    top = rnn.num_layers - 1 if layer is None else layer
    rec = rnn_steps(rnn, x)["layers"][top]
    names = LSTM_GATES if kind == "LSTM" else GRU_GATES
    return {**{name: rec[name] for name in names}, "hidden": rec["hidden"]}


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


# --- weights at probe steps -----------------------------------------------------------------------
# A run keeps its weights (float16, CPU) at up to MAX_STATES probe steps, evenly spaced like the
# attention probes (ProbeKeeper), so the step-through and the embeddings replay can show any of
# them. One step's weights are kept whole only up to MAX_STATE_BYTES (every model of the Lab's
# presets and tab defaults: ~0.35 MB for the default Transformer); a larger model keeps only its
# embedding tables at that step. The checkpoint (core/lab/checkpoint.py) stores the ones that fit.
MAX_STATES = 32
MAX_STATE_BYTES = 1024 * 1024
STATES_ATTR = "lab_probe_states"  # the ProbeStates a training run hangs on its model


def embedding_names(model: nn.Module) -> tuple[str, str]:
    """state_dict names of the (source, target) token embedding tables."""
    if hasattr(model, "src_emb"):
        return "src_emb.weight", "tgt_emb.weight"
    return "encoder.embedding.weight", "decoder.embedding.weight"


def half_state(model: nn.Module, names: tuple[str, ...] | None = None) -> dict[str, Tensor]:
    """A float16 CPU copy of the model's weights (only `names` when given)."""
    return {
        k: v.detach().to("cpu", torch.float16, copy=True)
        for k, v in model.state_dict().items()
        if names is None or k in names
    }


def state_bytes(state: dict[str, Tensor]) -> int:
    """Bytes of a state's tensors."""
    return sum(v.numel() * v.element_size() for v in state.values())


class ProbeStates:
    """The weights at probe steps: {step: float16 state}, whole or embeddings only (see above)."""

    def __init__(self, limit: int = MAX_STATES, max_bytes: int = MAX_STATE_BYTES) -> None:
        self.keeper, self.max_bytes = ProbeKeeper(limit), max_bytes
        self.states: dict[int, dict[str, Tensor]] = {}

    def add(self, step: int, model: nn.Module) -> None:
        """Keep the model's weights at `step` (dropping older ones to stay evenly spaced)."""
        state = half_state(model)
        if state_bytes(state) > self.max_bytes:
            state = half_state(model, embedding_names(model))
            if state_bytes(state) > self.max_bytes:
                state = {}
        for old in self.keeper.add(step):
            self.states.pop(old, None)
        if state:
            self.states[step] = state


def keep_probe_state(model: nn.Module, step: int) -> None:
    """Keep `model`'s weights at probe `step` on the model itself (train() calls this at each probe;
    `save_checkpoint` stores them with the final weights)."""
    kept = getattr(model, STATES_ATTR, None)
    if kept is None:
        kept = ProbeStates()
        setattr(model, STATES_ATTR, kept)  # a plain attribute: not a parameter, not in state_dict
    kept.add(step, model)


def probe_states(model: nn.Module | None) -> dict[int, dict[str, Tensor]]:
    """The weights a model kept at probe steps while it trained ({} for a model rebuilt from bytes)."""
    kept = getattr(model, STATES_ATTR, None) if model is not None else None
    return dict(kept.states) if kept is not None else {}


def attach_probe_states(model: nn.Module, states: dict[int, dict[str, Tensor]]) -> None:
    """Hang weights read back from a checkpoint on `model`, as training would have."""
    kept = ProbeStates()
    kept.states = dict(states)
    setattr(model, STATES_ATTR, kept)
