"""Factories and helpers shared by tests (no test module imports another test module or a conftest).

appserver (start `streamlit run server.py` for browser tests and benchmarks, end a child process), browser (Playwright
steps), db (test databases, wipe), factories (accounts), lab (Lab page helpers, fresh seeds),
pages (AppTest helpers: a button by label, the page's text, a week), paths (ROOT, APP, HARNESS),
reviews (templates, papers, reviews), waiting (wait_until); jobs, oidc, webhook_receiver, lab_checkpoint_screen.
"""
