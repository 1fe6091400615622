"""Seminar rooms in the Model Lab: a leader opens a room and gets a short code; participants join
under a nickname; every run they start from the Lab while in the room is listed in it, live and
then stored; the leader may set a challenge (a preset's config plus a held-out accuracy target)
that each participant's Lab offers as its starting config; a leaderboard ranks the runs.

Services take `session=` and never commit. Who may do what: leaders open and close rooms and set
challenges; anyone (guests included) joins an open room and views any room, open or ended. Stopping
a run stays the job queue's rule (`core.lab.jobs.policy`: its owner or a leader).

A room ends when closed or when `expires_at` passes; an ended room stays viewable, its runs stored,
but nobody joins it or starts a run in it. Sizes are bounded: participants and runs per room.
No Streamlit, no torch.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, load_only

from core.accounts.members import Actor
from core.codes import CODE_ALPHABET, CODE_INPUT_MAX, CODE_LEN, CODE_RE, new_code, normalise_code
from core.errors import FieldError, InvalidInput, NotFound, PermissionDenied
from core.lab.config import TrainConfig, from_dict, replace, to_dict
from core.lab.jobs.policy import Participant
from core.lab.presets import PRESETS
from core.lab.room_board import (
    ACTIVE,
    BoardRow,
    RoomRun,
    board_metric,
    config_diff,
    latest_per_participant,
    leaderboard,
)
from core.validate import check_version
from core.validate import text as check_text
from db.base import utcnow
from db.models.curriculum import Seminar
from db.models.lab import LabRun
from db.models.rooms import CHALLENGE_METRICS, LabRoom, LabRoomMember, LabRoomRun

ROOM_HOURS = 12  # a room expires this long after it opens (a seminar evening and then some)
MAX_ROOM_HOURS = 72
NICKNAME_MAX = 40
TITLE_MAX = 200
GOAL_MAX = 500
MAX_PARTICIPANTS = 200
MAX_ROOM_RUNS = 400
MAX_ROOMS_LISTED = 50


def _now(now: datetime | None) -> datetime:
    return now if now is not None else utcnow()


# --- nicknames (codes: core/codes.py) -----------------------------------------------------------
def clean_nickname(raw: str | None) -> str:
    """A nickname as shown: NFKC, control and format characters dropped, runs of spaces made one.
    FieldError when nothing is left or it is too long."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(
        " " if ch.isspace() else ch for ch in text if unicodedata.category(ch)[0] != "C" or ch.isspace()
    )
    text = " ".join(text.split())
    if not text:
        raise FieldError("lab.room.nickname", "lab.room.nickname_empty")
    if len(text) > NICKNAME_MAX:
        raise FieldError("lab.room.nickname", "common.error.too_long", max=NICKNAME_MAX)
    return text


def nickname_key(nickname: str) -> str:
    """How nicknames are compared: "Kim", "kim" and "ＫＩＭ" are one name."""
    return unicodedata.normalize("NFKC", nickname).casefold()


# --- rooms ----------------------------------------------------------------------------------------
def state_of(room: LabRoom, now: datetime | None = None) -> str:
    """ "open", "closed" (by a leader) or "expired" (past `expires_at`)."""
    if room.status == "closed":
        return "closed"
    return "expired" if _now(now) >= room.expires_at else "open"


def _require_leader(by: Actor | None) -> None:
    if by is None or not by.is_leader:
        raise PermissionDenied("lab.room.leaders_only")


def _require_open(room: LabRoom, now: datetime | None) -> None:
    state = state_of(room, now)
    if state != "open":
        raise InvalidInput(f"lab.room.{state}", code=room.code)


def open_room(
    *,
    session: Session,
    by: Actor | None,
    title: str = "",
    seminar_id: int | None = None,
    hours: float = ROOM_HOURS,
    now: datetime | None = None,
    code_fn: Callable[[], str] = new_code,
) -> LabRoom:
    """A leader opens a room (for a seminar, or on its own); it gets a fresh code and expires after
    `hours`. The title defaults to the seminar's."""
    _require_leader(by)
    title = check_text(title, "lab.room.title_field", max_len=TITLE_MAX, required=False)
    if not (isinstance(hours, int | float) and 0 < hours <= MAX_ROOM_HOURS):
        raise FieldError("lab.room.hours_field", "lab.room.hours_range", max=MAX_ROOM_HOURS)
    if seminar_id is not None:
        seminar = session.get(Seminar, seminar_id)
        if seminar is None:
            raise NotFound("lab.room.no_seminar", seminar_id=seminar_id)
        title = title or seminar.title[:TITLE_MAX]
    for _ in range(20):  # 32^6 codes: a collision is rare, twenty in a row is a broken code_fn
        code = code_fn()
        if session.scalar(select(LabRoom.id).where(LabRoom.code == code)) is None:
            break
    else:
        raise RuntimeError("could not find a free room code")
    start = _now(now)
    room = LabRoom(
        code=code,
        title=title,
        status="open",
        seminar_id=seminar_id,
        opened_by_id=by.id,
        created_at=start,
        expires_at=start + timedelta(hours=hours),
        challenge_goal="",
        challenge_preset="",
        challenge_metric=CHALLENGE_METRICS[0],
    )
    session.add(room)
    session.flush()
    return room


def find_room(*, session: Session, code: str) -> LabRoom:
    """The room with this code, open or ended (NotFound for a code no room has)."""
    clean = normalise_code(code)
    room = session.scalar(select(LabRoom).where(LabRoom.code == clean)) if CODE_RE.match(clean) else None
    if room is None:
        raise NotFound("lab.room.unknown_code", code=clean or (code or "").strip()[:20])
    return room


def get_room(*, session: Session, room_id: int) -> LabRoom:
    """One room by id (NotFound if there is none)."""
    room = session.get(LabRoom, room_id)
    if room is None:
        raise NotFound("lab.room.unknown_room", room_id=room_id)
    return room


def list_rooms(
    *, session: Session, seminar_id: int | None = None, limit: int = MAX_ROOMS_LISTED
) -> list[LabRoom]:
    """Rooms newest first (open and ended), optionally of one seminar."""
    q = select(LabRoom).order_by(LabRoom.created_at.desc(), LabRoom.id.desc())
    if seminar_id is not None:
        q = q.where(LabRoom.seminar_id == seminar_id)
    return list(session.scalars(q.limit(min(limit, MAX_ROOMS_LISTED))))


def close_room(*, session: Session, by: Actor | None, room_id: int, now: datetime | None = None) -> LabRoom:
    """A leader ends the room (it stays viewable); closing an ended room changes nothing."""
    _require_leader(by)
    room = get_room(session=session, room_id=room_id)
    if room.status != "closed":
        room.status, room.closed_at = "closed", _now(now)
        session.flush()
    return room


# --- participants ---------------------------------------------------------------------------------
def _member_id(who: Participant) -> int | None:
    kind, _, rest = who.key.partition(":")
    return int(rest) if kind == "member" and rest.isdigit() else None


def membership(*, session: Session, room_id: int, who: Participant) -> LabRoomMember | None:
    """`who`'s place in the room, or None when they have not joined."""
    return session.scalar(
        select(LabRoomMember).where(
            LabRoomMember.room_id == room_id, LabRoomMember.participant_key == who.key
        )
    )


def join_room(
    *, session: Session, code: str, who: Participant, nickname: str, now: datetime | None = None
) -> LabRoomMember:
    """Join the open room with this code under `nickname` (unique in the room, case and width
    ignored). Joining again changes one's nickname. NotFound for an unknown code; InvalidInput for
    an ended room, a full room, an empty or taken nickname."""
    room = find_room(session=session, code=code)
    _require_open(room, now)
    nick = clean_nickname(nickname)
    key = nickname_key(nick)
    mine = membership(session=session, room_id=room.id, who=who)
    holder = session.scalar(
        select(LabRoomMember).where(LabRoomMember.room_id == room.id, LabRoomMember.nickname_key == key)
    )
    if holder is not None and (mine is None or holder.id != mine.id):
        raise FieldError("lab.room.nickname", "lab.room.nickname_taken", name=nick)
    if mine is not None:
        mine.nickname, mine.nickname_key = nick, key
        session.flush()
        return mine
    count = session.scalar(select(func.count()).where(LabRoomMember.room_id == room.id))
    if count >= MAX_PARTICIPANTS:
        raise InvalidInput("lab.room.full", limit=MAX_PARTICIPANTS)
    row = LabRoomMember(
        room_id=room.id,
        participant_key=who.key,
        nickname=nick,
        nickname_key=key,
        member_id=_member_id(who),
        joined_at=_now(now),
    )
    session.add(row)
    session.flush()
    return row


def participants(*, session: Session, room_id: int) -> list[LabRoomMember]:
    """Everyone who joined, in the order they came."""
    q = select(LabRoomMember).where(LabRoomMember.room_id == room_id).order_by(LabRoomMember.id)
    return list(session.scalars(q))


# --- the challenge --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Challenge:
    """What the leader set: a preset's config (its tab), a target on a held-out metric, the goal."""

    preset: str
    tab: str
    config: TrainConfig
    metric: str
    target: float | None
    goal: str


def challenge_of(room: LabRoom) -> Challenge | None:
    """The room's challenge, or None when the leader has not set one."""
    if not room.challenge_preset or not room.challenge_config:
        return None
    cfg = from_dict(room.challenge_config)
    return Challenge(
        room.challenge_preset,
        cfg.model.kind,
        cfg,
        room.challenge_metric,
        room.challenge_target,
        room.challenge_goal,
    )


def set_challenge(
    *,
    session: Session,
    by: Actor | None,
    room_id: int,
    preset: str,
    tab: str | None = None,
    target: float | None = None,
    goal: str = "",
    steps: int | None = None,
    metric: str = "val_token_acc",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> LabRoom:
    """A leader sets (or, with preset "", clears) the room's challenge: the preset's config for
    `tab` (its first tab by default), with `steps` changed if given; `target` a fraction in (0, 1]."""
    _require_leader(by)
    room = get_room(session=session, room_id=room_id)
    _require_open(room, now)
    check_version(room, expected_version)
    if not preset:
        room.challenge_preset, room.challenge_config, room.challenge_target = "", None, None
        room.challenge_goal = ""
        session.flush()
        return room
    if preset not in PRESETS:
        raise FieldError("lab.room.preset_field", "lab.room.unknown_preset", name=preset)
    configs = PRESETS[preset].configs
    tab = tab or PRESETS[preset].tab
    if tab not in configs:
        raise FieldError("lab.room.tab_field", "lab.room.preset_tab", tab=tab, tabs=", ".join(configs))
    if metric not in CHALLENGE_METRICS:
        raise FieldError(
            "lab.room.metric_field", "validation.choice", value=metric, choices=", ".join(CHALLENGE_METRICS)
        )
    if target is not None and not (
        isinstance(target, int | float)
        and not isinstance(target, bool)
        and math.isfinite(target)
        and 0 < target <= 1
    ):
        raise FieldError("lab.room.target_field", "lab.room.target_range")
    cfg = configs[tab] if steps is None else replace(configs[tab], steps=steps)
    cfg.validate()
    room.challenge_preset = preset
    room.challenge_config = to_dict(cfg)
    room.challenge_metric = metric
    room.challenge_target = float(target) if target is not None else None
    room.challenge_goal = check_text(goal, "lab.room.goal_field", max_len=GOAL_MAX, required=False)
    session.flush()
    return room


# --- runs -----------------------------------------------------------------------------------------
def may_run(
    *, session: Session, room_id: int, who: Participant, now: datetime | None = None
) -> LabRoomMember:
    """`who`'s membership, if they may start a run in the room now (it is open, they joined, it
    has room for more runs); else the translated refusal."""
    room = get_room(session=session, room_id=room_id)
    _require_open(room, now)
    mine = membership(session=session, room_id=room_id, who=who)
    if mine is None:
        raise InvalidInput("lab.room.not_joined", code=room.code)
    count = session.scalar(select(func.count()).where(LabRoomRun.room_id == room_id))
    if count >= MAX_ROOM_RUNS:
        raise InvalidInput("lab.room.too_many_runs", limit=MAX_ROOM_RUNS)
    return mine


def add_run(
    *,
    session: Session,
    room_id: int,
    who: Participant,
    job_id: str,
    cfg: TrainConfig,
    now: datetime | None = None,
) -> LabRoomRun:
    """Record that `who` started job `job_id` (training `cfg`) in the room (rules: `may_run`)."""
    mine = may_run(session=session, room_id=room_id, who=who, now=now)
    row = LabRoomRun(
        room_id=room_id, member_id=mine.id, job_id=job_id, config=to_dict(cfg), started_at=_now(now)
    )
    session.add(row)
    session.flush()
    return row


def attach_run(*, session: Session, job_id: str, run_id: int) -> bool:
    """Link a room's job to its stored run (called as the job is stored); False if no room has it."""
    row = session.scalar(select(LabRoomRun).where(LabRoomRun.job_id == job_id))
    if row is None:
        return False
    row.run_id = run_id
    session.flush()
    return True


def room_runs(
    *,
    session: Session,
    room_id: int,
    live: Callable[[str], Any] | None = None,
    now: datetime | None = None,
) -> list[RoomRun]:
    """The room's runs, oldest first. `live(job_id)` gives a job the queue still holds (anything
    with `status`, `step`, `curves`) or None; a run the queue no longer holds is read from its
    stored row; one neither holds (the server restarted as it trained) is "lost"."""
    q = (
        select(LabRoomRun, LabRoomMember.nickname, LabRoomMember.participant_key, LabRun)
        .join(LabRoomMember, LabRoomMember.id == LabRoomRun.member_id)
        .outerjoin(LabRun, LabRun.id == LabRoomRun.run_id)
        .where(LabRoomRun.room_id == room_id)
        .order_by(LabRoomRun.started_at, LabRoomRun.id)
        .limit(MAX_ROOM_RUNS)
        # What the board shows, not the stored probes (every attention snapshot, as JSON): the
        # projector reads this every poll, and decoding the probes was most of its time.
        .options(load_only(LabRun.config, LabRun.status, LabRun.steps_done, LabRun.duration_s, LabRun.curves))
    )
    at = _now(now)
    out = []
    for link, nick, pkey, stored in session.execute(q):
        # A run is stored when its job ends: the queue is asked only about runs not stored yet (with
        # PostgreSQL a job's snapshot reads its rows and rebuilds its model, every projector poll).
        snap = live(link.job_id) if live is not None and stored is None else None
        base = dict(id=link.id, nickname=nick, participant_key=pkey, job_id=link.job_id, run_id=link.run_id)
        if stored is not None:
            out.append(
                RoomRun(
                    **base,
                    config=stored.config,
                    status=stored.status,
                    step=stored.steps_done,
                    seconds=stored.duration_s or None,
                    curves=stored.curves or {},
                )
            )
        elif snap is not None:
            seconds = max(0.0, (at - link.started_at).total_seconds())
            out.append(
                RoomRun(
                    **base,
                    config=link.config,
                    status=snap.status,
                    step=snap.step,
                    seconds=seconds,
                    curves=snap.curves,
                )
            )
        else:
            out.append(RoomRun(**base, config=link.config, status="lost", step=0, seconds=None))
    return out


# fmt: off
__all__ = [
    "CODE_ALPHABET", "CODE_INPUT_MAX", "CODE_LEN", "ACTIVE", "BoardRow", "board_metric", "CODE_RE",
    "Challenge", "RoomRun", "add_run", "attach_run", "challenge_of", "clean_nickname", "close_room",
    "config_diff", "find_room", "get_room", "join_room", "latest_per_participant", "leaderboard",
    "list_rooms", "may_run", "membership", "new_code", "nickname_key", "normalise_code", "open_room",
    "participants", "room_runs", "set_challenge", "state_of",
]
# fmt: on
