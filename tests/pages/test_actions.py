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


def _create_screen() -> None:
    from contextlib import contextmanager

    import streamlit as st

    from ui.shell.actions import act

    class FakeDb:
        @contextmanager
        def write(self):
            yield "session"
            st.session_state.saved = [*st.session_state.get("saved", []), st.session_state.title]

    title = st.text_input("title", key="title")
    if st.button("create"):
        act(FakeDb(), lambda s: title, done="members.added", params={"name": title}, once=(title,))


def _create(at: AppTest, title: str) -> AppTest:
    at.text_input(key="title").input(title).run()
    return at.button[0].click().run()


def test_the_same_values_saved_twice_in_moments_are_refused_once(monkeypatch):
    import ui.shell.actions as actions

    now = [1000.0]
    monkeypatch.setattr(actions, "clock", lambda: now[0])
    at = AppTest.from_function(_create_screen, default_timeout=20)
    at.session_state["lang_choice"] = "en"
    at.run()
    _create(at, "Week 3")
    assert at.session_state.saved == ["Week 3"]
    now[0] += 2  # a second press of the same entry
    _create(at, "Week 3")
    assert at.session_state.saved == ["Week 3"]
    assert "was just saved" in at.warning[0].value
    _create(at, "Week 4")  # other values are a new entry
    assert at.session_state.saved == ["Week 3", "Week 4"]
    now[0] += actions.REPEAT_WINDOW_S + 1  # later, the same values again are meant
    _create(at, "Week 4")
    assert at.session_state.saved == ["Week 3", "Week 4", "Week 4"]


def _renew_screen() -> None:
    from contextlib import contextmanager

    import streamlit as st

    from ui.shell.actions import act
    from ui.shell.forms import fresh

    class FakeDb:
        @contextmanager
        def write(self):
            yield "session"

    st.text_input("title", key=fresh("title"))
    if st.button("create"):
        act(FakeDb(), lambda s: None, renew=("title",))


def test_renewed_widgets_are_new_widgets_after_a_save():
    # popping a widget key empties only the server's copy; a new key is a new, empty widget
    at = AppTest.from_function(_renew_screen, default_timeout=20)
    at.session_state["lang_choice"] = "en"
    at.run()
    at.text_input(key="title").input("첫 주차").run()
    at.button[0].click().run()
    assert [ti.key for ti in at.text_input] == ["title1"] and at.text_input[0].value == ""
