"""The review workflow: start, autosave drafts, submit, revise, return, approve, comment.

States: draft -> submitted -> returned -> resubmitted -> approved (a resubmitted review can be
returned again). `TRANSITIONS` is the whole state machine; `ACTION_ROLE` says who may act.
Authors edit only their own reviews; leaders return, approve and rate others' reviews.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.accounts.members import Actor, require_leader, require_member
from core.errors import InvalidInput, NotFound, PermissionDenied, StaleEdit
from core.notify import sources as notify
from core.reviews import answers as ans
from core.reviews.queries import can_view, get_review, require_feedback_visible
from core.reviews.templates import get_template, get_version, schema_of
from core.validate import FieldError, check_version
from core.validate import text as check_text
from db.base import utcnow
from db.models.reviews import Assignment, Paper, Review, ReviewComment, ReviewDraft, ReviewRevision

TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "submit"): "submitted",
    ("returned", "resubmit"): "resubmitted",
    ("submitted", "revise"): "submitted",  # an edit after submitting: a new revision
    ("resubmitted", "revise"): "resubmitted",
    ("submitted", "return"): "returned",
    ("resubmitted", "return"): "returned",
    ("submitted", "approve"): "approved",
    ("resubmitted", "approve"): "approved",
}
ACTION_ROLE = {
    "submit": "author",
    "resubmit": "author",
    "revise": "author",
    "return": "leader",
    "approve": "leader",
}
EDITABLE = ("draft", "submitted", "returned", "resubmitted")
MAX_COMMENT = 10_000


def commit_action(status: str) -> str | None:
    """The author's save-and-send action in `status` (submit / resubmit / revise), if any."""
    return {"draft": "submit", "returned": "resubmit", "submitted": "revise", "resubmitted": "revise"}.get(
        status
    )


def _check_transition(by: Actor, review: Review, action: str) -> str:
    target = TRANSITIONS.get((review.status, action))
    if target is None:
        raise InvalidInput("rev.error.transition", action=action, status=review.status)
    if ACTION_ROLE[action] == "author" and review.author_id != by.id:
        raise PermissionDenied()
    if ACTION_ROLE[action] == "leader":
        require_leader(by)
        if review.author_id == by.id:
            raise PermissionDenied("rev.error.own_review")
    return target


def start_review(
    *,
    session: Session,
    by: Actor | None,
    paper_id: int,
    template_id: int | None = None,
    week_no: int | None = None,
) -> Review:
    """The actor's review of a paper: the existing one, or a new draft on a template's current
    version (the assignment's template and week when the paper was assigned)."""
    by = require_member(by)
    existing = session.scalar(select(Review).where(Review.paper_id == paper_id, Review.author_id == by.id))
    if existing is not None:
        return existing
    if session.get(Paper, paper_id) is None:
        raise NotFound()
    assignment = session.scalar(
        select(Assignment).where(Assignment.paper_id == paper_id, Assignment.member_id == by.id)
    )
    if template_id is None and assignment is not None:
        template_id = assignment.template_id
    if template_id is None:
        raise FieldError("rev.template", "common.error.required")
    template = get_template(session=session, template_id=template_id)
    if template.archived:
        raise InvalidInput("rev.error.template_archived")
    if week_no is None and assignment is not None:
        week_no = assignment.week_no
    version = get_version(session=session, template_id=template_id)
    review = Review(
        paper_id=paper_id,
        author_id=by.id,
        template_version_id=version.id,
        status="draft",
        answers={},
        search_text="",
        week_no=week_no,
    )
    review.draft = ReviewDraft(answers={})
    session.add(review)
    session.flush()
    return review


def _own_editable(session: Session, by: Actor | None, review_id: int) -> Review:
    by = require_member(by)
    review = session.get(Review, review_id)
    if review is None:
        raise NotFound()
    if review.author_id != by.id:
        raise PermissionDenied("rev.error.not_yours")
    if review.status not in EDITABLE:
        raise InvalidInput("rev.error.locked", status=review.status)
    return review


def save_draft(
    *, session: Session, by: Actor | None, review_id: int, answers: dict, expected_version: int
) -> ReviewDraft:
    """Autosave the author's working copy. A save begun from an older copy (another tab or
    device saved since) is refused with StaleEdit carrying the newer answers."""
    review = _own_editable(session, by, review_id)
    draft = review.draft
    cleaned = ans.clean(schema_of(review.template_version), answers)
    try:
        check_version(draft, expected_version)
    except StaleEdit:
        if cleaned == draft.answers:  # the same text is already saved (a reloaded page's last save)
            return draft
        raise
    if cleaned != draft.answers:
        draft.answers = cleaned
        draft.saved_at = utcnow()
        session.flush()
    return draft


def commit_review(
    *,
    session: Session,
    by: Actor | None,
    review_id: int,
    answers: dict,
    expected_version: int,
    action: str | None = None,
) -> Review:
    """Save the working copy and send it: submit a draft, resubmit a returned review, or record
    a new revision of a submitted one (`action` defaults to the one the status calls for).
    Required fields are checked, every problem listed."""
    review = _own_editable(session, by, review_id)
    action = action or commit_action(review.status)
    if ACTION_ROLE.get(action) != "author":
        raise InvalidInput("rev.error.transition", action=action, status=review.status)
    target = _check_transition(by, review, action)
    schema = schema_of(review.template_version)
    draft = save_draft(
        session=session, by=by, review_id=review_id, answers=answers, expected_version=expected_version
    )
    complete = ans.check_complete(schema, draft.answers)
    if action == "revise" and complete == review.answers:
        return review  # nothing changed: no empty revision
    number = (
        session.scalar(select(func.max(ReviewRevision.number)).where(ReviewRevision.review_id == review.id))
        or 0
    ) + 1
    now = utcnow()
    review.answers = complete
    review.search_text = ans.search_text(schema, complete)
    review.status = target
    review.updated_at = now
    if action in ("submit", "resubmit"):
        review.submitted_at = now
    session.add(
        ReviewRevision(review_id=review.id, number=number, answers=complete, status=target, created_at=now)
    )
    session.flush()
    return review


def _comment(session: Session, by: Actor, review: Review, kind: str, body: str, required: bool) -> None:
    # The leader's return / approve text: the form labels it "rev.view.feedback".
    body = check_text(body, "rev.view.feedback", max_len=MAX_COMMENT, required=required)
    if body:
        session.add(ReviewComment(review_id=review.id, author_id=by.id, kind=kind, body=body))


def return_review(*, session: Session, by: Actor | None, review_id: int, feedback: str) -> Review:
    """A leader returns a submitted review with feedback (required)."""
    review = get_review(session=session, by=require_leader(by), review_id=review_id)
    target = _check_transition(by, review, "return")
    _comment(session, by, review, "return", feedback, required=True)  # validates before any change
    review.status = target
    review.updated_at = utcnow()
    session.flush()
    notify.review_decided(session, "returned", review, by=by)
    return review


def approve_review(*, session: Session, by: Actor | None, review_id: int, comment: str = "") -> Review:
    """A leader approves a submitted or resubmitted review (optionally with a comment)."""
    review = get_review(session=session, by=require_leader(by), review_id=review_id)
    target = _check_transition(by, review, "approve")
    _comment(session, by, review, "approve", comment, required=False)
    review.status = target
    review.updated_at = utcnow()
    session.flush()
    notify.review_decided(session, "approved", review, by=by)
    return review


def _review_for_author_or_leader(session: Session, by: Actor | None, review_id: int) -> Review:
    by = require_member(by)
    review = session.get(Review, review_id)
    if review is None:
        raise NotFound()
    if not (by.is_leader or review.author_id == by.id):
        raise PermissionDenied("rev.error.not_yours")
    if review.author_id != by.id and review.status == "draft":
        raise NotFound()  # drafts stay private, even to leaders
    return review


def add_comment(*, session: Session, by: Actor | None, review_id: int, body: str) -> ReviewComment:
    """Leaders and the review's author discuss a submitted review (Markdown + LaTeX)."""
    review = _review_for_author_or_leader(session, by, review_id)
    if review.status == "draft":
        raise InvalidInput("rev.error.not_submitted")
    body = check_text(body, "rev.comment", max_len=MAX_COMMENT)
    comment = ReviewComment(review_id=review.id, author_id=by.id, kind="comment", body=body)
    session.add(comment)
    session.flush()
    notify.commented(session, review, comment, by=by)
    return comment


def rate_helpfulness(*, session: Session, by: Actor | None, review_id: int, score: int | None) -> Review:
    """A leader rates how helpful a submitted review is (1-5, or None to clear)."""
    by = require_leader(by)
    review = get_review(session=session, by=by, review_id=review_id)
    if review.status == "draft":
        raise InvalidInput("rev.error.not_submitted")
    if review.author_id == by.id:
        raise PermissionDenied("rev.error.own_review")
    if score is not None and score not in range(1, 6):
        raise FieldError("rev.helpfulness", "common.error.invalid_choice")
    review.helpfulness = score
    session.flush()
    return review


def set_lab_run(*, session: Session, by: Actor | None, review_id: int, run_id: int | None) -> Review:
    """The author (or a leader) attaches a Model Lab run id as the paper's reproducible demo."""
    review = _review_for_author_or_leader(session, by, review_id)
    if run_id is not None and not 0 < int(run_id) < 2**31:
        raise FieldError("rev.lab_run", "common.error.invalid_choice")
    review.lab_run_id = run_id
    session.flush()
    return review


def revisions(*, session: Session, by: Actor | None, review_id: int) -> list[ReviewRevision]:
    """A review's revisions, oldest first (for anyone who may see the review)."""
    get_review(session=session, by=by, review_id=review_id)
    return list(
        session.scalars(
            select(ReviewRevision)
            .where(ReviewRevision.review_id == review_id)
            .order_by(ReviewRevision.number)
        )
    )


def comments(*, session: Session, by: Actor | None, review_id: int) -> list[ReviewComment]:
    """A review's comment thread (the leaders' feedback included), oldest first: for its author and
    the leaders only; a peer who may read the review gets PermissionDenied."""
    require_feedback_visible(by, get_review(session=session, by=by, review_id=review_id))
    return list(
        session.scalars(
            select(ReviewComment)
            .where(ReviewComment.review_id == review_id)
            .order_by(ReviewComment.created_at, ReviewComment.id)
        )
    )


__all__ = [
    "ACTION_ROLE",
    "TRANSITIONS",
    "add_comment",
    "approve_review",
    "can_view",
    "comments",
    "commit_action",
    "commit_review",
    "rate_helpfulness",
    "return_review",
    "revisions",
    "save_draft",
    "set_lab_run",
    "start_review",
]
