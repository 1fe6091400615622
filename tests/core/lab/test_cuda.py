import pytest
import torch

from core.lab.config import TrainConfig
from core.lab.device import device_label, pick_device
from core.lab.train import DoneEvent, StepEvent, train


def test_auto_device_falls_back_to_cpu_and_labels_it():
    dev = pick_device("auto")
    if not torch.cuda.is_available():
        assert dev.type in ("cpu", "mps")
    assert device_label(torch.device("cpu")).startswith("CPU")


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU on this machine")
def test_trains_a_few_steps_on_the_gpu():
    events = list(train(TrainConfig(steps=30, eval_every=15, device="cuda")))
    done = events[-1]
    assert isinstance(done, DoneEvent) and done.status == "finished" and done.device.startswith("cuda")
    assert next(done.model.parameters()).is_cuda
    losses = [e.loss for e in events if isinstance(e, StepEvent)]
    assert losses[-1] < losses[0]


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA GPU is present")
def test_asking_for_missing_cuda_is_a_clear_error():
    from core.lab.config import ConfigError
    with pytest.raises(ConfigError, match="Device cuda is not available"):
        pick_device("cuda")


def test_cpu_label_names_the_job_threads():
    assert device_label("cpu", threads=1) == "CPU · 1 thread"
    assert device_label("cpu", threads=4) == "CPU · 4 threads"
