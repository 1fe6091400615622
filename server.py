"""What `streamlit run` starts: the app (app.py) inside its server, with the extra HTTP routes
(`web/routes.py`) and what starts and stops with the server (`web/lifespan.py`).

`streamlit run server.py` serves everything; `streamlit run app.py` serves the pages alone.
Streamlit finds the `st.App(...)` call by reading this file, so it stays written out here.
"""

from pathlib import Path

import streamlit as st

from web import streamlit_fixes
from web.lifespan import lifespan
from web.routes import routes

streamlit_fixes.apply()  # a race that left pages half drawn; one loop wake-up per message (web/streamlit_fixes.py)

app = st.App(str(Path(__file__).resolve().parent / "app.py"), routes=routes(), lifespan=lifespan)
