"""A leader's summary of one paper's reviews: submitted count, ratings' mean and spread per field,
and the assigned members who have not submitted yet."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.reviews.summary import paper_summary
from ui.shell.i18n import t


def summary_section(ctx, paper_id: int) -> None:
    """Draw the summary of `paper_id` (leaders only: the core refuses anyone else)."""
    with ctx.db.read() as s:
        summary = paper_summary(session=s, by=ctx.actor, paper_id=paper_id, lang=ctx.lang)
    with st.container(border=True):
        st.markdown(f"#### {t('rev.sum.title')}")
        st.metric(t("rev.sum.submitted"), summary.submitted)
        if summary.ratings:
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            t("rev.sum.field"): r.label,
                            t("rev.sum.n"): r.n,
                            t("rev.sum.mean"): round(r.mean, 2),
                            t("rev.sum.sd"): round(r.sd, 2),
                            t("rev.sum.min"): r.low,
                            t("rev.sum.max"): r.high,
                        }
                        for r in summary.ratings
                    ]
                ),
                hide_index=True,
                width="stretch",
            )
        else:
            st.caption(t("rev.sum.no_ratings"))
        if summary.missing:
            st.warning(t("rev.sum.missing", names=", ".join(summary.missing)), icon=":material/schedule:")
        elif summary.assigned:
            st.success(t("rev.sum.all_in"), icon=":material/task_alt:")
        else:
            st.caption(t("rev.sum.none_assigned"))
