"""Presenter mode in the URL (hidden controls, enlarged charts, one chart on the whole screen) and
the Lab's engine warm-up (Train off with a translated note until the engine is ready)."""

from __future__ import annotations

import pytest

from core.i18n import translate
from tests.support.lab import LAB, TINY_RNN, specs, store
from ui.lab import engine

PRESENT = {"tab": "rnn", "present": "1"}


@pytest.fixture(scope="module")
def tiny_record():
    """One real tiny training, recorded once for the module (stored again per test)."""
    from core.lab.snapshots import record_of_events
    from core.lab.train import train

    return record_of_events(TINY_RNN, train(TINY_RNN))


def _styles(at) -> str:
    return "".join(m.value for m in at.markdown if "<style>" in m.value)


def _keys_script(at) -> list[str]:
    return [h.proto.body for h in at.html if "__labPresenterKeys" in h.proto.body]


def test_presenter_link_hides_sidebar_and_controls_and_installs_the_keys(run_page):
    at = run_page(LAB, lang="en", query=PRESENT)
    assert not at.exception
    assert at.toggle(key="lab_presenter").value is True
    css = _styles(at)
    assert '[data-testid="stSidebar"]' in css and "display: none" in css
    script = _keys_script(at)
    assert len(script) == 1
    assert ".st-key-${key} button" in script[0] and "'lab_job_pause'" in script[0]
    assert "'lab_job_step_1'" in script[0] and "lab_presenter" in script[0]
    widgets = {w.key for w in (*at.selectbox, *at.number_input, *at.text_input)}
    assert "lab_preset_pick" not in widgets  # the preset picker is not needed on a projector
    assert "lab_rnn_seq_len" not in widgets and "lab_rnn_steps" in widgets  # settings folded below
    assert "lab_guest_name" not in widgets  # nor the running-now panel
    assert [e.label for e in at.expander][-1] == "Settings"
    assert not [b for b in at.get("badge")]  # device and parameter badges hidden
    picker = at.get("button_group")
    assert picker and picker[0].proto.label == "Chart on the whole screen"
    assert at.session_state["lab_presenter_chart"] == "all"


def test_presenter_mode_and_its_chart_are_kept_in_the_url(run_page):
    at = run_page(LAB, lang="en", query={"tab": "rnn"})
    assert "present" not in dict(at.query_params) and not _keys_script(at)
    at.toggle(key="lab_presenter").set_value(True).run()
    assert dict(at.query_params) == {"tab": "rnn", "present": "1"}
    at.number_input(key="lab_rnn_steps").set_value(50).run()  # the Lab's own state still written
    assert dict(at.query_params) == {"tab": "rnn", "steps": "50", "present": "1"}
    at.session_state["lab_presenter_chart"] = "attention"
    at.run()
    assert dict(at.query_params) == {"tab": "rnn", "steps": "50", "present": "1", "chart": "attention"}
    assert at.toggle(key="lab_presenter").value is True  # our own address is not "a new link"
    at.toggle(key="lab_presenter").set_value(False).run()
    assert dict(at.query_params) == {"tab": "rnn", "steps": "50"}
    assert not _styles(at)


def test_a_reload_opens_the_same_presenter_view(run_page):
    at = run_page(LAB, lang="ko", query={**PRESENT, "chart": "loss", "steps": "50"})
    assert not at.exception
    assert at.toggle(key="lab_presenter").value is True
    assert at.session_state["lab_presenter_chart"] == "loss"
    assert at.session_state["lab_rnn_steps"] == 50
    assert dict(at.query_params) == {**PRESENT, "chart": "loss", "steps": "50"}
    bad = run_page(LAB, lang="en", query={**PRESENT, "chart": "nonsense"})
    assert not bad.exception and bad.session_state["lab_presenter_chart"] == "all"
    assert dict(bad.query_params) == PRESENT


def test_presenter_charts_have_enlarged_text_and_one_chart_fills_the_screen(run_page, db, tiny_record):
    rid = store(db, tiny_record)
    plain = run_page(LAB, lang="en", query={"tab": "rnn", "run": str(rid)})
    assert not plain.exception
    assert all("axis" not in s.get("config", {}) for s in specs(plain))
    at = run_page(LAB, lang="en", query={**PRESENT, "run": str(rid)})
    assert not at.exception
    drawn = specs(at)
    assert len(drawn) >= 3  # loss, accuracy, attention
    for spec in drawn:
        config = spec["config"]
        assert config["axis"]["labelFontSize"] >= 16 and config["legend"]["labelFontSize"] >= 16
        assert config["title"]["fontSize"] >= 20
    at.session_state["lab_presenter_chart"] = "loss"
    at.run()
    (only,) = specs(at)
    assert only["title"] == "Loss" and only["height"] == 520
    assert dict(at.query_params)["chart"] == "loss" and dict(at.query_params)["run"] == str(rid)
    assert not at.expander  # no settings, no after-training views: the one chart
    at.session_state["lab_presenter_chart"] = "attention"
    at.run()
    (att,) = specs(at)
    assert att["config"]["axis"]["labelFontSize"] >= 16 and "weight" in str(att["encoding"]["color"])


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_train_waits_for_the_engine_with_a_translated_note(run_page, monkeypatch, lang):
    warm = {"ready": False}
    monkeypatch.setattr(engine, "ready", lambda: warm["ready"])
    at = run_page(LAB, lang=lang, query={"tab": "rnn"})
    assert not at.exception
    train = at.button(key="lab_rnn_train")
    assert train.disabled
    note = translate("lab.engine.warming", lang)
    assert any(note in i.value for i in at.info)
    assert {w.key for w in at.number_input} >= {"lab_rnn_steps", "lab_rnn_seq_len"}  # controls drawn
    assert "lab_guest_name" not in {w.key for w in at.text_input}  # the panel waits for the registry
    warm["ready"] = True
    at.run()  # in the browser the note's fragment reruns the page when the engine is warm
    assert not at.exception
    assert not at.button(key="lab_rnn_train").disabled
    assert not any(note in i.value for i in at.info)
    assert "lab_guest_name" in {w.key for w in at.text_input}


def test_a_job_link_opened_while_warming_is_resolved_once_warm(run_page, monkeypatch):
    warm = {"ready": False}
    monkeypatch.setattr(engine, "ready", lambda: warm["ready"])
    at = run_page(LAB, lang="en", query={"tab": "rnn", "job": "abc123"})
    assert not at.exception and not at.warning  # not yet judged: the registry is not there
    assert at.session_state["_lab_open_job"] == ("abc123", "rnn")
    warm["ready"] = True
    at.run()
    assert any("abc123" in w.value for w in at.warning)  # this server does not know that job


def test_ready_needs_no_wait_when_torch_is_already_loaded(monkeypatch):
    """A test or the CLI has torch already: nothing to warm (the page trains at once)."""
    import torch  # noqa: F401

    monkeypatch.setattr(engine, "_state", engine._Warmup())
    assert engine.ready() and engine._state.thread is None


@pytest.mark.parametrize("raw", ["", "true", "1" * 5000, "attention\x00<script>"])
def test_hostile_presenter_parameters_draw_the_plain_or_presenter_page(run_page, raw):
    at = run_page(LAB, lang="en", query={"tab": "rnn", "present": raw, "chart": raw})
    assert not at.exception
    assert at.toggle(key="lab_presenter").value is False  # only present=1 turns it on
    at = run_page(LAB, lang="en", query={"tab": "rnn", "present": "1", "chart": raw})
    assert not at.exception and at.session_state["lab_presenter_chart"] == "all"
    assert dict(at.query_params) == PRESENT


@pytest.mark.slow  # a job in a gated fake and two page runs
def test_presenter_mode_shows_the_job_controls_its_keys_press(run_page, db, monkeypatch):
    """The running-now panel (where Pause / Step live) is hidden on a projector: the model tab draws
    them above the live charts instead, once, under the keys the space bar and right arrow press."""
    import functools

    from core.lab.config import replace
    from core.lab.jobs.policy import Participant
    from core.lab.jobs.registry import JobRegistry
    from core.lab.presets import tab_default
    from tests.support.factories import make_leader
    from tests.support.jobs import Fake
    from tests.support.waiting import wait_until
    from ui.lab.jobs import lab_jobs

    fake = Fake(gated=True)
    monkeypatch.setattr("ui.lab.jobs._registry_class", lambda: functools.partial(JobRegistry, train_fn=fake))
    try:
        lead = make_leader(db)
        cfg = replace(tab_default("gru"), steps=40, seq_len=5, eval_every=10, probe_every=10)
        jid = lab_jobs().start(cfg, db=db, actor=lead, who=Participant(f"member:{lead.id}", "leader", "L"))
        wait_until(lambda: lab_jobs().registry.snapshot(jid).status == "running", timeout=10, what="start")
        query = {"tab": "gru", "job": jid}
        plain = run_page(LAB, actor=lead, lang="en", query=query)
        assert not plain.exception and plain.button(key="lab_job_pause")  # in the panel
        at = run_page(LAB, actor=lead, lang="en", query={**query, "present": "1"})
        assert not at.exception
        assert [b.key for b in at.button].count("lab_job_pause") == 1
        assert at.button(key="lab_job_step_1").label == "Step 1"
        at.button(key="lab_job_pause").click().run()
        assert not at.exception and lab_jobs().registry.snapshot(jid).paused
        assert at.button(key="lab_job_pause").label == "Resume"
    finally:
        fake.release_all()
