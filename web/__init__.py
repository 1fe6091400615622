"""The server around the Streamlit script: extra HTTP routes and what starts and stops with it.

`server.py` at the repository root is what `streamlit run` starts (scripts/app.sh, the browser
tests, the benchmarks); it wraps `app.py` in `st.App` so the app can answer plain HTTP requests
(routes a script run cannot serve: a calendar feed, a cookie only the server may set) and run work
from server start (an embedded Lab worker, warming the engine). Pages never import this package;
`core/` and `db/` never import it either.
"""
