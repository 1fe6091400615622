"""The Lab's "try your own input": full-width input read as ASCII, notes for unusual lengths and an
answer cut at the decoder's limit, and which accuracy a run is judged by."""

from __future__ import annotations

import pytest
import torch

from core.lab.config import ConfigError, TrainConfig
from core.lab.metrics import headline_accuracy, headline_metric
from core.lab.models import DecodeResult, make_model
from core.lab.tasks import make_task, normalise_input
from core.lab.train import try_input


def _model(task, seed: int = 0):
    torch.manual_seed(seed)
    return make_model(TrainConfig().model, len(task.src_vocab), len(task.tgt_vocab))


def test_full_width_digits_from_a_korean_ime_read_as_ascii():
    task = make_task("reverse", 4, 10)
    assert normalise_input("３　１，４") == "3 1,4"  # digits, ideographic space, full-width comma
    assert task.encode("３ １ ４ １") == task.encode("3 1 4 1")
    assert task.encode("３１４１") == task.encode("3141")
    tried = try_input(_model(task), task, "３ １ ４ １")
    assert tried.src == ["3", "1", "4", "1"] and tried.normalised
    assert not try_input(_model(task), task, "3 1 4 1").normalised


def test_full_width_english_reads_as_the_grammar_words():
    task = make_task("translate")
    assert task.encode("ｉ ｌｏｖｅ ｃａｔｓ") == task.encode("i love cats")


def test_the_trained_length_needs_no_note():
    task = make_task("reverse", 8, 10)
    assert task.input_notes(8) == []
    assert task.input_notes(4) == []  # half the length: still a familiar kind of input


def test_longer_and_much_shorter_inputs_get_a_note():
    task = make_task("reverse", 8, 10)
    assert task.input_notes(12) == [("lab.page.try_longer", {"n": 12, "trained": 8})]
    assert task.input_notes(3) == [("lab.page.try_shorter", {"n": 3, "trained": 8})]
    tried = try_input(_model(task), task, "1 2 3 4 5 6 7 8 9 0 1 2")
    assert ("lab.page.try_longer", {"n": 12, "trained": 8}) in tried.notes


def test_translate_knows_its_sentence_lengths():
    task = make_task("translate")
    low, high = task.trained_lengths
    assert 1 <= low < high == task.max_src_len
    assert task.input_notes(high) == []
    assert task.input_notes(high + 1)[0][0] == "lab.page.try_longer"


class _Says(torch.nn.Module):
    """A model that answers fixed tokens (the decoder's choice is not what these tests are about)."""

    def __init__(self, tokens: list[int]) -> None:
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))
        self.tokens = tokens
        self.asked: list[int] = []

    def greedy_decode(self, src, max_len, **_):
        self.asked.append(max_len)
        return DecodeResult(torch.tensor([self.tokens[:max_len]]))  # (1, T)


def test_an_answer_stopped_by_the_length_limit_says_so():
    task = make_task("translate")
    cats = task.tgt_vocab.index("고양이를")
    words = "i love cats i love cats i"  # 7 known words: longer than any sentence of the grammar
    model = _Says([cats] * 50)  # never says <eos>
    tried = try_input(model, task, words)
    limit = task.output_len(7)
    assert model.asked == [limit] and len(tried.outs) == limit
    assert ("lab.page.try_cut", {"out": limit}) in tried.notes
    assert tried.notes[0] == ("lab.page.try_longer", {"n": 7, "trained": task.max_src_len})


def test_an_answer_that_ends_is_not_cut():
    task = make_task("reverse", 4, 10)
    four, eos = task.src_vocab.index("4"), task.tgt_vocab.index("<eos>")
    tried = try_input(_Says([four, four, four, four, eos, 0]), task, "1 2 3 4")
    assert tried.outs == ["4", "4", "4", "4", "<eos>"] and tried.answer == "4 4 4 4"
    assert tried.notes == []


def test_empty_input_is_refused_not_replaced():
    task = make_task("reverse", 4, 10)
    with pytest.raises(ConfigError) as info:
        try_input(_model(task), task, "　 ")  # an ideographic space is blank too
    assert info.value.key == "lab.error.empty_input"


def test_recall_is_judged_by_whole_answers():
    # A plain RNN at chance: the answer right 1 time in 10, <eos> always right -> 55% token accuracy.
    metrics = {"val_token_acc": 0.55, "val_seq_acc": 0.10}
    assert headline_metric("recall") == "val_seq_acc"
    assert headline_accuracy("recall", metrics) == pytest.approx(0.10)
    assert headline_metric("reverse") == "val_token_acc"
    assert headline_accuracy("reverse", metrics) == pytest.approx(0.55)
    assert headline_accuracy("recall", None) is None
    assert headline_accuracy("recall", {"val_seq_acc": None}) is None
