"""What `streamlit run` starts: the app (app.py) inside its server, with the extra HTTP routes
(`web/routes.py`) and what starts and stops with the server (`web/lifespan.py`).

`streamlit run server.py` serves everything; `streamlit run app.py` serves the pages alone.
Streamlit finds the `st.App(...)` call by reading this file, so it stays written out here.
"""

import sys
from pathlib import Path

import streamlit as st

from web import streamlit_fixes
from web.lifespan import lifespan
from web.routes import routes

# How long a thread may hold Python's GIL while another waits (Python's default: 5 ms). The event
# loop that sends every tab its elements gives up the GIL at each socket call and then waits for
# it behind the tabs' script threads: with 3 busy threads a page's first element took 0.33 s at
# 5 ms and 0.12 s at 1 ms; in the 30-person room, Stop -> stopped on the page was 0.64-1.00 s at
# most against 0.87-1.28 s (docs/benchmarks.md, eighth session).
GIL_SWITCH_S = 0.001
sys.setswitchinterval(GIL_SWITCH_S)
streamlit_fixes.apply()  # a race that left pages half drawn; one loop wake-up per message (web/streamlit_fixes.py)

app = st.App(str(Path(__file__).resolve().parent / "app.py"), routes=routes(), lifespan=lifespan)
