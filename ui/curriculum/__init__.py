"""Streamlit glue for the curriculum screens."""
