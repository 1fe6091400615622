import os
import threading
import time

_F = os.environ.get("STUDY_TRACE_FILE")


def trace(label):
    if _F:
        with open(_F, "a") as f:
            f.write(f"{time.perf_counter():.4f} {os.getpid()} {threading.current_thread().name} {label}\n")


def tp(label):
    import streamlit as st

    if st.session_state.get("_tr"):
        trace("PAGE " + label)
