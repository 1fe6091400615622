"""Checkpoints back in: upload a checkpoint exported earlier, inspect it with every view (attention
replay over the probe steps it kept, try your own input, the step-through, the embeddings, gates and
gradient norms), and continue training from it. The checks are core/lab/checkpoint.py's
(`open_checkpoint`: size, weights_only, digest, config); a refusal says why, in the viewer's
language, and the file stays in the uploader."""

from __future__ import annotations

import hashlib

import streamlit as st

from core.lab.view import RunView
from ui.lab import after, keys
from ui.lab import teaching_keys as tk
from ui.lab.attention import draw_attention
from ui.lab.identity import participant
from ui.lab.jobs import lab_jobs
from ui.shell.actions import attempt
from ui.shell.forms import fresh, renew
from ui.shell.frame import Frame
from ui.shell.i18n import t
from ui.shell.widgets import upload


@st.cache_resource(show_spinner=False, max_entries=4)
def _opened(token: str, tab: str, _data: bytes) -> RunView:
    """The checkpoint's view, built once per file (the token is the file's SHA-256)."""
    from core.lab.checkpoint import open_checkpoint
    from core.lab.snapshots import view_of_checkpoint

    opened = open_checkpoint(_data, kind=tab)
    return view_of_checkpoint(opened, int(token[:12], 16))


def _held(tab: str, slot: str) -> dict | None:
    """The open checkpoint ({"token": its SHA-256, "data": its bytes}) while the uploader holds a
    file that opened; the bytes stay in the uploader, the session keeps only the file's id and token."""
    from core.lab.checkpoint import MAX_UPLOAD_BYTES

    held_key = keys.sub(slot, tk.CK_HELD)
    file = upload(
        t("lab.teach.ck_upload"),
        max_bytes=MAX_UPLOAD_BYTES,
        types=["pt"],
        key=fresh(keys.sub(slot, tk.CK_FILE)),
    )
    if file is None:
        st.session_state.pop(held_key, None)
        return None
    data = file.getvalue()
    held = st.session_state.get(held_key) or {}
    if held.get("file_id") != file.file_id:  # a new file: hashed and opened once
        token = hashlib.sha256(data).hexdigest()
        if attempt(lambda: _opened(token, tab, data)) is None:
            st.session_state.pop(held_key, None)
            return None
        held = {"file_id": file.file_id, "token": token}
        st.session_state[held_key] = held
    return {"token": held["token"], "data": data}


def _continue(ctx: Frame, tab: str, view: RunView, data: bytes, slot: str) -> None:
    """Train again from the checkpoint's weights with its config: every job back end takes the
    checkpoint as `init_state` (core/lab/jobs/backend.py), so the button is always there."""
    if not st.button(
        t("lab.teach.ck_continue"),
        key=keys.sub(slot, tk.CK_CONTINUE),
        icon=":material/play_arrow:",
        help=t("lab.teach.ck_continue_help"),
    ):
        return
    cfg = view.config
    job_id = attempt(
        lambda: lab_jobs().start(cfg, db=ctx.db, actor=ctx.actor, who=participant(ctx), init_state=data)
    )
    if job_id is None:
        return
    from ui.lab.widgets import load_config

    load_config(tab, cfg)  # the tab's form shows the config it trains with
    st.session_state[keys.show(tab)] = {"job": job_id}
    st.session_state.pop(keys.sub(slot, tk.CK_HELD), None)
    renew(keys.sub(slot, tk.CK_FILE))
    st.toast(t("lab.teach.ck_started"))
    st.rerun()


def render(ctx: Frame, tab: str, *, presenter: bool) -> None:
    """The "open a checkpoint" section of a model tab, and the opened checkpoint's views."""
    from core.lab.models import n_params
    from core.lab.tasks import TASKS

    slot = tk.checkpoint_slot(tab)
    if presenter and not st.session_state.get(keys.sub(slot, tk.CK_HELD)):
        return
    with st.expander(t("lab.teach.ck_title"), icon=":material/upload_file:"):
        st.caption(t("lab.teach.ck_help"))
        held = _held(tab, slot)
    if held is None:
        return
    view = attempt(lambda: _opened(held["token"], tab, held["data"]))
    if view is None:
        return
    with st.container(border=True):
        from ui.shell.i18n import current_lang

        cfg = view.config
        st.success(
            t(
                "lab.teach.ck_opened",
                kind=cfg.model.kind.upper() if cfg.model.kind != "transformer" else "Transformer",
                task=TASKS[cfg.task][current_lang()],
                step=view.step,
                params=f"{n_params(view.model):,}",
            ),
            icon=":material/inventory_2:",
        )
        c1, c2 = st.columns(2)
        with c1:
            _continue(ctx, tab, view, held["data"], slot)
        if c2.button(t("lab.teach.ck_close"), key=keys.sub(slot, tk.CK_CLOSE), icon=":material/close:"):
            st.session_state.pop(keys.sub(slot, tk.CK_HELD), None)
            renew(keys.sub(slot, tk.CK_FILE))  # the uploader is drawn empty, or it would open the file again
            st.rerun()
        draw_attention(view, slot, compact=presenter)
        with st.expander(t("lab.page.try_title"), expanded=True, icon=":material/keyboard:"):
            after.try_input(ctx, tab, view, lambda: view.model, slot=slot)
        after.teaching(ctx, tab, view, lambda: view.model, slot=slot)
