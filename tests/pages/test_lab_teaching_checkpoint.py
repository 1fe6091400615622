"""Opening a checkpoint in the Lab (AppTest): an exported checkpoint opens with every view and can
continue training; a foreign, damaged, oversize or other-tab file is refused with its reason in
the viewer's language, and nothing else on the page is lost."""

from __future__ import annotations

import functools

import pytest

from core.lab import checkpoint
from core.lab.config import replace
from core.lab.jobs.registry import JobRegistry
from tests.support.jobs import Fake
from tests.support.lab import TINY_RNN, has_heatmap
from tests.support.waiting import wait_until

SCREEN = "tests/support/lab_checkpoint_screen.py"
GRU = replace(
    TINY_RNN,
    steps=4,
    eval_every=2,
    probe_every=2,
    batch_size=8,
    **{"model.kind": "gru", "model.hidden": 16, "model.emb_dim": 8},
)


@pytest.fixture(scope="module")
def exported() -> bytes:
    from core.lab.checkpoint import save_checkpoint
    from core.lab.train import train

    done = list(train(GRU))[-1]
    return save_checkpoint(done.model, GRU)


def _upload(at, data: bytes, name: str = "lab_gru.pt"):
    [uploader] = at.file_uploader
    uploader.set_value((name, data, "application/octet-stream")).run()
    assert not at.exception
    return at


def test_an_exported_checkpoint_opens_with_every_view(run_page, exported):
    at = run_page(SCREEN, lang="en", state={"lab_gru_ckpt_st_open": True, "lab_gru_ckpt_emb_open": True})
    _upload(at, exported)
    assert any(
        s.value.startswith("Open checkpoint: GRU · ") and "trained 4 steps" in s.value for s in at.success
    )
    assert not at.error
    assert has_heatmap(at)  # the attention replay over the probe steps the checkpoint kept
    assert [int(o) for o in at.select_slider(key="lab_gru_ckpt_probe_step").options] == [0, 2, 4]
    assert any("Step 1. Token embeddings" in m.value for m in at.markdown)  # the step-through
    assert [int(o) for o in at.select_slider(key="lab_gru_ckpt_emb_step").options] == [0, 2, 4]
    at.text_input(key="lab_gru_ckpt_try").input("1 2 3 4 5")
    at.button(key="FormSubmitter:lab_gru_ckpt_try_form-Predict").click().run()
    assert any(m.value.startswith("The model answers:") for m in at.markdown)


@pytest.fixture
def trainer(monkeypatch):
    """The page's job queue trains with a fake that records the checkpoint each run starts from."""
    started: list[tuple] = []
    fake = Fake()

    def train_fn(cfg, *, stop, init_state=None):
        started.append((cfg, init_state))
        yield from fake(cfg, stop=stop)

    monkeypatch.setattr(
        "ui.lab.jobs._registry_class", lambda: functools.partial(JobRegistry, train_fn=train_fn)
    )
    return started


@pytest.mark.parametrize(
    ("lang", "label", "toast"),
    [
        ("en", "Continue training", "continues from the checkpoint"),
        ("ko", "이어서 학습", "이어서 학습을 시작했습니다"),
    ],
)
def test_continue_trains_from_the_checkpoint(run_page, exported, trainer, lang, label, toast):
    at = _upload(run_page(SCREEN, lang=lang), exported)
    button = at.button(key="lab_gru_ckpt_ck_continue")
    assert button.label == label
    button.click().run()
    assert not at.exception and not at.error
    job_id = at.session_state["lab_gru_show"]["job"]  # the tab shows the run it started
    wait_until(lambda: trainer, timeout=10, what="the run to start")
    [(cfg, init_state)] = trainer
    assert cfg == GRU and init_state == exported  # its config, from its weights
    from ui.lab.jobs import lab_jobs

    assert lab_jobs().registry.snapshot(job_id) is not None
    assert any(toast in t.value for t in at.toast)
    assert at.file_uploader[0].value is None  # the checkpoint is closed: the run is what the tab shows


def test_closing_empties_the_uploader(run_page, exported):
    at = _upload(run_page(SCREEN, lang="en"), exported)
    at.button(key="lab_gru_ckpt_ck_close").click().run()
    assert not at.exception and not at.success
    assert at.file_uploader[0].value is None


def _flipped(data: bytes) -> bytes:
    out = bytearray(data)
    out[len(out) // 2] ^= 0xFF  # one byte inside the weights
    return bytes(out)


@pytest.mark.parametrize(
    ("lang", "foreign", "damaged", "tab", "large"),
    [
        (
            "en",
            "not a Lab checkpoint",
            "changed or damaged after export (its checksum does not match its contents)",
            "This checkpoint is a GRU model. Open it in the GRU tab (this tab: LSTM).",
            "too large",
        ),
        (
            "ko",
            "실험실 체크포인트가 아닙니다",
            "바뀌었거나 손상되었습니다(체크섬이 내용과 맞지 않습니다)",
            "이 체크포인트는 GRU 모델입니다. GRU 탭에서 열어 주세요(지금 탭: LSTM).",
            "너무 큽니다",
        ),
    ],
)
def test_bad_files_are_refused_with_the_reason(
    run_page, monkeypatch, exported, lang, foreign, damaged, tab, large
):
    cases = [
        (foreign, "gru", b"hello, not weights"),
        (damaged, "gru", _flipped(exported)),
        (tab, "lstm", exported),
    ]
    for text, on_tab, data in cases:
        at = _upload(run_page(SCREEN, lang=lang, state={"_teach_tab": on_tab}), data)
        assert at.error and text in at.error[0].value and not at.success, text
        assert "digest" not in at.error[0].value and "gru" not in at.error[0].value
    monkeypatch.setattr(checkpoint, "MAX_UPLOAD_BYTES", 1024)
    at = _upload(run_page(SCREEN, lang=lang), exported)
    assert at.error and large in at.error[0].value and "1KB" in at.error[0].value


def test_the_lab_page_offers_the_upload_in_each_model_tab(run_page, exported):
    from tests.support.lab import LAB

    at = run_page(LAB, lang="en", query={"tab": "gru"})
    assert not at.exception
    at.file_uploader(key="lab_gru_ckpt_ck_file").set_value(
        ("lab_gru.pt", exported, "application/octet-stream")
    ).run()
    assert not at.exception and not at.error
    assert any(s.value.startswith("Open checkpoint: GRU") for s in at.success)
