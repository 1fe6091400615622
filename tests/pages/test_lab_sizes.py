"""The Model Lab at sizes near the form's limits, and its device badge in both languages (AppTest)."""

from __future__ import annotations

import pytest
import torch

from tests.support.lab import LAB, specs

off_gpu = pytest.mark.skipif(torch.cuda.is_available(), reason="the badge names the GPU here")


def _badges(at) -> list[str]:
    return [m.value for m in at.markdown if "-badge[" in m.value]


@off_gpu
@pytest.mark.parametrize(("lang", "label"), [("ko", "CPU · 스레드 1개"), ("en", "CPU · 1 thread")])
def test_device_badge_speaks_the_page_language(run_page, lang, label):
    at = run_page(LAB, lang=lang)
    assert not at.exception
    assert any(f"{label}]" in b for b in _badges(at)), _badges(at)


def _pe_specs(at) -> list[dict]:
    return [s for s in specs(at) if s.get("encoding", {}).get("x", {}).get("field") == "dimension"]


@pytest.mark.parametrize("d_model", ["104", "512"])
def test_wide_transformer_draws_its_positional_encoding(run_page, d_model):
    at = run_page(LAB, lang="en", query={"tab": "transformer", "d_model": d_model})
    assert not at.exception, at.exception
    assert at.number_input(key="lab_transformer_d_model").value == int(d_model)
    assert _pe_specs(at) == []  # closed: nothing computed or sent
    at.session_state["lab_pe_open"] = True  # the viewer opens the section
    at.run()
    pe = _pe_specs(at)
    assert len(pe) == 1
    assert pe[0]["encoding"]["x"]["title"] == f"dimension (100 of {d_model} shown)"


def test_the_positional_encoding_preset_opens_its_chart(run_page):
    at = run_page(LAB, lang="en", query={"preset": "positional_encoding"})
    assert not at.exception, at.exception
    assert at.session_state["lab_pe_open"] is True and len(_pe_specs(at)) == 1
