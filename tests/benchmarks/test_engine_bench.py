"""Benchmark plumbing: every section runs with tiny step counts and reports positive numbers
(marked slow: out of the quick loop).

Speed itself is the benchmark's business (docs/benchmarks.md), never asserted here.
"""

import pytest
import torch

from benchmarks import engine as bench
from benchmarks.reference import RefRNNSeq2Seq, RefTransformer
from core.lab.tasks import make_task

pytestmark = pytest.mark.slow  # the module's fixture runs every benchmark section (~1 min under load)

TINY = bench.Plan(
    train_steps=3,
    warmup_steps=1,
    converge_max_steps=4,
    eval_every=2,
    decode_batch=4,
    decode_lens=(3, 5),
    decode_repeats=1,
    memory_steps=2,
    overhead_steps=3,
    overhead_repeats=2,
    poll_s=0.01,
    threads_steps=3,
)


def _positive(row: dict, *keys: str) -> None:
    for k in keys:
        assert isinstance(row[k], float) and row[k] > 0, (k, row)


@pytest.fixture(scope="module")
def result():
    lines = []
    out = bench.run(
        TINY,
        ("train", "attention", "converge", "decode", "memory", "overhead"),
        device="cpu",
        log=lines.append,
    )
    out["_log"] = "\n".join(lines)
    return out


def test_train_rows_for_every_kind(result):
    threads = result["meta"]["threads"]
    rows = {r["model"]: r for r in result["train"] if r["threads"] == threads}
    assert set(rows) == {"transformer", "rnn", "lstm", "gru"}
    for r in result["train"]:
        _positive(r, "ours_steps_s", "ref_steps_s", "ratio", "ours_ms", "ref_ms")
    # the Transformer is measured at 1 thread (a Lab job) and at torch's default (the cores) too
    assert {r["threads"] for r in result["train"] if r["model"] == "transformer"} == set(
        bench._thread_counts()
    )
    assert torch.get_num_threads() == threads  # the section restores the setting


def test_attention_backends(result):
    rows = result["attention"]
    assert [r["backend"].split()[0] for r in rows] == ["fused", "math", "sdpa"]
    assert [r["backend"] for r in rows if r["backend"].endswith("(auto)")] == ["fused (auto)"]  # CPU training
    for r in rows:
        _positive(r, "ms_per_step", "vs_auto")


def test_converge_rows(result):
    rows = result["converge"]
    assert [r["model"] for r in rows] == ["ours", "nn.Transformer"]
    for r in rows:
        assert 0.0 <= r["last_val_token_acc"] <= 1.0
        assert r["steps_to_99"] is None or 1 <= r["steps_to_99"] <= TINY.converge_max_steps


def test_decode_rows_per_length(result):
    rows = result["decode"]
    assert [r["L"] for r in rows] == list(TINY.decode_lens)
    for r in rows:
        _positive(r, "cache_ms", "no_cache_ms", "ref_ms", "speedup_vs_ref", "speedup_vs_no_cache")


def test_memory_and_overhead(result):
    whats = [r["what"] for r in result["memory"]]
    assert any("train transformer (ours)" in w for w in whats) and any("decode" in w for w in whats)
    assert all(r["peak_mib"] >= 0 for r in result["memory"])
    rows = result["overhead"]
    assert [r["runner"].rsplit("=", 1)[1] for r in rows] == ["thread)", "process)"]
    for row in rows:
        _positive(row, "bare_steps_s", "job_steps_s", "ratio")
        assert row["polls"] >= 2


def test_meta_and_a_table_per_section(result):
    assert result["meta"]["device"] == "cpu" and result["meta"]["threads"] >= 1
    for section in ("train", "attention", "converge", "decode", "memory", "overhead"):
        assert f"## {section}" in result["_log"]


def test_references_match_our_interface():
    task = make_task("reverse", 4, 5)
    src, tgt = task.sample(3, torch.Generator().manual_seed(0))
    n = len(task.src_vocab)
    for ref in (RefTransformer(n, n, 16, 2, 1, 32), RefRNNSeq2Seq("gru", n, n, 8, 16, 2)):
        assert ref(src, tgt[:, :-1]).shape == (3, tgt.shape[1] - 1, n)
        assert ref.greedy_decode(src, 5, stop_at_eos=False).tokens.shape == (3, 5)


def test_cli_rejects_unknown_section():
    with pytest.raises(SystemExit):
        bench.main(["--sections", "nope", "--torch-threads", "0"])
