"""Strings of the user-Markdown renderer and editor (Korean and English)."""

KO: dict[str, str] = {
    "md.external_image": "🖼️ 외부 이미지 열기: {alt} ({host})",
    "md.external_image_no_alt": "🖼️ 외부 이미지 열기 ({host})",
    "md.preview": "미리보기",
    "md.preview_help": "저장될 모습 그대로 보여 줍니다. 글상자에서 나가거나 Ctrl+Enter를 누르면 새로 고쳐집니다.",
    "md.preview_form_help": "저장하지 않고 지금 쓴 내용을 저장될 모습 그대로 보여 줍니다 (글상자에서 Ctrl+Enter).",
    "md.preview_caption": "미리보기 · 저장될 모습",
    "md.preview_empty": "아직 쓴 내용이 없습니다.",
}
EN: dict[str, str] = {
    "md.external_image": "🖼️ Open external image: {alt} ({host})",
    "md.external_image_no_alt": "🖼️ Open external image ({host})",
    "md.preview": "Preview",
    "md.preview_help": "Shows the text exactly as it will be saved; it refreshes when you leave the box or press Ctrl+Enter.",
    "md.preview_form_help": "Shows what you wrote exactly as it will be saved, without saving (Ctrl+Enter in the box).",
    "md.preview_caption": "Preview · as it will be saved",
    "md.preview_empty": "Nothing written yet.",
}
