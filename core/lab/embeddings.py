"""Token embeddings over training, projected to 2-D with PCA, for the Lab's embeddings replay; and
the model's weights at a kept probe step (`weights_at`) for every after-training view.

PCA is numpy's SVD of the centred table. A principal axis has no sign of its own, so a replay could
flip left-right between two probe steps for no reason: each frame takes the sign that agrees with
the frame before it (the first frame: its point farthest from the centre on each axis lies on the
positive side). All frames share one axis range, so a scrubbed replay does not rescale.
In `translate` each token has a word class from the grammar (core/lab/lexicon.py). No Streamlit.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from core.lab import lexicon

SIDES = ("src", "tgt")
# Word classes of the toy grammar's tokens, in legend order (catalog: lab.teach.class.<name>).
CLASSES = ("pronoun", "noun", "det", "verb", "topic", "object", "special")


@dataclass(frozen=True)
class Frames:
    """Embedding frames of one table: `points[i]` (N, 2) at `steps[i]`, `explained[i]` (2,) the
    share of variance each axis keeps, `classes` per token (None outside translate), and the
    axis range every frame shares."""

    steps: list[int]
    tokens: list[str]
    classes: list[str] | None
    points: list[np.ndarray]
    explained: list[np.ndarray]
    x_range: tuple[float, float]
    y_range: tuple[float, float]


def pca_2d(x: Any, like: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(N, D) -> (points (N, 2), explained variance ratio (2,)), signs fixed (see the module doc)."""
    a = np.asarray(x, dtype=float)
    a = a - a.mean(axis=0, keepdims=True)  # (N, D)
    u, s, _ = np.linalg.svd(a, full_matrices=False)  # u (N, K), s (K,)
    k = min(2, len(s))
    pts = np.zeros((a.shape[0], 2))
    pts[:, :k] = u[:, :k] * s[:k]  # (N, 2): coordinates on the first two principal axes
    for j in range(2):
        if like is not None:
            flip = float(pts[:, j] @ like[:, j]) < 0  # agree with the previous frame
        else:
            flip = pts[np.argmax(np.abs(pts[:, j])), j] < 0
        if flip:
            pts[:, j] = -pts[:, j]
    total = float((s**2).sum())
    ratio = np.zeros(2)
    if total > 0:
        ratio[:k] = s[:k] ** 2 / total
    return pts, ratio


def _as_np(t: Any) -> np.ndarray:
    if hasattr(t, "detach"):  # a torch tensor, without importing torch here
        t = t.detach().float().cpu().numpy()
    return np.asarray(t, dtype=float)


def table_names(kind: str) -> tuple[str, str]:
    """state_dict names of the (source, target) embedding tables of a model kind."""
    if kind == "transformer":
        return "src_emb.weight", "tgt_emb.weight"
    return "encoder.embedding.weight", "decoder.embedding.weight"


def frames(
    kind: str,
    side: str,
    states: dict[int, dict[str, Any]],
    final: dict[str, Any],
    final_step: int,
    vocab: list[str],
    task: str,
) -> Frames:
    """PCA frames of the `side` table at every kept probe step, then the final weights (at
    `final_step`, unless a probe step already is that step)."""
    name = table_names(kind)[SIDES.index(side)]
    tables = {s: st[name] for s, st in sorted(states.items()) if name in st}
    tables.setdefault(final_step, final[name])
    steps = sorted(tables)
    points, explained, prev = [], [], None
    for s in steps:
        pts, ratio = pca_2d(_as_np(tables[s]), prev)
        points.append(pts)
        explained.append(ratio)
        prev = pts
    stack = np.concatenate(points)  # (F * N, 2)
    pad = 0.08 * max(float(np.ptp(stack[:, 0])), float(np.ptp(stack[:, 1])), 1e-6)
    x_range = (float(stack[:, 0].min()) - pad, float(stack[:, 0].max()) + pad)
    y_range = (float(stack[:, 1].min()) - pad, float(stack[:, 1].max()) + pad)
    classes = [word_class(t, side) for t in vocab] if task == "translate" else None
    return Frames(steps, list(vocab), classes, points, explained, x_range, y_range)


@cache
def _classes() -> dict[str, dict[str, str]]:
    """{side: {token: class}} from the grammar's word lists."""
    src: dict[str, str] = {}
    tgt: dict[str, str] = {}
    for en, topic, subj, _ in lexicon.SUBJECTS:
        *det, head = en.split()
        src[head] = "noun" if det else "pronoun"
        src.update({w: "det" for w in det})
        for ko in (topic, subj):
            *det_ko, marked = ko.split()
            tgt[marked] = "topic"  # noun + 은/는 or 이/가
            tgt.update({w: "det" for w in det_ko})
    for en, ko, _ in lexicon.OBJECTS:
        src[en] = "noun"
        tgt[ko] = "object"  # noun + 을/를
    for verb in (*lexicon.TRANSITIVE, *lexicon.INTRANSITIVE):
        src.update({w: "verb" for w in verb[:3]})
        tgt.update({w: "verb" for w in verb[3:5]})
    return {"src": src, "tgt": tgt}


def word_class(token: str, side: str) -> str:
    """The word class of a translate token ("special" for <pad>, <bos>, <eos>)."""
    if token.startswith("<"):
        return "special"
    return _classes()[side].get(token, "noun")


def weights_at(model: Any, states: dict[int, dict[str, Any]], step: int | None) -> Any:
    """`model` with its weights as they were at probe `step` (a CPU copy in eval mode), or the
    model itself for None; None when that step kept only its embeddings or nothing."""
    if step is None:
        return model
    state = states.get(step)
    if not state or set(state) != set(model.state_dict()):
        return None
    from core.lab.introspect import STATES_ATTR

    kept = getattr(model, STATES_ATTR, None)
    other = copy.deepcopy(model, {id(kept): None} if kept is not None else None).cpu()  # not the kept states
    other.load_state_dict({k: v.float() for k, v in state.items()})
    return other.eval()


def whole_steps(model: Any, states: dict[int, dict[str, Any]]) -> list[int]:
    """The probe steps whose whole weights were kept (the step-through can use them)."""
    names = set(model.state_dict())
    return sorted(s for s, st in states.items() if set(st) == names)
