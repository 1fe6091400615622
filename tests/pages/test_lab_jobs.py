"""The Lab with other people's jobs (AppTest, thread mode with a fake, gated train_fn so runs
stay where a test puts them): the "running now" panel (a leader cancels and reorders, others only
watch), a watcher sees the owner and no Stop button, a reload shows the re-attached run's config,
a guest sees their limits and an over-limit config is refused before Train, and every run that
trained is stored however many there were."""

from __future__ import annotations

import functools

import pytest

from core.lab import runs as lab_runs
from core.lab.config import replace
from core.lab.jobs.policy import JobLimits, Participant
from core.lab.jobs.registry import JobRegistry
from core.lab.presets import tab_default
from tests.support.factories import make_leader, make_member
from tests.support.jobs import ENDED, Fake, guest
from tests.support.lab import LAB
from tests.support.waiting import wait_until

CFG = replace(tab_default("gru"), steps=40, seq_len=5, eval_every=10, probe_every=10)


@pytest.fixture
def fake(monkeypatch):
    """The page's registry trains with a gated fake (released at the end of the test)."""
    f = Fake(gated=True)
    limits = JobLimits(max_queued=400)
    monkeypatch.setattr(
        "ui.lab.jobs._registry_class", lambda: functools.partial(JobRegistry, train_fn=f, limits=limits)
    )
    yield f
    f.release_all()


def who(actor) -> Participant:
    return Participant(f"member:{actor.id}", actor.role, actor.display_name)


def jobs():
    from ui.lab.jobs import lab_jobs

    return lab_jobs()


def buttons(at) -> set[str]:
    return {b.key for b in at.button if b.key}


def panel_table(at) -> list[dict]:
    """The "running now" table's rows as the viewer sees them."""
    frames = [
        d.value for d in at.dataframe if list(d.value.columns) == ["who", "model", "progress", "where", "eta"]
    ]
    assert len(frames) == 1, "one running-now table"
    return frames[0].to_dict("records")


def pick(at, job_id: str):
    """Pick a job in the panel (by its label, as the browser sends it)."""
    box = at.selectbox(key="lab_job_pick")
    label = next(o for o in box.options if o.endswith(f"#{job_id[:6]}"))
    return box.select(label).run()


def test_leader_cancels_and_reorders_in_the_panel_others_only_watch(run_page, db, fake):
    lead, ann = make_leader(db), make_member(db, "ann", "Ann")
    first = jobs().start(replace(CFG, seed=1), db=db, actor=ann, who=who(ann))
    wait_until(lambda: jobs().registry.snapshot(first).status == "running", timeout=10, what="start")
    second = jobs().start(replace(CFG, seed=2), db=db, actor=None, who=guest(1))
    third = jobs().start(
        replace(CFG, seed=3), db=db, actor=None, who=Participant("guest:" + "c" * 32, "guest", "Kim")
    )
    at = run_page(LAB, actor=lead, lang="en")
    assert not at.exception
    panel = [e for e in at.expander if e.label.startswith("Running now")]
    assert panel and panel[0].label == "Running now (3)"
    rows = panel_table(at)
    assert [r["who"] for r in rows] == ["Ann", "Guest", "Kim"]
    assert rows[0]["where"] == "Step 0/40" and rows[0]["progress"] == 0.0
    assert [r["where"] for r in rows[1:]] == ["Number 1 in the queue", "Number 2 in the queue"]
    assert at.button(key="lab_job_cancel").disabled and at.button(key="lab_job_watch").disabled  # none picked
    at = pick(at, third)
    assert not at.button(key="lab_job_front").disabled
    at.button(key="lab_job_front").click().run()
    assert [jobs().registry.snapshot(j).queue_position for j in (third, second)] == [1, 2]
    at = pick(at, third)
    assert at.button(key="lab_job_front").disabled  # already first
    at = pick(at, second)
    at.button(key="lab_job_cancel").click().run()
    assert jobs().registry.snapshot(second).status == "stopped"
    assert [r["who"] for r in panel_table(at)] == ["Ann", "Kim"]
    assert at.selectbox(key="lab_job_pick").value is None  # the cancelled run left the picker
    # a member and a guest see the table, with Watch only
    for actor in (ann, None):
        other = run_page(LAB, actor=actor, lang="en")
        assert [r["who"] for r in panel_table(other)] == ["Ann", "Kim"]
        keys = buttons(other)
        assert "lab_job_watch" in keys and not {"lab_job_cancel", "lab_job_front"} & keys
    other = pick(other, first)
    other.button(key="lab_job_watch").click().run()
    assert dict(other.query_params).get("job") == first  # the tab now shows Ann's run, read-only
    assert "lab_gru_stop" not in buttons(other)


def test_a_watcher_sees_the_owner_and_cannot_stop_while_the_owner_can(run_page, db, fake):
    ann, bo = make_member(db, "ann", "Ann"), make_member(db, "bobo", "Bo")
    jid = jobs().start(CFG, db=db, actor=ann, who=who(ann))
    wait_until(lambda: jobs().registry.snapshot(jid).status == "running", timeout=10, what="start")
    watcher = run_page(LAB, actor=bo, lang="en", query={"tab": "gru", "job": jid})
    assert "lab_gru_stop" not in buttons(watcher)
    assert any(
        c.value == "You are watching Ann's run. Only they or a leader can stop it." for c in watcher.caption
    )
    guest_view = run_page(LAB, lang="ko", query={"tab": "gru", "job": jid})
    assert "lab_gru_stop" not in buttons(guest_view)
    assert any("Ann님이 시작한 실행" in c.value for c in guest_view.caption)
    owner = run_page(LAB, actor=ann, lang="en", query={"tab": "gru", "job": jid})
    owner.button(key="lab_gru_stop").click().run()
    fake.gate(CFG.seed).set()
    wait_until(lambda: jobs().registry.snapshot(jid).status == "stopped", timeout=10, what="stop")


def test_a_reload_shows_the_config_of_the_run_it_reattached_to(run_page, db, fake):
    ann = make_member(db, "ann", "Ann")
    cfg = replace(CFG, steps=77, seq_len=6, seed=5, **{"model.hidden": 48})
    jid = jobs().start(cfg, db=db, actor=ann, who=who(ann))
    at = run_page(LAB, actor=ann, lang="en", query={"tab": "gru", "job": jid})  # the link, no config
    assert at.number_input(key="lab_gru_steps").value == 77
    assert at.number_input(key="lab_gru_seq_len").value == 6
    assert at.number_input(key="lab_gru_hidden").value == 48
    assert dict(at.query_params)["job"] == jid and dict(at.query_params)["steps"] == "77"


def test_a_guest_sees_their_limits_and_an_over_limit_run_is_refused_before_train(run_page, fake):
    at = run_page(LAB, lang="en", query={"tab": "gru"})
    assert any(c.value.startswith("Guests: one run may take up to 2,000 steps") for c in at.caption)
    over = run_page(LAB, lang="en", query={"tab": "gru", "steps": "5000"})
    assert [e.value for e in over.error] == ["Guests may train for at most 2000 steps (you asked for 5000)."]
    assert over.button(key="lab_gru_train").disabled
    ko = run_page(LAB, lang="ko", query={"tab": "gru", "steps": "5000"})
    assert ko.error[0].value.startswith("게스트은(는) 학습 스텝을 2000 이하로")


@pytest.mark.slow  # 300 jobs
def test_every_run_that_trained_is_stored_however_many_were_queued(db, fake):
    from ui.lab.jobs import LabJobs

    lab = LabJobs()
    ids = [lab.start(replace(CFG, steps=3, seed=i), db=db, actor=None, who=guest(i)) for i in range(300)]
    fake.release_all()
    wait_until(
        lambda: all(lab.stored_run_id(j) is not None for j in ids), timeout=120, what="300 stored runs"
    )
    with db.read() as s:
        assert len(lab_runs.list_runs(session=s, limit=500)) == 300


def test_a_job_far_back_in_the_queue_polls_slowly_until_it_nears_the_front(run_page, db, fake, monkeypatch):
    """A room of tabs waiting in the queue: those further back than NEAR_POS show their place from
    a slow poll (QUEUED_POLL_S), not the live curves' twice-a-second one; near the front, the live
    polls take over (they show the start at once)."""
    from ui.lab import model_tab

    used: list[str] = []
    monkeypatch.setattr(
        model_tab, "_waiting_fragment", lambda *a: (used.append("slow"), model_tab._waiting(*a))
    )
    monkeypatch.setattr(model_tab, "_live_curves_fragment", lambda *a: used.append("live"))
    monkeypatch.setattr(model_tab, "_live_attention_fragment", lambda *a: None)
    assert model_tab.QUEUED_POLL_S > model_tab.POLL_S and model_tab.NEAR_POS == 2
    lead = make_leader(db)
    people = [make_member(db, f"member{i}", f"M{i}") for i in range(4)]
    ids = [jobs().start(replace(CFG, seed=i), db=db, actor=p, who=who(p)) for i, p in enumerate(people)]
    wait_until(lambda: jobs().registry.snapshot(ids[0]).status == "running", timeout=10, what="start")
    last = run_page(LAB, actor=people[3], lang="en", query={"tab": "gru", "job": ids[3]})
    assert not last.exception and used == ["slow"]
    assert any("number 3 in the queue" in i.value for i in last.info)
    used.clear()
    near = run_page(LAB, actor=people[2], lang="en", query={"tab": "gru", "job": ids[2]})
    assert not near.exception and used == ["live"]  # number 2: the live polls
    used.clear()
    jobs().move_to_front(ids[3], by=who(lead))  # now number 1: the next page run goes live
    last.run()
    assert used == ["live"]
    for jid in ids:  # end them here: none is left training while the interpreter exits
        jobs().registry.stop(jid, by=None)
        fake.gate(replace(CFG, seed=ids.index(jid)).seed).set()
    wait_until(
        lambda: all(jobs().registry.snapshot(j).status in ENDED for j in ids), timeout=10, what="the end"
    )


def test_a_running_jobs_page_polls_fast_enough_for_its_back_ends_batches():
    """A curve update shows at most one progress batch plus one poll late. In-process progress
    arrives step by step: twice a second is enough. The PostgreSQL workers write every FLUSH_S:
    the page polls faster, so batch plus poll stays under a second."""
    from core.lab.jobs.pg import PgJobs
    from core.lab.jobs.pg_common import FLUSH_S
    from core.lab.jobs.registry import JobRegistry
    from ui.lab.model_tab import CURVE_GAP_S, POLL_S, live_poll_s

    assert live_poll_s(JobRegistry.progress_every_s) == POLL_S == 0.5
    pg = live_poll_s(PgJobs.progress_every_s)
    assert PgJobs.progress_every_s == FLUSH_S and pg == 0.4
    assert FLUSH_S + pg < CURVE_GAP_S
    assert live_poll_s(0.9) == 0.2  # batches too slow for the promise: the poll has a floor
