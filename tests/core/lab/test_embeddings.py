"""The embeddings replay: PCA of each kept probe step's table, signs that never flip between
frames, one shared axis range, word classes of the translate grammar, and weights at a step."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.lab.config import ModelConfig, TrainConfig
from core.lab.embeddings import CLASSES, frames, pca_2d, weights_at, whole_steps, word_class
from core.lab.introspect import probe_states
from core.lab.tasks import make_task
from core.lab.train import DoneEvent, train

RNG = np.random.default_rng(0)


def test_pca_matches_the_covariance_eigenvectors_and_explains_variance():
    x = RNG.normal(size=(30, 8)) * np.array([5, 2, 1, 1, 0.5, 0.5, 0.1, 0.1])
    pts, ratio = pca_2d(x)
    c = x - x.mean(0)
    vals, vecs = np.linalg.eigh(c.T @ c)
    top = vecs[:, ::-1][:, :2]
    np.testing.assert_allclose(np.abs(pts), np.abs(c @ top), atol=1e-8)
    np.testing.assert_allclose(ratio, vals[::-1][:2] / vals.sum(), atol=1e-10)
    assert ratio[0] > ratio[1] > 0


def test_sign_convention_is_fixed_and_follows_the_previous_frame():
    x = RNG.normal(size=(20, 6))
    a, _ = pca_2d(x)
    b, _ = pca_2d(-x)  # the same cloud mirrored: same picture, not a flipped one
    np.testing.assert_allclose(a, b, atol=1e-9)
    for j in range(2):
        assert a[np.argmax(np.abs(a[:, j])), j] > 0
    nudged = x + 0.01 * RNG.normal(size=x.shape)
    c, _ = pca_2d(-nudged, like=a)
    assert all(float(c[:, j] @ a[:, j]) > 0 for j in range(2))


def test_degenerate_tables_do_not_divide_by_zero():
    pts, ratio = pca_2d(np.ones((5, 4)))
    assert np.isfinite(pts).all() and (ratio == 0).all()


@pytest.fixture(scope="module")
def translate_run():
    cfg = TrainConfig(
        task="translate",
        steps=6,
        eval_every=2,
        probe_every=2,
        batch_size=16,
        model=ModelConfig(kind="transformer", d_model=16, n_heads=2, d_ff=16, n_layers=1),
    )
    done = list(train(cfg))[-1]
    assert isinstance(done, DoneEvent)
    return cfg, done.model


def test_frames_over_training_share_one_range_and_colour_word_classes(translate_run):
    cfg, model = translate_run
    task = make_task("translate")
    states = probe_states(model)
    fr = frames("transformer", "tgt", states, model.state_dict(), 6, task.tgt_vocab, "translate")
    assert fr.steps == [0, 2, 4, 6] and len(fr.points) == 4
    assert all(p.shape == (len(task.tgt_vocab), 2) for p in fr.points)
    for p in fr.points:
        assert fr.x_range[0] < p[:, 0].min() and p[:, 0].max() < fr.x_range[1]
        assert fr.y_range[0] < p[:, 1].min() and p[:, 1].max() < fr.y_range[1]
    for prev, cur in zip(fr.points, fr.points[1:], strict=False):  # consecutive frames never mirror
        assert all(float(prev[:, j] @ cur[:, j]) >= 0 for j in range(2))
    cls = dict(zip(fr.tokens, fr.classes, strict=True))
    assert cls["고양이를"] == "object" and cls["나는"] == "topic" and cls["좋아해"] == "verb"
    assert cls["<eos>"] == "special" and set(fr.classes) <= set(CLASSES)
    src = frames("transformer", "src", {}, model.state_dict(), 6, task.src_vocab, "translate")
    assert src.steps == [6]  # no kept steps: the final table only


def test_word_classes_of_english_tokens():
    assert [word_class(w, "src") for w in ("i", "the", "cat", "cats", "loves", "slept")] == [
        "pronoun",
        "det",
        "noun",
        "noun",
        "verb",
        "verb",
    ]


def test_weights_at_a_probe_step_rebuild_that_model(translate_run):
    cfg, model = translate_run
    states = probe_states(model)
    assert whole_steps(model, states) == [0, 2, 4, 6]
    early = weights_at(model, states, 0)
    assert early is not model and early.training is False
    torch.testing.assert_close(early.state_dict()["out.weight"], states[0]["out.weight"].float())
    assert weights_at(model, states, None) is model
    assert weights_at(model, {0: {"src_emb.weight": states[0]["src_emb.weight"]}}, 0) is None
    assert weights_at(model, states, 99) is None
    assert probe_states(early) == {}  # the copy does not drag the kept states along
