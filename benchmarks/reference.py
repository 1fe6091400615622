"""Reference models for the benchmark (PyTorch built-ins at our sizes) and peak-memory probes.

The references do the same arithmetic as our models so steps/s compare implementations, not
architectures: RNN family = encoder nn.RNN/LSTM/GRU -> final state -> decoder of the same kind
-> Linear (our attention="none"); Transformer = nn.Transformer (post-LN, dropout 0, batch_first)
with the same scaled embeddings, sinusoidal positions and output layer as ours. nn.Transformer
adds a final LayerNorm to its encoder and decoder stacks (ours has none in post-LN): two extra
LayerNorms of (B, T, 64), a few percent of a step.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from core.lab.models import DecodeResult, positional_encoding
from core.lab.tasks import BOS, EOS, PAD


def _greedy_loop(step_fn, src: Tensor, max_len: int, stop_at_eos: bool) -> DecodeResult:
    """Shared greedy loop: `step_fn(ys (B, t)) -> logits (B, V)` for the next token."""
    b = src.shape[0]
    ys = torch.full((b, 1), BOS, dtype=torch.long, device=src.device)  # (B, 1)
    done = torch.zeros(b, dtype=torch.bool, device=src.device)
    for _ in range(max_len):
        nxt = step_fn(ys).argmax(-1).masked_fill(done, PAD)  # (B,)
        ys = torch.cat([ys, nxt[:, None]], dim=1)
        done = done | (nxt == EOS)
        if stop_at_eos and bool(done.all()):
            break
    return DecodeResult(ys[:, 1:])


class RefTransformer(nn.Module):
    """nn.Transformer seq2seq with our embedding / position / output layers."""

    def __init__(self, n_src: int, n_tgt: int, d: int, heads: int, layers: int, d_ff: int) -> None:
        super().__init__()
        self.src_emb, self.tgt_emb = nn.Embedding(n_src, d), nn.Embedding(n_tgt, d)
        self.scale = math.sqrt(d)
        self.register_buffer("pe", positional_encoding(256, d), persistent=False)  # (L, D)
        self.tf = nn.Transformer(d, heads, layers, layers, d_ff, dropout=0.0, batch_first=True)
        self.out = nn.Linear(d, n_tgt)
        # Our embedding init (std d^-1/2, so emb * sqrt(d) is unit-scale like the PE): with torch's
        # default N(0, 1) the scaled embeddings (std 8) drown the positions and reverse-10 took
        # ~30x more steps, which would measure an init choice, not the implementation.
        for emb in (self.src_emb, self.tgt_emb):
            nn.init.normal_(emb.weight, std=d**-0.5)

    def _embed(self, emb: nn.Embedding, x: Tensor) -> Tensor:
        return emb(x) * self.scale + self.pe[: x.shape[1]]  # (B, T, D)

    def _pad_mask(self, src: Tensor) -> Tensor | None:
        pad = src == PAD  # (B, S)
        return pad if bool(pad.any()) else None  # same shortcut as ours: no mask work without PAD

    def _memory(self, src: Tensor, pad: Tensor | None) -> Tensor:
        return self.tf.encoder(self._embed(self.src_emb, src), src_key_padding_mask=pad)  # (B, S, D)

    def _dec(self, ys: Tensor, memory: Tensor, pad: Tensor | None) -> Tensor:
        t = ys.shape[1]
        causal = nn.Transformer.generate_square_subsequent_mask(t, device=ys.device)  # (T, T)
        return self.tf.decoder(
            self._embed(self.tgt_emb, ys),
            memory,
            tgt_mask=causal,
            tgt_is_causal=True,
            memory_key_padding_mask=pad,
        )  # (B, T, D)

    def forward(self, src: Tensor, tgt_in: Tensor) -> Tensor:
        """Teacher-forced logits (B, T, V)."""
        pad = self._pad_mask(src)
        return self.out(self._dec(tgt_in, self._memory(src, pad), pad))

    @torch.no_grad()
    def greedy_decode(self, src: Tensor, max_len: int, stop_at_eos: bool = True, **_: object) -> DecodeResult:
        """Greedy decoding that re-runs the decoder on the whole prefix (nn.Transformer has no cache)."""
        was = self.training
        self.eval()
        try:
            pad = self._pad_mask(src)
            memory = self._memory(src, pad)
            return _greedy_loop(
                lambda ys: self.out(self._dec(ys, memory, pad)[:, -1]), src, max_len, stop_at_eos
            )
        finally:
            self.train(was)


class RefRNNSeq2Seq(nn.Module):
    """Encoder-decoder on a torch RNN class, no attention: the fixed-context seq2seq."""

    def __init__(self, kind: str, n_src: int, n_tgt: int, emb: int, hidden: int, layers: int) -> None:
        super().__init__()
        cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind]
        self.src_emb, self.tgt_emb = nn.Embedding(n_src, emb), nn.Embedding(n_tgt, emb)
        self.enc = cls(emb, hidden, layers, batch_first=True)
        self.dec = cls(emb, hidden, layers, batch_first=True)
        self.out = nn.Linear(hidden, n_tgt)

    def forward(self, src: Tensor, tgt_in: Tensor) -> Tensor:
        """Teacher-forced logits (B, T, V)."""
        _, state = self.enc(self.src_emb(src))
        h, _ = self.dec(self.tgt_emb(tgt_in), state)  # (B, T, H)
        return self.out(h)

    @torch.no_grad()
    def greedy_decode(self, src: Tensor, max_len: int, stop_at_eos: bool = True, **_: object) -> DecodeResult:
        """Greedy decoding carrying the RNN state."""
        _, state = self.enc(self.src_emb(src))
        box = {"state": state}

        def step(ys: Tensor) -> Tensor:
            h, box["state"] = self.dec(self.tgt_emb(ys[:, -1:]), box["state"])  # (B, 1, H)
            return self.out(h[:, -1])  # (B, V)

        return _greedy_loop(step, src, max_len, stop_at_eos)


def _proc_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def peak_begin(device: torch.device) -> int:
    """Start a peak-memory window: resets the high-water mark; returns the baseline (bytes)."""
    if device.type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats(device)
        return torch.cuda.memory_allocated(device)
    try:  # Linux: "5" resets VmHWM (peak RSS) to the current RSS
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        pass
    return _proc_kib("VmRSS") * 1024


def peak_end(device: torch.device, base: int) -> float:
    """Peak memory above `base` since peak_begin, in MiB (CUDA allocator or process RSS)."""
    if device.type == "cuda":
        torch.cuda.synchronize()
        return (torch.cuda.max_memory_allocated(device) - base) / 2**20
    return max(0, _proc_kib("VmHWM") * 1024 - base) / 2**20
