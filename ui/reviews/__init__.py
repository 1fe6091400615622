"""Streamlit glue for the paper-review screens."""
