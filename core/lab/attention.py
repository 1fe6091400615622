"""Multi-head attention that can hand back per-head weights, and is fast when it does not.

Same maths and parameter layout as `nn.MultiheadAttention(batch_first=True)` (one fused
`in_proj` of shape (3D, D) holding W_q; W_k; W_v, then `out_proj`), so `from_torch` copies a
torch layer exactly. Boolean masks use torch's convention: True = blocked. Float masks are added
to the scores (models pass precomputed float masks so they convert once per forward, not per layer).

Backend rule (measured on the 2-core AMD EPYC dev box, B=64, H=2, T=10, d_head=32):
- training (autograd recording): `F.scaled_dot_product_attention` forward+backward took ~0.5 ms
  vs ~1.0 ms for matmul + softmax, and a whole Transformer step ~13.5 vs ~15.5 ms;
- inference (no grad, e.g. greedy decoding, evaluation): matmul + softmax took ~0.13 ms vs
  ~0.25 ms for SDPA with 2 threads (the kernel's setup dominates at these tiny sizes);
- on CUDA the fused SDPA kernels win in both cases.
So "auto" = SDPA on CUDA or when gradients are being recorded, plain matmul otherwise. Weights
are only materialised (which needs the matmul path) when `need_weights=True`.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

# "auto" | "math" | "sdpa": class-wide switch so the benchmark can compare both paths.
BACKEND = "auto"


def _use_sdpa(x: Tensor) -> bool:
    if BACKEND == "auto":
        return x.is_cuda or (torch.is_grad_enabled() and x.requires_grad)
    return BACKEND == "sdpa"


def merge_masks(attn_mask: Tensor | None, key_padding_mask: Tensor | None, dtype: torch.dtype,
                batch: int | None = None, n_heads: int | None = None) -> Tensor | None:
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
            raise ValueError("only nn.MultiheadAttention with default kdim/vdim, bias and no bias_k/zero_attn")
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

    def project_q(self, x: Tensor) -> Tensor:
        """Query projection, split into heads: (B, T, D) -> (B, H, T, d_head)."""
        d = self.d_model
        return self.split_heads(F.linear(x, self.in_proj.weight[:d], self.in_proj.bias[:d]))

    def project_kv(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Key and value projections in one matmul: (B, T, D) -> 2 x (B, H, T, d_head)."""
        d = self.d_model
        kv = F.linear(x, self.in_proj.weight[d:], self.in_proj.bias[d:])  # (B, T, 2D)
        k, v = kv.chunk(2, dim=-1)
        return self.split_heads(k), self.split_heads(v)

    def project_qkv(self, x: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Self-attention projections in one matmul: (B, T, D) -> 3 x (B, H, T, d_head)."""
        q, k, v = F.linear(x, self.in_proj.weight, self.in_proj.bias).chunk(3, dim=-1)  # 3 x (B, T, D)
        return self.split_heads(q), self.split_heads(k), self.split_heads(v)

    def attend(self, q: Tensor, k: Tensor, v: Tensor, mask: Tensor | None = None,
               need_weights: bool = False, is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
        """Attention on split heads with an additive mask; returns ((B, Tq, D), (B, H, Tq, Tk) or None).

        `is_causal` is a hint that `mask` is exactly the causal mask: SDPA then skips reading it
        (~0.1 ms less per decoder self-attention at T=11 on CPU); the matmul path uses `mask`.
        """
        p = self.dropout if self.training else 0.0
        if not need_weights and _use_sdpa(q):
            if is_causal:
                ctx = F.scaled_dot_product_attention(q, k, v, dropout_p=p, is_causal=True)  # (B, H, Tq, dh)
            else:
                ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p)  # (B, H, Tq, dh)
            weights = None
        else:
            scores = torch.matmul(q * (1.0 / math.sqrt(self.d_head)), k.transpose(-2, -1))  # (B, H, Tq, Tk)
            if mask is not None:
                scores = scores + mask
            weights = torch.softmax(scores, dim=-1)  # (B, H, Tq, Tk)
            ctx = torch.matmul(F.dropout(weights, p) if p else weights, v)  # (B, H, Tq, dh)
        b, _, tq, _ = ctx.shape
        ctx = ctx.transpose(1, 2).reshape(b, tq, self.d_model)  # (B, Tq, D)
        out = F.linear(ctx, self.out_proj.weight, self.out_proj.bias)  # (B, Tq, D)
        return out, (weights if need_weights else None)

    def forward(self, query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                key_padding_mask: Tensor | None = None,
                need_weights: bool = False) -> tuple[Tensor, Tensor | None]:
        """Batch-first attention; returns (out (B, Tq, D), per-head weights (B, H, Tq, Tk) or None)."""
        if query is key and key is value:
            q, k, v = self.project_qkv(query)  # self-attention: one fused matmul
        else:
            q = self.project_q(query)
            if key is value:
                k, v = self.project_kv(key)
            else:
                d = self.d_model
                w, b = self.in_proj.weight, self.in_proj.bias
                k = self.split_heads(F.linear(key, w[d:2 * d], b[d:2 * d]))
                v = self.split_heads(F.linear(value, w[2 * d:], b[2 * d:]))
        mask = merge_masks(attn_mask, key_padding_mask, q.dtype, query.shape[0], self.n_heads)
        return self.attend(q, k, v, mask, need_weights)
