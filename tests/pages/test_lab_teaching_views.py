"""The Lab's teaching views on screen (AppTest): the step-through of a stored run (probe and own
input, the weights at a kept probe step, formulas, bad input) and the embeddings replay, in
Korean and English."""

from __future__ import annotations

import json

import pytest

from core.lab.config import replace
from tests.support.lab import LAB, TINY_RNN, specs, store

SMALL = replace(TINY_RNN, batch_size=16, **{"model.hidden": 16, "model.emb_dim": 8})
GRU_DOT = replace(SMALL, **{"model.kind": "gru", "model.attention": "dot"})
TRANSFORMER = replace(
    SMALL,
    **{
        "model.kind": "transformer",
        "model.d_model": 16,
        "model.n_heads": 2,
        "model.d_ff": 16,
        "model.n_layers": 1,
    },
)


def _record(cfg):
    from core.lab.snapshots import record_of_events
    from core.lab.train import train

    return record_of_events(cfg, train(cfg))


@pytest.fixture(scope="module")
def gru_record():
    return _record(GRU_DOT)


@pytest.fixture(scope="module")
def transformer_record():
    return _record(TRANSFORMER)


def _titles(at) -> str:
    return json.dumps([s.get("title") for s in specs(at)], ensure_ascii=False)


def _latex(at) -> list[str]:
    return [e.proto.body for e in at.get("markdown") if getattr(e.proto, "is_latex", False)] or [
        m.value for m in at.markdown if m.value.startswith("$$")
    ]


def test_gru_step_through_of_a_stored_run(run_page, db, gru_record):
    rid = store(db, gru_record)
    at = run_page(LAB, lang="en", query={"run": str(rid), "tab": "gru"}, state={"lab_gru_st_open": True})
    assert not at.exception
    titles = _titles(at)
    for name in ("x_t", "h_t", "s_t", "e_ts", "α_ts", "c_t", "s̃_t"):
        assert f'"{name}"' in titles, name
    assert any("Step 1. Token embeddings" in m.value for m in at.markdown)
    assert any("Alignment" in m.value for m in at.markdown)
    # weights at a kept probe step: the slider offers them, and the end of training
    slider = at.select_slider(key="lab_gru_st_step")
    assert 0 in slider.options[0:1] or "0" in [str(o) for o in slider.options]
    slider.set_value(0).run()
    assert not at.exception and not at.error
    # own input: empty asks for text, unknown tokens are refused with the reason, a valid one answers
    at.segmented_control(key="lab_gru_st_source").set_value("own").run()
    assert any("Type some tokens" in i.value for i in at.info)
    at.text_input(key="lab_gru_st_text").input("1 2 x").run()
    assert at.error and "x" in at.error[0].value
    at.text_input(key="lab_gru_st_text").input("１ 2").run()
    assert not at.exception and not at.error
    assert any("Read as: 1 2" in c.value for c in at.caption)
    assert any("much shorter" in w.value for w in at.warning)


@pytest.mark.parametrize(
    ("lang", "caption", "answer", "across"),
    [
        (
            "en",
            "Each row is one time step (an input token), each column one dimension",
            "Input ",
            "dimension",
        ),
        ("ko", "각 행은 한 시점(입력 토큰), 열은 h_t의 차원", "입력 ", "차원"),
    ],
)
def test_the_encoder_states_caption_says_what_the_chart_shows(
    run_page, db, gru_record, lang, caption, answer, across
):
    rid = store(db, gru_record)
    at = run_page(LAB, lang=lang, query={"run": str(rid), "tab": "gru"}, state={"lab_gru_st_open": True})
    assert not at.exception
    assert any(caption in c.value for c in at.caption)
    [h_t] = [s for s in specs(at) if s.get("title") == "h_t"]
    src = next(m.value for m in at.markdown if m.value.startswith(answer)).removeprefix(answer)
    tokens = src.split(" → ")[0].split()
    # down the rows: the input tokens, one time step each; across: the state's dimensions (units)
    rows = [label.split(" (")[0] for label in h_t["encoding"]["y"]["sort"]]
    assert h_t["encoding"]["y"]["field"] == "row" and rows == tokens
    assert h_t["encoding"]["x"]["title"] == across


def test_transformer_step_through_in_korean(run_page, db, transformer_record):
    rid = store(db, transformer_record)
    at = run_page(LAB, query={"run": str(rid), "tab": "transformer"}, state={"lab_transformer_st_open": True})
    assert not at.exception
    titles = _titles(at)
    for name in ("Q", "K", "V", "QKᵀ/√d_k", "S + m", "A", "MultiHead(X)"):
        assert f'"{name}"' in titles, name
    assert any("1단계. 토큰 임베딩 + 위치 인코딩" in m.value for m in at.markdown)
    at.segmented_control(key="lab_transformer_st_kind").set_value("dec_self").run()
    assert any("대각선 위쪽" in c.value for c in at.caption)  # the causal mask explained
    assert '"S + m"' in _titles(at)


def test_embeddings_replay_scrubs_probe_steps(run_page, db, transformer_record):
    rid = store(db, transformer_record)
    at = run_page(
        LAB,
        lang="en",
        query={"run": str(rid), "tab": "transformer"},
        state={"lab_transformer_emb_open": True},
    )
    assert not at.exception
    slider = at.select_slider(key="lab_transformer_emb_step")
    assert [int(o) for o in slider.options] == [0, 10, 20]
    scatter = [s for s in specs(at) if "principal component 1" in json.dumps(s)]
    assert scatter
    slider.set_value(0).run()
    assert not at.exception
    assert any(c.value.startswith("Step 0: the horizontal axis keeps") for c in at.caption)


def test_closed_sections_compute_nothing(run_page, db, gru_record):
    rid = store(db, gru_record)
    at = run_page(LAB, lang="en", query={"run": str(rid), "tab": "gru"})
    assert not at.exception
    titles = _titles(at)
    assert '"h_t"' not in titles and "principal component" not in json.dumps(specs(at))


def test_a_run_without_kept_weights_says_the_final_weights_are_used(run_page, db, gru_record):
    from dataclasses import replace as with_

    from core.lab.checkpoint import open_checkpoint, save_checkpoint

    bare = save_checkpoint(open_checkpoint(gru_record.checkpoint).model, GRU_DOT)  # as before this view
    rid = store(db, with_(gru_record, checkpoint=bare))
    state = {"lab_gru_st_open": True, "lab_gru_emb_open": True}
    at = run_page(LAB, lang="en", query={"run": str(rid), "tab": "gru"}, state=state)
    assert not at.exception and not at.error
    captions = [c.value for c in at.caption]
    assert any(c.startswith("This run kept no weights at its probe steps") for c in captions)
    assert any(c.startswith("This run kept no embeddings at its probe steps") for c in captions)
    assert '"h_t"' in _titles(at)  # the step-through still runs, on the final weights
