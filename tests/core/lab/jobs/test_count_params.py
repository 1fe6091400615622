"""The parameter count behind every limit and estimate (core/lab/jobs/state.py count_params):
small models are built on the CPU to be counted, large ones on the meta device. Both give the
model's true count, neither moves the global RNG, and counting the Lab's default models does not
pull in torch._dynamo (the ~2 s import that held the cold Lab's Train button)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import torch

from core.lab.config import ModelConfig, TrainConfig, replace
from core.lab.jobs import state
from core.lab.models import make_model, n_params
from core.lab.presets import MODEL_TABS, tab_default
from core.lab.tasks import make_task

ROOT = Path(__file__).resolve().parents[4]


def built_count(cfg: TrainConfig) -> int:
    task = make_task(cfg.task, cfg.seq_len, cfg.vocab_size)
    with torch.device("meta"):
        return n_params(make_model(cfg.model, len(task.src_vocab), len(task.tgt_vocab)))


def test_both_ways_of_counting_give_the_models_own_count_and_leave_the_rng_alone():
    big = TrainConfig(
        task="sort", seq_len=64, vocab_size=36, model=ModelConfig(d_model=512, n_layers=6, d_ff=2048)
    )
    wide_rnn = replace(tab_default("lstm"), **{"model.hidden": 512, "model.n_layers": 4})
    cases = [tab_default(tab) for tab in MODEL_TABS] + [big, wide_rnn]
    for cfg in cases:
        state.count_params.cache_clear()
        torch.manual_seed(5)
        n = state.count_params(cfg)
        after = torch.rand(3)
        torch.manual_seed(5)
        assert torch.equal(after, torch.rand(3)), cfg.model.kind  # nothing drawn from the global RNG
        assert n == built_count(cfg)
    task = make_task(big.task, big.seq_len, big.vocab_size)
    assert (
        state._rough_size(big, len(task.src_vocab), len(task.tgt_vocab)) > state.CPU_COUNT_LIMIT
    )  # meta path


def test_the_bound_that_picks_the_cpu_is_never_below_the_true_count():
    for tab in MODEL_TABS:
        base = tab_default(tab)
        for width in (8, 64, 256):
            for layers in (1, 3):
                m = dataclasses.replace(
                    base.model,
                    d_model=width,
                    d_ff=2 * width,
                    hidden=width,
                    emb_dim=width // 2,
                    n_layers=layers,
                )
                for attention in ("none", "dot", "additive") if m.kind != "transformer" else ("dot",):
                    cfg = replace(base, model=dataclasses.replace(m, attention=attention))
                    task = make_task(cfg.task, cfg.seq_len, cfg.vocab_size)
                    assert state._rough_size(cfg, len(task.src_vocab), len(task.tgt_vocab)) >= built_count(
                        cfg
                    )


def test_counting_the_default_models_does_not_import_dynamo():
    code = (
        "import sys\n"
        "from core.lab.jobs.state import count_params\n"
        "from core.lab.presets import MODEL_TABS, tab_default\n"
        "[count_params(tab_default(t)) for t in MODEL_TABS]\n"
        "print(sorted(m for m in sys.modules if m.startswith('torch._dynamo'))[:3])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "[]"
