"""Review forms and imports name every problem at once, by the labels their forms show, in Korean
and English; a template JSON that does not parse says where and why without the parser's English."""

from __future__ import annotations

import json
from datetime import date

import pytest

from core.errors import InvalidFields, InvalidInput
from core.reviews import assignments, papers, templates
from core.reviews.bibtex import PaperData
from core.reviews.template_schema import SchemaError, validate_fields
from tests.support.factories import make_leader, make_member
from tests.support.reviews import SIMPLE_FIELDS


def test_paper_form_lists_every_bad_field_by_its_label(db):
    member = make_member(db, "kim", by=make_leader(db))
    data = PaperData(title=" ", year=1800, url="ftp://x", arxiv_id="not-an-id", doi="nonsense")
    with db.write() as s, pytest.raises(InvalidFields) as err:
        papers.add_paper(session=s, by=member, data=data)
    fields = [p.field for p in err.value.problems]
    assert fields == [
        "rev.paper.title",
        "rev.paper.year",
        "rev.paper.url",
        "rev.paper.arxiv",
        "rev.paper.doi",
    ]
    ko = err.value.lines("ko")
    assert [line.split(" — ")[0] for line in ko] == ["제목", "연도", "URL", "arXiv ID", "DOI"]
    assert err.value.lines("en")[0] == "Title — This field is required."
    assert err.value.heading("ko") == "입력을 확인해 주세요(5개):"


def test_template_names_and_fields_are_checked_together_with_column_labels(db):
    leader = make_leader(db)
    bad_fields = [
        {"key": "k", "type": "rating", "label_ko": "점수", "label_en": "Score", "scale_min": "abc"},
        {"key": "s", "type": "single_select", "label_ko": "", "label_en": "Pick"},
    ]
    with db.write() as s, pytest.raises(SchemaError) as err:
        templates.create_template(session=s, by=leader, name_ko="", name_en="x" * 101, fields=bad_fields)
    ko, en = err.value.lines("ko"), err.value.lines("en")
    assert ko[0] == "템플릿 이름(한국어) — 필수 항목입니다."
    assert en[1] == "Template name (English) — Use at most 100 characters."
    # the table's column labels, not the attribute names; pydantic's English never shows
    assert "#1 k · 최소 — 정수를 입력해 주세요." in ko and "#1 k · Min — Enter a whole number." in en
    assert "#2 s · 이름(한국어) — 필수 항목입니다." in ko
    assert not any("scale_min" in line or "label_ko" in line or "valid integer" in line for line in ko + en)
    assert err.value.heading("en") == f"The template has {len(en)} problem(s):"


def test_every_schema_message_is_translated():
    odd = [{"key": "k", "type": "short_text", "label_ko": "a", "label_en": "a", "required": "maybe"}]
    with pytest.raises(SchemaError) as err:
        validate_fields(odd)
    assert err.value.lines("ko") == ["#1 k · 필수 — 예/아니요 값이어야 합니다."]
    with pytest.raises(SchemaError) as err:
        validate_fields("not a list")
    assert err.value.lines("en") == ["Field list — Must be a list."]


@pytest.mark.parametrize(
    ("data", "ko", "en"),
    [
        (
            b'{"format": "x",\n "name_ko": "a" "name_en": "b"}',
            "2번째 줄 17번째 칸 — 쉼표(,)가 빠졌습니다.",
            "line 2, column 17 — A comma (,) is missing.",
        ),
        (b"{not json", "1번째 줄 2번째 칸 — 속성 이름은 큰따옴표", "line 1, column 2 — Property names need"),
    ],
)
def test_template_json_that_does_not_parse_says_where_and_why(db, data, ko, en):
    leader = make_leader(db)
    with db.write() as s, pytest.raises(InvalidInput) as err:
        templates.import_json(session=s, by=leader, data=data)
    assert ko in err.value.message("ko") and en in err.value.message("en")
    assert "Expecting" not in err.value.message("ko") + err.value.message("en")


def test_template_json_with_bad_fields_lists_them_all(db):
    leader = make_leader(db)
    doc = {"format": templates.EXPORT_FORMAT, "name_ko": "a", "name_en": "", "fields": [SIMPLE_FIELDS[0], {}]}
    with db.write() as s, pytest.raises(SchemaError) as err:
        templates.import_json(session=s, by=leader, data=json.dumps(doc).encode())
    en = err.value.lines("en")
    assert en[0] == "Template name (English) — This field is required."
    assert "#2 · Key — This field is required." in en and "#2 · Type — This field is required." in en


def test_assignment_form_names_every_missing_field(db):
    leader = make_leader(db)
    with db.write() as s, pytest.raises(InvalidFields) as err:
        assignments.assign(session=s, by=leader, paper_id=None, member_ids=[], due_on=None, week_no=500)
    assert [line.split(" — ")[0] for line in err.value.lines("ko")] == ["논문", "멤버", "마감일", "주차"]
    assert [line.split(" — ")[0] for line in err.value.lines("en")] == [
        "Paper",
        "Members",
        "Due date",
        "Week",
    ]
    with db.write() as s, pytest.raises(InvalidInput):
        assignments.assign(session=s, by=leader, paper_id=None, member_ids=[leader.id], due_on=date.today())
