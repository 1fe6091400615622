"""Chart builders for the Model Lab: pure functions returning Altair charts (no Streamlit).

The one import for pages (`from core.lab import charts`). Where each kind lives:
`curves.py` training curves and run comparison; `maps.py` token-by-token maps (attention,
positional encoding, gates, gradient norms); `teaching.py` the step-through and embeddings views; `export.py` PNG/SVG; `base.py` font, labels, frames
and thinning shared by all of them.
"""

from core.lab.charts.base import FONT, MAX_POINTS
from core.lab.charts.curves import (
    CURVES,
    accuracy_chart,
    compare_chart,
    curve_chart,
    curve_columns,
    curve_frames,
    curve_series,
    loss_chart,
)
from core.lab.charts.export import chart_to_png, chart_to_svg, save_chart
from core.lab.charts.maps import (
    attention_grid,
    attention_heatmap,
    attention_template,
    gates_chart,
    grad_norm_chart,
    heat_columns,
    positional_encoding_chart,
    unique_labels,
)
from core.lab.charts.room import room_chart
from core.lab.charts.teaching import embedding_chart, matrix_chart, prob_chart

__all__ = [
    "FONT",
    "MAX_POINTS",
    "CURVES",
    "curve_columns",
    "curve_frames",
    "curve_series",
    "curve_chart",
    "loss_chart",
    "accuracy_chart",
    "attention_heatmap",
    "attention_grid",
    "attention_template",
    "heat_columns",
    "positional_encoding_chart",
    "compare_chart",
    "gates_chart",
    "grad_norm_chart",
    "room_chart",
    "matrix_chart",
    "prob_chart",
    "embedding_chart",
    "unique_labels",
    "chart_to_png",
    "chart_to_svg",
    "save_chart",
]
