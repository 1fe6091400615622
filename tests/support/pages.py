"""Small AppTest helpers shared by page tests: a button by its label, the page's text, a week."""

from __future__ import annotations

from core.curriculum import weeks as cur


def button(at, label):
    """The (form submit) button with this label."""
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r} in {[b.label for b in at.button]}"
    return found[0]


def texts(at):
    return " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)


def make_week(db, leader, **kw):
    """A curriculum week made by `leader` (title 어텐션 unless given)."""
    with db.write() as s:
        return cur.create_week(session=s, by=leader, title_ko=kw.pop("title_ko", "어텐션"), **kw)
