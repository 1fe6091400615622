"""What the Lab's teaching views share: the weights a run kept at its probe steps, wherever they
are (the model trained in this process, the job's checkpoint bytes, the stored run's), read once."""

from __future__ import annotations

import streamlit as st

from core.lab import runs as lab_runs
from core.lab.view import RunView
from ui.shell.frame import Frame


@st.cache_resource(show_spinner=False, max_entries=8)
def _states_of_bytes(token: tuple, _data: bytes) -> dict:
    from core.lab.checkpoint import read_probe_states

    return read_probe_states(_data)


@st.cache_resource(show_spinner=False, max_entries=8)
def run_checkpoint(_db, db_url: str, run_id: int, version: int) -> bytes | None:
    """A stored run's checkpoint bytes, read once per process for every view that needs them (the
    model, the kept weights, the download): each read them itself, three reads of up to 2 MB for
    the first page of an ended run and one on every later run of that page."""
    with _db.read() as s:
        return lab_runs.checkpoint_bytes(session=s, run_id=run_id)


@st.cache_resource(show_spinner=False, max_entries=8)
def _states_of_run(_db, db_url: str, run_id: int, version: int) -> dict:
    from core.lab.checkpoint import read_probe_states

    return read_probe_states(run_checkpoint(_db, db_url, run_id, version))


def kept_states(ctx: Frame, view: RunView) -> dict:
    """{probe step: float16 state} the run kept ({} when it kept none): from the model this process
    trained or opened, else the job's or the stored run's checkpoint bytes."""
    from core.lab.introspect import probe_states

    states = probe_states(view.model) if view.model is not None else None
    if states:
        return states
    if view.checkpoint:
        return _states_of_bytes(("job", view.job_id, view.version), view.checkpoint)
    if view.run_id is not None:
        return _states_of_run(ctx.db, ctx.db.url, view.run_id, view.version)
    return {}


def task_of(view: RunView):
    """The view's task (vocabularies, probe)."""
    from core.lab.tasks import make_task

    cfg = view.config
    return make_task(cfg.task, cfg.seq_len, cfg.vocab_size)
