import pytest
import torch

from core.lab.lexicon import translation_pairs
from core.lab.tasks import BOS, EOS, PAD, TASKS, UnknownTokens, make_task


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("name", ["copy", "reverse", "sort", "recall", "translate"])
def test_every_task_shares_special_ids_and_shapes(name):
    task = make_task(name, 8, 10)
    for vocab in (task.src_vocab, task.tgt_vocab):
        assert vocab[PAD] == "<pad>" and vocab[BOS] == "<bos>" and vocab[EOS] == "<eos>"
    src, tgt = task.sample(32, gen())
    assert src.dtype == tgt.dtype == torch.long
    assert src.shape[0] == tgt.shape[0] == 32
    assert (tgt[:, 0] == BOS).all()
    assert ((tgt == EOS).sum(1) == 1).all()  # exactly one EOS, PAD only after it
    assert not (src == BOS).any() and not (src == EOS).any()
    assert name in TASKS and TASKS[name]["ko"] and TASKS[name]["en"]


def test_targets_follow_the_rule():
    src = torch.tensor([[5, 3, 9, 4]])
    expect = {"copy": [5, 3, 9, 4], "reverse": [4, 9, 3, 5], "sort": [3, 4, 5, 9], "recall": [5]}
    for name, ans in expect.items():
        task = make_task(name, 4, 10)
        assert task._target(src)[0].tolist() == [BOS, *ans, EOS]


def test_sampling_is_deterministic_and_avoids_held_out():
    task = make_task("reverse", 10, 10)
    a, b = task.sample(64, gen(3)), task.sample(64, gen(3))
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    val = {tuple(r) for r in task.val_batch()[0].tolist()}
    assert len(val) == 256
    train = {tuple(r) for _ in range(20) for r in task.sample(256, gen(_))[0].tolist()}
    assert not (train & val)


def test_recall_has_distractors():
    task = make_task("recall", 21, 10)
    src, tgt = task.sample(16, gen())
    assert src.shape == (16, 21) and tgt.shape == (16, 3)
    assert torch.equal(tgt[:, 1], src[:, 0])


def test_translation_grammar():
    pairs = translation_pairs()
    assert len(set(pairs)) == len(pairs) >= 300
    d = dict(pairs)
    assert d["i love cats"] == "나는 고양이를 좋아해"
    assert d["the dog ate bread"] == "개는 빵을 먹었어"  # SOV, topic 은/는, object 을/를, past ending
    assert d["she sleeps"] == "그녀가 자"  # intransitive: subject particle 이/가
    assert d["i ran"] == "내가 달렸어"
    task = make_task("translate")
    assert not set(task.train_pairs) & set(task.val_pairs) and len(task.val_pairs) >= 100
    src, tgt = task.probe()
    assert task.src_tokens(src[0]) == ["i", "love", "cats"]
    assert task.decode(tgt[0]) == "나는 고양이를 좋아해"
    assert task.encode("I love cats.") == src[0].tolist()


def test_unknown_tokens_list_the_allowed_ones():
    task = make_task("translate")
    with pytest.raises(UnknownTokens) as info:
        task.encode("I love zebras")
    err = info.value
    assert isinstance(err, ValueError) and err.key == "lab.error.unknown_tokens"
    assert "zebras" in str(err) and "cats" in err.params["allowed"]
    digits = make_task("reverse", 5, 5)
    assert digits.encode("0 1 4") == digits.encode("014") == [3, 4, 7]
    with pytest.raises(UnknownTokens, match="Allowed tokens: 0 1 2 3 4"):
        digits.encode("159")


def test_one_task_per_shape_is_shared_and_training_leaves_it_as_built():
    """make_task hands out one instance per (task, length, symbols): pages decode every probe
    with it and jobs train on it, so a run must not change its splits or its probe."""
    from core.lab.config import replace
    from core.lab.presets import tab_default
    from core.lab.tasks import SymbolTask
    from core.lab.train import train

    task = make_task("reverse", 6, 7)
    assert make_task("reverse", 6, 7) is task and make_task("reverse", 7, 7) is not task
    cfg = replace(
        tab_default("gru"), task="reverse", seq_len=6, vocab_size=7, steps=20, eval_every=10, probe_every=10
    )
    assert list(train(cfg))  # evaluations and probes use the shared held-out split and probe
    fresh = SymbolTask("reverse", 6, 7)
    for a, b in zip((*task.val_batch(), *task.probe()), (*fresh.val_batch(), *fresh.probe()), strict=True):
        assert torch.equal(a, b)
