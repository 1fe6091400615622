"""Device choice: on a CUDA machine "auto" is the GPU, its label names the card, and training (bare
and as a Lab job) runs on it. Off a GPU those tests are skipped with a visible reason (`-ra`) and
the CPU fallback is checked instead."""

import pytest
import torch

from core.lab.config import ConfigError, TrainConfig
from core.lab.device import device_label, pick_device
from core.lab.train import DoneEvent, StepEvent, train

HAS_CUDA = torch.cuda.is_available()
on_gpu = pytest.mark.skipif(not HAS_CUDA, reason="no CUDA GPU on this machine")
off_gpu = pytest.mark.skipif(HAS_CUDA, reason="a CUDA GPU is present")
TINY = TrainConfig(steps=30, eval_every=15, probe_every=15)  # device "auto"


@off_gpu
def test_auto_device_falls_back_to_cpu_and_labels_it():
    assert pick_device("auto").type in ("cpu", "mps")
    assert device_label(torch.device("cpu")).startswith("CPU")


@off_gpu
def test_asking_for_missing_cuda_is_a_clear_error():
    with pytest.raises(ConfigError, match="Device cuda is not available"):
        pick_device("cuda")


@pytest.mark.cuda
@on_gpu
def test_auto_device_is_the_gpu_and_the_label_names_it():
    dev = pick_device("auto")
    assert dev.type == "cuda"
    name = torch.cuda.get_device_name(0)
    assert name and device_label(dev) == f"GPU · CUDA · {name}"
    with pytest.raises(ConfigError):  # a GPU index past the last one is refused, not a crash later
        pick_device(f"cuda:{torch.cuda.device_count()}")


@pytest.mark.cuda
@on_gpu
def test_trains_on_the_gpu():
    torch.cuda.reset_peak_memory_stats()
    events = list(train(TINY))
    done = events[-1]
    assert isinstance(done, DoneEvent) and done.status == "finished"
    assert torch.device(done.device).type == "cuda" and device_label(done.device).startswith("GPU · CUDA · ")
    assert next(done.model.parameters()).is_cuda
    assert torch.cuda.max_memory_allocated() > 0  # the steps ran on the card
    losses = [e.loss for e in events if isinstance(e, StepEvent)]
    assert losses[-1] < losses[0]


@pytest.mark.cuda
@on_gpu
def test_a_lab_job_trains_on_the_gpu():
    from core.lab.jobs.registry import JobRegistry
    from tests.support.waiting import wait_until

    reg = JobRegistry()  # defaults: with CUDA, thread mode (one process owns the GPU)
    assert reg.mode == "thread"
    jid = reg.start(TINY)
    snap = wait_until(
        lambda: (s := reg.snapshot(jid)).status not in ("queued", "running") and s,
        timeout=120,
        what="the GPU job to end",
    )
    assert snap.status == "finished" and snap.device.startswith("cuda"), (snap.status, snap.error)
    reg.close()


def test_cpu_label_names_the_job_threads():
    assert device_label("cpu", threads=1) == "CPU · 1 thread"
    assert device_label("cpu", threads=4) == "CPU · 4 threads"


def test_device_label_is_translated():
    assert device_label("cpu", threads=1, lang="ko") == "CPU · 스레드 1개"
    assert device_label("cpu", threads=4, lang="ko") == "CPU · 스레드 4개"
    assert device_label("cpu", threads=4, lang="en") == "CPU · 4 threads"
