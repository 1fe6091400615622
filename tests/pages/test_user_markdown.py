"""ui/shell/markdown.user_markdown: what a screen sends to st.markdown for text a member wrote."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _screen() -> None:
    import streamlit as st

    from ui.shell.markdown import user_markdown

    user_markdown(st.session_state["text"])
    with st.container():
        user_markdown(None, where=st.container())


def _render(text: str, lang: str) -> list[str]:
    at = AppTest.from_function(_screen, default_timeout=20)
    at.session_state["lang_choice"] = lang
    at.session_state["text"] = text
    at.run()
    assert not at.exception
    return [m.value for m in at.markdown]


def test_a_members_lines_and_images_arrive_prepared_in_the_viewers_language():
    text = "첫 줄\n둘째 줄\n![그림](https://img.example.org/a.png)\n[x](javascript:alert(1))"
    ko = _render(text, "ko")
    assert ko[0] == (
        "첫 줄  \n둘째 줄  \n[🖼️ 외부 이미지 열기: 그림 (img.example.org)](https://img.example.org/a.png)  \nx"
    )
    en = _render("![](https://img.example.org/a.png)", "en")
    assert en[0] == "[🖼️ Open external image (img.example.org)](https://img.example.org/a.png)"
    assert ko[1] == ""  # nothing written: an empty block, no error
