"""Multi-head attention that can hand back per-head weights, and is fast when it does not.

Same maths and parameter layout as `nn.MultiheadAttention(batch_first=True)` (one fused
`in_proj` of shape (3D, D) holding W_q; W_k; W_v, then `out_proj`), so `from_torch` copies a
torch layer exactly. Boolean masks use torch's convention: True = blocked. Float masks are added
to the scores (models pass precomputed float masks so they convert once per forward, not per layer).

Backends (measured on the 2-core AMD EPYC dev box inside a whole Transformer training step,
B=64, H=2, T=10-12, d_head=32; `python -m benchmarks.engine --sections attention` prints them):
- "fused": our own autograd Function (`_FusedAttention`) on the packed projections: one
  strided `bmm` per head (no head-split copies), an in-place softmax and a hand-written
  backward, one autograd node per attention. torch's `softmax` kernel is slow when the softmax
  row is this short (~180 us for a (128, 11, 10) tensor vs ~40 us for max/exp/sum written out),
  and `F.scaled_dot_product_attention`'s CPU flash kernel cost ~0.5-1 ms forward+backward per
  call inside the step. Whole train step, same batches: 15.0 vs 15.4 ms (sdpa) at 1 thread,
  9.2 vs 11.4 ms at 2 threads.
- "math": plain matmul + softmax through autograd (needed for `need_weights`; used for inference,
  e.g. greedy decoding and evaluation, with the in-place softmax when no gradient is recorded).
- "sdpa": `F.scaled_dot_product_attention`; its fused kernels win on CUDA.
So "auto" = SDPA on CUDA / MPS; on the CPU "fused" while gradients are recorded, "math" otherwise.
Weights are only materialised (which needs the math path) when `need_weights=True`.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

# "auto" | "fused" | "math" | "sdpa": module-wide switch so the benchmark and tests can compare paths.
BACKEND = "auto"
BACKENDS = ("auto", "fused", "math", "sdpa")


def _records_grad(*xs: Tensor) -> bool:
    return torch.is_grad_enabled() and any(x.requires_grad for x in xs)


def pick_backend(q: Tensor, k: Tensor | None = None, v: Tensor | None = None) -> str:
    """The path attention takes for these inputs when no weights are asked for: "fused", "math" or "sdpa"."""
    if BACKEND != "auto":
        return BACKEND
    if q.device.type != "cpu":  # CUDA / MPS: the fused SDPA kernels
        return "sdpa"
    return "fused" if _records_grad(q, *(x for x in (k, v) if x is not None)) else "math"


def softmax_(s: Tensor) -> Tensor:
    """In-place softmax over the last dim (no autograd): ~4x faster than torch.softmax at Tk ~ 10 on CPU."""
    s.sub_(s.amax(-1, keepdim=True)).exp_()
    return s.div_(s.sum(-1, keepdim=True))


def merge_masks(
    attn_mask: Tensor | None,
    key_padding_mask: Tensor | None,
    dtype: torch.dtype,
    batch: int | None = None,
    n_heads: int | None = None,
) -> Tensor | None:
    """Combine torch-style masks into one additive float mask broadcastable to (B, H, Tq, Tk)."""
    out = None
    if attn_mask is not None:
        m = _additive(attn_mask, dtype)
        if m.dim() == 3:  # torch's (B*H, Tq, Tk) layout
            m = m.view(batch, n_heads, m.shape[-2], m.shape[-1])  # (B, H, Tq, Tk)
        out = m  # (Tq, Tk) or (B, H, Tq, Tk)
    if key_padding_mask is not None:
        kp = _additive(key_padding_mask, dtype)[:, None, None, :]  # (B, 1, 1, Tk)
        out = kp if out is None else out + kp
    return out


def _additive(mask: Tensor, dtype: torch.dtype) -> Tensor:
    if mask.dtype == torch.bool:
        return torch.zeros(mask.shape, dtype=dtype, device=mask.device).masked_fill_(mask, float("-inf"))
    return mask.to(dtype)


def _head_slices(x: Tensor, offset: int, n_heads: int, d_head: int) -> list[Tensor]:
    """Per-head column views x[..., offset + h*dh : offset + (h+1)*dh]: (B, T, dh) each, no copy."""
    return [x[..., offset + h * d_head : offset + (h + 1) * d_head] for h in range(n_heads)]


def _head_mask(mask: Tensor, h: int) -> Tensor:
    """Head h's part of an additive mask broadcastable to (B, H, Tq, Tk): broadcastable to (B, Tq, Tk)."""
    if mask.dim() < 4:
        return mask  # (Tq, Tk) or (Tk,)
    return mask[:, h] if mask.shape[1] > 1 else mask[:, 0]  # (B, Tq | 1, Tk)


class _FusedAttention(torch.autograd.Function):
    """softmax(q k^T * scale + mask) [dropout] v from packed projections -> (B, Tq, D), one autograd node.

    Inputs are the projections as the Linear layers produce them, heads not split: self-attention
    passes `q_src` = (B, T, 3D) [q | k | v] and `kv_src` = None; cross-attention passes
    `q_src` = (B, Tq, D) and `kv_src` = (B, Tk, 2D) [k | v]. Each head's block is a strided
    column view that `torch.bmm` reads directly (one matmul per head), so neither direction
    copies q/k/v into a head-major layout; the gradient comes back in the packed layout in one
    `cat`. Backward (P = softmax probabilities, O = P V): dV = P^T dO, dP = dO V^T,
    dS = P * (dP - rowsum(dP * P)) * scale, dQ = dS K, dK = dS^T Q.
    """

    @staticmethod
    def forward(
        ctx,
        q_src: Tensor,
        kv_src: Tensor | None,
        mask: Tensor | None,
        scale: float,
        p_drop: float,
        n_heads: int,
    ) -> Tensor:
        src = q_src if kv_src is None else kv_src
        d = q_src.shape[-1] // 3 if kv_src is None else q_src.shape[-1]
        dh = d // n_heads
        k_off, v_off = (d, 2 * d) if kv_src is None else (0, d)
        qs, ks, vs = (
            _head_slices(q_src, 0, n_heads, dh),
            _head_slices(src, k_off, n_heads, dh),
            _head_slices(src, v_off, n_heads, dh),
        )
        # Scores per head as mask + scale * q k^T in one baddbmm each (beta=0 ignores a missing mask).
        ms = (
            [_head_mask(mask, h) for h in range(n_heads)]
            if mask is not None
            else [q_src.new_zeros(())] * n_heads
        )
        beta = 0.0 if mask is None else 1.0
        p = softmax_(
            torch.stack(
                [
                    torch.baddbmm(m, q, k.transpose(1, 2), beta=beta, alpha=scale)
                    for m, q, k in zip(ms, qs, ks, strict=True)
                ],
                1,
            )
        )  # (B, H, Tq, Tk)
        keep = None
        if p_drop:
            keep = torch.empty_like(p).bernoulli_(1.0 - p_drop).div_(1.0 - p_drop)  # (B, H, Tq, Tk)
        pd = p if keep is None else p * keep
        ctx.save_for_backward(q_src, kv_src, p, keep)
        ctx.meta = (scale, n_heads, dh, k_off, v_off)
        return torch.cat([torch.bmm(pd[:, h], vs[h]) for h in range(n_heads)], -1)  # (B, Tq, D)

    @staticmethod
    def backward(ctx, d_out: Tensor):
        q_src, kv_src, p, keep = ctx.saved_tensors
        scale, n_heads, dh, k_off, v_off = ctx.meta
        src = q_src if kv_src is None else kv_src
        qs, ks, vs = (
            _head_slices(q_src, 0, n_heads, dh),
            _head_slices(src, k_off, n_heads, dh),
            _head_slices(src, v_off, n_heads, dh),
        )
        dos = _head_slices(d_out, 0, n_heads, dh)  # (B, Tq, dh) each
        pd = p if keep is None else p * keep
        dvs = [torch.bmm(pd[:, h].transpose(1, 2), dos[h]) for h in range(n_heads)]  # (B, Tk, dh)
        dp = torch.stack(
            [torch.bmm(dos[h], vs[h].transpose(1, 2)) for h in range(n_heads)], 1
        )  # (B, H, Tq, Tk)
        if keep is not None:
            dp.mul_(keep)
        ds = dp.sub_((dp * p).sum(-1, keepdim=True)).mul_(p).mul_(scale)  # (B, H, Tq, Tk)
        dqs = [torch.bmm(ds[:, h], ks[h]) for h in range(n_heads)]  # (B, Tq, dh)
        dks = [torch.bmm(ds[:, h].transpose(1, 2), qs[h]) for h in range(n_heads)]  # (B, Tk, dh)
        if kv_src is None:
            return torch.cat(dqs + dks + dvs, -1), None, None, None, None, None  # (B, T, 3D)
        return torch.cat(dqs, -1), torch.cat(dks + dvs, -1), None, None, None, None


class MultiHeadAttention(nn.Module):
    """Scaled dot-product attention over `n_heads` heads of size d_model // n_heads."""

    def __init__(self, d_model: int, n_heads: int, dropout: float = 0.0) -> None:
        super().__init__()
        if d_model % n_heads:
            raise ValueError(f"d_model ({d_model}) must be divisible by n_heads ({n_heads})")
        self.d_model, self.n_heads, self.d_head = d_model, n_heads, d_model // n_heads
        self.dropout = dropout
        self.in_proj = nn.Linear(d_model, 3 * d_model)  # rows: W_q; W_k; W_v (torch's layout)
        self.out_proj = nn.Linear(d_model, d_model)
        # Same initialisation as nn.MultiheadAttention: xavier on the fused projection, zero biases.
        nn.init.xavier_uniform_(self.in_proj.weight)
        nn.init.zeros_(self.in_proj.bias)
        nn.init.zeros_(self.out_proj.bias)

    @classmethod
    def from_torch(cls, m: nn.MultiheadAttention) -> MultiHeadAttention:
        """A copy of a torch attention layer (same weights, same outputs)."""
        if not m._qkv_same_embed_dim or m.bias_k is not None or m.add_zero_attn or m.in_proj_bias is None:
            raise ValueError(
                "only nn.MultiheadAttention with default kdim/vdim, bias and no bias_k/zero_attn"
            )
        new = cls(m.embed_dim, m.num_heads, m.dropout)
        with torch.no_grad():
            new.in_proj.weight.copy_(m.in_proj_weight)
            new.in_proj.bias.copy_(m.in_proj_bias)
            new.out_proj.weight.copy_(m.out_proj.weight)
            new.out_proj.bias.copy_(m.out_proj.bias)
        return new.to(m.in_proj_weight.device)

    def split_heads(self, x: Tensor) -> Tensor:
        """(B, T, D) -> (B, H, T, d_head)."""
        b, t, _ = x.shape
        return x.view(b, t, self.n_heads, self.d_head).transpose(1, 2)

    def packed_q(self, x: Tensor) -> Tensor:
        """Query projection, heads not split: (B, T, D) -> (B, T, D)."""
        d = self.d_model
        return F.linear(x, self.in_proj.weight[:d], self.in_proj.bias[:d])

    def packed_kv(self, x: Tensor) -> Tensor:
        """Key and value projections in one matmul, heads not split: (B, T, D) -> (B, T, 2D) [k | v]."""
        d = self.d_model
        return F.linear(x, self.in_proj.weight[d:], self.in_proj.bias[d:])

    def packed_qkv(self, x: Tensor) -> Tensor:
        """Self-attention projections in one matmul, heads not split: (B, T, D) -> (B, T, 3D) [q | k | v]."""
        return F.linear(x, self.in_proj.weight, self.in_proj.bias)

    def unpack(self, q_src: Tensor, kv_src: Tensor | None = None) -> tuple[Tensor, Tensor, Tensor]:
        """Packed projections (see `attend_packed`) -> q, k, v split into heads, 3 x (B, H, T, d_head)."""
        if kv_src is None:
            q, k, v = q_src.chunk(3, dim=-1)
        else:
            q, (k, v) = q_src, kv_src.chunk(2, dim=-1)
        return self.split_heads(q), self.split_heads(k), self.split_heads(v)

    def project_q(self, x: Tensor) -> Tensor:
        """Query projection, split into heads: (B, T, D) -> (B, H, T, d_head)."""
        return self.split_heads(self.packed_q(x))

    def project_kv(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Key and value projections in one matmul: (B, T, D) -> 2 x (B, H, T, d_head)."""
        k, v = self.packed_kv(x).chunk(2, dim=-1)
        return self.split_heads(k), self.split_heads(v)

    def project_qkv(self, x: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Self-attention projections in one matmul: (B, T, D) -> 3 x (B, H, T, d_head)."""
        return self.unpack(self.packed_qkv(x))

    def attend_packed(
        self,
        q_src: Tensor,
        kv_src: Tensor | None = None,
        mask: Tensor | None = None,
        need_weights: bool = False,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """Attention from packed projections; returns ((B, Tq, D), (B, H, Tq, Tk) or None).

        Self-attention: `q_src` = packed_qkv(x) (B, T, 3D), `kv_src` None. Cross-attention:
        `q_src` = packed_q(x) (B, Tq, D), `kv_src` = packed_kv(memory) (B, Tk, 2D).
        """
        if not need_weights and pick_backend(q_src, kv_src) == "fused":
            p = self.dropout if self.training else 0.0
            ctx = _FusedAttention.apply(q_src, kv_src, mask, 1.0 / math.sqrt(self.d_head), p, self.n_heads)
            return F.linear(ctx, self.out_proj.weight, self.out_proj.bias), None  # (B, Tq, D)
        return self.attend(*self.unpack(q_src, kv_src), mask, need_weights, is_causal)

    def attend(
        self,
        q: Tensor,
        k: Tensor,
        v: Tensor,
        mask: Tensor | None = None,
        need_weights: bool = False,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """Attention on split heads with an additive mask; returns ((B, Tq, D), (B, H, Tq, Tk) or None).

        `is_causal` is a hint that `mask` is exactly the causal mask: SDPA then skips reading it;
        the other paths use `mask`.
        """
        p = self.dropout if self.training else 0.0
        scale = 1.0 / math.sqrt(self.d_head)
        b, _, tq, _ = q.shape
        weights = None
        if not need_weights and pick_backend(q, k, v) == "sdpa":
            if is_causal:
                c = F.scaled_dot_product_attention(q, k, v, dropout_p=p, is_causal=True)  # (B, H, Tq, dh)
            else:
                c = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p)  # (B, H, Tq, dh)
        elif _records_grad(q, k, v):  # "math" through autograd (also "fused" asked of split heads)
            scores = torch.matmul(q * scale, k.transpose(-2, -1))  # (B, H, Tq, Tk)
            if mask is not None:
                scores = scores + mask
            weights = torch.softmax(scores, dim=-1)  # (B, H, Tq, Tk)
            c = torch.matmul(F.dropout(weights, p) if p else weights, v)  # (B, H, Tq, dh)
        else:  # no autograd: everything in place
            scores = torch.matmul(q, k.transpose(-2, -1)).mul_(scale)  # (B, H, Tq, Tk)
            if mask is not None:
                scores.add_(mask)  # masks broadcast to (B, H, Tq, Tk)
            weights = softmax_(scores)  # (B, H, Tq, Tk)
            c = torch.matmul(weights, v)  # (B, H, Tq, dh)
        ctx = c.transpose(1, 2).reshape(b, tq, self.d_model)  # (B, Tq, D)
        out = F.linear(ctx, self.out_proj.weight, self.out_proj.bias)  # (B, Tq, D)
        return out, (weights if need_weights else None)

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        attn_mask: Tensor | None = None,
        key_padding_mask: Tensor | None = None,
        need_weights: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """Batch-first attention; returns (out (B, Tq, D), per-head weights (B, H, Tq, Tk) or None)."""
        mask = merge_masks(attn_mask, key_padding_mask, query.dtype, query.shape[0], self.n_heads)
        if query is key and key is value:
            return self.attend_packed(self.packed_qkv(query), None, mask, need_weights)  # one fused matmul
        if key is value:
            kv = self.packed_kv(key)
        else:
            d, w, b = self.d_model, self.in_proj.weight, self.in_proj.bias
            kv = torch.cat(
                [F.linear(key, w[d : 2 * d], b[d : 2 * d]), F.linear(value, w[2 * d :], b[2 * d :])], -1
            )
        return self.attend_packed(self.packed_q(query), kv, mask, need_weights)
