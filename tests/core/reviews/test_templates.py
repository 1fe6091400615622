"""Template store: schema validation naming the field, versions, duplicate, archive, JSON."""

import json

import pytest

from core.errors import InvalidInput, PermissionDenied, StaleEdit
from core.reviews import answers as ans
from core.reviews import templates
from core.reviews import workflow as reviews
from core.reviews.export import export_review
from core.reviews.queries import get_row
from core.reviews.template_defaults import DEFAULT_TEMPLATES
from core.reviews.template_schema import SchemaError, validate_fields
from tests.support.factories import make_leader, make_member
from tests.support.reviews import GOOD, SIMPLE_FIELDS, make_paper, make_template, submitted


def test_default_templates_validate_and_have_their_fields():
    for doc in DEFAULT_TEMPLATES:
        validate_fields(doc["fields"])
    club, conf, quick = (validate_fields(d["fields"]) for d in DEFAULT_TEMPLATES)
    assert [f.label_ko for f in club.fields][:8] == [
        "세 줄 요약",
        "문제 정의",
        "핵심 기여",
        "방법",
        "실험 결과",
        "한계",
        "인사이트 / 적용",
        "토론 질문",
    ]
    assert {"difficulty", "confidence"} <= {f.key for f in club.fields}
    by_key = {f.key: f for f in conf.fields}
    for key in ("soundness", "presentation", "contribution"):
        assert (by_key[key].scale_min, by_key[key].scale_max) == (1, 4)
    assert (by_key["overall"].scale_min, by_key["overall"].scale_max) == (1, 10)
    assert len(by_key["overall"].points) == 10 and by_key["confidence"].scale_max == 5
    assert {"pass1", "pass2", "pass3"} <= {f.key for f in quick.fields}
    used = {f.type for s in (club, conf, quick) for f in s.fields}
    assert used >= {"long_text", "rating", "single_select", "checkbox", "url", "tags"}


def test_schema_errors_name_every_bad_field_in_both_languages():
    bad = [
        {"key": "ok", "type": "short_text", "label_ko": "좋음", "label_en": "Fine"},
        {
            "key": "pick",
            "type": "single_select",
            "label_ko": "선택",
            "label_en": "Pick",
            "choices": [{"value": "a", "label_ko": "가", "label_en": "A"}],
        },
        {"key": "Bad Key", "type": "short_text", "label_ko": "x", "label_en": "x"},
        {
            "key": "score",
            "type": "rating",
            "label_ko": "점수",
            "label_en": "Score",
            "scale_min": 5,
            "scale_max": 1,
        },
        {"key": "ok", "type": "nope", "label_ko": "", "label_en": "x"},
    ]
    with pytest.raises(SchemaError) as err:
        validate_fields(bad)
    ko = "\n".join(err.value.lines("ko"))
    en = "\n".join(err.value.lines("en"))
    assert "#2 pick" in ko and "선택지가 2개 이상" in ko
    assert "#3 Bad Key" in en and "lower-case" in en
    assert "#4 score" in en and "Invalid scale (5-1)" in en
    assert "#5 ok" in en and "Unknown field type" in en and "required" in en
    assert len(err.value.problems) >= 5
    with pytest.raises(SchemaError) as err:
        validate_fields([SIMPLE_FIELDS[0], SIMPLE_FIELDS[0]])
    assert "summary" in err.value.message("en")


def test_rows_round_trip_through_the_table_editor_format():
    for doc in DEFAULT_TEMPLATES:
        rows = templates.fields_to_rows(doc["fields"])
        again = validate_fields(templates.rows_to_fields(rows))
        assert [f.model_dump() for f in again.fields] == [
            f.model_dump() for f in validate_fields(doc["fields"]).fields
        ]
    assert templates.parse_choices("a=가/A; b=나") == [
        {"value": "a", "label_ko": "가", "label_en": "A"},
        {"value": "b", "label_ko": "나", "label_en": "나"},
    ]


def test_only_leaders_manage_templates(db):
    leader = make_leader(db)
    member = make_member(db, by=leader)
    with db.write() as s, pytest.raises(PermissionDenied):
        templates.create_template(session=s, by=member, name_ko="x", name_en="x", fields=SIMPLE_FIELDS)
    tid = make_template(db, leader)
    for call in (
        lambda s: templates.set_archived(session=s, by=member, template_id=tid, archived=True),
        lambda s: templates.duplicate_template(session=s, by=member, template_id=tid),
        lambda s: templates.import_json(session=s, by=member, data=b"{}"),
        lambda s: templates.update_template(
            session=s,
            by=member,
            template_id=tid,
            expected_version=1,
            name_ko="x",
            name_en="x",
            fields=SIMPLE_FIELDS,
        ),
    ):
        with db.write() as s, pytest.raises(PermissionDenied):
            call(s)


def test_edit_makes_new_version_and_old_reviews_still_render(db):
    leader = make_leader(db)
    member = make_member(db, by=leader)
    tid = make_template(db, leader)
    pid = make_paper(db, member)
    rid = submitted(db, member, pid, tid)
    with db.read() as s:
        tpl = templates.get_template(session=s, template_id=tid)
    changed = [
        dict(SIMPLE_FIELDS[0], label_en="Short summary", label_ko="짧은 요약"),
        {
            "key": "verdict",
            "type": "single_select",
            "label_ko": "판정",
            "label_en": "Verdict",
            "choices": [
                {"value": "y", "label_ko": "예", "label_en": "Yes"},
                {"value": "n", "label_ko": "아니요", "label_en": "No"},
            ],
        },
    ]
    with db.write() as s:
        templates.update_template(
            session=s,
            by=leader,
            template_id=tid,
            expected_version=tpl.version,
            name_ko="기본 v2",
            name_en="Basic v2",
            fields=changed,
        )
    with db.write() as s, pytest.raises(StaleEdit):  # a second leader editing the old copy
        templates.update_template(
            session=s,
            by=leader,
            template_id=tid,
            expected_version=tpl.version,
            name_ko="x",
            name_en="x",
            fields=SIMPLE_FIELDS,
        )
    with db.read() as s:
        assert templates.get_template(session=s, template_id=tid).current_version == 2
        assert templates.get_version(session=s, template_id=tid, number=1).fields[1]["key"] == "score"
        row = get_row(session=s, by=member, review_id=rid)
        schema = templates.schema_of(row.review.template_version)
        md = export_review(session=s, by=member, review_id=rid, lang="en")
    assert [f.key for f in schema.fields] == ["summary", "score", "tags"]
    assert "### Summary" in md and "4 / 4 — Excellent" in md and "#attention" in md
    # a new review on the same template uses version 2
    other = make_member(db, "lee", by=leader)
    with db.write() as s:
        review = reviews.start_review(session=s, by=other, paper_id=pid, template_id=tid)
        assert review.template_version.number == 2


def test_saving_unchanged_fields_does_not_add_a_version(db):
    leader = make_leader(db)
    tid = make_template(db, leader)
    with db.write() as s:
        tpl = templates.update_template(
            session=s,
            by=leader,
            template_id=tid,
            expected_version=1,
            name_ko="새 이름",
            name_en="New name",
            fields=SIMPLE_FIELDS,
        )
        assert tpl.current_version == 1 and tpl.name_en == "New name"


def test_duplicate_archive_and_json_round_trip(db):
    leader = make_leader(db)
    member = make_member(db, by=leader)
    tid = make_template(db, leader, name="학회")
    with db.write() as s:
        copy = templates.duplicate_template(session=s, by=leader, template_id=tid)
        assert copy.name_ko == "학회 (사본)" and copy.id != tid
        templates.set_archived(session=s, by=leader, template_id=tid, archived=True)
    with db.read() as s:
        assert [t.id for t in templates.list_templates(session=s)] == [copy.id]
        assert len(templates.list_templates(session=s, include_archived=True)) == 2
        doc = templates.export_json(session=s, template_id=tid)
    pid = make_paper(db, member)
    with db.write() as s, pytest.raises(InvalidInput):
        reviews.start_review(session=s, by=member, paper_id=pid, template_id=tid)
    with db.write() as s:
        imported = templates.import_json(session=s, by=leader, data=doc.encode("utf-8"))
        assert imported.name_ko == "학회"
        assert templates.get_version(session=s, template_id=imported.id).fields == json.loads(doc)["fields"]


@pytest.mark.parametrize(
    "data,needle",
    [
        (b"{not json", "JSON"),
        (b'{"format": "other"}', "exported by this app"),
        (b"x" * (templates.MAX_TEMPLATE_JSON + 1), "KB"),
        (
            json.dumps(
                {
                    "format": templates.EXPORT_FORMAT,
                    "name_ko": "a",
                    "name_en": "a",
                    "fields": [
                        {
                            "key": "k",
                            "type": "rating",
                            "label_ko": "a",
                            "label_en": "a",
                            "scale_min": 1,
                            "scale_max": 3,
                            "points": [{"value": 9, "label_ko": "x", "label_en": "x"}],
                        }
                    ],
                }
            ).encode(),
            "#1 k",
        ),
    ],
)
def test_json_import_errors_are_clear(db, data, needle):
    leader = make_leader(db)
    with db.write() as s, pytest.raises(InvalidInput) as err:
        templates.import_json(session=s, by=leader, data=data)
    assert needle in err.value.message("en")


def test_answers_clean_coerce_types():
    schema = validate_fields(DEFAULT_TEMPLATES[2]["fields"])
    got = ans.clean(schema, {"category": "bogus", "pass1": 5, "read_more": 1, "tags": "a, #b, a", "junk": 1})
    assert got["category"] is None and got["pass1"] == "" and got["read_more"] is True
    assert got["tags"] == ["a", "b"] and "junk" not in got
    assert GOOD["score"] == 4
