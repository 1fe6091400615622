"""The Lab form shows every invalid setting at once, by the labels the form shows (AppTest).
The reviews pages' lists are in tests/pages/test_reviews_pages.py."""

from __future__ import annotations

from tests.support.lab import LAB


def test_lab_lists_every_invalid_setting_by_its_label(run_page):
    at = run_page(LAB, lang="ko", query={"tab": "transformer", "n_heads": "3"})
    at.number_input(key="lab_transformer_steps").set_value(0).run()
    error = at.error[0].value
    assert error.startswith("설정을 확인해 주세요(2개):")
    assert "- 학습 스텝 값은 1 이상이어야 합니다." in error
    assert "헤드 수(3)로 나누어떨어져야" in error
    assert "steps" not in error and "n\\_heads" not in error
    assert at.button(key="lab_transformer_train").disabled
    at.number_input(key="lab_transformer_steps").set_value(100).run()
    assert [e.value for e in at.error] == ["d_model(64)이 헤드 수(3)로 나누어떨어져야 합니다."]
