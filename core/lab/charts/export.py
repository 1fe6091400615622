"""PNG / SVG / JSON of a Model Lab chart through vl-convert (no browser), with a Hangul font."""

from __future__ import annotations

import os

import altair as alt

_fonts_registered = False


def _register_fonts() -> None:
    """Let vl-convert find a Hangul TTF (it cannot read WOFF2): static/NanumGothic.ttf ships one."""
    global _fonts_registered
    if _fonts_registered:
        return
    import vl_convert as vlc

    here = os.path.dirname(os.path.abspath(__file__))
    for d in (
        os.path.join(here, "..", "..", "..", "static"),
        "/usr/share/fonts/truetype/nanum",
        "/usr/share/fonts/opentype/noto",
    ):
        if os.path.isdir(d):
            vlc.register_font_directory(os.path.abspath(d))
    _fonts_registered = True


def _spec_json(chart: alt.TopLevelMixin) -> str:
    """Vega-Lite JSON without Altair's 5,000-row guard (a 50 x 512 encoding is 25,600 cells)."""
    with alt.data_transformers.disable_max_rows():
        return chart.to_json()


def chart_to_png(chart: alt.TopLevelMixin, *, scale: float = 2.0) -> bytes:
    """PNG bytes of a chart (vl-convert, no browser); `scale` 2 suits a projector slide."""
    import vl_convert as vlc

    _register_fonts()
    return vlc.vegalite_to_png(_spec_json(chart), scale=scale)


def chart_to_svg(chart: alt.TopLevelMixin) -> str:
    """SVG text of a chart (vl-convert, no browser)."""
    import vl_convert as vlc

    _register_fonts()
    return vlc.vegalite_to_svg(_spec_json(chart))


def save_chart(chart: alt.TopLevelMixin, fmt: str) -> bytes:
    """Chart as `fmt` ("png" | "svg" | "json") bytes, for download buttons."""
    if fmt == "png":
        return chart_to_png(chart)
    if fmt == "svg":
        return chart_to_svg(chart).encode("utf-8")
    if fmt == "json":
        return _spec_json(chart).encode("utf-8")
    raise ValueError(f"unknown chart format {fmt!r}; use png, svg or json")
