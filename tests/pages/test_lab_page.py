"""Model Lab page without live jobs: presets, URL round trip, inline validation, stored-run replay,
instant replay offer, custom input errors, Compare, presenter mode (AppTest on SQLite)."""

from __future__ import annotations

import json

import pytest

from core.lab import runs as lab_runs
from core.lab.config import replace
from core.lab.presets import PRESETS, tab_default
from tests.support.lab import LAB, TINY_RNN, has_heatmap, has_loss_chart, heatmaps, specs, store


@pytest.fixture(scope="module")
def tiny_record():
    """One real tiny training, recorded once for the module (stored again per test)."""
    from core.lab.snapshots import record_of_events
    from core.lab.train import train

    return record_of_events(TINY_RNN, train(TINY_RNN))


def test_preset_link_opens_tab_with_config_and_story(run_page):
    at = run_page(LAB, lang="en", query={"preset": "long_term_dependency"})
    assert not at.exception
    assert at.session_state["lab_tab"] == "RNN"
    assert at.selectbox(key="lab_rnn_task").value == "recall"
    assert at.number_input(key="lab_rnn_seq_len").value == 21
    assert at.selectbox(key="lab_rnn_attention").value == "none"
    assert any("Long-term dependency" in m.value for m in at.markdown)
    q = dict(at.query_params)
    assert q["preset"] == "long_term_dependency" and q["tab"] == "rnn" and q["task"] == "recall"
    # the same preset filled the LSTM tab: switching shows the same task there
    at.session_state["lab_tab"] = "LSTM"
    at.run()
    assert at.selectbox(key="lab_lstm_task").value == "recall"
    assert dict(at.query_params)["tab"] == "lstm"


def test_every_preset_renders_in_korean(run_page):
    for name in PRESETS:
        at = run_page(LAB, query={"preset": name})
        assert not at.exception, name
        assert at.title[0].value == "모델 실험실"
        assert not at.error, (name, [e.value for e in at.error])


def test_url_round_trip(run_page):
    at = run_page(LAB, lang="en", query={"tab": "transformer"})
    at.number_input(key="lab_transformer_n_heads").set_value(4).run()
    at.number_input(key="lab_transformer_steps").set_value(50).run()
    at.selectbox(key="lab_transformer_task").set_value("sort").run()
    q = dict(at.query_params)
    assert q == {"tab": "transformer", "n_heads": "4", "steps": "50", "task": "sort"}
    again = run_page(LAB, lang="en", query=q)
    assert again.session_state["lab_tab"] == "Transformer"
    assert again.number_input(key="lab_transformer_n_heads").value == 4
    assert again.number_input(key="lab_transformer_steps").value == 50
    assert again.selectbox(key="lab_transformer_task").value == "sort"
    assert dict(again.query_params) == q
    # a click that reaches the server before the browser took the last URL update carries an
    # older address of this session: it must not undo the viewer's changes
    again.number_input(key="lab_transformer_steps").set_value(60).run()
    again.query_params.clear()
    for k, v in q.items():
        again.query_params[k] = v
    again.run()
    assert again.number_input(key="lab_transformer_steps").value == 60
    assert dict(again.query_params)["steps"] == "60"


def test_tab_values_survive_switching_tabs(run_page):
    at = run_page(LAB, lang="en")
    at.number_input(key="lab_rnn_steps").set_value(77).run()
    at.session_state["lab_tab"] = "GRU"
    at.run()
    at.session_state["lab_tab"] = "RNN"
    at.run()
    assert at.number_input(key="lab_rnn_steps").value == 77


def test_invalid_config_is_explained_inline_and_train_disabled(run_page):
    at = run_page(LAB, lang="en", query={"tab": "transformer", "n_heads": "3"})
    assert "Heads (3) must divide d_model (64) evenly." in [e.value for e in at.error]
    assert at.button(key="lab_transformer_train").disabled
    at.number_input(key="lab_transformer_n_heads").set_value(4).run()
    assert not at.error and not at.button(key="lab_transformer_train").disabled
    at.number_input(key="lab_transformer_d_model").set_value(1024).run()
    assert "d_model must be at most 512." in [e.value for e in at.error]


def test_unreadable_link_values_are_named(run_page):
    at = run_page(LAB, lang="en", query={"tab": "gru", "steps": "many", "task": "dance"})
    assert not at.exception
    assert any("steps" in w.value and "task" in w.value for w in at.warning)
    assert at.number_input(key="lab_gru_steps").value == tab_default("gru").steps


def test_stored_run_link_replays_curves_and_attention(run_page, db, tiny_record):
    rid = store(db, tiny_record)
    at = run_page(LAB, lang="en", query={"run": str(rid)})
    assert not at.exception
    assert at.session_state["lab_tab"] == "RNN"
    assert any(s.value.startswith("Finished: 20 steps") for s in at.success)
    assert has_loss_chart(at) and has_heatmap(at)
    slider = at.select_slider(key="lab_rnn_probe_step")
    assert slider.options == ["0", "10", "20"] and slider.value == 20
    slider.set_value(0).run()
    assert at.select_slider(key="lab_rnn_probe_step").value == 0 and has_heatmap(at)
    assert dict(at.query_params)["run"] == str(rid)
    # exports of a stored run: config JSON, metrics CSV, checkpoint
    labels = [d.proto.label for d in at.get("download_button")]
    assert {"Config JSON", "Metrics CSV", "Checkpoint"} <= set(labels)


def test_a_stored_runs_checkpoint_is_read_once_for_its_model_weights_and_download(
    run_page, db, tiny_record, monkeypatch
):
    rid = store(db, tiny_record)
    reads = []
    real = lab_runs.checkpoint_bytes
    monkeypatch.setattr(
        lab_runs, "checkpoint_bytes", lambda **kw: (reads.append(kw["run_id"]), real(**kw))[1]
    )
    at = run_page(LAB, lang="en", query={"run": str(rid)})
    assert not at.exception
    assert "Checkpoint" in [d.proto.label for d in at.get("download_button")]  # the bytes are there
    assert not [c for c in at.caption if "kept no checkpoint" in c.value]  # so is the model
    at.run()  # the page again (any widget, a poll): nothing read again
    assert reads == [rid]


def test_a_stored_runs_model_is_rebuilt_only_when_a_section_asks(run_page, db, tiny_record, monkeypatch):
    """Opening an ended run draws its page without rebuilding the model from the checkpoint (a
    room's tabs all did at their runs' ends); the viewer's own input then rebuilds it, once."""
    import core.lab.checkpoint as checkpoint

    rid = store(db, tiny_record)
    built = []
    real = checkpoint.load_checkpoint
    monkeypatch.setattr(checkpoint, "load_checkpoint", lambda data: (built.append(1), real(data))[1])
    at = run_page(LAB, lang="en", query={"run": str(rid)})
    assert not at.exception and has_heatmap(at)
    assert "Checkpoint" in [d.proto.label for d in at.get("download_button")]
    assert built == []
    at.text_input(key="lab_rnn_try").input("1 2 3")
    at.button(key="FormSubmitter:lab_rnn_try_form-Predict").click().run()
    assert any(m.value.startswith("The model answers:") for m in at.markdown)
    at.text_input(key="lab_rnn_try").input("3 2 1")
    at.button(key="FormSubmitter:lab_rnn_try_form-Predict").click().run()
    assert len(built) == 1 and not at.exception


def test_missing_stored_run_says_so(run_page):
    at = run_page(LAB, lang="en", query={"run": "999"})
    assert "Stored run #999 was not found." in [e.value for e in at.error]


def test_same_config_and_seed_offers_instant_replay(run_page, db, tiny_record):
    from ui.lab.query import encode

    rid = store(db, tiny_record)
    at = run_page(LAB, lang="en", query=encode("rnn", TINY_RNN))
    at.button(key="lab_rnn_train").click().run()
    assert any(f"Run #{rid} already trained" in i.value for i in at.info)
    at.button(key="lab_rnn_replay").click().run()
    assert not at.exception and has_loss_chart(at) and has_heatmap(at)
    assert dict(at.query_params)["run"] == str(rid)
    assert at.session_state["lab_rnn_show"] == {"run": rid}


def test_custom_input_prediction_and_unknown_tokens(run_page, db, tiny_record):
    rid = store(db, tiny_record)
    at = run_page(LAB, lang="en", query={"run": str(rid)})
    at.text_input(key="lab_rnn_try").input("1 2 3")
    at.button(key="FormSubmitter:lab_rnn_try_form-Predict").click().run()
    assert not at.exception
    assert any(m.value.startswith("The model answers:") for m in at.markdown)
    at.text_input(key="lab_rnn_try").input("1 x 3")
    at.button(key="FormSubmitter:lab_rnn_try_form-Predict").click().run()
    msg = [e.value for e in at.error]
    assert msg and "Unknown tokens: x" in msg[0] and "0 1 2 3 4 5 6 7 8 9" in msg[0]


def test_compare_tab_plots_chosen_runs_with_configs(run_page, db, tiny_record):
    from dataclasses import replace as dc_replace

    a = store(db, tiny_record)
    other = dc_replace(tiny_record, config={**tiny_record.config, "lr": 0.01})
    b = store(db, other)
    at = run_page(LAB, lang="en", query={"tab": "compare", "runs": f"{a},{b}"})
    assert not at.exception
    assert at.multiselect(key="lab_compare_ids").value == [a, b]
    chart = json.dumps(specs(at), ensure_ascii=False)
    assert f"#{a} RNN · dot · lr 0.003" in chart and f"#{b} RNN · dot · lr 0.01" in chart
    assert dict(at.query_params) == {"tab": "compare", "runs": f"{a},{b}"}
    # configs side by side: only the differing field (lr) is listed by default
    frames = at.dataframe
    assert list(frames[-1].value.index) == ["Learning rate"]
    # filters: status "diverged" hides both from the table
    at.selectbox(key="lab_f_status").set_value("diverged").run()
    assert any("No runs match" in i.value for i in at.info)


def test_compare_tab_in_korean_names_tasks_and_attention_in_korean(run_page, db, tiny_record):
    a = store(db, tiny_record)
    at = run_page(LAB, query={"tab": "compare", "runs": f"{a}"})
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["과제"]) == ["뒤집기"]  # not the task id "reverse"
    assert f"#{a} RNN · 내적 · lr 0.003" in json.dumps(specs(at), ensure_ascii=False)
    assert at.multiselect(key="lab_compare_ids").format_func(a).startswith(f"#{a} RNN · 뒤집기 · ")
    task_filter = at.selectbox(key="lab_f_task")
    assert "정렬" in task_filter.options and "sort" not in task_filter.options


def test_presenter_mode_moves_settings_below_and_enlarges_type(run_page):
    at = run_page(LAB, lang="en", query={"preset": "transformer_reverse"})
    at.toggle(key="lab_presenter").set_value(True).run()
    assert not at.exception
    assert any("<style>" in m.value for m in at.markdown)
    assert [e.label for e in at.expander][-1] == "Settings"
    # fewer controls: the sequence length box is not shown, but its value is kept
    keys = {n.key for n in at.number_input}
    assert "lab_transformer_seq_len" not in keys and "lab_transformer_steps" in keys
    at.toggle(key="lab_presenter").set_value(False).run()
    assert (
        at.number_input(key="lab_transformer_seq_len").value
        == PRESETS["transformer_reverse"].configs["transformer"].seq_len
    )


def test_home_card_links_presets_and_recent_runs_without_torch(run_app, db, tiny_record):
    import subprocess
    import sys
    from pathlib import Path

    from tests.support.factories import make_leader

    make_leader(db)
    rid = store(db, tiny_record)
    at = run_app(lang="en")
    assert not at.exception
    links = [p.proto.label for p in at.get("page_link")]
    assert "Transformer on reverse" in links
    assert any(k.startswith(f"#{rid} RNN · Reverse") for k in links), links
    code = "import sys, ui.lab.home; print('TORCH' if 'torch' in sys.modules else 'CLEAN')"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.stdout.strip() == "CLEAN", out.stderr


def test_transformer_attention_kinds_layers_heads_and_grid(run_page, db):
    from core.lab.snapshots import record_of_events
    from core.lab.train import train

    cfg = replace(
        tab_default("transformer"),
        steps=2,
        seq_len=4,
        eval_every=2,
        probe_every=2,
        **{"model.d_model": 16, "model.d_ff": 16, "model.n_heads": 2},
    )
    rid = store(db, record_of_events(cfg, train(cfg)))
    at = run_page(LAB, lang="en", query={"run": str(rid)})
    assert at.session_state["lab_tab"] == "Transformer"

    assert heatmaps(at) == 2 and "head 2" in json.dumps(specs(at)).lower()  # all heads of layer 1, a grid
    at.selectbox(key="lab_transformer_att_head").set_value(2).run()
    assert heatmaps(at) == 1
    for kind in ("enc_self", "dec_self", "cross"):
        at.session_state["lab_transformer_att_kind"] = kind
        at.run()
        assert not at.exception and has_heatmap(at)
    at.selectbox(key="lab_transformer_att_layer").set_value(1).run()
    assert has_heatmap(at)


def test_owner_edits_title_and_notes_and_a_stale_save_keeps_their_text(run_page, db, tiny_record):
    from tests.support.factories import make_member

    alice = make_member(db, "alice")
    rid = store(db, tiny_record, by=alice)
    at = run_page(LAB, actor=alice, lang="en", query={"tab": "compare", "runs": str(rid)})
    at.text_input(key=f"lab_run_title_{rid}").input("Baseline")
    at.text_area(key=f"lab_run_notes_{rid}").input("Attention forms at step **10**.")
    at.button(key=f"FormSubmitter:lab_run_edit_{rid}-Save").click().run()
    assert not at.exception
    with db.read() as s:
        run = lab_runs.get_run(session=s, run_id=rid)
        assert (run.title, run.notes) == ("Baseline", "Attention forms at step **10**.")
    # someone else saves in between: this save is refused, the newer text shown, ours kept
    with db.write() as s:
        lab_runs.update_run(
            session=s, by=alice, run_id=rid, expected_version=run.version, title="Other tab", notes=""
        )
    at.text_input(key=f"lab_run_title_{rid}").input("Mine")
    at.button(key=f"FormSubmitter:lab_run_edit_{rid}-Save").click().run()
    assert any("Someone else saved first" in e.value for e in at.error)
    assert any("Other tab" in i.value for i in at.info)
    assert at.text_input(key=f"lab_run_title_{rid}").value == "Mine"
    # a guest sees no edit form and no delete button
    guest = run_page(LAB, lang="en", query={"tab": "compare", "runs": str(rid)})
    assert not [e for e in guest.expander if e.label == "Edit title and notes"]
    assert not [b for b in guest.button if b.key == "lab_cmp_del"]


def test_stored_run_exports_the_loss_chart_as_png_and_svg(run_page, db, tiny_record):
    rid = store(db, tiny_record)
    at = run_page(LAB, lang="en", query={"run": str(rid)})
    at.button(key="lab_rnn_loss_prep").click().run()
    assert not at.exception
    files = {d.proto.label: d for d in at.get("download_button") if d.proto.label in ("PNG", "SVG")}
    assert set(files) == {"PNG", "SVG"}
    png = at.session_state["lab_rnn_loss_files"][0]
    svg = at.session_state["lab_rnn_loss_files"][1]
    assert png.startswith(b"\x89PNG") and "<svg" in svg and "Loss" in svg  # the chart, with its title


def test_reset_to_preset_restores_its_config_after_changes(run_page):
    at = run_page(LAB, lang="en", query={"preset": "long_term_dependency"})
    at.number_input(key="lab_rnn_seq_len").set_value(9).run()
    at.selectbox(key="lab_rnn_attention").set_value("dot").run()
    assert at.number_input(key="lab_rnn_seq_len").value == 9
    at.button(key="lab_preset_reset").click().run()
    assert not at.exception
    assert at.number_input(key="lab_rnn_seq_len").value == 21
    assert at.selectbox(key="lab_rnn_attention").value == "none"
    assert dict(at.query_params)["preset"] == "long_term_dependency"
