"""The papers page's look-up box fills the add-by-hand form (the look-up itself replaced: no network),
a failed look-up says why and keeps what was typed, an unread BibTeX entry says why with its line,
and a paper with only a DOI links to it."""

import pytest
import respx

from core.reviews import lookup
from core.reviews.bibtex import PaperData
from core.reviews.lookup import LookupFailed
from db.models.reviews import Paper
from tests.support.factories import make_leader, make_member


@pytest.fixture
def member(db):
    return make_member(db, "kim", "김하연", by=make_leader(db))


@pytest.fixture(autouse=True)
def no_network():
    """Any real HTTP request from the page fails the test."""
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as net:
        yield net


ATTENTION = PaperData(
    title="Attention Is All You Need",
    authors="Ashish Vaswani, Noam Shazeer",
    venue="arXiv",
    year=2017,
    url="https://arxiv.org/abs/1706.03762",
    arxiv_id="1706.03762",
)


def _field(at, name):
    return at.text_input(key=f"rev_new_{name}")


def test_look_up_fills_the_form_then_add_paper_stores_it(run_page, db, member, monkeypatch):
    asked = []
    monkeypatch.setattr(lookup, "lookup", lambda text: asked.append(text) or ATTENTION)
    at = run_page("views/papers.py", actor=member, lang="en")
    _field(at, "doi").input("10.48550/arXiv.1706.03762")  # typed by hand, unknown to the source: kept
    at.text_input(key="rev_lookup_text").input("https://arxiv.org/abs/1706.03762v5").run()
    at.button(key="rev_lookup_go").click().run()
    assert not at.exception and not at.error and not at.warning
    assert asked == ["https://arxiv.org/abs/1706.03762v5"]
    assert "Filled in: Attention Is All You Need (arXiv)" in at.success[0].value
    assert _field(at, "title").value == "Attention Is All You Need"
    assert _field(at, "authors").value == "Ashish Vaswani, Noam Shazeer"
    assert (_field(at, "arxiv").value, _field(at, "doi").value) == ("1706.03762", "10.48550/arXiv.1706.03762")
    assert at.number_input(key="rev_new_year").value == 2017
    at.button(key="rev_add_paper").click().run()
    with db.read() as s:
        paper = s.query(Paper).one()
        assert (paper.title, paper.year, paper.doi) == (ATTENTION.title, 2017, "10.48550/arXiv.1706.03762")


def test_offline_look_up_says_why_and_the_form_still_works_by_hand(run_page, db, member, monkeypatch):
    def offline(text):
        raise LookupFailed("rev.lookup.offline", source="arXiv")

    monkeypatch.setattr(lookup, "lookup", offline)
    at = run_page("views/papers.py", actor=member, lang="ko")
    _field(at, "title").input("직접 쓴 제목")
    at.text_input(key="rev_lookup_text").input("1706.03762").run()
    at.button(key="rev_lookup_go").click().run()
    assert "arXiv에 연결할 수 없습니다" in at.error[0].value
    assert _field(at, "title").value == "직접 쓴 제목"  # nothing typed is lost
    at.button(key="rev_add_paper").click().run()
    with db.read() as s:
        assert s.query(Paper).one().title == "직접 쓴 제목"


def test_a_malformed_id_is_refused_in_words_without_a_request(run_page, member, no_network):
    at = run_page("views/papers.py", actor=member, lang="en")
    _field(at, "title").input("Mine")
    at.text_input(key="rev_lookup_text").input("attention is all you need").run()
    at.button(key="rev_lookup_go").click().run()
    assert "Not an arXiv id (e.g. 1706.03762) or a DOI" in at.error[0].value
    assert _field(at, "title").value == "Mine" and not no_network.calls


def test_an_unread_bibtex_entry_says_why_with_its_line(run_page, db, member):
    at = run_page("views/papers.py", actor=member, lang="en")
    at.text_area(key="rev_bib_text").input(
        "@article{good, title={Deep Residual Learning}}\n\n@article{broken, title={Unclosed\n"
    ).run()
    at.button(key="rev_bib_go").click().run()
    assert "1 new paper(s)" in at.success[0].value
    warning = at.warning[0].value
    assert warning.startswith("Entries not read: broken")
    assert "broken (line 3) — a { is never closed" in warning


def test_a_paper_with_only_a_doi_links_to_it(run_page, db, member):
    from core.reviews import papers

    with db.write() as s:
        papers.add_paper(session=s, by=member, data=PaperData(title="ResNet", doi="10.1109/CVPR.2016.90"))
    at = run_page("views/papers.py", actor=member, lang="en")
    links = [b.proto.url for b in at.get("link_button")]
    assert links == ["https://doi.org/10.1109/CVPR.2016.90"]
