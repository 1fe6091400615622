import pytest
import torch
from torch import nn

import core.lab.models.attention as attention
from core.lab.models.attention import MultiHeadAttention


def _pair(d=16, h=4, seed=0):
    torch.manual_seed(seed)
    ref = nn.MultiheadAttention(d, h, batch_first=True)
    with torch.no_grad():  # non-zero biases so bias handling is tested too
        ref.in_proj_bias.normal_()
        ref.out_proj.bias.normal_()
    return ref.eval(), MultiHeadAttention.from_torch(ref).eval()


@pytest.mark.parametrize("mode", ["self", "cross"])
@pytest.mark.parametrize("masks", ["none", "causal", "padding", "both", "float"])
def test_matches_torch_with_masks(mode, masks):
    ref, ours = _pair()
    g = torch.Generator().manual_seed(1)
    q = torch.randn(3, 5, 16, generator=g)
    kv = q if mode == "self" else torch.randn(3, 7, 16, generator=g)
    tk = kv.shape[1]
    attn_mask = key_padding = None
    if masks in ("causal", "both"):
        attn_mask = torch.ones(5, tk, dtype=torch.bool).triu(1)  # True = blocked
    if masks in ("padding", "both"):
        key_padding = torch.zeros(3, tk, dtype=torch.bool)
        key_padding[0, -2:] = True
        key_padding[2, -1] = True
    if masks == "float":
        attn_mask = torch.randn(5, tk, generator=g)
    out_r, w_r = ref(
        q,
        kv,
        kv,
        attn_mask=attn_mask,
        key_padding_mask=key_padding,
        need_weights=True,
        average_attn_weights=False,
    )
    out_o, w_o = ours(q, kv, kv, attn_mask=attn_mask, key_padding_mask=key_padding, need_weights=True)
    assert w_o.shape == (3, 4, 5, tk)
    torch.testing.assert_close(out_o, out_r, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(w_o, w_r, atol=1e-5, rtol=1e-5)
    if masks in ("causal", "both"):
        assert (w_o[..., attn_mask] == 0).all()
    # the fast path (no weights) gives the same output, on every backend
    for backend in ("fused", "math", "sdpa"):
        attention.BACKEND = backend
        try:
            fast, none = ours(q, kv, kv, attn_mask=attn_mask, key_padding_mask=key_padding)
        finally:
            attention.BACKEND = "auto"
        assert none is None
        torch.testing.assert_close(fast, out_r, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("backend", ["auto", "fused", "math", "sdpa"])
@pytest.mark.parametrize("mode", ["self", "cross", "distinct"])
def test_gradients_match_torch(backend, mode):
    ref, ours = _pair(d=8, h=2, seed=3)
    ref.train(), ours.train()
    q = torch.randn(2, 4, 8, requires_grad=True)
    k = q if mode == "self" else torch.randn(2, 5, 8, requires_grad=True)
    v = k if mode != "distinct" else torch.randn(2, 5, 8, requires_grad=True)
    key_padding = torch.zeros(2, k.shape[1], dtype=torch.bool)
    key_padding[1, -1] = True
    leaves = list(dict.fromkeys((q, k, v)))
    out_r, _ = ref(q, k, v, key_padding_mask=key_padding, need_weights=False)
    grads_r = torch.autograd.grad(out_r.square().sum(), leaves + [ref.in_proj_weight, ref.out_proj.weight])
    attention.BACKEND = backend
    try:
        out_o, _ = ours(q, k, v, key_padding_mask=key_padding)
    finally:
        attention.BACKEND = "auto"
    grads_o = torch.autograd.grad(out_o.square().sum(), leaves + [ours.in_proj.weight, ours.out_proj.weight])
    torch.testing.assert_close(out_o, out_r, atol=1e-5, rtol=1e-5)
    for a, b in zip(grads_o, grads_r, strict=True):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("mask", ["none", "causal", "padding"])
@pytest.mark.parametrize("heads", [1, 2, 4])
def test_fused_attention_gradcheck(mask, heads):
    """The hand-written backward equals finite differences (float64), self and cross attention."""
    g = torch.Generator().manual_seed(0)
    b, t, s, d = 2, 3, 4, 8
    qkv = torch.randn(b, t, 3 * d, generator=g, dtype=torch.float64, requires_grad=True)
    q = torch.randn(b, t, d, generator=g, dtype=torch.float64, requires_grad=True)
    kv = torch.randn(b, s, 2 * d, generator=g, dtype=torch.float64, requires_grad=True)
    masks = {
        "none": (None, None),
        "causal": (
            torch.zeros(t, t, dtype=torch.float64).masked_fill_(
                torch.ones(t, t, dtype=torch.bool).triu(1), float("-inf")
            ),
            None,
        ),
        "padding": (
            None,
            torch.tensor([0.0, 0.0, 0.0, float("-inf")], dtype=torch.float64)[None, None, None, :],
        ),
    }
    self_mask, cross_mask = masks[mask]
    fn = attention._FusedAttention.apply
    assert torch.autograd.gradcheck(lambda x: fn(x, None, self_mask, 0.3, 0.0, heads), (qkv,))
    assert torch.autograd.gradcheck(lambda a, c: fn(a, c, cross_mask, 0.3, 0.0, heads), (q, kv))


def test_fused_attention_dropout_matches_autograd_with_the_same_draws():
    """Attention dropout: same output and gradients as autograd maths on the same random mask."""
    g = torch.Generator().manual_seed(0)
    b, t, d, h, p = 3, 5, 8, 2, 0.3
    qkv = torch.randn(b, t, 3 * d, generator=g, requires_grad=True)
    torch.manual_seed(7)
    out = attention._FusedAttention.apply(qkv, None, None, 0.5, p, h)
    (grad,) = torch.autograd.grad(out.square().sum(), qkv)
    torch.manual_seed(7)
    keep = torch.empty(b, h, t, t).bernoulli_(1 - p) / (1 - p)  # the same draw as the forward's
    x = qkv.detach().requires_grad_()
    qh, kh, vh = (c.view(b, t, h, d // h).transpose(1, 2) for c in x.chunk(3, -1))
    ref = (torch.softmax(qh @ kh.transpose(-2, -1) * 0.5, -1) * keep) @ vh  # (B, H, T, dh)
    ref = ref.transpose(1, 2).reshape(b, t, d)
    (grad_ref,) = torch.autograd.grad(ref.square().sum(), x)
    assert (keep == 0).any()  # the draw really dropped something
    torch.testing.assert_close(out, ref, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(grad, grad_ref, atol=1e-5, rtol=1e-5)


def test_backend_rule():
    x = torch.randn(1, 2, 3, 4)
    assert attention.pick_backend(x) == "math"  # CPU inference: plain matmul + in-place softmax
    assert attention.pick_backend(x.requires_grad_()) == "fused"  # CPU training: our autograd Function
    assert attention.pick_backend(torch.randn(1, 2, 3, 4), x) == "fused"  # any input recording grads
    with torch.no_grad():
        assert attention.pick_backend(x) == "math"
    # off the CPU (CUDA, MPS; "meta" stands in here) torch's fused SDPA kernels are used
    assert attention.pick_backend(torch.empty(1, 2, 3, 4, device="meta", requires_grad=True)) == "sdpa"


def test_inplace_softmax_matches_torch_including_masked_entries():
    s = torch.randn(4, 3, 7)
    s[0, 0, 2:] = float("-inf")
    torch.testing.assert_close(attention.softmax_(s.clone()), torch.softmax(s, -1))


def test_from_torch_refuses_unsupported_layers():
    with pytest.raises(ValueError):
        MultiHeadAttention.from_torch(nn.MultiheadAttention(8, 2, kdim=4, vdim=4))
