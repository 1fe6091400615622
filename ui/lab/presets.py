"""Tab defaults and the seminar presets (`?preset=<name>`, names from ui.shell.links.LAB_PRESETS).

A preset fills one or more model tabs and opens the first; its story (ko/en, in the catalog as
"lab.page.preset.<name>.story") tells the room what to watch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.lab.config import ModelConfig, TrainConfig, replace

try:  # the engine's proven seminar configs
    from core.lab.config import PRESETS as ENGINE_PRESETS
except ImportError:  # pragma: no cover
    ENGINE_PRESETS = {}

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


def _engine(name: str, fallback: TrainConfig) -> TrainConfig:
    """A config from the engine's PRESETS (proven by tests/core/lab/test_teaching.py), if present."""
    return ENGINE_PRESETS.get(name, fallback)


def _recall(tab: str) -> TrainConfig:
    # The answer sits behind 20 distractors; no attention, or the decoder would just look back.
    return _engine(f"recall-{tab}", replace(tab_default(tab), task="recall", seq_len=21, steps=300,
                                            eval_every=50, probe_every=50, **{"model.attention": "none"}))


_REVERSE_LSTM = replace(tab_default("lstm"), seq_len=16, steps=200, eval_every=25, probe_every=25,
                        **{"model.attention": "none"})
_TRANSFORMER = _engine("reverse10-transformer", replace(tab_default("transformer"), seq_len=10, steps=150,
                                                        eval_every=25, probe_every=25))

PRESETS: dict[str, Preset] = {
    "rnn_basics": Preset("rnn_basics", {"rnn": replace(tab_default("rnn"), task="copy", seq_len=6,
                                                       vocab_size=8, steps=500)}),
    "long_term_dependency": Preset("long_term_dependency",
                                   {"rnn": _recall("rnn"), "lstm": _recall("lstm"), "gru": _recall("gru")}),
    # Without attention first; the story asks to switch to "dot" (the engine's reverse16-lstm-dot).
    "seq2seq_attention": Preset("seq2seq_attention", {"lstm": _engine("reverse16-lstm-none", _REVERSE_LSTM)}),
    "transformer_reverse": Preset("transformer_reverse", {"transformer": _TRANSFORMER}),
    "positional_encoding": Preset("positional_encoding", {"transformer": _TRANSFORMER}, view="pe"),
    "translate_en_ko": Preset("translate_en_ko", {"transformer": _engine("translate-transformer", replace(
        tab_default("transformer"), task="translate", steps=300, eval_every=25, probe_every=25))}),
}


def preset_tab(name: str) -> str:
    """The tab a preset opens."""
    return next(iter(PRESETS[name].configs))
