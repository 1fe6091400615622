"""ui/shell/actions.act: the one write helper every screen uses (a fake Database, no tables)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _screen(outcome: str) -> None:
    from contextlib import contextmanager

    import streamlit as st

    from core.validate import FieldError
    from ui.shell.actions import act

    class FakeDb:
        @contextmanager
        def write(self):
            st.session_state.writes = st.session_state.get("writes", 0) + 1
            yield "session"
            st.session_state.committed = st.session_state.get("committed", 0) + 1

    def write(session):
        assert session == "session"
        if outcome == "refused":
            raise FieldError("members.display_name", "common.error.required")
        return "Kim"

    st.text_input("name", key="typed")
    if st.button("save"):
        st.session_state.result = act(
            FakeDb(), write, done="members.added", params=lambda name: {"name": name}, forget=("base",)
        )


def _run(outcome: str) -> AppTest:
    at = AppTest.from_function(_screen, args=(outcome,), default_timeout=20)
    at.session_state["lang_choice"] = "en"
    at.session_state["base"] = 7  # e.g. the version an edit form started from
    at.run()
    at.text_input(key="typed").input("what I typed").run()
    return at.button[0].click().run()


def test_a_refused_write_shows_the_translated_error_and_keeps_the_input():
    at = _run("refused")
    assert at.session_state.result is False
    assert at.session_state.get("committed") is None  # the transaction did not commit
    assert len(at.error) == 1 and "required" in at.error[0].value.lower()
    assert at.text_input(key="typed").value == "what I typed"
    assert at.session_state.base == 7  # the version the edit started from is kept


def test_a_successful_write_forgets_keys_toasts_and_reruns():
    at = _run("ok")
    assert at.session_state.committed == 1
    assert "result" not in at.session_state  # st.rerun() ended the run before act returned
    assert "base" not in at.session_state  # forgotten once the write committed
    assert not at.error
    assert [t.value for t in at.toast] == ["Added Kim."]
