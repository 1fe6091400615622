"""DOIs kept as typed and compared in any case, a paper with only a DOI linking to it, and BibTeX
entries that cannot be read saying why, with the line they start on."""

import pytest

from core.errors import InvalidFields, InvalidInput
from core.reviews import bibtex, papers
from core.reviews.bibtex import PaperData
from db.models.reviews import Paper
from tests.support.factories import make_leader, make_member


@pytest.fixture
def member(db):
    return make_member(db, "kim", by=make_leader(db))


def test_a_doi_is_stored_as_typed_and_found_again_in_any_case(db, member):
    with db.write() as s:
        paper, merged = papers.add_paper(
            session=s, by=member, data=PaperData(title="ResNet", doi="https://doi.org/10.1109/CVPR.2016.90")
        )
        assert not merged and paper.doi == "10.1109/CVPR.2016.90"
    with db.write() as s:  # another title, the same DOI in lower case: the same paper
        again, merged = papers.add_paper(
            session=s, by=member, data=PaperData(title="Deep Residual Learning", doi="10.1109/cvpr.2016.90")
        )
        assert merged and again.id == paper.id and again.doi == "10.1109/CVPR.2016.90"
    with db.read() as s:
        assert s.query(Paper).count() == 1


def test_an_edit_to_another_papers_doi_in_other_case_is_refused(db, member):
    with db.write() as s:
        papers.add_paper(session=s, by=member, data=PaperData(title="A", doi="10.1000/ABC"))
        b, _ = papers.add_paper(session=s, by=member, data=PaperData(title="B"))
    with db.write() as s, pytest.raises(InvalidInput) as err:
        papers.update_paper(
            session=s,
            by=member,
            paper_id=b.id,
            expected_version=b.version,
            data=PaperData(title="B", doi="10.1000/abc"),
        )
    assert err.value.key == "rev.error.paper_duplicate"


def test_a_doi_longer_than_its_column_is_refused_in_words(db, member):
    doi = "10.1000/" + "x" * papers.MAX_DOI
    with db.write() as s, pytest.raises(InvalidInput) as err:
        papers.add_paper(session=s, by=member, data=PaperData(title="T", doi=doi))
    assert [p.field for p in err.value.problems] == ["rev.paper.doi"]


def test_a_paper_with_a_doi_and_no_url_links_to_its_doi(db, member):
    with db.write() as s:
        only_doi, _ = papers.add_paper(
            session=s, by=member, data=PaperData(title="A", doi="10.1002/(SICI)1097-4636<477>3.0.CO;2-F")
        )
        with_url, _ = papers.add_paper(
            session=s, by=member, data=PaperData(title="B", doi="10.1000/b", url="https://example.org/b")
        )
        only_arxiv, _ = papers.add_paper(
            session=s, by=member, data=PaperData(title="C", arxiv_id="1706.03762")
        )
        nothing, _ = papers.add_paper(session=s, by=member, data=PaperData(title="D"))
        assert papers.link(only_doi) == "https://doi.org/10.1002/(SICI)1097-4636%3C477%3E3.0.CO;2-F"
        assert papers.link(with_url) == "https://example.org/b"
        assert papers.link(only_arxiv) == "https://arxiv.org/abs/1706.03762"
        assert papers.link(nothing) == ""


BROKEN = """@article{ok, title={Fine}}

@article{broken, title={Unclosed brace,
  author={X}}

@article{dup, title={A}, title={B}}
@article{ok, title={Again}}
@article{nokey title={Z}}
@article{q, title="open quote}
@article{notitle, author={Z}}
@article{last, title={Last}}
"""


def test_every_unread_entry_says_why_with_its_line_in_both_languages():
    result = bibtex.parse(BROKEN)
    assert [p.key for p in result.papers] == ["ok", "last"]
    assert result.failed == ["broken", "dup", "ok", "nokey", "q", "notitle"]  # in the order of the text
    en = [p.line("en") for p in result.problems]
    assert en == [
        "broken (line 3) — a { is never closed: the entry runs into the next @entry or the end of the text.",
        "dup (line 6) — a field appears twice: title.",
        "ok (line 7) — the citation key ok is already used by the entry on line 1.",
        "nokey (line 8) — no comma after the citation key.",
        'q (line 9) — a " is never closed: the entry runs into the next @entry or the end of the text.',
        "notitle (line 10) — it has no title.",
    ]
    assert result.problems[0].line("ko").startswith("broken (3행) — 여는 { 를 닫지 않았습니다")


def test_an_entry_unclosed_at_the_end_of_the_text_names_its_line():
    result = bibtex.parse("@article{a, title={A}}\n\n\n@article{end, title={End}\n")
    assert result.failed == ["end"]
    assert result.problems[0].line("en").startswith("end (line 4) — a { is never closed")


def test_text_without_any_entry_says_so():
    result = bibtex.parse("just some words")
    assert (
        result.problems[0].line("en")
        == "just some words — no BibTeX entry (@article, @inproceedings, ...) found."
    )


def test_import_reports_invalid_fields_of_an_entry_with_its_line(db, member):
    text = "@article{a, title={Fine}}\n@article{e, title={Bad year}, year={1200}}\n@misc{f, title={T"
    with db.write() as s:
        result = papers.import_bibtex(session=s, by=member, text=text)
    assert result.failed == ["f", "e"]
    report = result.unread()
    assert isinstance(report, InvalidFields) and report.heading("en") == "Entries not read: f, e"
    assert report.lines("en") == [
        "f (line 3) — a { is never closed: the entry runs into the next @entry or the end of the text.",
        "e (line 2) · Year — Enter a year between 1900 and 2100.",
    ]


def test_an_import_with_nothing_readable_lists_each_reason(db, member):
    with db.write() as s, pytest.raises(InvalidFields) as err:
        papers.import_bibtex(session=s, by=member, text="@article{x, title={Open\n")
    assert err.value.heading("ko") == "가져올 수 있는 BibTeX 항목이 없습니다."
    assert err.value.lines("en") == [
        "x (line 1) — a { is never closed: the entry runs into the next @entry or the end of the text."
    ]
