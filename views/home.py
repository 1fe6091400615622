"""Home: what this week holds, and links into the app."""

import streamlit as st

from ui.curriculum.widgets import next_seminar_card, this_week_card
from ui.lab.home import home_card as lab_home_card
from ui.reviews.widgets import home_card as review_home_card
from ui.shell.frame import frame
from ui.shell.i18n import t
from ui.shell.nav import PAGES, allowed

ctx = frame()
st.title(t("app.title"))
st.caption(t("app.tagline"))
if ctx.actor is not None:
    st.write(t("home.welcome", name=ctx.actor.display_name))
else:
    st.write(t("home.guest_welcome"))

# Each domain adds its card below (this week's curriculum, next seminar, open assignments, ...).
left, right = st.columns(2)
with left:
    this_week_card(ctx)
with right:
    next_seminar_card(ctx)
review_home_card(ctx)
lab_home_card(ctx)

st.subheader(t("home.links"))
links = [spec for spec in PAGES if allowed(spec, ctx.actor) and spec.path != "views/home.py"]
cols = st.columns(3)
for i, spec in enumerate(links):
    cols[i % 3].page_link(spec.path, label=t(spec.title_key), icon=spec.icon)
