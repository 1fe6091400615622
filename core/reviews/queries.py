"""Who may read which review, and finding reviews.

Independent opinions first: a member sees other members' reviews of a paper only once their own
review of it has been submitted; leaders see every submitted review. Drafts are the author's.
Feedback (the leaders' return / approve texts, the comment thread, the helpfulness rating) is
between a review's author and the leaders: a peer who may read the review does not see it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, joinedload

from core.accounts.members import Actor, require_member
from core.errors import NotFound, PermissionDenied
from core.reviews.templates import schema_of
from core.validate import text as check_text
from db.models.members import Member
from db.models.reviews import REVIEW_STATUSES, Paper, Review, ReviewComment

STATUSES = REVIEW_STATUSES
NO_WEEK = "—"
MAX_TEXT = 200  # the words searched for in the answers


def week_text(week_no: int | None) -> str:
    """A week number as a table cell shows it: '3', or '—' when none was set (never 'None')."""
    return NO_WEEK if week_no is None else str(week_no)


def _submitted_papers(by: Actor):
    return select(Review.paper_id).where(Review.author_id == by.id, Review.status != "draft")


def visible_clause(by: Actor):
    """SQL condition: reviews `by` may read."""
    own = Review.author_id == by.id
    if by.is_leader:
        return or_(own, Review.status != "draft")
    return or_(own, and_(Review.status != "draft", Review.paper_id.in_(_submitted_papers(by))))


def can_view(*, session: Session, by: Actor | None, review: Review) -> bool:
    """May `by` read this review?"""
    if by is None:
        return False
    if review.author_id == by.id:
        return True
    if review.status == "draft":
        return False
    if by.is_leader:
        return True
    mine = session.scalar(
        select(Review.status).where(Review.paper_id == review.paper_id, Review.author_id == by.id)
    )
    return mine is not None and mine != "draft"


def get_review(*, session: Session, by: Actor | None, review_id: int) -> Review:
    """One review the actor may read (NotFound otherwise, so hidden reviews stay hidden)."""
    by = require_member(by)
    review = session.get(Review, review_id)
    if review is None or not can_view(session=session, by=by, review=review):
        raise NotFound()
    return review


def feedback_visible(by: Actor | None, review: Review) -> bool:
    """May `by` see the feedback on this review (thread, return / approve texts, helpfulness)?
    Only its author and the leaders."""
    return by is not None and (by.is_leader or review.author_id == by.id)


def require_feedback_visible(by: Actor | None, review: Review) -> Actor:
    """`by`, when they may see this review's feedback; PermissionDenied for a peer."""
    if not feedback_visible(by, review):
        raise PermissionDenied("rev.error.feedback_private")
    return by


def hidden_count(*, session: Session, by: Actor, paper_id: int | None = None) -> int:
    """How many submitted reviews by others `by` cannot see yet (until submitting their own),
    of one paper or (paper_id None) of every paper."""
    others = [Review.status != "draft", Review.author_id != by.id]
    if paper_id is not None:
        others.append(Review.paper_id == paper_id)
    total = session.scalar(select(func.count()).select_from(Review).where(*others)) or 0
    seen = session.scalar(select(func.count()).select_from(Review).where(*others, visible_clause(by))) or 0
    return total - seen


@dataclass
class ReviewRow:
    """A review with its paper and author, as lists and exports show it."""

    review: Review
    paper: Paper
    author: Member
    helpfulness: int | None = None  # the leaders' rating, filled in only for the author and leaders

    @classmethod
    def for_reader(cls, by: Actor, review: Review, paper: Paper, author: Member) -> ReviewRow:
        """The row as `by` may see it: the helpfulness rating withheld from peers."""
        return cls(review, paper, author, review.helpfulness if feedback_visible(by, review) else None)


@dataclass
class Filters:
    """What to find: each None / empty means 'any'."""

    paper_id: int | None = None
    member_id: int | None = None
    status: str | None = None
    week_no: int | None = None
    tag: str = ""
    rating_key: str = ""
    min_rating: int | None = None
    text: str = ""


def _tags_of(review: Review) -> list[str]:
    schema = schema_of(review.template_version)
    return [t for f in schema.fields if f.type == "tags" for t in (review.answers.get(f.key) or [])]


def find_reviews(*, session: Session, by: Actor | None, filters: Filters | None = None) -> list[ReviewRow]:
    """Reviews `by` may read, filtered by paper, member, status, week, tag, rating and text."""
    by = require_member(by)
    f = filters or Filters()
    check_text(f.text, "rev.find.text", max_len=MAX_TEXT, required=False)
    q = (
        select(Review, Paper, Member)
        .join(Paper, Paper.id == Review.paper_id)
        .join(Member, Member.id == Review.author_id)
        .where(visible_clause(by))
        .options(joinedload(Review.template_version))
        .order_by(Review.updated_at.desc(), Review.id.desc())
    )
    for col, value in (
        (Review.paper_id, f.paper_id),
        (Review.author_id, f.member_id),
        (Review.status, f.status),
        (Review.week_no, f.week_no),
    ):
        if value is not None and value != "":
            q = q.where(col == value)
    needle = unicodedata.normalize("NFKC", f.text or "").casefold().strip()
    if needle:
        # search_text is stored case-folded, so a plain LIKE works for Hangul and Latin alike
        q = q.where(Review.search_text.contains(needle, autoescape=True))
    rows = [ReviewRow.for_reader(by, r, p, m) for r, p, m in session.execute(q).unique()]
    if f.tag.strip():
        tag = f.tag.strip().lstrip("#").casefold()
        rows = [row for row in rows if tag in {t.casefold() for t in _tags_of(row.review)}]
    if f.rating_key and f.min_rating is not None:
        rows = [
            row
            for row in rows
            if isinstance(row.review.answers.get(f.rating_key), int)
            and row.review.answers[f.rating_key] >= f.min_rating
        ]
    return rows


def my_reviews(*, session: Session, by: Actor | None) -> list[ReviewRow]:
    """The actor's own reviews, newest first."""
    by = require_member(by)
    return find_reviews(session=session, by=by, filters=Filters(member_id=by.id))


def rating_keys(rows: list[ReviewRow], lang: str) -> dict[str, str]:
    """Rating field keys found in these reviews' templates -> a label, for the rating filter."""
    out: dict[str, str] = {}
    for row in rows:
        for f in schema_of(row.review.template_version).fields:
            if f.type == "rating":
                out.setdefault(f.key, f.label(lang))
    return out


def all_tags(rows: list[ReviewRow]) -> list[str]:
    """Every tag used in these reviews, sorted."""
    return sorted({t for row in rows for t in _tags_of(row.review)}, key=str.casefold)


def get_row(*, session: Session, by: Actor | None, review_id: int) -> ReviewRow:
    """One readable review with its paper and author."""
    review = get_review(session=session, by=by, review_id=review_id)
    paper = session.get(Paper, review.paper_id)
    author = session.get(Member, review.author_id)
    if paper is None or author is None:
        raise NotFound()
    return ReviewRow.for_reader(by, review, paper, author)


@dataclass(frozen=True)
class Returned:
    """One of the actor's reviews a leader returned, with the leader's latest return feedback."""

    review_id: int
    paper_id: int
    title: str
    feedback: str


def returned_reviews(*, session: Session, by: Actor | None) -> list[Returned]:
    """The actor's own returned reviews (waiting for a resubmission), most recently returned first."""
    by = require_member(by)
    q = (
        select(Review, Paper)
        .join(Paper, Paper.id == Review.paper_id)
        .where(Review.author_id == by.id, Review.status == "returned")
        .order_by(Review.updated_at.desc(), Review.id.desc())
    )
    out = []
    for review, paper in session.execute(q):
        feedback = session.scalar(
            select(ReviewComment.body)
            .where(ReviewComment.review_id == review.id, ReviewComment.kind == "return")
            .order_by(ReviewComment.created_at.desc(), ReviewComment.id.desc())
            .limit(1)
        )
        out.append(Returned(review.id, paper.id, paper.title, feedback or ""))
    return out
