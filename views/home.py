"""Home: what this week holds, and links into the app."""

import streamlit as st

from ui.curriculum.home import next_seminar_card, this_week_card
from ui.lab.home import home_card as lab_home_card
from ui.reviews.home import home_card as review_home_card
from ui.shell.frame import frame
from ui.shell.i18n import t
from ui.shell.links import page_link
from ui.shell.nav import HOME, PAGES, allowed

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
links = [spec for spec in PAGES if allowed(spec, ctx.actor) and spec.url_path != HOME]
cols = st.columns(3)
for i, spec in enumerate(links):
    page_link(spec.url_path, t(spec.title_key), where=cols[i % 3])
