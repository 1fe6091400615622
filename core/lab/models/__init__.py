"""The Lab's model factory and what every model shares.

Every model maps `forward(src (B, S), tgt_in (B, T)) -> logits (B, T, V)` with teacher forcing,
and `greedy_decode(src, max_len, stop_at_eos=True) -> DecodeResult` for generation. The two
families live in `rnn.py` (seq2seq on nn.RNN / nn.LSTM / nn.GRU, attention none / dot /
additive) and `transformer.py` (encoder-decoder Transformer on our MultiHeadAttention).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import Tensor, nn

from core.lab.config import ModelConfig


@dataclass(frozen=True)
class DecodeResult:
    """Greedy output: `tokens` (B, T) without BOS (PAD after EOS) and named attention maps.

    `attention` maps a name to weights (B, H, Tq, Tk): RNN family "cross" (H=1) when it has
    attention; Transformer "enc_self/{i}", "dec_self/{i}", "cross/{i}" for every layer i.
    """

    tokens: Tensor
    attention: dict[str, Tensor] = field(default_factory=dict)

    def cpu(self) -> DecodeResult:
        """A detached CPU copy (safe to keep across training steps and threads)."""
        return DecodeResult(
            self.tokens.detach().cpu(), {k: v.detach().cpu() for k, v in self.attention.items()}
        )


def positional_encoding(max_len: int, d_model: int) -> Tensor:
    """Sinusoidal encoding of "Attention Is All You Need": PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(...)."""
    pos = torch.arange(max_len, dtype=torch.float32)[:, None]  # (L, 1)
    div = torch.exp(
        torch.arange(0, d_model, 2, dtype=torch.float32) * (-math.log(10000.0) / d_model)
    )  # (ceil(D/2),)
    pe = torch.zeros(max_len, d_model)  # (L, D)
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div[: d_model // 2])  # odd D: one fewer cos column
    return pe


def n_params(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def make_model(model_cfg: ModelConfig, src_vocab_size: int, tgt_vocab_size: int) -> nn.Module:
    """Build the model a validated ModelConfig describes (validated where the config entered)."""
    if model_cfg.kind == "transformer":
        from core.lab.models.transformer import TransformerSeq2Seq

        return TransformerSeq2Seq(model_cfg, src_vocab_size, tgt_vocab_size)
    from core.lab.models.rnn import RNNSeq2Seq

    return RNNSeq2Seq(model_cfg, src_vocab_size, tgt_vocab_size)


def __getattr__(name: str):
    # The families import DecodeResult / positional_encoding from here, so they load lazily.
    if name == "RNNSeq2Seq":
        from core.lab.models.rnn import RNNSeq2Seq

        return RNNSeq2Seq
    if name == "TransformerSeq2Seq":
        from core.lab.models.transformer import TransformerSeq2Seq

        return TransformerSeq2Seq
    raise AttributeError(name)


__all__ = [
    "DecodeResult",
    "make_model",
    "n_params",
    "positional_encoding",
]  # + RNNSeq2Seq, TransformerSeq2Seq (lazy)
