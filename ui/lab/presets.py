"""Tab defaults and the seminar presets (`?preset=<name>`, names from ui.links.LAB_PRESETS).

A preset fills one or more model tabs and opens the first; its story (ko/en, in the catalog as
"lab.page.preset.<name>.story") tells the room what to watch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.lab.config import ModelConfig, TrainConfig, replace

MODEL_TABS = ("rnn", "lstm", "gru", "transformer")
TABS = (*MODEL_TABS, "compare")
TAB_LABELS = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU", "transformer": "Transformer"}


def tab_default(tab: str) -> TrainConfig:
    """The starting config of a model tab: sized so a run takes seconds on a laptop CPU."""
    if tab == "transformer":
        return TrainConfig(task="reverse", seq_len=8, vocab_size=10, steps=300, batch_size=64, lr=1e-3,
                           eval_every=20, probe_every=20,
                           model=ModelConfig(kind="transformer", d_model=64, n_layers=2, n_heads=2, d_ff=128))
    return TrainConfig(task="reverse", seq_len=8, vocab_size=10, steps=600, batch_size=64, lr=3e-3,
                       eval_every=30, probe_every=30,
                       model=ModelConfig(kind=tab, emb_dim=32, hidden=64, n_layers=1, attention="dot"))


@dataclass(frozen=True)
class Preset:
    """Configs for some tabs (the first one opens) and an optional view to open with them."""

    name: str
    configs: dict[str, TrainConfig] = field(default_factory=dict)
    view: str | None = None  # "pe": show the positional encoding chart open


def _recall(tab: str) -> TrainConfig:
    # 24 tokens: the answer sits behind 23 distractors; no attention, or it would just look back.
    return replace(tab_default(tab), task="recall", seq_len=24, vocab_size=8, steps=800, lr=3e-3,
                   eval_every=40, probe_every=40, **{"model.attention": "none"})


def _reverse_lstm(attention: str) -> TrainConfig:
    return replace(tab_default("lstm"), task="reverse", seq_len=12, steps=800, eval_every=40,
                   probe_every=40, **{"model.attention": attention})


PRESETS: dict[str, Preset] = {
    "rnn_basics": Preset("rnn_basics", {"rnn": replace(tab_default("rnn"), task="copy", seq_len=6,
                                                       vocab_size=8, steps=500)}),
    "long_term_dependency": Preset("long_term_dependency",
                                   {"rnn": _recall("rnn"), "lstm": _recall("lstm"), "gru": _recall("gru")}),
    "seq2seq_attention": Preset("seq2seq_attention", {"lstm": _reverse_lstm("none")}),
    "transformer_reverse": Preset("transformer_reverse", {"transformer": tab_default("transformer")}),
    "positional_encoding": Preset("positional_encoding", {"transformer": tab_default("transformer")}, view="pe"),
    "translate_en_ko": Preset("translate_en_ko", {"transformer": replace(
        tab_default("transformer"), task="translate", steps=400, lr=1e-3, eval_every=25, probe_every=25)}),
}


def preset_tab(name: str) -> str:
    """The tab a preset opens."""
    return next(iter(PRESETS[name].configs))
