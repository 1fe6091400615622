"""ui/shell/widgets.py: Streamlit's own widget texts replaced by ours, in the session's language."""

import pytest
from streamlit.testing.v1 import AppTest


def _script():
    import streamlit as st

    from ui.shell.widgets import pick_many, pick_one, streamlit_texts_css, upload

    st.html(streamlit_texts_css())
    pick_one("one", ["a", "b"], index=None, key="one")
    pick_one("own", ["a"], index=None, placeholder="mine", key="own")
    pick_many("many", ["a", "b", "c"], key="many")
    upload("notes", max_bytes=200 * 1024, types=["md", "txt"], key="up")


@pytest.mark.parametrize(
    ("lang", "one", "many", "caption", "button"),
    [
        ("ko", "선택하세요", "하나 이상 선택하세요", "파일당 최대 200KB · .md, .txt", "파일 선택"),
        ("en", "Choose an option", "Choose one or more", "Up to 200KB per file · .md, .txt", "Browse files"),
    ],
)
def test_widget_texts_in_the_session_language(lang, one, many, caption, button):
    at = AppTest.from_function(_script, default_timeout=30)
    at.session_state["lang_choice"] = lang
    at.run()
    assert not at.exception
    assert at.selectbox(key="one").placeholder == one
    assert at.selectbox(key="own").placeholder == "mine"  # a caller's own placeholder wins
    assert at.multiselect(key="many").placeholder == many
    assert at.multiselect(key="many").proto.select_all == 0  # Streamlit's English "Select all" is off
    uploader = at.get("file_uploader")[0].proto
    assert uploader.max_upload_size_mb == 1  # 200 KB, rounded up to Streamlit's whole MB
    assert list(uploader.type) == [".md", ".txt"]
    assert at.caption[0].value == caption
    css = at.get("html")[0].proto.body
    assert f'content: "{button}"' in css
    assert '[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }' in css
