import pytest
import torch
from torch import nn

import core.lab.attention as attention
from core.lab.attention import MultiHeadAttention


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
    out_r, w_r = ref(q, kv, kv, attn_mask=attn_mask, key_padding_mask=key_padding,
                     need_weights=True, average_attn_weights=False)
    out_o, w_o = ours(q, kv, kv, attn_mask=attn_mask, key_padding_mask=key_padding, need_weights=True)
    assert w_o.shape == (3, 4, 5, tk)
    torch.testing.assert_close(out_o, out_r, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(w_o, w_r, atol=1e-5, rtol=1e-5)
    if masks in ("causal", "both"):
        assert (w_o[..., attn_mask] == 0).all()
    # the fast path (no weights) gives the same output, on both backends
    for backend in ("math", "sdpa"):
        attention.BACKEND = backend
        try:
            fast, none = ours(q, kv, kv, attn_mask=attn_mask, key_padding_mask=key_padding)
        finally:
            attention.BACKEND = "auto"
        assert none is None
        torch.testing.assert_close(fast, out_r, atol=1e-5, rtol=1e-5)


def test_distinct_key_and_value_and_gradients_match_torch():
    ref, ours = _pair(d=8, h=2, seed=3)
    ref.train(), ours.train()
    q, k, v = (torch.randn(2, 4, 8, requires_grad=True) for _ in range(3))
    out_r, _ = ref(q, k, v, need_weights=False)
    out_r.square().sum().backward()
    grads_r = [t.grad.clone() for t in (q, k, v)] + [ref.in_proj_weight.grad.clone()]
    for t in (q, k, v):
        t.grad = None
    out_o, _ = ours(q, k, v)  # training path: SDPA on CPU
    out_o.square().sum().backward()
    grads_o = [t.grad for t in (q, k, v)] + [ours.in_proj.weight.grad]
    torch.testing.assert_close(out_o, out_r, atol=1e-5, rtol=1e-5)
    for a, b in zip(grads_o, grads_r, strict=True):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)


def test_backend_rule():
    x = torch.randn(1, 2, 3, 4)
    assert not attention._use_sdpa(x)  # CPU inference: plain matmul measured faster
    assert attention._use_sdpa(x.requires_grad_())  # CPU training: SDPA fwd+bwd measured faster
    with torch.no_grad():
        assert not attention._use_sdpa(x)


def test_from_torch_refuses_unsupported_layers():
    with pytest.raises(ValueError):
        MultiHeadAttention.from_torch(nn.MultiheadAttention(8, 2, kdim=4, vdim=4))
