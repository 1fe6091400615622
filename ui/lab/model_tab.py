"""One model tab (RNN | LSTM | GRU | Transformer): preset story, controls with inline validation,
Train / "Stop training", instant replay of a stored run, the live view and after-training views."""

from __future__ import annotations

import functools
import json

import streamlit as st

from core.errors import AppError
from core.lab import runs as lab_runs
from core.lab.config import TrainConfig, config_hash, to_dict
from core.lab.jobs.policy import Participant, may_control
from core.lab.view import RunView, from_stored
from ui.lab import after, checkpoint_in, draw, engine, keys, presets, room_lab
from ui.lab import presenter as presenter_mode
from ui.lab.attention import draw_attention
from ui.lab.identity import owner_name, participant
from ui.lab.jobs import lab_jobs, live_controls
from ui.lab.running import plain
from ui.lab.widgets import controls, current_config, validation_error
from ui.shell.actions import attempt
from ui.shell.frame import Frame
from ui.shell.i18n import show_error, t

POLL_S = 0.5  # progress and curves of a running job: twice a second, or faster (live_poll_s)
CURVE_GAP_S = 1.0  # a running job's curves show something new at least this often
ATTENTION_POLL_S = 2.0  # the probe's attention map of a running job
QUEUED_POLL_S = 2.0  # a job waiting further back than NEAR_POS: its place in the queue
NEAR_POS = 2  # from this place on, a queued job's page polls at POLL_S (it starts soon)
WARM_POLL_S = 0.5  # while the engine warms up: how often the page asks whether Train can turn on


@functools.lru_cache(maxsize=64)
def _n_params(cfg_json: str) -> int:
    from core.lab.config import from_dict
    from core.lab.jobs.registry import count_params

    # On the meta device: no memory, no time, and no draw from the global RNG that a training
    # thread may have just seeded for its own model.
    return count_params(from_dict(json.loads(cfg_json)))


def device_badge() -> str:
    """ "GPU · CUDA · <name>" or "CPU · 스레드 1개": where, and with how many threads, runs train."""
    from core.lab.device import device_text, pick_device

    threads = lab_jobs().registry.threads_per_job  # a job's own setting, not the web process's
    key, params = device_text(pick_device("auto"), threads)
    return t(key, **params)


def _badges(cfg: TrainConfig, valid: bool, ready: bool) -> None:
    cols = st.columns([1, 1, 2])
    if not ready:  # the device and the parameter count need torch: shown once it is warm
        cols[0].badge(t("lab.engine.warming_badge"), icon=":material/hourglass_top:", color="orange")
        return
    cols[0].badge(device_badge(), icon=":material/memory:", color="violet")
    if valid:
        cols[1].badge(
            t("lab.page.n_params", n=f"{_n_params(json.dumps(to_dict(cfg))):,}"),
            icon=":material/functions:",
            color="gray",
        )


def _limits(cfg: TrainConfig, who: Participant, *, caption: bool = True) -> AppError | None:
    """The viewer's limits and this config's estimate (`caption`); the queue's refusal, shown
    before Train."""
    jobs = lab_jobs()
    lim = jobs.registry.limits.of(who.role)
    try:
        cost = jobs.check(cfg, who=who)
        refusal = None
    except AppError as err:
        cost, refusal = None, err
    if cost is None:
        from core.lab.jobs.policy import estimate

        cost = estimate(cfg, _n_params(json.dumps(to_dict(cfg))))
    if caption:
        _limits_caption(who, lim, cost)
    if refusal is not None:
        show_error(refusal)
    return refusal


def _limits_caption(who: Participant, lim, cost) -> None:
    st.caption(
        t(
            "lab.page.your_limits",
            role=t(f"lab.job.role.{who.role}"),
            steps=f"{lim.max_steps:,}",
            params=f"{lim.max_params:,}",
            tflop=f"{lim.max_tflop:g}",
            need=f"{cost.tflop:,.1f}",
            eta=draw.secs(cost.seconds),
        )
    )


def _stored_match(ctx: Frame, cfg: TrainConfig):
    with ctx.db.read() as s:
        return lab_runs.find_replay(session=s, config_hash=config_hash(cfg), seed=cfg.seed)


def _start(ctx: Frame, tab: str, cfg: TrainConfig) -> None:
    """Queue `cfg` (validated by the form) and show its job; a refusal is shown translated."""
    who = participant(ctx)
    room = room_lab.current_room_id()  # started in a seminar room: the room lists it
    job_id = attempt(lambda: lab_jobs().start(cfg, db=ctx.db, actor=ctx.actor, who=who, room_id=room))
    if job_id is None:
        return
    lab_jobs().wait_started(job_id)  # the run that follows shows it training (at most START_WAIT_S)
    st.session_state[keys.show(tab)] = {"job": job_id}
    st.session_state.pop(keys.offer(tab), None)
    st.rerun()


def _warming() -> None:
    """Until the engine is warm: say so, and rerun the page the moment it is (Train turns on)."""
    if engine.ready():
        st.rerun()
    st.info(t("lab.engine.warming"), icon=":material/hourglass_top:")


_warming_fragment = st.fragment(run_every=WARM_POLL_S)(_warming)


def _buttons(ctx: Frame, tab: str, cfg: TrainConfig, err, view: RunView | None, ready: bool) -> None:
    active = view is not None and view.active
    slot = keys.slot(tab)
    c1, c2, c3 = st.columns([1, 1, 3])
    if c1.button(
        t("lab.page.train"),
        key=keys.sub(slot, keys.TRAIN),
        type="primary",
        icon=":material/play_arrow:",
        disabled=err is not None or active or not ready,
    ):
        # In a seminar room each run is the participant's own: no replay of someone else's.
        stored = None if room_lab.current_room_id() else _stored_match(ctx, cfg)
        if stored is not None:
            st.session_state[keys.offer(tab)] = stored.id
        else:
            _start(ctx, tab, cfg)
    who = participant(ctx)
    if active and not may_control(who, view.owner):
        c3.caption(t("lab.page.watching", name=plain(owner_name(view.owner, t))))
    elif active:
        c2.button(
            t("lab.page.stop"),
            key=keys.sub(slot, keys.STOP),
            icon=":material/stop:",
            on_click=_stop_clicked,
            args=(view.job_id, who, slot),
        )
    refused = st.session_state.pop(keys.sub(slot, keys.STOP_ERROR), None)
    if refused is not None:
        show_error(refused)
    offer = st.session_state.get(keys.offer(tab))
    if offer is not None and not active:
        with st.container(border=True):
            st.info(t("lab.page.replay_offer", run_id=offer), icon=":material/replay:")
            b1, b2 = st.columns(2)
            if b1.button(
                t("lab.page.replay"), key=keys.sub(slot, keys.REPLAY), type="primary", icon=":material/bolt:"
            ):
                st.session_state[keys.show(tab)] = {"run": offer}
                st.session_state.pop(keys.offer(tab), None)
                st.rerun()
            if b2.button(
                t("lab.page.train_anyway"), key=keys.sub(slot, keys.TRAIN_ANYWAY), icon=":material/refresh:"
            ):
                _start(ctx, tab, cfg)
    if not ready:
        _warming_fragment()


def _stop_clicked(job_id: str, who: Participant, slot: str) -> None:
    """Stop, before the page's run (on_click): the job is asked to stop and waited for (at most
    STOP_WAIT_S), so the one run that follows the click shows the stopped run. As a handler in
    the page, half a page was drawn first and then the whole page again."""
    try:
        lab_jobs().stop(job_id, by=who)
    except AppError as err:  # said under the buttons by the run that follows
        st.session_state[keys.sub(slot, keys.STOP_ERROR)] = err


def _current_view(ctx: Frame, tab: str) -> RunView | None:
    """What the tab shows: its job (live or just ended) or a stored run."""
    shown = st.session_state.get(keys.show(tab)) or {}
    if "job" in shown and not engine.ready():
        return None  # the job registry comes with the engine: shown once it is warm
    if "job" in shown:
        view = lab_jobs().view(shown["job"])
        if view is not None:
            if not view.active and view.run_id is not None and shown.get("run") != view.run_id:
                # stored: the address bar now links to the permanent run
                st.session_state[keys.show(tab)] = {**shown, "run": view.run_id}
            return view
        if "run" not in shown:
            st.session_state[keys.show(tab)] = None
            st.session_state[keys.STALE] = (shown["job"], tab)
            return None
    if "run" in shown:

        def read() -> RunView:
            with ctx.db.read() as s:
                return from_stored(lab_runs.get_run(session=s, run_id=shown["run"]))

        view = attempt(read)
        if view is None:  # gone (deleted, or a link to a run that never was): shown once, forgotten
            st.session_state[keys.show(tab)] = None
        return view
    return None


def _stale(ctx, tab: str) -> None:
    """A `?job=` this server no longer knows: say so and offer the stored result if there is one."""
    stale = st.session_state.get(keys.STALE)
    if not stale or stale[1] != tab:
        return
    cfg = current_config(tab)
    with ctx.db.read() as s:
        run = lab_runs.find_stored(session=s, config_hash=config_hash(cfg), seed=cfg.seed)
    with st.container(border=True):
        st.warning(t("lab.page.stale_job", job=stale[0]), icon=":material/link_off:")
        if run is not None:
            if st.button(
                t("lab.page.show_stored", run_id=run.id),
                key=keys.STALE_SHOW,
                type="primary",
                icon=":material/history:",
            ):
                st.session_state[keys.show(tab)] = {"run": run.id}
                st.session_state.pop(keys.STALE, None)
                st.rerun()
        else:
            st.caption(t("lab.page.stale_nothing"))
        if st.button(t("lab.page.dismiss"), key=keys.STALE_DISMISS):
            st.session_state.pop(keys.STALE, None)
            st.rerun()


def _charts(view: RunView, tab: str, on: bool, focus: str, *, curves: bool, attention: bool) -> None:
    """The curves and / or the attention map; in presenter mode perhaps one chart alone (`focus`)."""
    slot = keys.slot(tab)
    if curves and focus in ("all", *draw.CURVE_KINDS):
        draw.draw_curves(view, slot, presenter=on, only=None if focus == "all" else focus)
    if attention and focus in ("all", "attention"):
        draw_attention(view, slot, compact=on)


def _body(view: RunView, tab: str, on: bool, focus: str) -> None:
    draw.status_line(view)
    _charts(view, tab, on, focus, curves=True, attention=True)


def _live_view(job_id: str) -> RunView | None:
    view = lab_jobs().view(job_id)
    if view is None or not view.active:
        st.rerun()  # the job ended: one full rerun stops the polling and shows the results
    return view


def _live_curves(tab: str, job_id: str, on: bool, focus: str, who: Participant) -> None:
    view = _live_view(job_id)
    if on:  # the running-now panel, which holds them otherwise, is hidden on a projector
        live_controls(job_id, who)  # pause / step: what presenter mode's keys press
    draw.status_line(view)
    _charts(view, tab, on, focus, curves=True, attention=False)


def _far_in_queue(view: RunView) -> bool:
    return view.status == "queued" and (view.queue_pos or 1) > NEAR_POS


def _waiting(job_id: str, on: bool, who: Participant) -> None:
    """A job far back in the queue: its place, every QUEUED_POLL_S. A room of 30 tabs polling
    their queued jobs twice a second took CPU the training slot needed; near the front the page
    switches to the live polls (one full rerun), which show the start within POLL_S."""
    view = lab_jobs().view(job_id)
    if view is None or not _far_in_queue(view):
        st.rerun()
    if on:
        live_controls(job_id, who)
    draw.status_line(view)


def _live_attention(tab: str, job_id: str, on: bool, focus: str) -> None:
    _charts(_live_view(job_id), tab, on, focus, curves=False, attention=True)


def live_poll_s(progress_every_s: float) -> float:
    """How often a running job's page polls its progress. A curve's update shows at most one
    batch apart plus one poll later: where the back end delivers progress in batches (the
    PostgreSQL workers write twice a second), the page polls faster than POLL_S, so that batch
    plus poll stays under CURVE_GAP_S (the poll takes four fifths of what the batch leaves; never
    under a fifth of a second, which would cost the server more than it shows). Polling every
    0.3 s instead of 0.4 s on PostgreSQL cost the room's server more CPU and did not shorten the
    gaps measurably (docs/benchmarks.md)."""
    return max(0.2, min(POLL_S, round((CURVE_GAP_S - progress_every_s) * 0.8, 2)))


# Two polls while a job trains: progress and curves twice a second (or faster, above); the
# probe's attention (a new map every `probe_every` steps, under widgets the viewer may be using)
# less often. Redrawing the attention controls with the curves cost the watching browser most
# of its CPU (React re-rendering the widgets), which on a small shared machine slowed the job.
_live_curves_fragments: dict[float, object] = {}  # one fragment per poll interval in use


def _live_curves_fragment(*args) -> None:
    poll = live_poll_s(lab_jobs().registry.progress_every_s)
    frag = _live_curves_fragments.get(poll)
    if frag is None:
        frag = _live_curves_fragments[poll] = st.fragment(run_every=poll)(_live_curves)
    frag(*args)


_live_attention_fragment = st.fragment(run_every=ATTENTION_POLL_S)(_live_attention)
_waiting_fragment = st.fragment(run_every=QUEUED_POLL_S)(_waiting)


def render(ctx: Frame, tab: str, *, presenter: bool) -> None:
    """Draw a model tab. In presenter mode the settings fold away below the charts, and a chart
    the presenter picked (`ui.lab.presenter.focus`) is drawn alone under the run's controls."""
    ready = engine.ready()
    focus = presenter_mode.focus() if presenter else "all"
    view = _current_view(ctx, tab)
    if focus == "all":
        presets.story(ctx, tab)
        _stale(ctx, tab)
    cfg = current_config(tab) if presenter else controls(tab)
    err = validation_error(cfg)
    if err is not None:
        show_error(err)
    if not presenter:
        _badges(cfg, err is None, ready)
    if ready and err is None and not (view is not None and view.active):
        err = _limits(cfg, participant(ctx), caption=not presenter)
    _buttons(ctx, tab, cfg, err, view, ready)
    if view is not None:
        if _far_in_queue(view):
            _waiting_fragment(view.job_id, presenter, participant(ctx))
        elif view.active:
            _live_curves_fragment(tab, view.job_id, presenter, focus, participant(ctx))
            _live_attention_fragment(tab, view.job_id, presenter, focus)
        else:
            _body(view, tab, presenter, focus)
            if ready and focus == "all":  # the trained model's views need torch
                after.render(ctx, tab, view, presenter=presenter)
    if focus != "all":
        return
    if tab == "transformer" and ready:
        after.positional_encoding(tab, cfg)
    if ready:  # a checkpoint exported earlier, opened with every view (ui/lab/checkpoint_in.py)
        checkpoint_in.render(ctx, tab, presenter=presenter)
    if presenter:
        with st.expander(t("lab.page.settings"), icon=":material/tune:"):
            controls(tab, compact=True)
