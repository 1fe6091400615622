"""Seq2seq encoder-decoder on nn.RNN / nn.LSTM / nn.GRU with attention none / dot / additive.

- "none": the decoder starts from the encoder's final state and sees nothing else: the
  fixed-size bottleneck that motivated attention.
- "dot" (Luong et al. 2015, dot score, no input feeding): scores = h_t . h_s over the encoder
  outputs, then h~_t = tanh(W_c [c_t; h_t]). Without input feeding the decoder RNN does not
  depend on the attention, so training runs it in ONE cuDNN/oneDNN call over the whole target.
- "additive" (Bahdanau et al. 2015): e_ts = v . tanh(W_q s_{t-1} + W_k h_s); the context is an
  input of the next RNN step, so the decoder must loop over time steps.

Inspection hooks (core/lab/introspect.py): `model.encoder.embedding` (nn.Embedding),
`model.encoder.rnn` (the nn.RNN / nn.LSTM / nn.GRU, batch_first, weights weight_ih_l{k} etc.),
`model.embed_src(src) -> (B, S, E)`, `model.encode(src, src_emb=None) -> (outputs (B, S, H), state)`.
Source padding is not packed (speed); attention masks PAD keys, and the encoder learns to carry its
state over trailing PADs.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from core.lab.config import ModelConfig
from core.lab.models import DecodeResult
from core.lab.tasks import BOS, EOS, PAD

RNN_CLASSES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
LSTM_FORGET_BIAS = 3.0


def _rnn(kind: str, inp: int, hidden: int, layers: int, dropout: float) -> nn.RNNBase:
    rnn = RNN_CLASSES[kind](inp, hidden, layers, batch_first=True, dropout=dropout if layers > 1 else 0.0)
    if kind == "lstm":
        # Forget-gate bias (Gers et al. 2000; Jozefowicz et al. 2015): remember by default. With 1.0,
        # f ~ 0.73 and 0.73^20 ~ 0.002 of the gradient crossed 20 recall distractors, so the LSTM sat on
        # a plateau for 400+ steps on most seeds; 3.0 (f ~ 0.95) learned recall-21 in ~100 steps on
        # every seed we tried. torch orders the gates i, f, g, o.
        with torch.no_grad():
            for name, p in rnn.named_parameters():
                if name.startswith("bias_ih"):
                    p[hidden : 2 * hidden].fill_(LSTM_FORGET_BIAS)
                elif name.startswith("bias_hh"):
                    p[hidden : 2 * hidden].fill_(0.0)
    return rnn


class Encoder(nn.Module):
    """Source embedding + RNN; `rnn` is the torch module whose gates introspect.py recomputes."""

    def __init__(self, cfg: ModelConfig, vocab: int) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab, cfg.emb_dim)
        self.rnn = _rnn(cfg.kind, cfg.emb_dim, cfg.hidden, cfg.n_layers, cfg.dropout)


class Decoder(nn.Module):
    """Target embedding + RNN (+ attention layers) + output projection."""

    def __init__(self, cfg: ModelConfig, vocab: int) -> None:
        super().__init__()
        h, e = cfg.hidden, cfg.emb_dim
        self.embedding = nn.Embedding(vocab, e)
        extra = h if cfg.attention == "additive" else 0  # Bahdanau feeds the context into the RNN
        self.rnn = _rnn(cfg.kind, e + extra, h, cfg.n_layers, cfg.dropout)
        if cfg.attention == "additive":
            self.w_query = nn.Linear(h, h, bias=False)
            self.w_key = nn.Linear(h, h)
            self.v = nn.Linear(h, 1, bias=False)
        if cfg.attention != "none":
            self.combine = nn.Linear(2 * h, h)  # h~ = tanh(W_c [c; h])
        self.out = nn.Linear(h, vocab)


class RNNSeq2Seq(nn.Module):
    """Seq2seq RNN-family model: `encoder` (embedding, rnn) and `decoder` (embedding, rnn, out)."""

    def __init__(self, cfg: ModelConfig, src_vocab: int, tgt_vocab: int) -> None:
        super().__init__()
        self.cfg, self.kind, self.attention, self.p = cfg, cfg.kind, cfg.attention, cfg.dropout
        self.encoder = Encoder(cfg, src_vocab)
        self.decoder = Decoder(cfg, tgt_vocab)

    def _drop(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.training) if self.p and self.training else x

    def embed_src(self, src: Tensor) -> Tensor:
        """Source tokens (B, S) -> embeddings (B, S, E)."""
        return self._drop(self.encoder.embedding(src))

    def encode(
        self, src: Tensor, src_emb: Tensor | None = None
    ) -> tuple[Tensor, Tensor | tuple[Tensor, Tensor]]:
        """Encoder outputs (B, S, H) and final state (h (L, B, H), or (h, c) for LSTM)."""
        x = self.embed_src(src) if src_emb is None else src_emb
        return self.encoder.rnn(x)

    def _mask(self, src: Tensor) -> Tensor:
        """Additive PAD mask (B, 1, S) for the attention scores."""
        return torch.zeros(src.shape, dtype=self.decoder.out.weight.dtype, device=src.device).masked_fill_(
            src == PAD, float("-inf")
        )[:, None, :]  # (B, 1, S)

    def _dot(self, h: Tensor, enc: Tensor, mask: Tensor) -> tuple[Tensor, Tensor]:
        """Luong dot attention: decoder states (B, T, H) over encoder outputs (B, S, H)."""
        scores = torch.bmm(h, enc.transpose(1, 2)) + mask  # (B, T, S)
        w = torch.softmax(scores, dim=-1)  # (B, T, S)
        ctx = torch.bmm(w, enc)  # (B, T, H)
        return torch.tanh(self.decoder.combine(torch.cat([ctx, h], dim=-1))), w  # (B, T, H)

    def _additive_step(
        self, emb_t: Tensor, state, keys: Tensor, enc: Tensor, mask: Tensor
    ) -> tuple[Tensor, object, Tensor]:
        """One Bahdanau step: emb_t (B, 1, E) -> attentional output (B, 1, H), new state, weights (B, 1, S)."""
        dec = self.decoder
        s_prev = (state[0] if self.kind == "lstm" else state)[-1]  # (B, H): top layer
        e = dec.v(torch.tanh(dec.w_query(s_prev)[:, None, :] + keys)).squeeze(-1)  # (B, S)
        w = torch.softmax(e[:, None, :] + mask, dim=-1)  # (B, 1, S)
        ctx = torch.bmm(w, enc)  # (B, 1, H)
        out, state = dec.rnn(torch.cat([emb_t, ctx], dim=-1), state)  # (B, 1, H)
        return torch.tanh(dec.combine(torch.cat([ctx, out], dim=-1))), state, w

    def forward(self, src: Tensor, tgt_in: Tensor) -> Tensor:
        """Teacher-forced logits (B, T, V)."""
        enc, state = self.encode(src)  # (B, S, H)
        emb = self._drop(self.decoder.embedding(tgt_in))  # (B, T, E)
        if self.attention == "additive":
            mask, keys = self._mask(src), self.decoder.w_key(enc)  # (B, 1, S), (B, S, H)
            outs = []
            for t in range(tgt_in.shape[1]):  # unavoidable: the context feeds the next RNN input
                o, state, _ = self._additive_step(emb[:, t : t + 1], state, keys, enc, mask)
                outs.append(o)
            h = torch.cat(outs, dim=1)  # (B, T, H)
        else:
            h, _ = self.decoder.rnn(emb, state)  # (B, T, H): one call over the whole target
            if self.attention == "dot":
                h, _ = self._dot(h, enc, self._mask(src))
        return self.decoder.out(self._drop(h))  # (B, T, V)

    @torch.no_grad()
    def greedy_decode(
        self,
        src: Tensor,
        max_len: int,
        stop_at_eos: bool = True,
        need_weights: bool = True,
        use_cache: bool = True,
    ) -> DecodeResult:
        """Greedy generation of up to `max_len` tokens (the RNN state is its own cache)."""
        was_training = self.training
        self.eval()
        try:
            return self._greedy(src, max_len, stop_at_eos)
        finally:
            self.train(was_training)

    def _greedy(self, src: Tensor, max_len: int, stop_at_eos: bool) -> DecodeResult:
        b = src.shape[0]
        enc, state = self.encode(src)  # (B, S, H)
        mask = self._mask(src)
        keys = self.decoder.w_key(enc) if self.attention == "additive" else None
        y = torch.full((b, 1), BOS, dtype=torch.long, device=src.device)  # (B, 1)
        done = torch.zeros(b, dtype=torch.bool, device=src.device)
        tokens, weights = [], []
        for _ in range(max_len):
            emb = self.decoder.embedding(y)  # (B, 1, E)
            if self.attention == "additive":
                h, state, w = self._additive_step(emb, state, keys, enc, mask)
            else:
                h, state = self.decoder.rnn(emb, state)  # (B, 1, H)
                w = None
                if self.attention == "dot":
                    h, w = self._dot(h, enc, mask)
            if w is not None:
                weights.append(w)  # (B, 1, S)
            y = self.decoder.out(h).argmax(-1).masked_fill(done[:, None], PAD)  # (B, 1)
            tokens.append(y)
            done = done | (y[:, 0] == EOS)
            if stop_at_eos and bool(done.all()):
                break
        attention = {"cross": torch.cat(weights, dim=1)[:, None]} if weights else {}  # (B, 1, T, S)
        return DecodeResult(torch.cat(tokens, dim=1), attention)
