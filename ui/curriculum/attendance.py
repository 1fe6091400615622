"""A seminar's attendance: a member checks in with the seminar's code (typed, or a scanned link
?checkin=<code>) while the window is open; a leader shows the code and its QR, marks everyone or
all present; the attendance rates and charts (a member sees only their own) with a leader's CSV."""

from __future__ import annotations

import streamlit as st

from core.codes import CODE_INPUT_MAX
from core.curriculum import attendance
from core.timezone import now_utc
from db.models.curriculum import ATTENDANCE_STATUSES, Seminar
from ui.curriculum import keys
from ui.curriculum.widgets import when
from ui.shell.actions import act, attempt
from ui.shell.i18n import t
from ui.shell.qr import page_url, qr_png
from ui.shell.time import show

PAGE = "seminars"  # the page a check-in link opens (ui/shell/nav.py url_path)
LINK_PARAM = "checkin"


def _checked_in(row) -> None:
    # check_in runs its own transaction (a wrong code stays counted), so not through `act`
    st.toast(t("cur.att.checked_in", status=t(f"cur.att.{row.status}")), icon=":material/check:")
    st.rerun()


def checkin_from_link(ctx) -> None:
    """A scanned link ?checkin=<code>: check the signed-in member in once (the code finds its
    seminar); a guest is asked to sign in, and the same link then checks them in."""
    code = st.query_params.get(LINK_PARAM)
    if code is None:
        return
    if ctx.actor is None:
        st.info(t("cur.att.sign_in_to_check_in"), icon=":material/qr_code_scanner:")
        return
    del st.query_params[LINK_PARAM]  # a reload or rerun must not try the code again
    row = attempt(lambda: attendance.check_in(db=ctx.db, by=ctx.actor, code=code))
    if row is not None:
        st.session_state.pop(keys.SEMINAR, None)  # the picker opens on the seminar on now
        _checked_in(row)


def check_in(ctx, sem: Seminar, marks: dict) -> None:
    """The member's own mark, or the check-in code box while the window is open."""
    window = attendance.checkin_window(sem)
    st.caption(
        t(
            "cur.att.window",
            opens=when(window.opens),
            closes=show(window.closes, "hm"),
            late=int(attendance.LATE_AFTER.total_seconds() // 60),
        )
    )
    mine = marks.get(ctx.actor.id)
    if mine is not None:
        st.success(t("cur.att.yours", status=t(f"cur.att.{mine.status}")))
    elif window.is_open(now_utc()):
        with st.form(keys.CHECK_IN):
            code = st.text_input(t("cur.att.code"), max_chars=CODE_INPUT_MAX, help=t("cur.att.code_help"))
            go = st.form_submit_button(t("cur.att.check_in"), type="primary", icon=":material/how_to_reg:")
        if go:
            row = attempt(lambda: attendance.check_in(db=ctx.db, by=ctx.actor, code=code, seminar_id=sem.id))
            if row is not None:
                _checked_in(row)


def show_code(ctx, sem: Seminar) -> None:
    """Leader: the seminar's check-in code and a QR of its check-in link, large enough to scan off a
    projector; and "mark all present"."""
    with ctx.db.read() as s:
        code = attendance.checkin_code(session=s, by=ctx.actor, seminar_id=sem.id)
    with st.expander(t("cur.att.code_show"), icon=":material/qr_code_2:"):
        link = page_url(PAGE, {LINK_PARAM: code})
        st.caption(t("cur.att.code_scan", page=t("cur.nav.seminars")))
        left, right = st.columns([3, 2])
        left.markdown(f"# {code}")
        left.code(link, language=None)
        right.image(qr_png(link), width=280, alt=t("cur.att.code_alt", code=code))
    if st.button(t("cur.att.mark_all"), icon=":material/done_all:"):
        act(
            ctx.db,
            lambda s: attendance.mark_all_present(session=s, by=ctx.actor, seminar_id=sem.id),
            done="cur.att.marked_all",
            params=lambda n: {"n": n},
        )


def mark_form(ctx, sem: Seminar, marks: dict, people: list) -> None:
    """Leader: one status per active member; only changed marks are written."""
    status_labels = {"": t("cur.att.unmarked"), **{x: t(f"cur.att.{x}") for x in ATTENDANCE_STATUSES}}
    options = list(status_labels)
    with st.form(keys.attendance_form(sem.id)):
        chosen = {}
        cols = st.columns(2)
        for i, p in enumerate(people):
            current = marks[p.id].status if p.id in marks else ""
            chosen[p.id] = cols[i % 2].selectbox(
                p.display_name,
                options,
                index=options.index(current),
                key=keys.attendance_mark(sem.id, p.id),
                format_func=status_labels.get,
            )
        mark = st.form_submit_button(t("cur.att.mark"), type="primary")
    if not mark:
        return

    def write(s) -> None:
        for member_id, status in chosen.items():
            before = marks[member_id].status if member_id in marks else ""
            if status and status != before:
                attendance.mark(
                    session=s, by=ctx.actor, seminar_id=sem.id, member_id=member_id, status=status
                )

    act(ctx.db, write, done="cur.att.marked")


def rates_table(ctx) -> None:
    """Each member's attendance rate over the term (a member sees only their own row)."""
    with ctx.db.read() as s:
        df = attendance.rates(session=s, by=ctx.actor)
    if not ctx.is_leader:
        st.caption(t("cur.att.mine_only"))
    df = df.assign(rate=df["rate"] * 100)
    labels = {c: t(f"cur.att.{c}") for c in ("present", "late", "absent", "excused", "held")}
    config = {c: st.column_config.NumberColumn(label) for c, label in labels.items()}
    config["member"] = st.column_config.TextColumn(t("cur.att.member"))
    config["rate"] = st.column_config.ProgressColumn(
        t("cur.att.rate"), min_value=0, max_value=100, format="%.0f%%"
    )
    st.dataframe(df, hide_index=True, column_config=config, width="stretch")


def attendance_section(ctx, sem: Seminar, people: list) -> None:
    """Members: check-in; leaders: the code, marks; everyone signed in: rates and charts (their
    own, or everyone's for leaders)."""
    st.subheader(t("cur.att.title"), anchor=False)
    checkin_from_link(ctx)
    if ctx.actor is None:
        return
    with ctx.db.read() as s:
        marks = attendance.for_seminar(session=s, by=ctx.actor, seminar_id=sem.id)
    check_in(ctx, sem, marks)
    if ctx.is_leader:
        show_code(ctx, sem)
        mark_form(ctx, sem, marks, people)
    st.subheader(t("cur.att.stats"), anchor=False)
    rates_table(ctx)
    with ctx.db.read() as s:
        df = attendance.frame(session=s, by=ctx.actor, lang=ctx.lang)
    if df.empty:
        st.caption(t("cur.att.none"))
        return
    c1, c2 = st.columns(2)
    c1.altair_chart(attendance.by_member_chart(df, ctx.lang), width="stretch")
    c2.altair_chart(attendance.by_week_chart(df, ctx.lang), width="stretch")
    if ctx.is_leader:
        st.download_button(
            t("cur.att.csv"),
            attendance.to_csv(df, ctx.lang),
            file_name="attendance.csv",
            mime="text/csv",
            icon=":material/download:",
            key=keys.ATTENDANCE_CSV,
        )
