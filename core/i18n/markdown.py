"""Strings of the user-Markdown renderer (Korean and English)."""

KO: dict[str, str] = {
    "md.external_image": "🖼️ 외부 이미지 열기: {alt} ({host})",
    "md.external_image_no_alt": "🖼️ 외부 이미지 열기 ({host})",
}
EN: dict[str, str] = {
    "md.external_image": "🖼️ Open external image: {alt} ({host})",
    "md.external_image_no_alt": "🖼️ Open external image ({host})",
}
