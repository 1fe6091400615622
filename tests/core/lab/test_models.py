import math

import pytest
import torch
from torch import nn

from core.lab.config import ModelConfig
from core.lab.models import DecodeResult, make_model, n_params, positional_encoding
from core.lab.tasks import BOS, EOS, PAD

V = 13


def _src(b=4, s=7, seed=0):
    return torch.randint(3, V, (b, s), generator=torch.Generator().manual_seed(seed))


def test_positional_encoding_matches_the_paper():
    pe = positional_encoding(50, 16)
    assert pe.shape == (50, 16)
    for pos in (0, 1, 7, 49):
        for i in range(8):
            angle = pos / 10000 ** (2 * i / 16)
            assert pe[pos, 2 * i].item() == pytest.approx(math.sin(angle), abs=1e-5)
            assert pe[pos, 2 * i + 1].item() == pytest.approx(math.cos(angle), abs=1e-5)
    assert positional_encoding(4, 5).shape == (4, 5)  # odd widths work too


KINDS = [
    ("rnn", "none"),
    ("rnn", "dot"),
    ("lstm", "none"),
    ("lstm", "dot"),
    ("lstm", "additive"),
    ("gru", "dot"),
    ("gru", "additive"),
    ("transformer", "dot"),
]


@pytest.mark.parametrize(("kind", "attn"), KINDS)
def test_forward_and_decode_shapes(kind, attn):
    torch.manual_seed(0)
    model = make_model(ModelConfig(kind=kind, attention=attn), V, V + 2)
    src, tgt = _src(), _src(4, 9, 1)
    assert model(src, tgt).shape == (4, 9, V + 2)
    res = model.greedy_decode(src, 6, stop_at_eos=False)
    assert isinstance(res, DecodeResult) and res.tokens.shape == (4, 6)
    if kind == "transformer":
        assert set(res.attention) == {f"{n}/{i}" for n in ("enc_self", "dec_self", "cross") for i in (0, 1)}
        assert res.attention["enc_self/0"].shape == (4, 2, 7, 7)
        assert res.attention["dec_self/1"].shape == (4, 2, 6, 6)
        assert res.attention["cross/1"].shape == (4, 2, 6, 7)
        assert (res.attention["dec_self/0"].triu(1) == 0).all()  # causal
    elif attn == "none":
        assert res.attention == {}
    else:
        assert res.attention["cross"].shape == (4, 1, 6, 7)
    for w in res.attention.values():
        torch.testing.assert_close(w.sum(-1), torch.ones(w.shape[:-1]))


@pytest.mark.parametrize("variant", [{}, {"norm": "pre"}, {"pos_encoding": "learned"}])
def test_transformer_greedy_equals_teacher_forced_argmax(variant):
    torch.manual_seed(1)
    model = make_model(ModelConfig(**variant), V, V).eval()
    with torch.no_grad():
        model.out.bias[EOS] = -30.0  # an untrained model may stop at once; compare full sequences
    src = _src(8, 9, 2)
    src[3, -3:] = PAD  # padding masked in the encoder and cross-attention
    res = model.greedy_decode(src, 10, stop_at_eos=False)
    prefix = torch.cat([torch.full((8, 1), BOS), res.tokens[:, :-1]], dim=1)  # (B, T)
    with torch.no_grad():
        forced = model(src, prefix).argmax(-1)
    assert torch.equal(forced, res.tokens)
    nocache = model.greedy_decode(src, 10, stop_at_eos=False, use_cache=False)
    assert torch.equal(nocache.tokens, res.tokens)
    for k, w in res.attention.items():
        torch.testing.assert_close(nocache.attention[k], w, atol=1e-5, rtol=1e-4)


def test_rnn_greedy_equals_teacher_forced_argmax():
    for attn in ("none", "dot", "additive"):
        torch.manual_seed(2)
        model = make_model(ModelConfig(kind="gru", attention=attn), V, V).eval()
        with torch.no_grad():
            model.decoder.out.bias[EOS] = -30.0
        src = _src(5, 6, 3)
        res = model.greedy_decode(src, 7, stop_at_eos=False)
        prefix = torch.cat([torch.full((5, 1), BOS), res.tokens[:, :-1]], dim=1)
        with torch.no_grad():
            assert torch.equal(model(src, prefix).argmax(-1), res.tokens)


def test_stop_at_eos_pads_finished_rows():
    torch.manual_seed(0)
    model = make_model(ModelConfig(kind="lstm", attention="none"), V, V)
    with torch.no_grad():  # force EOS as the first output for every input
        model.decoder.out.bias.fill_(-100.0)
        model.decoder.out.bias[EOS] = 100.0
    res = model.greedy_decode(_src(), 8)
    assert res.tokens.tolist() == [[EOS]] * 4


def test_parameter_counts_follow_the_gates():
    counts = {
        k: n_params(make_model(ModelConfig(kind=k, attention="none"), V, V)) for k in ("rnn", "gru", "lstm")
    }
    assert counts["lstm"] > counts["gru"] > counts["rnn"]
    # the recurrent weights alone scale 4 : 3 : 1 (LSTM gates i,f,g,o; GRU r,z,n)
    rec = {k: n_params(make_model(ModelConfig(kind=k), V, V).encoder.rnn) for k in ("rnn", "gru", "lstm")}
    assert rec["lstm"] * 3 == rec["gru"] * 4 and rec["gru"] == rec["rnn"] * 3


def test_inspection_hooks():
    model = make_model(ModelConfig(kind="lstm", n_layers=1), V, V)
    assert isinstance(model.encoder.rnn, nn.LSTM) and model.encoder.rnn.batch_first
    assert isinstance(model.encoder.embedding, nn.Embedding)
    src = _src(2, 6)
    emb = model.embed_src(src).detach().requires_grad_()  # (B, S, E)
    outputs, (h, c) = model.encode(src, emb)
    assert outputs.shape == (2, 6, 64) and h.shape == c.shape == (1, 2, 64)
    outputs[:, -1].sum().backward()
    per_step = emb.grad.norm(dim=-1)  # (B, S): gradient norm per encoder time step
    assert per_step.shape == (2, 6) and (per_step > 0).all()
    tr = make_model(ModelConfig(), V, V)
    assert tr.encode(src, tr.embed_src(src)).shape == (2, 6, 64)


def test_training_fast_path_equals_the_weights_path():
    # With grad on, attention runs SDPA (is_causal for the decoder); without, plain matmul + masks.
    torch.manual_seed(5)
    model = make_model(ModelConfig(), V, V)
    src, tgt = _src(4, 8, 6), _src(4, 9, 7)
    src[1, -2:] = PAD
    fast = model(src, tgt)
    assert fast.requires_grad
    with torch.no_grad():
        slow = model(src, tgt)
    torch.testing.assert_close(fast.detach(), slow, atol=1e-5, rtol=1e-5)
