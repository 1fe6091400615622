"""A paper's reviews at a glance, for leaders: per rating field the mean and spread of the submitted
reviews' scores, how many were submitted, and which assigned members have not submitted yet."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core.accounts.members import Actor, require_leader
from core.errors import NotFound
from core.reviews.templates import schema_of
from db.models.members import Member
from db.models.reviews import Assignment, Paper, Review


@dataclass(frozen=True)
class RatingStat:
    """One rating field over the submitted reviews: sd is the population standard deviation."""

    key: str
    label: str
    n: int
    mean: float
    sd: float
    low: int
    high: int


@dataclass(frozen=True)
class PaperSummary:
    """What a leader sees of one paper's reviews."""

    submitted: int
    ratings: list[RatingStat]
    assigned: int
    missing: list[str]  # display names of assigned members without a submitted review


def paper_summary(*, session: Session, by: Actor | None, paper_id: int, lang: str) -> PaperSummary:
    """Leaders only: ratings' mean and spread per field, the submitted count, who is missing."""
    require_leader(by)
    if session.get(Paper, paper_id) is None:
        raise NotFound()
    reviews = list(
        session.scalars(
            select(Review)
            .where(Review.paper_id == paper_id, Review.status != "draft")
            .options(joinedload(Review.template_version))
            .order_by(Review.id)
        )
    )
    scores: dict[str, list[int]] = {}
    labels: dict[str, str] = {}
    for review in reviews:
        for field in schema_of(review.template_version).fields:
            if field.type != "rating":
                continue
            labels.setdefault(field.key, field.label(lang))  # the first template that names it
            value = review.answers.get(field.key)
            if isinstance(value, int) and not isinstance(value, bool):
                scores.setdefault(field.key, []).append(value)
    ratings = [
        RatingStat(
            key=key,
            label=labels[key],
            n=len(values),
            mean=statistics.fmean(values),
            sd=statistics.pstdev(values),
            low=min(values),
            high=max(values),
        )
        for key, values in scores.items()
    ]
    done = {r.author_id for r in reviews}
    assigned = list(
        session.execute(
            select(Member.id, Member.display_name)
            .join(Assignment, Assignment.member_id == Member.id)
            .where(Assignment.paper_id == paper_id)
            .order_by(Member.display_name, Member.id)
        )
    )
    missing = [name for member_id, name in assigned if member_id not in done]
    return PaperSummary(submitted=len(reviews), ratings=ratings, assigned=len(assigned), missing=missing)
