"""Helpers for the review tests: templates, papers and reviews made through the services."""

from __future__ import annotations

from core.reviews import papers, templates
from core.reviews import workflow as reviews
from core.reviews.bibtex import PaperData
from core.reviews.template_defaults import AI_CLUB, CONFERENCE, THREE_PASS
from db.engine import Database
from tests.support.factories import make_leader, make_member

SIMPLE_FIELDS = [
    {"key": "summary", "type": "long_text", "label_ko": "요약", "label_en": "Summary", "required": True},
    {
        "key": "score",
        "type": "rating",
        "label_ko": "점수",
        "label_en": "Score",
        "required": True,
        "scale_min": 1,
        "scale_max": 4,
        "points": [{"value": 4, "label_ko": "탁월", "label_en": "Excellent"}],
    },
    {"key": "tags", "type": "tags", "label_ko": "태그", "label_en": "Tags"},
]
GOOD = {"summary": "Attention만으로 번역을 잘한다.", "score": 4, "tags": ["attention", "NLP"]}


def make_template(db: Database, leader, fields=None, name="기본") -> int:
    """A template with SIMPLE_FIELDS (or `fields`); returns its id."""
    with db.write() as s:
        return templates.create_template(
            session=s, by=leader, name_ko=name, name_en=name, fields=fields or SIMPLE_FIELDS
        ).id


def make_defaults(db: Database, leader) -> list[int]:
    """The three default templates; returns their ids."""
    ids = []
    for doc in (AI_CLUB, CONFERENCE, THREE_PASS):
        with db.write() as s:
            ids.append(templates.create_template(session=s, by=leader, **doc).id)
    return ids


def make_paper(db: Database, by, title="Attention Is All You Need", arxiv="1706.03762") -> int:
    """A paper; returns its id."""
    with db.write() as s:
        return papers.add_paper(session=s, by=by, data=PaperData(title=title, arxiv_id=arxiv))[0].id


def start(db: Database, by, paper_id: int, template_id: int) -> tuple[int, int]:
    """Start a review; returns (review id, draft version)."""
    with db.write() as s:
        r = reviews.start_review(session=s, by=by, paper_id=paper_id, template_id=template_id)
        return r.id, r.draft.version


def submitted(db: Database, by, paper_id: int, template_id: int, answers=None) -> int:
    """A submitted review; returns its id."""
    rid, v = start(db, by, paper_id, template_id)
    with db.write() as s:
        reviews.commit_review(session=s, by=by, review_id=rid, answers=answers or GOOD, expected_version=v)
    return rid


def make_review_group(db: Database):
    """A leader, three members (kim wrote nothing yet), a template and kim's paper:
    (leader, kim, lee, park, template id, paper id)."""
    leader = make_leader(db)
    kim = make_member(db, "kim", "김하연", by=leader)
    lee = make_member(db, "lee", "이민준", by=leader)
    park = make_member(db, "park", "박서준", by=leader)
    tid = make_template(db, leader)
    pid = make_paper(db, kim)
    return leader, kim, lee, park, tid, pid
