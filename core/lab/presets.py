"""The Model Lab's presets and tab defaults: the one registry every reader uses.

- `tab_default(tab)`: the starting config of each model tab, i.e. the Lab's default model sizes.
- `PROVEN`: the engine's seminar configs, each proven by tests/core/lab/test_teaching.py (seconds
  on one CPU thread); the presets below use them.
- `PRESETS`: the seminar presets (`?preset=<name>`): configs per tab (the first tab opens), the
  demo curriculum's week that teaches it, an optional view; title and story are the catalog keys
  `Preset.title_key` / `Preset.story_key` (core/lab/catalog/page.py).

Readers: the Lab page (ui/lab), the Home card (`HOME`), the curriculum week form's validation
(core/curriculum/weeks.py), the demo seed (db/seeds/curriculum.py) and the tests. No Streamlit,
no torch: configs are plain frozen dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.lab.config import RNN_KINDS, ModelConfig, TrainConfig, replace

MODEL_TABS = ("rnn", "lstm", "gru", "transformer")
TABS = (*MODEL_TABS, "compare")
TAB_LABELS = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU", "transformer": "Transformer"}

# --- tab defaults: sized so a run takes seconds on a laptop CPU ------------------------------------
_RNN_MODEL = {"emb_dim": 32, "hidden": 64, "n_layers": 1, "attention": "dot"}
_TRANSFORMER_MODEL = {"d_model": 64, "n_layers": 2, "n_heads": 2, "d_ff": 128}
TAB_DEFAULTS: dict[str, TrainConfig] = {
    **{
        kind: TrainConfig(
            task="reverse",
            seq_len=8,
            vocab_size=10,
            steps=600,
            batch_size=64,
            lr=3e-3,
            eval_every=30,
            probe_every=30,
            model=ModelConfig(kind=kind, **_RNN_MODEL),
        )
        for kind in RNN_KINDS
    },
    "transformer": TrainConfig(
        task="reverse",
        seq_len=8,
        vocab_size=10,
        steps=300,
        batch_size=64,
        lr=1e-3,
        eval_every=20,
        probe_every=20,
        model=ModelConfig(kind="transformer", **_TRANSFORMER_MODEL),
    ),
}


def tab_default(tab: str) -> TrainConfig:
    """The starting config of a model tab (KeyError for a tab without one, e.g. "compare")."""
    return TAB_DEFAULTS[tab]


# --- the engine's proven configs ---------------------------------------------------------------------
def _proven(
    task: str, seq_len: int, steps: int, lr: float, eval_every: int = 25, **model: Any
) -> TrainConfig:
    return TrainConfig(
        task=task,
        seq_len=seq_len,
        steps=steps,
        lr=lr,
        eval_every=eval_every,
        probe_every=eval_every,
        model=ModelConfig(**model),
    )


PROVEN: dict[str, TrainConfig] = {
    # 99% held-out token accuracy after ~90-100 steps (~2.5 s).
    "reverse10-transformer": _proven("reverse", 10, 150, 1e-3),
    # Attention vs the fixed-context bottleneck, equal steps: ~99% vs ~35% token accuracy (~2 s each).
    "reverse16-lstm-dot": _proven("reverse", 16, 200, 3e-3, kind="lstm", attention="dot"),
    "reverse16-lstm-none": _proven("reverse", 16, 200, 3e-3, kind="lstm", attention="none"),
    "reverse16-lstm-additive": _proven("reverse", 16, 300, 3e-3, kind="lstm", attention="additive"),
    # Long-term dependency: answer the first of 21 tokens. LSTM/GRU ~100%, plain RNN ~chance (10%).
    "recall-rnn": _proven("recall", 21, 300, 3e-3, eval_every=50, kind="rnn", attention="none"),
    "recall-lstm": _proven("recall", 21, 300, 3e-3, eval_every=50, kind="lstm", attention="none"),
    "recall-gru": _proven("recall", 21, 300, 3e-3, eval_every=50, kind="gru", attention="none"),
    # English -> Korean word order: ~99% held-out sentences after ~250 steps (~3 s).
    "translate-transformer": _proven("translate", 10, 300, 1e-3),
}


# --- seminar presets -----------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Preset:
    """Configs for some tabs (the first one opens), the curriculum week it belongs to, a view."""

    name: str
    configs: dict[str, TrainConfig]
    week: int | None = None  # the demo curriculum's week (db/seeds/curriculum.py) that uses it
    view: str | None = None  # "pe": the positional encoding chart opens with it

    @property
    def tab(self) -> str:
        """The tab the preset opens."""
        return next(iter(self.configs))

    @property
    def title_key(self) -> str:
        """Catalog key of the preset's title."""
        return f"lab.page.preset.{self.name}.title"

    @property
    def story_key(self) -> str:
        """Catalog key of what the room should watch."""
        return f"lab.page.preset.{self.name}.story"


def _presets(*presets: Preset) -> dict[str, Preset]:
    return {p.name: p for p in presets}


PRESETS: dict[str, Preset] = _presets(
    Preset(
        "rnn_basics",
        {"rnn": replace(tab_default("rnn"), task="copy", seq_len=6, vocab_size=8, steps=500)},
        week=1,
    ),
    # The answer sits behind 20 distractors; no attention, or the decoder would just look back.
    Preset("long_term_dependency", {k: PROVEN[f"recall-{k}"] for k in RNN_KINDS}, week=2),
    # Without attention first; the story asks to switch to "dot" (PROVEN["reverse16-lstm-dot"]).
    Preset("seq2seq_attention", {"lstm": PROVEN["reverse16-lstm-none"]}, week=3),
    Preset("transformer_reverse", {"transformer": PROVEN["reverse10-transformer"]}, week=4),
    Preset("positional_encoding", {"transformer": PROVEN["reverse10-transformer"]}, week=5, view="pe"),
    Preset("translate_en_ko", {"transformer": PROVEN["translate-transformer"]}, week=6),
)
PRESET_NAMES = tuple(PRESETS)
HOME = (
    "transformer_reverse",
    "seq2seq_attention",
    "long_term_dependency",
    "translate_en_ko",
)  # Home card order


def preset_of_week(number: int) -> str | None:
    """The preset the demo curriculum's week `number` demonstrates (None if none)."""
    return next((p.name for p in PRESETS.values() if p.week == number), None)
