"""Demo review content: the three default templates, two classic papers, and one submitted
review by a demo member (so the Find page and the visibility rule have something to show)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.reviews import answers as ans
from core.reviews.template_defaults import AI_CLUB, DEFAULT_TEMPLATES
from core.reviews.template_schema import dump_fields, validate_fields
from db.base import utcnow
from db.models.reviews import Paper, Review, ReviewDraft, ReviewRevision, ReviewTemplate, TemplateVersion
from db.seeds.members import demo_member

ORDER = 20

PAPERS = [
    dict(
        title="Attention Is All You Need",
        norm_title="attention is all you need",
        authors="Ashish Vaswani, Noam Shazeer, Niki Parmar, Jakob Uszkoreit, Llion Jones, Aidan N. Gomez, Łukasz Kaiser, Illia Polosukhin",
        venue="NeurIPS",
        year=2017,
        url="https://arxiv.org/abs/1706.03762",
        arxiv_id="1706.03762",
    ),
    dict(
        title="Sequence to Sequence Learning with Neural Networks",
        norm_title="sequence to sequence learning with neural networks",
        authors="Ilya Sutskever, Oriol Vinyals, Quoc V. Le",
        venue="NeurIPS",
        year=2014,
        url="https://arxiv.org/abs/1409.3215",
        arxiv_id="1409.3215",
    ),
]

DEMO_ANSWERS = {
    "tldr": "RNN 없이 어텐션만으로 인코더-디코더를 만들었다.\n병렬화가 쉬워 학습이 훨씬 빠르다.\n"
    "WMT 번역에서 당시 최고 성능을 냈다.",
    "problem": "RNN 기반 seq2seq는 순차 계산이라 병렬화가 어렵고, 먼 위치 사이의 의존성을 배우기 힘들다.",
    "contributions": "- Scaled dot-product attention과 multi-head attention\n- 위치 인코딩으로 순서 정보 주입\n"
    "- 순환·합성곱 없는 번역 모델",
    "method": "$\\mathrm{Attention}(Q,K,V)=\\mathrm{softmax}(QK^\\top/\\sqrt{d_k})V$ 를 여러 헤드로 나눠 계산하고, "
    "인코더·디코더 층마다 잔차 연결과 층 정규화를 둔다.",
    "results": "WMT14 영-독 28.4 BLEU, 영-불 41.8 BLEU.",
    "limitations": "시퀀스 길이에 대해 $O(n^2)$ 메모리. 긴 문서에는 그대로 쓰기 어렵다.",
    "insights": "실험실의 Transformer 탭에서 뒤집기 과제로 헤드별 어텐션을 직접 볼 수 있다.",
    "questions": "1. 위치 인코딩을 학습형으로 바꾸면 어떻게 될까?\n2. 헤드 수를 줄이면 어떤 정보가 사라질까?",
    "difficulty": 3,
    "confidence": 4,
    "tags": ["transformer", "attention", "NLP"],
}


def is_empty(session: Session) -> bool:
    """No templates and no papers yet."""
    return (
        session.scalar(select(func.count()).select_from(ReviewTemplate)) == 0
        and session.scalar(select(func.count()).select_from(Paper)) == 0
    )


def seed(session: Session) -> None:
    """Add the default templates, the demo papers and one demo review."""
    versions = []
    for doc in DEFAULT_TEMPLATES:
        fields = dump_fields(validate_fields(doc["fields"]))
        tpl = ReviewTemplate(**{k: v for k, v in doc.items() if k != "fields"}, current_version=1)
        session.add(tpl)
        session.flush()
        version = TemplateVersion(template_id=tpl.id, number=1, fields=fields)
        session.add(version)
        versions.append(version)
    papers = [Paper(**p) for p in PAPERS]
    session.add_all(papers)
    session.flush()
    author = demo_member(session, "demo.hayeon")
    if author is None:
        return
    schema = validate_fields(AI_CLUB["fields"])
    answers = ans.check_complete(schema, DEMO_ANSWERS)
    now = utcnow()
    review = Review(
        paper_id=papers[0].id,
        author_id=author.id,
        template_version_id=versions[0].id,
        status="submitted",
        answers=answers,
        search_text=ans.search_text(schema, answers),
        week_no=1,
        submitted_at=now,
        updated_at=now,
    )
    review.draft = ReviewDraft(answers=answers)
    session.add(review)
    session.flush()
    session.add(
        ReviewRevision(review_id=review.id, number=1, answers=answers, status="submitted", created_at=now)
    )
    session.flush()
