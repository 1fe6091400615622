"""Factories and helpers shared by tests (no test module imports another test module or a conftest).

appserver (start `streamlit run app.py` for browser tests and benchmarks), browser (Playwright
steps), db (test databases, wipe), factories (accounts), lab (Lab page helpers, fresh seeds),
paths (ROOT, APP, HARNESS), reviews (templates, papers, reviews), waiting (wait_until).
"""
