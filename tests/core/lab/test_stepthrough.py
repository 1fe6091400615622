"""The step-through recomputes the model's forward pass: its next-token logits and its attention
weights equal the model's own (1e-5), for the Transformer (post- and pre-LN, several layers and
heads, PAD in the source) and every RNN kind with and without attention."""

from __future__ import annotations

import pytest
import torch

from core.lab.config import ConfigError, ModelConfig, TrainConfig
from core.lab.stepthrough import FORMULAS, greedy_inputs, step_through, trace_transformer
from core.lab.stepthrough_rnn import trace_rnn
from core.lab.tasks import PAD
from core.lab.train import build

TOL = dict(rtol=1e-5, atol=1e-5)


def _transformer(norm: str, task: str = "reverse") -> tuple:
    cfg = TrainConfig(
        task=task,
        seq_len=6,
        seed=3,
        model=ModelConfig(kind="transformer", d_model=16, n_heads=4, d_ff=24, n_layers=2, norm=norm),
    )
    task_, model = build(cfg)
    return task_, model.eval()


@pytest.mark.parametrize("norm", ["post", "pre"])
def test_transformer_trace_matches_the_models_forward_and_attention(norm):
    task, model = _transformer(norm)
    src = task.probe()[0]  # (1, S)
    tgt_in = greedy_inputs(model, task, src)
    tr = trace_transformer(model, task, src, tgt_in)
    with torch.no_grad():
        logits = model(src, tgt_in)[0]  # (T, V)
        res = model.greedy_decode(src, tgt_in.shape[1], stop_at_eos=False)
    torch.testing.assert_close(torch.from_numpy(tr.logits), logits, **TOL)
    torch.testing.assert_close(torch.from_numpy(tr.probs), torch.softmax(logits, -1), **TOL)
    for name, w in res.attention.items():  # (1, H, T, T') from the model's cached greedy decode
        torch.testing.assert_close(torch.from_numpy(tr.attention[name].weights), w[0], **TOL)
    assert tr.out == [task.tgt_vocab[i] for i in res.tokens[0].tolist()]
    step = tr.attention["cross/1"]
    assert step.q.shape == (4, tgt_in.shape[1], 4) and step.k.shape == (4, src.shape[1], 4)
    # the written-out steps agree with each other: softmax of the masked scores, A V, rows sum to 1
    a = torch.softmax(torch.from_numpy(step.scores + step.mask), -1)
    torch.testing.assert_close(a, torch.from_numpy(step.weights))
    torch.testing.assert_close(torch.from_numpy(step.weights @ step.v), torch.from_numpy(step.heads))
    causal = tr.attention["dec_self/0"]
    assert (causal.weights[:, 0, 1:] == 0).all() and (causal.mask[0, 1:] == float("-inf")).all()


def test_transformer_attention_output_matches_the_layers_own_module():
    task, model = _transformer("post")
    src = task.probe()[0]
    tr = trace_transformer(model, task, src, greedy_inputs(model, task, src))
    x = torch.from_numpy(tr.src_emb + tr.src_pos)[None]  # (1, S, D): the first layer's input
    with torch.no_grad():
        out, w = model.encoder_layers[0].self_attn(x, x, x, need_weights=True)
    torch.testing.assert_close(torch.from_numpy(tr.attention["enc_self/0"].out), out[0], **TOL)
    torch.testing.assert_close(torch.from_numpy(tr.attention["enc_self/0"].weights), w[0], **TOL)


def test_padded_source_keys_get_no_weight():
    task, model = _transformer("pre")
    src = torch.cat([task.probe()[0], torch.full((1, 2), PAD)], dim=1)  # (1, S + 2)
    tgt_in = greedy_inputs(model, task, src)
    tr = trace_transformer(model, task, src, tgt_in)
    with torch.no_grad():
        logits = model(src, tgt_in)[0]
    torch.testing.assert_close(torch.from_numpy(tr.logits), logits, **TOL)
    assert (tr.attention["cross/0"].weights[..., -2:] == 0).all()


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("attention", ["none", "dot", "additive"])
def test_rnn_trace_matches_the_models_forward_and_alignment(kind, attention):
    cfg = TrainConfig(
        task="reverse",
        seq_len=5,
        seed=2,
        model=ModelConfig(kind=kind, attention=attention, emb_dim=6, hidden=8, n_layers=2),
    )
    task, model = build(cfg)
    model.eval()
    src = task.probe()[0]
    tgt_in = greedy_inputs(model, task, src)
    tr = trace_rnn(model, task, src, tgt_in)
    with torch.no_grad():
        logits = model(src, tgt_in)[0]
        res = model.greedy_decode(src, tgt_in.shape[1], stop_at_eos=False)
        enc_out, _ = model.encode(src)
    torch.testing.assert_close(torch.from_numpy(tr.logits), logits, **TOL)
    torch.testing.assert_close(torch.from_numpy(tr.rnn["enc"]["hidden"]), enc_out[0], **TOL)
    T, S = tgt_in.shape[1], src.shape[1]
    assert tr.rnn["dec"]["hidden"].shape == (T, 8)
    if attention == "none":
        assert tr.rnn["weights"] is None and tr.rnn["context"] is None
    else:
        torch.testing.assert_close(torch.from_numpy(tr.rnn["weights"]), res.attention["cross"][0, 0], **TOL)
        assert tr.rnn["context"].shape == (T, 8) and tr.rnn["scores"].shape == (T, S)
    gates = {"rnn": set(), "lstm": {"input", "forget", "cell", "output"}, "gru": {"reset", "update", "new"}}[
        kind
    ]
    assert gates <= set(tr.rnn["enc"]) and gates <= set(tr.rnn["dec"])
    if kind == "lstm":
        assert tr.rnn["enc"]["cell_state"].shape == (S, 8)


def test_step_through_of_own_input_with_notes_and_refusals():
    cfg = TrainConfig(
        task="reverse", seq_len=6, model=ModelConfig(kind="gru", attention="dot", hidden=8, emb_dim=4)
    )
    task, model = build(cfg)
    tr, notes = step_through(model, task, "１ 2")  # full-width digit from a Korean IME
    assert tr.src == ["1", "2"] and notes and notes[0][0] == "lab.page.try_shorter"
    tr, notes = step_through(model, task, None)
    assert notes == [] and len(tr.src) == 6
    for bad in ("", "   ", "x y"):
        with pytest.raises(ConfigError):
            step_through(model, task, bad)


def test_formulas_use_the_curriculum_notation():
    assert r"\frac{QK^\top}{\sqrt{d_k}}" in FORMULAS["scores"]
    assert r"W_{hh} h_{t-1} + W_{xh} x_t + b_h" in FORMULAS["rnn"]
    assert "PE_{(pos,\\,2i)}" in FORMULAS["pe"]
