"""Opening a checkpoint in the Lab (AppTest): an exported checkpoint opens with every view and can
continue training; a foreign, damaged, oversize or other-tab file is refused with its reason in
the viewer's language, and nothing else on the page is lost."""

from __future__ import annotations

import pytest

from core.lab import checkpoint
from core.lab.config import replace
from tests.support.lab import TINY_RNN, has_heatmap

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


def test_an_exported_checkpoint_opens_with_every_view_and_continues(run_page, exported):
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
    buttons = [b for b in at.button if b.key == "lab_gru_ckpt_ck_continue"]
    if buttons:  # the job queue takes init_state: training continues from these weights
        buttons[0].click().run()
        assert not at.exception and not at.error
        assert "job" in at.session_state["lab_gru_show"]
    else:
        assert any("cannot start training from a checkpoint" in c.value for c in at.caption)


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
        ("en", "not a Lab checkpoint", "damaged or was changed", "Open it in the gru tab", "too large"),
        ("ko", "실험실 체크포인트가 아닙니다", "손상되었거나", "gru 탭에서 열어 주세요", "너무 큽니다"),
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
