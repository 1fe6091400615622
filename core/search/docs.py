"""What the index holds for each source row: its kind, its plain title and body, the week it hangs on.

Pure functions over anything with the source's attribute names (an ORM object or a Core row), so
the flush hooks, the rebuild and the migration's backfill build the same rows.
"""

from __future__ import annotations

from core.search.text import fold, nfc, plain_text

SEP = " · "


def doc(kind: str, ref_id: int, *, title: str, body: str, week_id=None, parent_id=None) -> dict:
    """One search_docs row (without id)."""
    title, body = " ".join(nfc(title).split()), nfc(body).strip()  # a title stays one line
    return {
        "kind": kind,
        "ref_id": ref_id,
        "parent_id": parent_id,
        "week_id": week_id,
        "title": title,
        "body": body,
        "folded": fold(f"{title}\n{body}"),
    }


def tags_text(tags: str | None) -> str:
    """ ",attention,rnn," as "attention rnn"."""
    return " ".join(t for t in (tags or "").split(",") if t)


def week_doc(w) -> dict:
    """A week: both titles; goals, summary and tags."""
    title = SEP.join(x for x in (w.title_ko, w.title_en) if x)
    body = " ".join(x for x in (plain_text(w.goals), plain_text(w.summary), tags_text(w.tags)) if x)
    return doc("week", w.id, title=title, body=body, week_id=w.id)


def note_doc(n) -> dict:
    """A member's note."""
    return doc("note", n.id, title=n.title, body=plain_text(n.body), week_id=n.week_id)


def question_doc(q, week_id: int | None) -> dict:
    """A question (`week_id`: its own week, or its seminar's)."""
    return doc("question", q.id, title=q.title, body=plain_text(q.body), week_id=week_id)


def answer_doc(a, question_title: str, week_id: int | None) -> dict:
    """An answer, titled by its question (a hit opens the question)."""
    return doc(
        "answer",
        a.id,
        title=question_title,
        body=plain_text(a.body),
        week_id=week_id,
        parent_id=a.question_id,
    )


def answers_text(answers: dict | None) -> str:
    """The written parts of a review's submitted answers (texts and tags; ratings and boxes left out)."""
    parts: list[str] = []
    for value in (answers or {}).values():
        if isinstance(value, str):
            parts.append(plain_text(value))
        elif isinstance(value, list):
            parts.append(" ".join(v for v in value if isinstance(v, str)))
    return " ".join(p for p in parts if p)


def review_doc(r, paper_title: str) -> dict:
    """A review: its paper's title and its last submitted answers (never the draft being typed)."""
    return doc("review", r.id, title=paper_title, body=answers_text(r.answers), parent_id=r.paper_id)


def retro_doc(r) -> dict:
    """A retrospective (who may read it is decided at query time)."""
    return doc("retro", r.id, title="", body=plain_text(r.body), week_id=r.week_id)
