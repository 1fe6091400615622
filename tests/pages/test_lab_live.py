"""Model Lab page with live jobs: train and poll until done, stop, queue place, re-attach by
`?job=`, stale job links, diverged runs (AppTest; `run_every` never fires here, so tests poll
with `at.run()`). Marked slow: each test trains in a job worker process for several seconds."""

from __future__ import annotations

import json

import pytest

from core.i18n import translate
from core.lab import runs as lab_runs
from tests.support.factories import make_member
from tests.support.lab import LAB, TINY_RNN, fresh_seed, has_heatmap, has_loss_chart, store
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.job_workers]  # the CPU default: real worker processes
TIMEOUT_S = 30


def tiny(tab: str = "rnn", steps: int = 30, **extra) -> dict[str, str]:
    """Query for a tiny run with a fresh seed (no stored run offers an instant replay)."""
    q = {
        "tab": tab,
        "steps": str(steps),
        "seq_len": "5",
        "eval_every": "10",
        "probe_every": "10",
        "seed": str(fresh_seed()),
    }
    q.update({k: str(v) for k, v in extra.items()})
    return q


def poll(at, until, timeout: float = TIMEOUT_S):
    """Rerun (what the 0.5 s fragment does in a browser) until `until(at)` holds."""

    def rerun():
        at.run()
        assert not at.exception, at.exception
        return until(at)

    if not until(at):
        wait_until(rerun, timeout=timeout, every=0.2, what="the Lab page")
    return at


def progress_texts(at) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def test_member_trains_a_tiny_run_and_it_is_stored(run_page, db):
    member = make_member(db)
    at = run_page(LAB, actor=member, lang="en", query=tiny("lstm"))
    at.button(key="lab_lstm_train").click().run()
    assert not at.exception
    assert "job" in dict(at.query_params)
    poll(at, lambda a: a.success)
    assert at.success[0].value.startswith("Finished: 30 steps")
    assert has_loss_chart(at) and has_heatmap(at)
    rid = int(dict(at.query_params)["run"])  # the address bar now links to the stored run
    with db.read() as s:
        run = lab_runs.get_run(session=s, run_id=rid)
        assert (run.kind, run.status, run.steps_done, run.created_by_id) == (
            "lstm",
            "finished",
            30,
            member.id,
        )
        assert [p["step"] for p in run.probes["snapshots"]] == [0, 10, 20, 30]
        assert lab_runs.checkpoint_bytes(session=s, run_id=rid)
    # after training: gates of the trained LSTM over the probe and gradient norms per encoder step
    labels = [e.label for e in at.expander]
    assert "Gate activations (probe input)" in labels and "Gradient norm per encoder time step" in labels
    charts = " ".join(c.proto.spec for c in at.get("vega_lite_chart"))
    assert '"forget"' not in charts  # closed sections compute nothing
    at.session_state["lab_lstm_gates_open"] = True  # the viewer opens both
    at.session_state["lab_lstm_grad_open"] = True
    at.run()
    charts = " ".join(c.proto.spec for c in at.get("vega_lite_chart"))
    assert '"forget"' in charts and "norm" in charts
    # custom input works on the in-memory model
    at.text_input(key="lab_lstm_try").input("3 1 4")
    at.button(key="FormSubmitter:lab_lstm_try_form-Predict").click().run()
    assert any(m.value.startswith("The model answers:") for m in at.markdown)


def test_guest_run_is_stored_without_owner_and_progress_is_shown(run_page, db):
    at = run_page(LAB, lang="en", query=tiny("rnn", steps=400, eval_every=100, probe_every=100))
    at.button(key="lab_rnn_train").click().run()
    seen = []

    def progressed(a):
        seen.extend(progress_texts(a))
        return a.success

    poll(at, progressed)
    assert any(t.startswith("Step ") and "steps/s" in t and "left" in t for t in seen), seen
    with db.read() as s:
        (run,) = lab_runs.list_runs(session=s)
    assert run.created_by_id is None and run.status == "finished"


def long_rnn_training(run_page, db):
    """A member's Lab page training a 20,000-step RNN (over a guest's limit), past its first step."""
    at = run_page(
        LAB,
        actor=make_member(db),
        lang="en",
        query=tiny("rnn", steps=20000, eval_every=5000, probe_every=5000),
    )
    at.button(key="lab_rnn_train").click().run()
    poll(at, lambda a: any(t.startswith("Step ") and not t.startswith("Step 0/") for t in progress_texts(a)))
    return at


def test_stop_training_ends_the_run_promptly(run_page, db):
    at = long_rnn_training(run_page, db)
    at.button(key="lab_rnn_stop").click().run()
    # The stop is asked and waited for before the page runs (on_click): the run after the click
    # shows the stopped run, no poll needed.
    assert at.warning and at.warning[0].value.startswith("Stopped at step")
    assert not [b for b in at.button if b.key == "lab_rnn_stop"]
    with db.read() as s:
        (run,) = lab_runs.list_runs(session=s)
    assert run.status == "stopped" and 0 < run.steps_done < 20000


def test_a_refused_stop_is_said_under_the_buttons_and_the_run_goes_on(run_page, db, monkeypatch):
    """The stop is asked in the click's callback, before the page runs; a refusal from the back
    end (here a PermissionDenied put in its way) is said by the run after the click."""
    from core.errors import PermissionDenied
    from ui.lab.jobs import LabJobs

    at = long_rnn_training(run_page, db)

    def refuse(self, job_id, *, by, wait_s=0.0):
        raise PermissionDenied("lab.job.not_yours")

    with monkeypatch.context() as m:
        m.setattr(LabJobs, "stop", refuse)
        at.button(key="lab_rnn_stop").click().run()
    assert [e.value for e in at.error] == [translate("lab.job.not_yours", "en")]
    assert [b for b in at.button if b.key == "lab_rnn_stop"]  # still training, still stoppable
    at.button(key="lab_rnn_stop").click().run()
    assert at.warning[0].value.startswith("Stopped at step") and not at.error


def test_busy_slots_show_the_place_in_the_queue(run_page, db):
    at = run_page(
        LAB,
        actor=make_member(db),
        lang="en",
        query=tiny("rnn", steps=20000, eval_every=5000, probe_every=5000),
    )
    at.button(key="lab_rnn_train").click().run()
    at.session_state["lab_tab"] = "GRU"
    at.run()
    at.button(key="lab_gru_train").click().run()
    from ui.lab.jobs import lab_jobs

    slots = getattr(lab_jobs().registry, "slots", 1)
    if slots == 1:
        poll(at, lambda a: any("in the queue" in i.value for i in a.info), timeout=5)
        assert any("number 1 in the queue" in i.value for i in at.info)
    at.button(key="lab_gru_stop").click().run()
    at.session_state["lab_tab"] = "RNN"
    at.run()
    at.button(key="lab_rnn_stop").click().run()
    poll(at, lambda a: a.warning, timeout=30)  # a deadline against hanging (a busy CI machine is slow)


def test_reload_reattaches_through_the_job_id(run_page):
    at = run_page(LAB, lang="en", query=tiny("gru"))
    at.button(key="lab_gru_train").click().run()
    job = dict(at.query_params)["job"]
    reloaded = run_page(LAB, lang="en", query={**tiny("gru"), "job": job})
    assert reloaded.session_state["lab_tab"] == "GRU"
    assert reloaded.session_state["lab_gru_show"]["job"] == job
    poll(reloaded, lambda a: a.success)
    assert has_loss_chart(reloaded)


def test_stale_job_link_offers_the_stored_result(run_page, db):
    from core.lab.config import from_dict
    from ui.lab.query import encode

    at = run_page(LAB, lang="en", query=tiny("rnn", steps=20))
    at.button(key="lab_rnn_train").click().run()
    poll(at, lambda a: a.success)
    q = dict(at.query_params)
    rid = int(q.pop("run"))
    with db.read() as s:
        cfg = from_dict(lab_runs.get_run(session=s, run_id=rid).config)
    # a server restart forgets every job: the link's job id is unknown now
    gone = run_page(LAB, lang="en", query={**encode("rnn", cfg), "job": "deadbeef42"})
    assert any("is gone from this server" in w.value for w in gone.warning)
    gone.button(key="lab_stale_show").click().run()
    assert not gone.exception
    assert has_loss_chart(gone) and dict(gone.query_params)["run"] == str(rid)
    # unknown config too: no stored result to offer
    other = run_page(LAB, lang="en", query={**tiny("rnn"), "job": "deadbeef42"})
    assert any("No stored result has this config" in c.value for c in other.caption)


def test_diverged_run_names_the_step_and_suggests_a_lower_rate(run_page, db):
    from dataclasses import replace

    from core.lab.config import to_dict
    from core.lab.runs import RunRecord

    cfg = replace(TINY_RNN, lr=0.5)
    record = RunRecord(
        config=to_dict(cfg),
        status="diverged",
        step=7,
        metrics={},
        curves={"step": list(range(1, 8)), "loss": [2.0, 3.0, 5.0, 9.0, 14.0, 19.0, 25.0]},
    )
    rid = store(db, record)
    at = run_page(LAB, lang="en", query={"run": str(rid)})
    msg = [e.value for e in at.error]
    assert msg == ["The loss diverged at step 7. The learning rate (0.5) is too high: try about 0.05."]


def test_a_live_run_that_diverges_says_so_and_is_stored(run_page, db):
    at = run_page(LAB, lang="en", query=tiny("rnn", steps=150, lr=1.0))
    at.button(key="lab_rnn_train").click().run()
    poll(at, lambda a: a.error)
    (msg,) = [e.value for e in at.error]
    assert (
        msg.startswith("The loss diverged at step ") and "learning rate (1) is too high: try about 0.1" in msg
    )
    with db.read() as s:
        (run,) = lab_runs.list_runs(session=s)
    assert run.status == "diverged" and run.steps_done < 150
    assert not [e for e in at.expander if e.label == "Try your own input"]


def _loss_charts(at):
    return [c for c in at.get("vega_lite_chart") if "Loss" in json.loads(c.proto.spec).get("title", "")]


def _two_data_states(at, chart_of) -> list[tuple[str, dict]]:
    """(spec, {dataset name: rows}) of the chart `chart_of(at)` picks (None: not yet) at every poll,
    until its data has taken two states."""
    seen = []

    def two(a):
        c = chart_of(a)
        if c is not None:
            seen.append((c.spec, {d.name: d.data.data for d in c.datasets}))
        return len({tuple(sorted(d.items())) for _, d in seen}) >= 2

    poll(at, two)
    return seen


def test_live_curves_keep_one_spec_and_send_new_data(run_page, db):
    """While a job trains the loss chart's spec stays byte-identical and only its data changes,
    so the browser updates the chart it has instead of embedding a new one twice a second."""
    # long enough that it cannot finish before the stop below, however slow the machine is
    at = run_page(
        LAB, actor=make_member(db), lang="en", query=tiny("gru", steps=20000, eval_every=500, probe_every=500)
    )
    at.button(key="lab_gru_train").click().run()

    def loss_chart(a):
        charts = _loss_charts(a)
        if charts and a.get("progress"):
            c = charts[0].proto
            # The spec changes once, when the legend does: the step-0 evaluation can arrive
            # before the first train steps. From then on only the data may change.
            if len(json.loads(c.spec)["layer"][0]["encoding"]["color"]["scale"]["domain"]) == 2:
                return c
        return None

    seen = _two_data_states(at, loss_chart)
    specs = {spec for spec, _ in seen}
    assert len(specs) == 1  # the same spec at every poll...
    spec = json.loads(specs.pop())
    assert {layer["data"]["name"] for layer in spec["layer"]} == {"lines", "points"}
    assert "datasets" not in spec  # ...with the rows sent beside it, under fixed names
    assert spec["usermeta"]["embedOptions"]["renderer"] == "canvas"  # no SVG DOM rebuilt per redraw
    at.button(key="lab_gru_stop").click().run()
    poll(at, lambda a: a.warning)


def _maps(at):
    return [c for c in at.get("vega_lite_chart") if '"field": "weight"' in c.proto.spec]


def test_live_attention_keeps_one_spec_and_sends_each_probe_as_new_cells(run_page, db):
    """A new probe of a training run swaps the cells of the map the browser has: the spec stays
    byte-identical, the named cells change."""
    at = run_page(
        LAB, actor=make_member(db), lang="en", query=tiny("gru", steps=20000, eval_every=500, probe_every=20)
    )
    at.button(key="lab_gru_train").click().run()
    seen = _two_data_states(at, lambda a: _maps(a)[0].proto if _maps(a) else None)
    assert len({spec for spec, _ in seen}) == 1
    spec = json.loads(seen[0][0])
    assert spec["data"] == {"name": "map"} and "datasets" not in spec
    assert {name for _, d in seen for name in d} == {"map"}
    at.button(key="lab_gru_stop").click().run()
    poll(at, lambda a: a.warning)
