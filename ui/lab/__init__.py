"""Streamlit glue for the Model Lab page (views/lab.py). Imports torch lazily through core.lab:
nothing outside the Lab page may import this package (Home must stay torch-free)."""
