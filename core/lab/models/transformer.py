"""Encoder-decoder Transformer ("Attention Is All You Need"), post-LN as in the paper or pre-LN.

Speed choices (the Lab trains live on a CPU): fused QKV projection for self-attention and
fused KV for cross-attention, masks converted to one additive float mask per forward (not per
layer), no source mask at all when a CPU batch has no padding, attention weights computed only
when asked (`need_weights` / `greedy_decode`), and greedy decoding with a key/value cache so each
new token costs one position, not the whole prefix.

Hooks for inspection: `embed_src(src) -> (B, S, D)`, `encode(src, src_emb=None) -> memory`.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from core.lab.config import ModelConfig
from core.lab.models import DecodeResult, positional_encoding
from core.lab.models.attention import MultiHeadAttention
from core.lab.tasks import BOS, EOS, PAD

MAX_LEN = 256  # positions; TrainConfig limits seq_len to 64, custom inputs stay far below


def _drop(x: Tensor, p: float, training: bool) -> Tensor:
    return F.dropout(x, p, training) if p and training else x  # skip the op entirely at p=0


def _ln(norm: nn.LayerNorm, x: Tensor) -> Tensor:
    # F.layer_norm on the module's parameters: same maths, without nn.Module.__call__ (~3 us each,
    # 10 LayerNorms a step at 2+2 layers); the module stays for state_dict / inspection.
    return F.layer_norm(x, norm.normalized_shape, norm.weight, norm.bias, norm.eps)


class FeedForward(nn.Module):
    """Position-wise ReLU MLP d_model -> d_ff -> d_model."""

    def __init__(self, d: int, d_ff: int, dropout: float) -> None:
        super().__init__()
        self.lin1, self.lin2, self.p = nn.Linear(d, d_ff), nn.Linear(d_ff, d), dropout

    def forward(self, x: Tensor) -> Tensor:
        """(B, T, D) -> (B, T, D)."""
        h = F.relu_(F.linear(x, self.lin1.weight, self.lin1.bias))  # (B, T, d_ff), in place: no extra buffer
        return F.linear(_drop(h, self.p, self.training), self.lin2.weight, self.lin2.bias)


class EncoderLayer(nn.Module):
    """Self-attention + feed-forward, each with residual and LayerNorm (post or pre)."""

    def __init__(self, d: int, h: int, d_ff: int, dropout: float, pre: bool) -> None:
        super().__init__()
        self.self_attn = MultiHeadAttention(d, h, dropout)
        self.ff = FeedForward(d, d_ff, dropout)
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.p, self.pre = dropout, pre

    def forward(self, x: Tensor, mask: Tensor | None, need_weights: bool) -> tuple[Tensor, Tensor | None]:
        """x (B, S, D), additive mask (B, 1, 1, S) or None -> (B, S, D), weights (B, H, S, S)."""
        h = _ln(self.norm1, x) if self.pre else x
        a, w = self.self_attn.attend_packed(self.self_attn.packed_qkv(h), None, mask, need_weights)
        x = x + _drop(a, self.p, self.training)
        if self.pre:
            return x + _drop(self.ff(_ln(self.norm2, x)), self.p, self.training), w
        x = _ln(self.norm1, x)
        return _ln(self.norm2, x + _drop(self.ff(x), self.p, self.training)), w


class DecoderLayer(nn.Module):
    """Masked self-attention, cross-attention over the memory, feed-forward."""

    def __init__(self, d: int, h: int, d_ff: int, dropout: float, pre: bool) -> None:
        super().__init__()
        self.self_attn = MultiHeadAttention(d, h, dropout)
        self.cross_attn = MultiHeadAttention(d, h, dropout)
        self.ff = FeedForward(d, d_ff, dropout)
        self.norm1, self.norm2, self.norm3 = nn.LayerNorm(d), nn.LayerNorm(d), nn.LayerNorm(d)
        self.p, self.pre = dropout, pre

    def forward(
        self,
        x: Tensor,
        mem_kv: Tensor | tuple[Tensor, Tensor],
        self_mask: Tensor | None,
        mem_mask: Tensor | None,
        cache: dict | None = None,
        need_weights: bool = False,
    ) -> tuple[Tensor, Tensor | None, Tensor | None]:
        """x (B, T, D) -> (B, T, D), self weights (B, H, T, T'), cross weights (B, H, T, S).

        `mem_kv`: the memory's keys and values, packed (B, S, 2D) from `cross_attn.packed_kv`
        (training) or split into heads, 2 x (B, H, S, dh) (decoding: made contiguous once).
        With `cache` (a dict with "max_len", filled on the first call) x holds only the new
        positions and the keys/values of earlier ones are reused; then `self_mask` is None (all
        past is visible).
        """
        drop = self.p if self.training else 0.0
        h = _ln(self.norm1, x) if self.pre else x
        if cache is None:
            # Without a cache, a self_mask here is always the square causal mask (see _decode).
            a, w_self = self.self_attn.attend_packed(
                self.self_attn.packed_qkv(h), None, self_mask, need_weights, is_causal=self_mask is not None
            )
        else:
            q, k, v = self.self_attn.project_qkv(h)  # 3 x (B, H, T, dh)
            # Preallocated (B, H, max_len, dh) buffers: writing in place avoids re-copying the
            # whole prefix every step (torch.cat made decoding O(L^2) in memory traffic).
            n, t = cache.get("n", 0), k.shape[2]
            if "k" not in cache:
                size = (k.shape[0], k.shape[1], cache["max_len"], k.shape[3])
                cache["k"], cache["v"] = k.new_empty(size), v.new_empty(size)
            cache["k"][:, :, n : n + t] = k
            cache["v"][:, :, n : n + t] = v
            cache["n"] = n + t
            k, v = cache["k"][:, :, : n + t], cache["v"][:, :, : n + t]  # (B, H, T', dh) views
            a, w_self = self.self_attn.attend(q, k, v, self_mask, need_weights)
        x = x + _drop(a, drop, True)
        if not self.pre:
            x = _ln(self.norm1, x)
        h = _ln(self.norm2, x) if self.pre else x
        if isinstance(mem_kv, Tensor):
            a, w_cross = self.cross_attn.attend_packed(
                self.cross_attn.packed_q(h), mem_kv, mem_mask, need_weights
            )
        else:
            a, w_cross = self.cross_attn.attend(self.cross_attn.project_q(h), *mem_kv, mem_mask, need_weights)
        x = x + _drop(a, drop, True)
        if not self.pre:
            x = _ln(self.norm2, x)
        h = _ln(self.norm3, x) if self.pre else x
        x = x + _drop(self.ff(h), drop, True)
        return (x if self.pre else _ln(self.norm3, x)), w_self, w_cross


class TransformerSeq2Seq(nn.Module):
    """Encoder-decoder Transformer; attributes: src_emb, tgt_emb, pos (buffer or pos_emb), encoder_layers, decoder_layers, out."""

    def __init__(self, cfg: ModelConfig, src_vocab: int, tgt_vocab: int) -> None:
        super().__init__()
        d, pre = cfg.d_model, cfg.norm == "pre"
        self.cfg, self.d_model, self.p = cfg, d, cfg.dropout
        self.src_emb, self.tgt_emb = nn.Embedding(src_vocab, d), nn.Embedding(tgt_vocab, d)
        # Paper: embeddings are multiplied by sqrt(d); std d^-1/2 makes the product unit-scale like PE.
        for emb in (self.src_emb, self.tgt_emb):
            nn.init.normal_(emb.weight, std=d**-0.5)
        self.emb_scale = math.sqrt(d)
        if cfg.pos_encoding == "learned":
            self.pos_emb = nn.Parameter(torch.randn(MAX_LEN, d) * 0.1)  # (L, D)
        else:
            self.register_buffer("pe", positional_encoding(MAX_LEN, d), persistent=False)  # (L, D)
        self.encoder_layers = nn.ModuleList(
            EncoderLayer(d, cfg.n_heads, cfg.d_ff, cfg.dropout, pre) for _ in range(cfg.n_layers)
        )
        self.decoder_layers = nn.ModuleList(
            DecoderLayer(d, cfg.n_heads, cfg.d_ff, cfg.dropout, pre) for _ in range(cfg.n_layers)
        )
        # Pre-LN leaves the residual stream un-normalised, so it ends with a final LayerNorm each side.
        self.enc_norm = nn.LayerNorm(d) if pre else nn.Identity()
        self.dec_norm = nn.LayerNorm(d) if pre else nn.Identity()
        self.out = nn.Linear(d, tgt_vocab)
        self._causal: dict[tuple, Tensor] = {}

    def positions(self, start: int, length: int) -> Tensor:
        """Position encodings for positions start..start+length-1: (length, D)."""
        table = self.pos_emb if self.cfg.pos_encoding == "learned" else self.pe
        return table[start : start + length]

    def embed_src(self, src: Tensor) -> Tensor:
        """Source tokens (B, S) -> scaled embeddings + positions (B, S, D)."""
        # pe + scale * emb in one op (torch.add's alpha) instead of a mul and an add.
        x = torch.add(self.positions(0, src.shape[1]), self.src_emb(src), alpha=self.emb_scale)  # (B, S, D)
        return _drop(x, self.p, self.training)

    def embed_tgt(self, tgt: Tensor, start: int = 0) -> Tensor:
        """Target tokens (B, T) at positions start.. -> (B, T, D)."""
        x = torch.add(
            self.positions(start, tgt.shape[1]), self.tgt_emb(tgt), alpha=self.emb_scale
        )  # (B, T, D)
        return _drop(x, self.p, self.training)

    def src_mask(self, src: Tensor) -> Tensor | None:
        """Additive key-padding mask (B, 1, 1, S), or None when no source token is PAD."""
        pad = src == PAD  # (B, S)
        if not src.is_cuda and not bool(pad.any()):  # CPU: the check is free and skips mask adds
            return None
        return torch.zeros(pad.shape, dtype=self.out.weight.dtype, device=src.device).masked_fill_(
            pad, float("-inf")
        )[:, None, None, :]  # (B, 1, 1, S)

    def causal_mask(self, t: int, device: torch.device) -> Tensor:
        """Additive causal mask (T, T): -inf above the diagonal; cached per length/device."""
        key = (t, device, self.out.weight.dtype)
        if key not in self._causal:
            blocked = torch.ones(t, t, dtype=torch.bool, device=device).triu(1)
            self._causal[key] = torch.zeros(t, t, dtype=key[2], device=device).masked_fill_(
                blocked, float("-inf")
            )
        return self._causal[key]

    def _encode(self, x: Tensor, mask: Tensor | None, need_weights: bool) -> tuple[Tensor, list]:
        weights = []
        for layer in self.encoder_layers:
            x, w = layer(x, mask, need_weights)
            weights.append(w)
        return self.enc_norm(x), weights  # (B, S, D)

    def encode(self, src: Tensor, src_emb: Tensor | None = None) -> Tensor:
        """Memory (B, S, D); pass `src_emb` (from embed_src, e.g. requiring grad) to hook in."""
        x = self.embed_src(src) if src_emb is None else src_emb
        return self._encode(x, self.src_mask(src), False)[0]

    def _decode(
        self, tgt_in: Tensor, memory: Tensor, mem_mask: Tensor | None, need_weights: bool = False
    ) -> tuple[Tensor, list, list]:
        x = self.embed_tgt(tgt_in)  # (B, T, D)
        causal = self.causal_mask(tgt_in.shape[1], tgt_in.device)  # (T, T)
        ws, wc = [], []
        for layer in self.decoder_layers:
            kv = layer.cross_attn.packed_kv(memory)  # (B, S, 2D)
            x, w_self, w_cross = layer(x, kv, causal, mem_mask, None, need_weights)
            ws.append(w_self)
            wc.append(w_cross)
        return self.out(self.dec_norm(x)), ws, wc  # (B, T, V)

    def forward(self, src: Tensor, tgt_in: Tensor) -> Tensor:
        """Teacher-forced logits (B, T, V)."""
        mask = self.src_mask(src)
        memory, _ = self._encode(self.embed_src(src), mask, False)
        return self._decode(tgt_in, memory, mask)[0]

    @torch.no_grad()
    def greedy_decode(
        self,
        src: Tensor,
        max_len: int,
        stop_at_eos: bool = True,
        use_cache: bool = True,
        need_weights: bool = True,
    ) -> DecodeResult:
        """Greedy generation of up to `max_len` tokens, with a key/value cache unless use_cache=False."""
        was_training = self.training
        self.eval()
        try:
            return self._greedy(src, max_len, stop_at_eos, use_cache, need_weights)
        finally:
            self.train(was_training)

    def _greedy(
        self, src: Tensor, max_len: int, stop_at_eos: bool, use_cache: bool, need_weights: bool
    ) -> DecodeResult:
        b = src.shape[0]
        mask = self.src_mask(src)
        memory, enc_w = self._encode(self.embed_src(src), mask, need_weights)  # (B, S, D)
        # Contiguous once: the head-split views would otherwise be copied by every step's matmul.
        mem_kv = [
            tuple(t.contiguous() for t in layer.cross_attn.project_kv(memory))
            for layer in self.decoder_layers
        ]
        ys = torch.full((b, 1), BOS, dtype=torch.long, device=src.device)  # (B, 1)
        done = torch.zeros(b, dtype=torch.bool, device=src.device)
        caches: list[dict] = [{"max_len": max_len} for _ in self.decoder_layers]
        ws_steps: list[list] = [[] for _ in self.decoder_layers]
        wc_steps: list[list] = [[] for _ in self.decoder_layers]
        ws_full = wc_full = None
        for t in range(max_len):
            if use_cache:
                x = self.embed_tgt(ys[:, -1:], start=t)  # (B, 1, D): only the newest position
                for i, layer in enumerate(self.decoder_layers):
                    x, w_self, w_cross = layer(x, mem_kv[i], None, mask, caches[i], need_weights)
                    ws_steps[i].append(w_self)
                    wc_steps[i].append(w_cross)
                logits = self.out(self.dec_norm(x))[:, -1]  # (B, V)
            else:  # re-run the decoder on the whole prefix (the benchmark's no-cache baseline)
                x = self.embed_tgt(ys)  # (B, t+1, D)
                causal = self.causal_mask(t + 1, src.device)
                ws_full, wc_full = [], []
                for i, layer in enumerate(self.decoder_layers):
                    x, w_self, w_cross = layer(x, mem_kv[i], causal, mask, None, need_weights)
                    ws_full.append(w_self)
                    wc_full.append(w_cross)
                logits = self.out(self.dec_norm(x[:, -1:]))[:, -1]  # (B, V)
            nxt = logits.argmax(-1).masked_fill(done, PAD)  # (B,)
            ys = torch.cat([ys, nxt[:, None]], dim=1)
            done = done | (nxt == EOS)
            if stop_at_eos and bool(done.all()):
                break
        tokens = ys[:, 1:]  # (B, T)
        attention: dict[str, Tensor] = {}
        if need_weights:
            n = tokens.shape[1]
            for i in range(len(self.decoder_layers)):
                attention[f"enc_self/{i}"] = enc_w[i]  # (B, H, S, S)
                if use_cache:
                    # Step t attended to t+1 positions: pad each row to T so the map is (B, H, T, T).
                    rows = [F.pad(w, (0, n - w.shape[-1])) for w in ws_steps[i]]
                    attention[f"dec_self/{i}"] = torch.cat(rows, dim=2)  # (B, H, T, T)
                    attention[f"cross/{i}"] = torch.cat(wc_steps[i], dim=2)  # (B, H, T, S)
                else:
                    attention[f"dec_self/{i}"] = ws_full[i]  # (B, H, T, T)
                    attention[f"cross/{i}"] = wc_full[i]  # (B, H, T, S)
        return DecodeResult(tokens, attention)
