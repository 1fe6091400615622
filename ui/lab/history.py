"""The Compare tab: run history with filters, chosen runs on one chart, configs side by side."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import AppError, StaleEdit
from core.lab import charts
from core.lab import runs as lab_runs
from core.lab.config import FIELD_LABELS, KINDS, TASK_NAMES
from core.lab.metrics import headline_accuracy
from core.lab.presets import TAB_LABELS
from db.models.lab import RUN_STATUSES
from ui.lab import keys
from ui.lab.draw import export_buttons, show
from ui.lab.urlstate import MAX_COMPARE
from ui.lab.widgets import fmt
from ui.shell.actions import act
from ui.shell.frame import Frame
from ui.shell.i18n import current_lang, show_error, t
from ui.shell.markdown import markdown_editor, user_markdown
from ui.shell.time import day_range
from ui.shell.time import show as when
from ui.shell.widgets import pick_many

METRICS = ("loss", "val_loss", "token_acc", "val_token_acc", "val_seq_acc")


def _filters(ctx: Frame) -> dict:
    c1, c2, c3, c4, c5 = st.columns(5)
    kind = c1.selectbox(
        t("lab.page.f_kind"),
        (None, *KINDS),
        key=keys.FILTER_KIND,
        format_func=fmt((None, *KINDS), lambda k: t("lab.page.f_all") if k is None else TAB_LABELS[k]),
    )
    task = c2.selectbox(
        t("lab.page.task"),
        (None, *TASK_NAMES),
        key=keys.FILTER_TASK,
        format_func=fmt(
            (None, *TASK_NAMES), lambda k: t("lab.page.f_all") if k is None else t(f"lab.page.task_name.{k}")
        ),
    )
    status = c3.selectbox(
        t("lab.page.f_status"),
        (None, *RUN_STATUSES),
        key=keys.FILTER_STATUS,
        format_func=fmt(
            (None, *RUN_STATUSES), lambda k: t("lab.page.f_all") if k is None else t(f"lab.page.status.{k}")
        ),
    )
    whos = [None, "guest"] + ([ctx.actor.id] if ctx.actor else [])
    who = c4.selectbox(
        t("lab.page.f_who"),
        whos,
        key=keys.FILTER_WHO,
        format_func=fmt(
            whos,
            lambda w: (
                t("lab.page.f_all")
                if w is None
                else (t("common.guest") if w == "guest" else t("lab.page.f_me"))
            ),
        ),
    )
    days = c5.date_input(t("lab.page.f_dates"), value=(), key=keys.FILTER_DATES)
    since = until = None
    if isinstance(days, (tuple, list)) and days:
        since, until = day_range(days[0], days[-1])  # the group's days
    return {"kind": kind, "task": task, "status": status, "who": who, "since": since, "until": until}


def label(run, names: dict[int, str]) -> str:
    """'#12 LSTM · 기억 · 김하연' (the title instead of the task when there is one)."""
    who = names.get(run.created_by_id, t("common.guest"))
    return f"#{run.id} {TAB_LABELS.get(run.kind, run.kind)} · {run.title or task_name(run.task)} · {who}"


def task_name(task: str) -> str:
    """A task's short translated name ("기억" / "Recall") for tables, filters and labels."""
    return t(f"lab.page.task_name.{task}")


def _short(run) -> str:
    """'#12 LSTM · 내적 · lr 0.001' legend label: id, model and what usually differs."""
    model = run.config.get("model", {})
    if run.kind == "transformer":
        extra = t("lab.page.heads_short", n=model.get("n_heads"))
    else:
        extra = t(f"lab.page.attention_short.{model.get('attention', 'dot')}")
    return f"#{run.id} {TAB_LABELS.get(run.kind, run.kind)} · {extra} · lr {run.config.get('lr'):g}"


def _table(rows, names) -> None:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "#": r.id,
                    t("lab.page.col_model"): TAB_LABELS.get(r.kind, r.kind),
                    t("lab.page.task"): task_name(r.task),
                    t("lab.page.f_status"): t(f"lab.page.status.{r.status}"),
                    t("lab.page.col_steps"): r.steps_done,
                    t("lab.page.col_val_acc"): headline_accuracy(r.task, r.metrics),
                    t("lab.page.col_seed"): r.seed,
                    t("lab.page.col_who"): names.get(r.created_by_id, t("common.guest")),
                    t("lab.page.col_when"): when(r.created_at),
                    t("lab.page.col_device"): r.device,
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={
            t("lab.page.col_val_acc"): st.column_config.NumberColumn(
                format="percent", help=t("lab.page.col_val_acc_help")
            )
        },
    )


def _curve(run, metric: str) -> dict[str, list]:
    c = run.curves or {}
    steps = c.get("eval_step" if metric.startswith("val_") else "step", [])
    return {"step": steps, metric: c.get(metric, [])}


# Config fields in the order a reader meets them on a model tab; their labels are the form's
# (core.lab.config.FIELD_LABELS, the one mapping errors and the room board use too).
CONFIG_FIELDS = tuple(
    (name, FIELD_LABELS[name])
    for name in (
        *("kind", "task", "seq_len", "vocab_size", "steps", "lr", "attention", "emb_dim", "hidden"),
        *("d_model", "n_heads", "d_ff", "n_layers", "dropout", "norm", "pos_encoding", "batch_size"),
        *("warmup", "seed", "eval_every", "probe_every", "device"),
    )
)
RNN_ONLY = frozenset({"emb_dim", "hidden", "attention"})
TRANSFORMER_ONLY = frozenset({"d_model", "n_heads", "d_ff", "norm", "pos_encoding"})
NOT_USED = "–"


def _value(name: str, value) -> str:
    """A config value as the model tab's widgets show it (names, not ids)."""
    if name == "kind":
        return TAB_LABELS.get(value, str(value))
    if name == "task":
        return task_name(value)
    if name == "attention":
        return t(f"lab.page.attention.{value}")
    if name == "norm":
        return t(f"lab.page.norm.{value}")
    if name == "pos_encoding":
        return t(f"lab.page.pos.{value}")
    if name == "device" and value == "auto":
        return t("lab.page.device_auto")
    return f"{value:g}" if isinstance(value, float) else str(value)


def config_column(config: dict) -> dict[str, str]:
    """A stored run's config as {field label: shown value}; fields its model does not use show "–"."""
    cfg = {**config, **config.get("model", {})}
    skip = TRANSFORMER_ONLY if cfg.get("kind") != "transformer" else RNN_ONLY
    return {
        t(key): NOT_USED if name in skip else _value(name, cfg[name])
        for name, key in CONFIG_FIELDS
        if name in cfg
    }


def _configs(chosen, names) -> None:
    flat = {label(r, names): config_column(r.config) for r in chosen}
    df = pd.DataFrame(flat).astype(str)
    only_diff = st.toggle(t("lab.page.only_diff"), key=keys.ONLY_DIFF, value=True)
    if only_diff and len(chosen) > 1:
        df = df[df.nunique(axis=1) > 1]
    st.dataframe(df, width="stretch")


def _open_run(run) -> None:
    st.session_state[keys.TAB_ID] = run.kind
    st.session_state[keys.show(run.kind)] = {"run": run.id}
    from core.lab.config import from_dict
    from ui.lab.widgets import load_config

    load_config(run.kind, from_dict(run.config))


def render(ctx: Frame) -> None:
    """History with filters, the comparison chart and the configs of the chosen runs."""
    st.subheader(t("lab.page.history"))
    f = _filters(ctx)
    with ctx.db.read() as s:
        rows = lab_runs.list_runs(session=s, **f)
        names = {i: n or t("role.member") for i, n in lab_runs.creator_names(session=s, by=ctx.actor).items()}
        picked_ids = [i for i in st.session_state.get(keys.COMPARE_IDS, []) if isinstance(i, int)]
        extra = lab_runs.list_runs(session=s, ids=picked_ids) if picked_ids else []
    if not rows:
        st.info(t("lab.page.no_runs"))
    else:
        _table(rows, names)
    by_id = {r.id: r for r in [*rows, *extra]}
    st.session_state[keys.COMPARE_IDS] = [i for i in picked_ids if i in by_id]
    chosen_ids = pick_many(
        t("lab.page.compare_pick"),
        list(by_id),
        key=keys.COMPARE_IDS,
        max_selections=MAX_COMPARE,
        format_func=fmt(by_id, lambda i: label(by_id[i], names)),
        placeholder=t("lab.page.compare_placeholder"),
    )
    chosen = [by_id[i] for i in chosen_ids]
    if not chosen:
        return
    c1, c2 = st.columns([1, 3])
    metric = c1.selectbox(
        t("lab.page.metric"),
        METRICS,
        key=keys.COMPARE_METRIC,
        format_func=fmt(METRICS, lambda m: t(f"lab.page.metric.{m}")),
    )
    log_y = c1.toggle(t("lab.page.log_y"), key=keys.COMPARE_LOG, value=False)
    # short legend labels (the chart's legend cuts long ones); the full label is in the picker
    chart = charts.compare_chart(
        [(_short(r), _curve(r, metric)) for r in chosen],
        metric=metric,
        lang=current_lang(),
        log_y=log_y and "loss" in metric,
    )
    with c2:
        show(chart, width="stretch")
        export_buttons(chart, keys.COMPARE, f"compare_{metric}")
    st.markdown(f"**{t('lab.page.configs')}**")
    _configs(chosen, names)
    _actions(ctx, chosen, names)


def _actions(ctx: Frame, chosen, names) -> None:
    by_id = {r.id: r for r in chosen}
    chosen_ids = list(by_id)
    pick = st.selectbox(
        t("lab.page.run_actions"),
        chosen_ids,
        key=keys.RUN_PICK,
        format_func=fmt(chosen_ids, lambda i: label(by_id[i], names)),
    )
    run = by_id[pick]
    c1, c2 = st.columns(2)
    if c1.button(t("lab.page.open_run"), key=keys.RUN_OPEN, icon=":material/open_in_new:"):
        _open_run(run)
        st.rerun()
    may = ctx.actor is not None and (ctx.actor.is_leader or run.created_by_id == ctx.actor.id)
    if may and c2.button(t("lab.page.delete_run"), key=keys.RUN_DELETE, icon=":material/delete:"):
        act(
            ctx.db,
            lambda s: lab_runs.delete_run(session=s, by=ctx.actor, run_id=run.id),
            done="lab.page.deleted",
            params={"run_id": run.id},
            forget=(keys.COMPARE_IDS,),
        )
    if may:
        _edit(ctx, run)
    if run.notes:
        user_markdown(run.notes)  # Markdown, typed line breaks kept, never HTML


def _edit(ctx: Frame, run) -> None:
    """Title and notes of a run (owner or leader); a save begun from an older version is refused."""
    base_key = keys.run_base(run.id)
    st.session_state.setdefault(base_key, run.version)
    with st.expander(t("lab.page.edit_run"), icon=":material/edit:"):
        with st.form(keys.run_edit_form(run.id)):
            title = st.text_input(
                t("lab.page.title_field"),
                value=run.title,
                max_chars=lab_runs.TITLE_MAX,
                key=keys.run_title(run.id),
            )
            notes = markdown_editor(
                t("lab.page.notes_field"),
                value=run.notes,
                max_chars=lab_runs.NOTES_MAX,
                key=keys.run_notes(run.id),
            )
            save = st.form_submit_button(t("common.save"), type="primary")
    if not save:
        return

    def refused(err: AppError) -> None:
        show_error(err)
        if isinstance(err, StaleEdit):  # the newer text; the viewer's own text stays in the form
            newer = err.current
            st.info(f"{newer.title or '–'}\n\n{newer.notes}")
            st.session_state[base_key] = newer.version

    act(
        ctx.db,
        lambda s: lab_runs.update_run(
            session=s,
            by=ctx.actor,
            run_id=run.id,
            expected_version=st.session_state[base_key],
            title=title,
            notes=notes,
        ),
        done="common.saved",
        forget=(base_key,),
        on_error=refused,
    )
