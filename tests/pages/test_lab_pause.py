"""Pause / Resume and Step 1/10/100 on the Lab page (AppTest, thread mode with a gated fake): the
owner and a leader get the buttons under their fixed keys (a presenter's keyboard shortcuts bind
to them), a watcher does not; Pause holds the run and the toggle turns into Resume; Step 10 lets it
take ten more steps; the strings are translated."""

from __future__ import annotations

import functools

import pytest

from core.lab.config import replace
from core.lab.jobs.policy import Participant
from core.lab.jobs.registry import JobRegistry
from core.lab.presets import tab_default
from tests.support.factories import make_leader, make_member
from tests.support.jobs import Fake
from tests.support.lab import LAB
from tests.support.waiting import wait_until

CFG = replace(tab_default("gru"), steps=40, seq_len=5, eval_every=10, probe_every=10)
CONTROLS = {"lab_job_pause", "lab_job_step_1", "lab_job_step_10", "lab_job_step_100"}


@pytest.fixture
def fake(monkeypatch):
    f = Fake(gated=True)
    monkeypatch.setattr("ui.lab.jobs._registry_class", lambda: functools.partial(JobRegistry, train_fn=f))
    yield f
    f.release_all()


def jobs():
    from ui.lab.jobs import lab_jobs

    return lab_jobs()


def who(actor) -> Participant:
    return Participant(f"member:{actor.id}", actor.role, actor.display_name)


def keys(at) -> set[str]:
    return {b.key for b in at.button if b.key}


@pytest.mark.slow  # four page runs (~25 s on this machine)
def test_the_owner_and_a_leader_pause_and_step_a_watcher_cannot(run_page, db, fake):
    lead = make_leader(db)
    ann, bo = make_member(db, "ann", "Ann", by=lead), make_member(db, "bobo", "Bo", by=lead)
    jid = jobs().start(CFG, db=db, actor=ann, who=who(ann))
    wait_until(lambda: jobs().registry.snapshot(jid).status == "running", timeout=10, what="start")
    query = {"tab": "gru", "job": jid}
    assert not CONTROLS & keys(run_page(LAB, actor=bo, lang="en", query=query))
    assert not CONTROLS & keys(run_page(LAB, lang="en", query=query))  # a guest
    owner = run_page(LAB, actor=ann, lang="en", query=query)
    assert CONTROLS <= keys(owner)
    assert owner.button(key="lab_job_pause").label == "Pause"
    owner.button(key="lab_job_pause").click().run()
    assert jobs().registry.snapshot(jid).paused
    assert owner.button(key="lab_job_pause").label == "Resume"
    leader = run_page(LAB, actor=lead, lang="ko", query=query)
    assert leader.button(key="lab_job_pause").label == "계속"
    assert leader.button(key="lab_job_step_10").label == "10 스텝"
    leader.button(key="lab_job_step_10").click().run()
    snap = jobs().registry.snapshot(jid)
    assert snap.paused and jobs().registry._jobs[jid].control.run_until == snap.step + 10
    owner.button(key="lab_job_pause").click().run()  # Resume
    assert not jobs().registry.snapshot(jid).paused
