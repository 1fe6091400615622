"""Lab teaching details on screen (AppTest): the preset picker, plain labels in Compare, and the
notes of "try your own input" (empty, full-width, too long, much shorter), in Korean and English."""

from __future__ import annotations

import pytest

from tests.support.factories import make_leader
from tests.support.lab import LAB, TINY_RNN, store

TRY, GO = "lab_rnn_try", "FormSubmitter:lab_rnn_try_form-{}"
GO_LABEL = {"ko": "예측", "en": "Predict"}


@pytest.fixture(scope="module")
def tiny_record():
    """One real tiny training (reverse, 5 symbols), recorded once for the module."""
    from core.lab.snapshots import record_of_events
    from core.lab.train import train

    return record_of_events(TINY_RNN, train(TINY_RNN))


def _try(at, text: str, lang: str):
    at.text_input(key=TRY).input(text)
    at.button(key=GO.format(GO_LABEL[lang])).click().run()
    assert not at.exception
    return at


def _answered(at) -> bool:
    return any(m.value.startswith(("The model answers:", "모델의 답:")) for m in at.markdown)


@pytest.mark.parametrize(
    ("lang", "asks", "longer", "shorter", "read_as"),
    [
        (
            "en",
            "Type some tokens to try",
            "Your input has 8 tokens, longer than the 5",
            "much shorter",
            "Read as: 1 2 3 4 5",
        ),
        (
            "ko",
            "입력할 토큰을 적어 주세요",
            "입력이 토큰 8개로, 학습 때 본 길이(5개)보다 깁니다",
            "훨씬 짧습니다",
            "이렇게 읽었습니다: 1 2 3 4 5",
        ),
    ],
)
def test_try_input_notes_in_the_viewers_language(
    run_page, db, tiny_record, lang, asks, longer, shorter, read_as
):
    rid = store(db, tiny_record)
    at = run_page(LAB, lang=lang, query={"run": str(rid)})
    # empty: asks for text instead of answering the greyed example
    _try(at, "", lang)
    assert any(asks in i.value for i in at.info) and not _answered(at)
    # full-width digits typed with a Korean IME are read as ASCII, and the page says so
    _try(at, "１ ２ ３ ４ ５", lang)
    assert _answered(at) and not at.error and not at.warning
    assert read_as in [c.value for c in at.caption]
    # longer than trained: a note, and still an answer (nothing refused, nothing lost)
    _try(at, "1 2 3 4 5 6 7 8", lang)
    assert _answered(at) and any(longer in w.value for w in at.warning)
    assert at.text_input(key=TRY).value == "1 2 3 4 5 6 7 8"
    # much shorter than trained
    _try(at, "1 2", lang)
    assert _answered(at) and any(shorter in w.value for w in at.warning)


def _recall_at_chance(record):
    """The record as a recall run of a plain RNN at chance: <eos> always right, the answer 1 in 10."""
    from dataclasses import replace

    config = {**record.config, "task": "recall", "model": {**record.config["model"], "attention": "none"}}
    metrics = {**record.metrics, "val_token_acc": 0.55, "val_seq_acc": 0.10}
    return replace(record, config=config, metrics=metrics)


def test_compare_configs_show_labels_not_internal_ids(run_page, db, tiny_record):
    a = store(db, tiny_record)
    b = store(db, _recall_at_chance(tiny_record))
    at = run_page(LAB, lang="en", query={"tab": "compare", "runs": f"{a},{b}"})
    assert not at.exception
    at.toggle(key="lab_only_diff").set_value(False).run()
    configs = at.dataframe[-1].value
    rows = list(configs.index)
    assert "Model" in rows and "Task" in rows and "Attention" in rows
    assert not [r for r in rows if r.startswith("model.") or r in ("kind", "task", "attention")]
    values = configs.to_numpy().ravel().tolist()
    assert "Recall" in values and "None (fixed context)" in values and "RNN" in values
    assert not {"recall", "none", "rnn", "reverse", "dot", "auto"} & set(values)
    assert configs.loc["d_model"].tolist() == ["–", "–"]  # an RNN has no d_model
    # the history table judges recall by whole answers: chance stays chance
    table = at.dataframe[0].value.set_index("#")
    assert table.loc[b, "Val. accuracy"] == pytest.approx(0.10)
    assert table.loc[a, "Val. accuracy"] == pytest.approx(tiny_record.metrics["val_token_acc"])


def test_compare_configs_in_korean(run_page, db, tiny_record):
    b = store(db, _recall_at_chance(tiny_record))
    at = run_page(LAB, query={"tab": "compare", "runs": f"{b}"})
    configs = at.dataframe[-1].value
    assert configs.loc["과제"].tolist() == ["기억"]
    assert configs.loc["모델"].tolist() == ["RNN"]
    assert "model.kind" not in configs.index and "model.attention" not in configs.index


def test_recall_run_reports_whole_answer_accuracy(run_page, db, tiny_record):
    rid = store(db, _recall_at_chance(tiny_record))
    at = run_page(LAB, lang="en", query={"run": str(rid)})
    done = [s.value for s in at.success if s.value.startswith("Finished")]
    assert done and "whole-answer accuracy 10.0%" in done[0] and "inflated" in done[0]


def _week(db, preset: str, title_ko: str, title_en: str) -> int:
    from core.curriculum.weeks import create_week

    leader = make_leader(db)
    with db.write() as s:
        create_week(session=s, by=leader, title_ko="오리엔테이션", title_en="Orientation")
        return create_week(session=s, by=leader, title_ko=title_ko, title_en=title_en, lab_preset=preset).id


@pytest.mark.parametrize(
    ("lang", "title", "watch", "week"),
    [
        (
            "en",
            "Long-term dependency: RNN vs LSTM and GRU",
            "stays at chance",
            "Curriculum: Week 2 · Long-term memory",
        ),
        ("ko", "장기 의존성: RNN 대 LSTM·GRU", "우연 수준", "커리큘럼: 2주차 · 장기 기억"),
    ],
)
def test_preset_picker_loads_config_story_and_week(run_page, db, lang, title, watch, week):
    _week(db, "long_term_dependency", "장기 기억", "Long-term memory")
    at = run_page(LAB, lang=lang, query={"tab": "transformer"})
    pick = at.selectbox(key="lab_preset_pick")
    assert pick.value is None and title in pick.options
    pick.set_value("long_term_dependency").run()
    assert not at.exception
    assert at.session_state["lab_tab_id"] == "rnn"
    assert at.selectbox(key="lab_rnn_task").value == "recall"
    assert at.number_input(key="lab_rnn_seq_len").value == 21
    assert at.selectbox(key="lab_rnn_attention").value == "none"
    assert any(title in m.value for m in at.markdown) and any(watch in m.value for m in at.markdown)
    assert week in [c.value for c in at.caption]  # a page link (a caption where the harness has no such page)
    assert dict(at.query_params)["preset"] == "long_term_dependency"
    # the LSTM tab got the same experiment
    assert at.session_state["lab_lstm_task"] == "recall"


def test_preset_link_shows_in_the_picker_and_a_week_link_in_the_app(run_app, db):
    week_id = _week(db, "translate_en_ko", "번역", "Translation")
    at = run_app(lang="en")  # the real app: the curriculum page is registered, so this is a link
    at.switch_page("views/lab.py")
    at.query_params["preset"] = "translate_en_ko"
    at.run()
    assert not at.exception
    assert at.selectbox(key="lab_preset_pick").value == "translate_en_ko"
    links = [p.proto for p in at.get("page_link") if p.proto.label.startswith("Curriculum:")]
    assert [(p.label, p.query_string) for p in links] == [
        ("Curriculum: Week 2 · Translation", f"week={week_id}")
    ]
