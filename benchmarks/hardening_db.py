"""Hardening probes on the database (issue 11): concurrent writers and racing saves.

`concurrency`: N processes x M realistic service calls through `Database.write()` on one database
(a member's note, a leader's attendance mark, the member's review draft autosave, in turn), all
processes released at once. Reports errors, lost rows (what the writers were told was saved,
minus what is in the database at the end) and the p95 latency of a write.

`races` (PostgreSQL, where transactions run side by side): pairs of requests that both read a row
(or its absence), wait for each other, then save. Stale saves (two tabs saving one review draft
or one note from the same version) must end as the app's StaleEdit / ConcurrentEdit for the
loser; first inserts (attendance mark, retrospective, start-review) must end saved or as the
app's error, never as a raw SQLAlchemy / psycopg error.
"""

from __future__ import annotations

import multiprocessing as mp
import statistics
import threading
import time
import traceback
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from core.accounts import members
from core.accounts.actor import actor_of
from core.curriculum import attendance, retros, seminars, weeks
from core.errors import AppError
from core.reviews import papers, templates
from core.reviews import workflow as reviews
from core.reviews.bibtex import PaperData
from db.engine import Database
from db.migrate import upgrade
from db.models import Attendance, Note, Review, ReviewDraft

PASSWORD = "correct horse 1"
FIELDS = [{"key": "summary", "type": "long_text", "label_ko": "요약", "label_en": "Summary"}]
STATUSES = ("present", "late", "absent", "excused")


def outcome(exc: BaseException | None) -> str:
    """'saved', 'app' (the app's own error), 'raw' (a driver / SQLAlchemy error) or 'other'."""
    if exc is None:
        return "saved"
    if isinstance(exc, AppError):
        return "app"
    if isinstance(exc, SQLAlchemyError) or type(exc).__module__.startswith("psycopg"):
        return "raw"
    return "other"


def _q95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=20)[18]


def fresh_database(url: str) -> Database:
    """A Database on `url` with the schema upgraded."""
    db = Database(url)
    upgrade(db.engine)
    return db


# --- concurrency ---------------------------------------------------------------------------------
def _setup_writers(db: Database, procs: int) -> dict[str, Any]:
    with db.write() as s:
        boss = members.create_first_leader(session=s, username="boss", display_name="Boss", password=PASSWORD)
    with db.write() as s:
        people = [
            actor_of(
                members.add_member(
                    session=s, by=boss, username=f"member{i}", display_name=f"M{i}", password=PASSWORD
                )
            )
            for i in range(procs)
        ]
        week_id = weeks.create_week(session=s, by=boss, title_ko="1주차").id
        start = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
        seminar_ids = [
            seminars.create_seminar(
                session=s, by=boss, week_id=week_id, title=f"세미나 {k}", starts_at=start + timedelta(days=k)
            ).id
            for k in range(8)
        ]
        tpl = templates.create_template(session=s, by=boss, name_ko="기본", name_en="Basic", fields=FIELDS).id
        paper = papers.add_paper(session=s, by=boss, data=PaperData(title="Attention Is All You Need"))[0].id
    drafts = []
    for who in people:
        with db.write() as s:
            r = reviews.start_review(session=s, by=who, paper_id=paper, template_id=tpl)
            drafts.append((r.id, r.draft.version))
    return {"boss": boss, "people": people, "week_id": week_id, "seminars": seminar_ids, "drafts": drafts}


def _writer(url: str, p: int, writes: int, ctx: dict, barrier, results) -> None:
    """One process: `writes` service calls in turn (note, attendance mark, draft save)."""
    db = Database(url)
    me, boss = ctx["people"][p], ctx["boss"]
    review_id, version = ctx["drafts"][p]
    lat: list[float] = []
    errors: list[str] = []
    notes = 0
    marks: dict[int, str] = {}
    draft = None
    barrier.wait()
    for i in range(writes):
        kind = i % 3
        t0 = time.perf_counter()
        try:
            with db.write() as s:
                if kind == 0:
                    weeks.add_note(
                        session=s, by=me, week_id=ctx["week_id"], title=f"노트 {p}-{i}", body="$x^2$"
                    )
                elif kind == 1:
                    seminar = ctx["seminars"][(i // 3) % len(ctx["seminars"])]
                    status = STATUSES[(i // 3) % len(STATUSES)]
                    attendance.mark(session=s, by=boss, seminar_id=seminar, member_id=me.id, status=status)
                else:
                    answers = {"summary": f"초안 {p}-{i}"}
                    d = reviews.save_draft(
                        session=s, by=me, review_id=review_id, answers=answers, expected_version=version
                    )
                    new_version = d.version
            lat.append(time.perf_counter() - t0)
            if kind == 0:
                notes += 1
            elif kind == 1:
                marks[seminar] = status
            else:
                version, draft = new_version, answers["summary"]
        except Exception as exc:  # noqa: BLE001  counted: what a user would see as a failed save
            errors.append(f"{outcome(exc)} {type(exc).__name__}: {str(exc)[:200]}")
    db.dispose()
    results.put({"p": p, "lat": lat, "errors": errors, "notes": notes, "marks": marks, "draft": draft})


def concurrency(url: str, procs: int = 8, writes: int = 200) -> dict[str, Any]:
    """`procs` processes x `writes` writes on the (empty, upgraded) database at `url`."""
    db = fresh_database(url)
    ctx = _setup_writers(db, procs)
    spawn = mp.get_context("spawn")  # fresh interpreters: no engine or lock inherited from here
    barrier, results = spawn.Barrier(procs + 1), spawn.Queue()
    workers = [
        spawn.Process(target=_writer, args=(url, p, writes, ctx, barrier, results)) for p in range(procs)
    ]
    for w in workers:
        w.start()
    barrier.wait(timeout=120)  # every writer imported and connected: release them together
    t0 = time.perf_counter()
    got = [results.get(timeout=600) for _ in workers]
    wall = time.perf_counter() - t0
    for w in workers:
        w.join(timeout=30)
    lost = 0
    with db.read() as s:
        for r in got:
            me = ctx["people"][r["p"]]
            present = s.scalar(select(func.count()).select_from(Note).where(Note.author_id == me.id))
            lost += max(0, r["notes"] - present)
            rows = {
                a.seminar_id: a.status
                for a in s.scalars(select(Attendance).where(Attendance.member_id == me.id))
            }
            lost += sum(1 for sid, status in r["marks"].items() if rows.get(sid) != status)
            if r["draft"] is not None:
                draft = s.scalar(select(ReviewDraft).join(Review).where(Review.author_id == me.id))
                lost += int(draft is None or draft.answers.get("summary") != r["draft"])
    db.dispose()
    lat = [x for r in got for x in r["lat"]]
    errors = [e for r in got for e in r["errors"]]
    return {
        "backend": db.dialect,
        "procs": procs,
        "writes": procs * writes,
        "saved": len(lat),
        "errors": len(errors),
        "error_kinds": dict(Counter(e.split(":")[0] for e in errors)),
        "error_example": errors[0] if errors else None,
        "lost": lost,
        "p50_ms": statistics.median(lat) * 1000 if lat else float("nan"),
        "p95_ms": _q95(lat) * 1000,
        "wall_s": wall,
    }


# --- races (PostgreSQL) --------------------------------------------------------------------------
def _pair(db: Database, pre_read, save, args: tuple) -> list[tuple[str, str | None]]:
    """Two requests at once: each reads (`pre_read(s)`), waits for the other, then `save(s, arg)`."""
    barrier = threading.Barrier(2)
    out: list[tuple[str, str | None]] = []
    lock = threading.Lock()

    def one(arg) -> None:
        exc: BaseException | None = None
        try:
            with db.write() as s:
                pre_read(s)
                barrier.wait(timeout=10)
                save(s, arg)
        except Exception as err:  # noqa: BLE001  classified below
            exc = err
        detail = None
        if outcome(exc) in ("raw", "other"):
            detail = "".join(traceback.format_exception_only(exc)).strip()[:300]
        with lock:
            out.append((outcome(exc), detail))

    threads = [threading.Thread(target=one, args=(a,)) for a in args]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    return out


def _tally(name: str, rounds: int, results: list[list[tuple[str, str | None]]], stale: bool) -> dict:
    flat = [o for pair in results for o, _ in pair]
    c = Counter(flat)
    row = {
        "probe": name,
        "rounds": rounds,
        "calls": len(flat),
        "saved": c["saved"],
        "app": c["app"],
        "raw": c["raw"],
        "other": c["other"],
        "example": next((d for pair in results for _, d in pair if d), None),
    }
    if stale:  # one save per pair wins; the other is the stale one and must be the app's error
        row["stale_saves"] = rounds
        row["stale_detected"] = sum(1 for pair in results if sorted(o for o, _ in pair) == ["app", "saved"])
        row["lost_updates"] = sum(1 for pair in results if [o for o, _ in pair] == ["saved", "saved"])
    return row


def races(url: str, stale_rounds: int = 200, insert_rounds: int = 100) -> list[dict]:
    """Racing stale saves and first inserts on the (empty, upgraded) PostgreSQL database at `url`."""
    db = fresh_database(url)
    with db.write() as s:
        boss = members.create_first_leader(session=s, username="boss", display_name="Boss", password=PASSWORD)
    with db.write() as s:
        kim = actor_of(
            members.add_member(session=s, by=boss, username="kim", display_name="Kim", password=PASSWORD)
        )
        week_id = weeks.create_week(session=s, by=boss, title_ko="1주차").id
        tpl = templates.create_template(session=s, by=boss, name_ko="기본", name_en="Basic", fields=FIELDS).id
        paper = papers.add_paper(session=s, by=kim, data=PaperData(title="Paper 0"))[0].id
        note_id = weeks.add_note(session=s, by=kim, week_id=week_id, title="노트", body="본문").id
    with db.write() as s:
        review_id = reviews.start_review(session=s, by=kim, paper_id=paper, template_id=tpl).id
    rows = []

    def current(model, obj_id) -> int:
        with db.read() as s:
            return s.get(model, obj_id).version

    out = []
    for i in range(stale_rounds):  # two tabs autosave one draft from the same version
        v = current(ReviewDraft, review_id)
        out.append(
            _pair(
                db,
                lambda s: s.get(ReviewDraft, review_id),
                lambda s, tab, v=v, i=i: reviews.save_draft(
                    session=s,
                    by=kim,
                    review_id=review_id,
                    answers={"summary": f"{i} {tab}"},
                    expected_version=v,
                ),
                ("tab A", "tab B"),
            )
        )
    rows.append(_tally("stale draft save", stale_rounds, out, stale=True))

    out = []
    for i in range(stale_rounds):  # two tabs save one note from the same version
        v = current(Note, note_id)
        out.append(
            _pair(
                db,
                lambda s: s.get(Note, note_id),
                lambda s, tab, v=v, i=i: weeks.update_note(
                    session=s, by=kim, note_id=note_id, expected_version=v, title="노트", body=f"{i} {tab}"
                ),
                ("tab A", "tab B"),
            )
        )
    rows.append(_tally("stale note save", stale_rounds, out, stale=True))

    start = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)
    out = []
    for i in range(insert_rounds):  # two leaders mark one member at a new seminar
        with db.write() as s:
            sid = seminars.create_seminar(
                session=s, by=boss, week_id=week_id, title=f"세미나 {i}", starts_at=start + timedelta(days=i)
            ).id
        out.append(
            _pair(
                db,
                lambda s, sid=sid: attendance.for_seminar(session=s, by=boss, seminar_id=sid),
                lambda s, status, sid=sid: attendance.mark(
                    session=s, by=boss, seminar_id=sid, member_id=kim.id, status=status
                ),
                ("present", "late"),
            )
        )
    rows.append(_tally("first attendance mark", insert_rounds, out, stale=False))

    out = []
    for i in range(insert_rounds):  # two tabs write the member's first retrospective of a new week
        with db.write() as s:
            wid = weeks.create_week(session=s, by=boss, title_ko=f"{i + 2}주차").id
        out.append(
            _pair(
                db,
                lambda s, wid=wid: retros.my_retro(session=s, by=kim, week_id=wid),
                lambda s, tab, wid=wid: retros.save(
                    session=s,
                    by=kim,
                    week_id=wid,
                    body=f"회고 {tab}",
                    visibility="group",
                    expected_version=None,
                ),
                ("tab A", "tab B"),
            )
        )
    rows.append(_tally("first retrospective", insert_rounds, out, stale=False))

    out = []
    for i in range(insert_rounds):  # two tabs start the member's review of a new paper
        with db.write() as s:
            pid = papers.add_paper(session=s, by=kim, data=PaperData(title=f"Paper {i + 1}"))[0].id
        out.append(
            _pair(
                db,
                lambda s, pid=pid: s.scalar(
                    select(Review).where(Review.paper_id == pid, Review.author_id == kim.id)
                ),
                lambda s, _tab, pid=pid: reviews.start_review(
                    session=s, by=kim, paper_id=pid, template_id=tpl
                ),
                ("tab A", "tab B"),
            )
        )
    rows.append(_tally("first start-review", insert_rounds, out, stale=False))
    db.dispose()
    return rows
