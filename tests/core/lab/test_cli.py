import subprocess
import sys
from pathlib import Path

import pytest

from core.lab.__main__ import config_from_args, main
from core.lab.config import TrainConfig

ROOT = Path(__file__).resolve().parents[3]


def test_invalid_config_exits_2_with_the_reason(capsys):
    assert main(["train", "--n-heads", "3"]) == 2
    assert "Heads (3) must divide d_model (64) evenly" in capsys.readouterr().err
    assert main(["train", "--lr", "0"]) == 2


def test_options_reach_the_config():
    from core.lab.__main__ import _parser

    args = _parser().parse_args(
        [
            "train",
            "--model",
            "gru",
            "--attention",
            "additive",
            "--seq-len",
            "12",
            "--hidden",
            "48",
            "--norm",
            "pre",
            "--batch-size",
            "8",
            "--warmup",
            "3",
        ]
    )
    cfg = config_from_args(args)
    assert (cfg.model.kind, cfg.model.attention, cfg.model.hidden, cfg.model.norm) == (
        "gru",
        "additive",
        48,
        "pre",
    )
    assert (cfg.seq_len, cfg.batch_size, cfg.warmup) == (12, 8, 3)
    # every field is an option: with none given, the parsed config is the default one
    assert config_from_args(_parser().parse_args(["train"])) == TrainConfig()


@pytest.mark.slow  # trains in a fresh interpreter that imports torch
def test_train_prints_metrics_and_saves(tmp_path):
    ck = tmp_path / "m.pt"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "core.lab",
            "train",
            "--model",
            "lstm",
            "--task",
            "copy",
            "--steps",
            "30",
            "--seq-len",
            "5",
            "--eval-every",
            "10",
            "--threads",
            "1",
            "--save",
            str(ck),
            "--predict",
            "1 2 3",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "status: finished at step 30" in proc.stdout
    assert "val_token_acc" in proc.stdout and "1 2 3 ->" in proc.stdout
    assert "30/30" in proc.stderr  # the tqdm bar
    assert ck.stat().st_size > 10_000


TINY_ARGS = ["train", "--model", "rnn", "--hidden", "8", "--emb-dim", "4", "--steps", "2", "--seq-len", "3"]
TINY_ARGS += ["--batch-size", "4", "--eval-every", "2", "--probe-every", "2", "--device", "cpu"]


@pytest.fixture
def torch_threads():
    """Start from torch's per-core default (2 here) and put back what the process had."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(2)
    yield torch
    torch.set_num_threads(before)


def test_train_without_threads_uses_the_lab_jobs_thread_count(torch_threads, capsys):
    from core.lab.device import training_threads

    assert main(TINY_ARGS) == 0
    assert torch_threads.get_num_threads() == training_threads() == 1
    assert "device: CPU · 1 thread " in capsys.readouterr().out


def test_threads_zero_keeps_torch_default_and_negative_is_refused(torch_threads, capsys):
    assert main([*TINY_ARGS, "--threads", "0"]) == 0
    assert torch_threads.get_num_threads() == 2
    assert "device: CPU · 2 threads " in capsys.readouterr().out
    assert main([*TINY_ARGS, "--threads", "-1"]) == 2
    assert "--threads must be 0 or more" in capsys.readouterr().err


def test_help_names_the_default_thread_count_and_why(capsys):
    from core.lab.__main__ import _parser
    from core.lab.device import training_threads

    with pytest.raises(SystemExit):
        _parser().parse_args(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert f"(default {training_threads()}, as the Lab's training jobs use;" in text
    assert "0 keeps torch's own default, one per core" in text


def test_lab_jobs_default_to_the_same_thread_count():
    from core.lab.device import training_threads
    from core.lab.jobs.registry import JobRegistry

    assert (
        JobRegistry(train_fn=lambda cfg, **kw: iter(()), prewarm=False).threads_per_job == training_threads()
    )
