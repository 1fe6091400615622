"""Synthetic seq2seq tasks for the Model Lab; everything is generated in code, nothing downloaded.

Every task shares the token ids PAD=0, BOS=1, EOS=2. `sample()` returns training pairs that never
come from the held-out split that `val_batch()` returns, so validation accuracy means
generalisation, not memory. Sources carry no BOS/EOS; targets are `BOS ... EOS PAD*`.
"""

from __future__ import annotations

import functools
import random
import re
import unicodedata
from collections.abc import Sequence

import torch

from core.lab.catalog.engine import EN as _EN
from core.lab.catalog.engine import KO as _KO
from core.lab.config import TASK_NAMES, ConfigError
from core.lab.lexicon import translation_pairs

PAD, BOS, EOS = 0, 1, 2
SPECIALS = ["<pad>", "<bos>", "<eos>"]
SYMBOLS = "0123456789abcdefghijklmnopqrstuvwxyz"  # vocab_size <= 36 picks a prefix
MAX_INPUT_TOKENS = 64
VAL_SIZE = 256  # held-out examples per eval: ~2.8k tokens at L=10, cheap enough to eval every 25 steps

# name -> {"ko": ..., "en": ...}: short descriptions for task pickers (texts live in the catalog).
TASKS: dict[str, dict[str, str]] = {
    name: {"ko": _KO[f"lab.task.{name}"], "en": _EN[f"lab.task.{name}"]} for name in TASK_NAMES
}


class UnknownTokens(ConfigError):
    """Custom input contains tokens outside the task's source vocabulary."""

    key = "lab.error.unknown_tokens"


class Task:
    """Common interface: vocabularies, sampling, a held-out split, a probe, encode/decode."""

    name: str
    src_vocab: list[str]
    tgt_vocab: list[str]
    max_src_len: int
    max_tgt_len: int  # including BOS and EOS
    join: str = " "

    def sample(self, batch_size: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """A training batch (src (B, S), tgt (B, T)) on the CPU, drawn with `generator`."""
        raise NotImplementedError

    def val_batch(self, n: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """The fixed held-out split (first `n` pairs if given)."""
        src, tgt = self._val
        return (src, tgt) if n is None else (src[:n], tgt[:n])

    def probe(self) -> tuple[torch.Tensor, torch.Tensor]:
        """One fixed example (src (1, S), tgt (1, T)) whose attention maps the UI replays."""
        return self._probe

    def output_len(self, src_len: int) -> int:
        """How many tokens (EOS included) greedy decoding needs for a source of `src_len`."""
        return self.max_tgt_len - 1

    def src_tokens(self, ids: Sequence[int] | torch.Tensor) -> list[str]:
        """Source ids -> token strings (PAD dropped)."""
        return [self.src_vocab[i] for i in _ints(ids) if i != PAD]

    def tgt_tokens(self, ids: Sequence[int] | torch.Tensor) -> list[str]:
        """Target ids -> token strings up to (not incl.) EOS, BOS/PAD dropped."""
        out = []
        for i in _ints(ids):
            if i == EOS:
                break
            if i not in (PAD, BOS):
                out.append(self.tgt_vocab[i])
        return out

    def decode(self, ids: Sequence[int] | torch.Tensor) -> str:
        """Target ids -> text, stopping at EOS."""
        return self.join.join(self.tgt_tokens(ids))

    def encode(self, text: str) -> list[int]:
        """Text -> source ids; unknown tokens raise UnknownTokens listing the allowed ones.

        The text is NFKC-normalised first, so full-width digits, letters, commas and spaces that a
        Korean IME types ("３ １ ４") read as their ASCII forms ("3 1 4").
        """
        words = self._split(normalise_input(text))
        if not words:
            raise ConfigError("lab.error.empty_input")
        if len(words) > MAX_INPUT_TOKENS:
            raise ConfigError("lab.error.input_too_long", limit=MAX_INPUT_TOKENS)
        index = {w: i for i, w in enumerate(self.src_vocab) if i >= len(SPECIALS)}
        unknown = [w for w in words if w not in index]
        if unknown:
            allowed = self.src_vocab[len(SPECIALS) :]
            raise UnknownTokens(tokens=", ".join(dict.fromkeys(unknown)), allowed=" ".join(allowed))
        return [index[w] for w in words]

    def _split(self, text: str) -> list[str]:
        return text.split()

    @property
    def trained_lengths(self) -> tuple[int, int]:
        """(shortest, longest) source length, in tokens, the model saw in training."""
        return self.max_src_len, self.max_src_len

    def input_notes(self, n_tokens: int) -> list[tuple[str, dict]]:
        """Catalog keys (with parameters) of what to tell the viewer about an input of `n_tokens`.

        Longer than anything trained on: positions it never saw. Under half the shortest trained length: a sequence unlike its training.
        """
        low, high = self.trained_lengths
        notes: list[tuple[str, dict]] = []
        if n_tokens > high:
            notes.append(("lab.page.try_longer", {"n": n_tokens, "trained": high}))
        elif n_tokens * 2 < low:
            notes.append(("lab.page.try_shorter", {"n": n_tokens, "trained": low}))
        return notes


def normalise_input(text: str) -> str:
    """NFKC: full-width digits / letters / punctuation and the ideographic space become ASCII."""
    return unicodedata.normalize("NFKC", text)


def _ints(ids: Sequence[int] | torch.Tensor) -> list[int]:
    return ids.tolist() if isinstance(ids, torch.Tensor) else [int(i) for i in ids]


class SymbolTask(Task):
    """copy / reverse / sort / recall over `vocab_size` symbols; src and tgt share one vocab."""

    def __init__(self, name: str, seq_len: int, vocab_size: int) -> None:
        self.name, self.seq_len, self.n_sym = name, seq_len, vocab_size
        self.src_vocab = SPECIALS + list(SYMBOLS[:vocab_size])
        self.tgt_vocab = self.src_vocab
        self.max_src_len = seq_len
        self.max_tgt_len = (1 if name == "recall" else seq_len) + 2
        self.join = " "
        # Held-out split by hashing the whole sequence: ~10% of all sequences are validation-only.
        g = torch.Generator().manual_seed(1234)
        self._hash_w = torch.randint(1, 1 << 20, (seq_len,), generator=g)  # (S,)
        # Tiny spaces (e.g. 2 symbols x 3 positions) cannot spare a split; then val = train.
        self._holdout = vocab_size**seq_len >= 1000
        cand = self._raw(12 * VAL_SIZE, torch.Generator().manual_seed(4321))
        if self._holdout:
            cand = cand[self._is_val(cand)]
        cand = torch.unique(cand, dim=0)  # sorted, deterministic
        cand = cand[torch.randperm(len(cand), generator=torch.Generator().manual_seed(5))][:VAL_SIZE]
        self._val = (cand, self._target(cand))
        self._probe = (cand[:1], self._target(cand[:1]))

    def _raw(self, n: int, g: torch.Generator) -> torch.Tensor:
        return torch.randint(len(SPECIALS), len(self.src_vocab), (n, self.seq_len), generator=g)  # (n, S)

    def _is_val(self, src: torch.Tensor) -> torch.Tensor:
        return ((src * self._hash_w).sum(1) % 1009) < 101  # (n,) ~10%

    def _answer(self, src: torch.Tensor) -> torch.Tensor:
        if self.name == "copy":
            return src
        if self.name == "reverse":
            return src.flip(1)
        if self.name == "sort":
            return src.sort(dim=1).values
        return src[:, :1]  # recall: the first token, after seq_len - 1 distractors

    def _target(self, src: torch.Tensor) -> torch.Tensor:
        ans = self._answer(src)  # (B, T-2)
        bos = torch.full((len(src), 1), BOS, dtype=torch.long)
        eos = torch.full((len(src), 1), EOS, dtype=torch.long)
        return torch.cat([bos, ans, eos], dim=1)  # (B, T)

    def sample(self, batch_size: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """A training batch (src (B, S), tgt (B, T)) that avoids the held-out sequences."""
        src = self._raw(batch_size, generator)  # (B, S)
        if self._holdout:
            bad = self._is_val(src)
            while bool(bad.any()):  # CPU-only loop, ~10% redraws
                src[bad] = self._raw(int(bad.sum()), generator)
                bad = self._is_val(src)
        return src, self._target(src)

    def output_len(self, src_len: int) -> int:
        """Answer length + EOS."""
        return 2 if self.name == "recall" else src_len + 1

    def _split(self, text: str) -> list[str]:
        words = text.lower().replace(",", " ").split()
        if len(words) == 1 and len(words[0]) > 1:
            words = list(words[0])  # "3141" -> 3 1 4 1
        return words


class TranslateTask(Task):
    """Toy English -> Korean (SVO -> SOV with particles and verb endings), word-level tokens."""

    name = "translate"
    PROBE = ("i love cats", "나는 고양이를 좋아해")

    def __init__(self, val_fraction: float = 0.15) -> None:
        pairs = translation_pairs()
        self.pairs = pairs
        self.src_vocab = SPECIALS + sorted({w for en, _ in pairs for w in en.split()})
        self.tgt_vocab = SPECIALS + sorted({w for _, ko in pairs for w in ko.split()})
        self._s_index = {w: i for i, w in enumerate(self.src_vocab)}
        self._t_index = {w: i for i, w in enumerate(self.tgt_vocab)}
        order = list(range(len(pairs)))
        random.Random(7).shuffle(order)
        n_val = int(len(pairs) * val_fraction)
        probe_i = pairs.index(self.PROBE)
        val_idx = [i for i in order if i != probe_i][:n_val]  # the probe is always a training pair
        val_set = set(val_idx)
        train_idx = [i for i in range(len(pairs)) if i not in val_set]
        self.train_pairs = [pairs[i] for i in train_idx]
        self.val_pairs = [pairs[i] for i in val_idx]
        self.max_src_len = max(len(en.split()) for en, _ in pairs)
        self.max_tgt_len = max(len(ko.split()) for _, ko in pairs) + 2
        self.min_src_len = min(len(en.split()) for en, _ in pairs)
        self._train = self._tensors(self.train_pairs)
        self._val = self._tensors(self.val_pairs)
        p_src, p_tgt = self._tensors([self.PROBE])
        s_len, t_len = len(self.PROBE[0].split()), len(self.PROBE[1].split()) + 2
        self._probe = (p_src[:, :s_len], p_tgt[:, :t_len])  # no padding in the probe

    def _tensors(self, pairs: list[tuple[str, str]]) -> tuple[torch.Tensor, torch.Tensor]:
        src = torch.full((len(pairs), self.max_src_len), PAD, dtype=torch.long)  # (N, S)
        tgt = torch.full((len(pairs), self.max_tgt_len), PAD, dtype=torch.long)  # (N, T)
        for n, (en, ko) in enumerate(pairs):
            s = [self._s_index[w] for w in en.split()]
            t = [BOS] + [self._t_index[w] for w in ko.split()] + [EOS]
            src[n, : len(s)] = torch.tensor(s)
            tgt[n, : len(t)] = torch.tensor(t)
        return src, tgt

    def sample(self, batch_size: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """A batch of training pairs drawn with replacement."""
        idx = torch.randint(len(self.train_pairs), (batch_size,), generator=generator)  # (B,)
        return self._train[0][idx], self._train[1][idx]

    def _split(self, text: str) -> list[str]:
        return re.sub(r"[.,!?]", " ", text.lower()).split()

    @property
    def trained_lengths(self) -> tuple[int, int]:
        """(shortest, longest) English sentence of the grammar, in words."""
        return self.min_src_len, self.max_src_len


def make_task(name: str, seq_len: int = 10, vocab_size: int = 10) -> Task:
    """Build a task by name; `translate` ignores seq_len and vocab_size (its grammar fixes them)."""
    if name == "translate":
        return _translate()
    if name not in TASK_NAMES:
        raise ConfigError("lab.error.unknown_task", field="task", value=name, choices=", ".join(TASK_NAMES))
    return _symbol_task(name, seq_len, vocab_size)


@functools.lru_cache(maxsize=64)
def _symbol_task(name: str, seq_len: int, vocab_size: int) -> SymbolTask:
    # Immutable after construction, like the translate task: one shared instance per shape. Its
    # held-out split took milliseconds to build, and a live page decoded every new probe with a
    # new task: 4.6% of the server's CPU in a 30-person room on PostgreSQL.
    return SymbolTask(name, seq_len, vocab_size)


_TRANSLATE: TranslateTask | None = None


def _translate() -> TranslateTask:
    # Immutable after construction, so one shared instance saves rebuilding ~1.4k pairs per run.
    global _TRANSLATE
    if _TRANSLATE is None:
        _TRANSLATE = TranslateTask()
    return _TRANSLATE
