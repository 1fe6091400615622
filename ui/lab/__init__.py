"""Streamlit glue for the Model Lab page (views/lab.py) and its Home card (home.py).

The page imports torch lazily through core.lab; `home.py` must stay torch-free (Home imports it).
"""
