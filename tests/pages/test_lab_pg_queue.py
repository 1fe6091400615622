"""The Lab page on the PostgreSQL queue (AppTest; postgres, skipped with the reason without one):
pages call the same interface whichever back end runs. Without a worker a started run waits in
the queue; the owner sees its place and stops it, a watcher sees the owner and no Stop, the
running-now panel lists it, and the page's job back end is the PostgreSQL one. A run a worker
finished shows its after-training views with the model and checkpoint of its stored run."""

from __future__ import annotations

import pytest

from core.lab.config import replace
from core.lab.jobs.policy import Participant
from core.lab.presets import tab_default
from tests.support.factories import make_leader, make_member
from tests.support.lab import LAB

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
CFG = replace(tab_default("gru"), steps=40, seq_len=5, eval_every=10, probe_every=10)


@pytest.fixture
def backend(pg_server) -> str:
    """This module's pages run on PostgreSQL only (skipped with the reason without one)."""
    return "postgres"


@pytest.fixture
def jobs(db, monkeypatch):
    from ui.lab.jobs import lab_jobs

    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.delenv("STUDY_LAB_QUEUE", raising=False)
    lab = lab_jobs()
    yield lab
    lab.registry.close()


def keys(at) -> set[str]:
    return {b.key for b in at.button if b.key}


def test_the_page_queues_shows_and_stops_a_run_on_the_postgresql_queue(run_page, db, jobs):
    assert jobs.registry.mode == "postgres" and jobs.stores_runs
    lead = make_leader(db)
    ann, bo = make_member(db, "ann", "Ann", by=lead), make_member(db, "bobo", "Bo", by=lead)
    jid = jobs.start(CFG, db=db, actor=ann, who=Participant(f"member:{ann.id}", "member", "Ann"))
    query = {"tab": "gru", "job": jid}
    watcher = run_page(LAB, actor=bo, lang="en", query=query)
    assert not watcher.exception and "lab_gru_stop" not in keys(watcher)
    assert any("watching Ann's run" in c.value for c in watcher.caption)
    panel = [e for e in watcher.expander if e.label.startswith("Running now")]
    assert panel and panel[0].label == "Running now (1)"
    owner = run_page(LAB, actor=ann, lang="en", query=query)
    assert not owner.exception
    owner.button(key="lab_gru_stop").click().run()
    assert jobs.registry.snapshot(jid).status == "stopped"


def test_a_run_a_worker_finished_shows_its_model_views_and_checkpoint_from_the_stored_run(run_page, db, jobs):
    """The snapshot of an ended job leaves model and checkpoint to its stored run; the page's
    after-training views get them there: the custom input answers, the checkpoint downloads."""
    from core.lab import runs as lab_runs
    from core.lab.jobs import pg_worker

    ann = make_member(db, "ann", "Ann", by=make_leader(db))
    jid = jobs.start(CFG, db=db, actor=ann, who=Participant(f"member:{ann.id}", "member", "Ann"))
    assert pg_worker.Runner(db).run(jid) == "finished"  # a worker, here in the test's thread
    snap = jobs.registry.snapshot(jid)
    assert snap.model is None and snap.checkpoint is None and snap.run_id is not None
    at = run_page(LAB, actor=ann, lang="en", query={"tab": "gru", "job": jid})
    assert not at.exception
    assert any(s.value.startswith("Finished: 40 steps") for s in at.success)
    assert not [c for c in at.caption if "kept no checkpoint" in c.value]
    with db.read() as s:
        assert lab_runs.checkpoint_bytes(session=s, run_id=snap.run_id)  # where the page reads it
    assert "Checkpoint" in [d.proto.label for d in at.get("download_button")]
    at.text_input(key="lab_gru_try").input("1 2 3")
    at.button(key="FormSubmitter:lab_gru_try_form-Predict").click().run()
    assert not at.exception
    assert any(m.value.startswith("The model answers:") for m in at.markdown)
