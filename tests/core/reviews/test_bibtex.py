"""BibTeX import: real entries, Korean names, LaTeX accents and braces, duplicates merged."""

import time

import pytest

from core.errors import InvalidInput, PermissionDenied
from core.reviews import bibtex, papers
from core.reviews.bibtex import PaperData
from tests.support.factories import make_leader, make_member

REAL = r"""
@inproceedings{vaswani2017attention,
  title     = {Attention is All you Need},
  author    = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki and Uszkoreit, Jakob and
               Jones, Llion and Gomez, Aidan N and Kaiser, {\L}ukasz and Polosukhin, Illia},
  booktitle = {Advances in Neural Information Processing Systems},
  volume    = {30},
  year      = {2017},
  eprint    = {1706.03762},
  archivePrefix = {arXiv}
}

@article{sutskever2014sequence,
  title={Sequence to Sequence Learning with Neural Networks},
  author={Sutskever, Ilya and Vinyals, Oriol and Le, Quoc V},
  journal={arXiv preprint arXiv:1409.3215v3},
  year={2014}
}

@inproceedings{kim2023korean,
  title = {{K}orean {BERT}: Pre-training for {H}angul with na{\"\i}ve Tokenizers and Sch{\"o}lkopf's {\'E}cole},
  author = {김민수 and 이, 지은 and M{\"u}ller, J{\'e}r{\^o}me and {Naver Clova}},
  booktitle = {Proceedings of ACL},
  year = 2023,
  doi = {https://doi.org/10.18653/V1/2023.ACL-LONG.1},
}

@misc{broken, title = {Unclosed
"""


def test_parse_several_real_entries_readably():
    result = bibtex.parse(REAL)
    assert [p.key for p in result.papers] == [
        "vaswani2017attention",
        "sutskever2014sequence",
        "kim2023korean",
    ]
    vas, seq, kor = result.papers
    assert vas.title == "Attention is All you Need"
    assert vas.authors.startswith("Ashish Vaswani, Noam Shazeer") and "Łukasz Kaiser" in vas.authors
    assert vas.arxiv_id == "1706.03762" and vas.year == 2017
    assert vas.venue == "Advances in Neural Information Processing Systems"
    assert seq.arxiv_id == "1409.3215" and seq.url == "https://arxiv.org/abs/1409.3215"
    assert seq.authors == "Ilya Sutskever, Oriol Vinyals, Quoc V Le"
    assert "{" not in kor.title and "\\" not in kor.title
    assert kor.title == "Korean BERT: Pre-training for Hangul with naïve Tokenizers and Schölkopf's École"
    assert kor.authors == "김민수, 지은 이, Jérôme Müller, Naver Clova"
    assert kor.doi == "10.18653/V1/2023.ACL-LONG.1"  # as typed
    assert kor.bibtex.startswith("@inproceedings{kim2023korean")
    assert result.failed and "broken" in result.failed[0]


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("arXiv:1706.03762v5", "1706.03762"),
        ("https://arxiv.org/abs/1409.3215", "1409.3215"),
        ("https://arxiv.org/pdf/2305.10601v2.pdf", "2305.10601"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("not an id", None),
        ("", None),
    ],
)
def test_arxiv_normalised(raw, expected):
    assert bibtex.normalise_arxiv(raw) == expected


def test_title_normalisation_ignores_case_braces_and_punctuation():
    assert bibtex.normalise_title("{A}ttention is ALL you need!") == bibtex.normalise_title(
        "Attention Is All You Need"
    )
    assert bibtex.normalise_title("트랜스포머: 주의 집중") == "트랜스포머 주의 집중"


def test_import_adds_then_merges_duplicates_by_arxiv_doi_and_title(db):
    member = make_member(db, "kim", by=make_leader(db))
    with db.write() as s:
        first = papers.import_bibtex(session=s, by=member, text=REAL)
        assert len(first.added) == 3 and not first.merged and first.failed
    again = REAL.replace("Attention is All you Need", "Attention: all you need (v2)")  # same arXiv id
    again = again.replace("Sequence to Sequence", "SEQUENCE TO sequence").replace(
        "1409.3215v3", ""
    )  # same title
    again = again.replace("Korean BERT", "Another title")  # same DOI
    with db.write() as s:
        second = papers.import_bibtex(session=s, by=member, text=again)
        assert not second.added and len(second.merged) == 3
    with db.read() as s:
        listed = papers.list_papers(session=s)
    assert len(listed) == 3
    # merging keeps the group's data and only fills gaps
    assert {p.title for p, _ in listed} >= {"Attention is All you Need"}


def test_duplicates_inside_one_text_are_merged_and_gaps_filled(db):
    member = make_member(db, "kim", by=make_leader(db))
    text = (
        "@article{a, title={Deep Residual Learning}, year={2016}}\n"
        "@article{b, title={Deep residual learning.}, author={He, Kaiming}, doi={10.1109/CVPR.2016.90}}"
    )
    with db.write() as s:
        result = papers.import_bibtex(session=s, by=member, text=text)
        assert len(result.added) == 1 and len(result.merged) == 1
        paper = result.added[0]
        assert paper.authors == "Kaiming He" and paper.doi == "10.1109/CVPR.2016.90" and paper.year == 2016


def test_manual_add_merges_into_existing(db):
    member = make_member(db, "kim", by=make_leader(db))
    with db.write() as s:
        p1, merged1 = papers.add_paper(
            session=s, by=member, data=PaperData(title="GPT-3", arxiv_id="2005.14165")
        )
        p2, merged2 = papers.add_paper(
            session=s,
            by=member,
            data=PaperData(
                title="Language Models are Few-Shot Learners",
                arxiv_id="https://arxiv.org/abs/2005.14165v4",
                venue="NeurIPS",
            ),
        )
        assert not merged1 and merged2 and p1.id == p2.id and p2.venue == "NeurIPS"


def test_manual_add_names_the_bad_field(db):
    member = make_member(db, "kim", by=make_leader(db))
    with db.write() as s:
        with pytest.raises(InvalidInput) as err:
            papers.add_paper(session=s, by=member, data=PaperData(title="X", doi="nonsense"))
    assert "DOI" in err.value.message("ko")
    with db.write() as s, pytest.raises(InvalidInput) as err:
        papers.add_paper(session=s, by=member, data=PaperData(title="  "))
    assert "제목" in err.value.message("ko") and "Title" in err.value.message("en")


def test_import_refuses_nothing_readable_and_oversized_and_guests(db):
    member = make_member(db, "kim", by=make_leader(db))
    with db.write() as s, pytest.raises(InvalidInput):
        papers.import_bibtex(session=s, by=member, text="just some words")
    with db.write() as s, pytest.raises(InvalidInput) as err:
        papers.import_bibtex(
            session=s, by=member, text="@misc{a, title={x}}" + " " * (bibtex.MAX_BIB_BYTES + 1)
        )
    assert "KB" in err.value.message("en")
    with db.write() as s, pytest.raises(PermissionDenied):
        papers.import_bibtex(session=s, by=None, text=REAL)


def test_only_leader_or_adder_edits_and_stale_edit_refused(db):
    leader = make_leader(db)
    kim = make_member(db, "kim", by=leader)
    lee = make_member(db, "lee", by=leader)
    with db.write() as s:
        paper, _ = papers.add_paper(session=s, by=kim, data=PaperData(title="ViT"))
        pid, v = paper.id, paper.version
    with db.write() as s, pytest.raises(PermissionDenied):
        papers.update_paper(session=s, by=lee, paper_id=pid, expected_version=v, data=PaperData(title="x"))
    with db.write() as s:
        papers.update_paper(
            session=s,
            by=kim,
            paper_id=pid,
            expected_version=v,
            data=PaperData(title="An Image is Worth 16x16 Words", year=2021),
        )
    from core.errors import StaleEdit

    with db.write() as s, pytest.raises(StaleEdit):
        papers.update_paper(
            session=s, by=leader, paper_id=pid, expected_version=v, data=PaperData(title="ViT")
        )


def test_import_counts_each_entry_added_merged_and_skipped(db):
    member = make_member(db, "kim", by=make_leader(db))
    with db.write() as s:
        papers.add_paper(session=s, by=member, data=PaperData(title="Attention Is All You Need"))
    text = (
        "@article{a, title={Attention is all you need}, eprint={1706.03762}}\n"
        "@article{b, title={ATTENTION IS ALL YOU NEED.}}\n"  # a second entry merged into the same paper
        "@article{c, title={Deep Residual Learning}}\n"
        "@article{d, title={deep residual learning}}\n"  # merged into the paper entry c just added
        "@article{e, title={Bad year}, year={1200}}\n"
        "@article{f, author={No Title}}\n"
    )
    with db.write() as s:
        result = papers.import_bibtex(session=s, by=member, text=text)
        counts = len(result.added), len(result.merged), len(result.failed)
        assert counts == (1, 3, 2)
        assert sorted(result.failed) == ["e", "f"]
        assert [p.title for p in result.papers] == ["Deep Residual Learning", "Attention Is All You Need"]


# Worst cases for the arXiv / DOI patterns at the BibTeX size limit (the old arXiv pattern took
# 1.2 s on 10,000 letters and grew with the square of the length: about an hour here).
WORST = {
    "letters": "a" * bibtex.MAX_BIB_BYTES,
    "dashes": "a-" * (bibtex.MAX_BIB_BYTES // 2),
    "archive_dots": "hep-th.AG" * (bibtex.MAX_BIB_BYTES // 9),
    "arxiv_spaces": "arxiv:" + " " * (bibtex.MAX_BIB_BYTES - 6),
    "prefixes": "arxiv: abs/" * (bibtex.MAX_BIB_BYTES // 11),
    "digits": "1" * bibtex.MAX_BIB_BYTES,
    "doi_prefixes": "10.1234" * (bibtex.MAX_BIB_BYTES // 7),
}


@pytest.mark.parametrize("name", sorted(WORST))
def test_arxiv_and_doi_parsing_is_linear_on_the_worst_input_at_the_size_limit(name):
    started = time.perf_counter()
    assert bibtex.normalise_arxiv(WORST[name]) is None
    bibtex.normalise_doi(WORST[name])
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("field", ["eprint", "journal", "note", "doi"])
def test_a_huge_entry_at_the_size_limit_is_skipped_quickly(field):
    body = "arxiv " + "a" * (bibtex.MAX_BIB_BYTES - 100)
    text = (
        f"@misc{{big, title={{T}}, {field}={{{body}}}}}\n@misc{{ok, title={{Small}}, eprint={{1706.03762}}}}"
    )
    started = time.perf_counter()
    result = bibtex.parse(text)
    assert time.perf_counter() - started < 1.0
    assert [p.key for p in result.papers] == ["ok"] and result.failed == ["big"]


def test_old_style_and_url_arxiv_ids_still_parse():
    assert bibtex.normalise_arxiv("math.AG/0309136") == "math.ag/0309136"
    assert bibtex.normalise_arxiv("cond-mat.mes-hall/0102536v2") == "cond-mat.mes-hall/0102536"
    assert bibtex.normalise_arxiv("arXiv preprint arXiv:1409.3215v3") == "1409.3215"
    assert bibtex.normalise_doi("doi:10.1000/XYZ.") == "10.1000/XYZ"


def test_the_arxiv_and_doi_fields_are_capped(db):
    member = make_member(db, "kim", by=make_leader(db))
    long_id = "1706.03762" + "x" * papers.MAX_ID
    with db.write() as s, pytest.raises(InvalidInput) as err:
        papers.add_paper(
            session=s, by=member, data=PaperData(title="T", arxiv_id=long_id, doi="10.1/" + long_id)
        )
    assert [p.field for p in err.value.problems] == ["rev.paper.arxiv", "rev.paper.doi"]
    assert f"{papers.MAX_ID}자 이하" in err.value.lines("ko")[0]
