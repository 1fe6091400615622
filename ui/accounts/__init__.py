"""Streamlit glue of the member's own account (core logic: core/accounts/)."""
