"""Paper look-up from arXiv / Crossref, replayed from recorded answers (fixtures/) with respx: every
request is mocked, and one that is not fails the test instead of reaching the network."""

from itertools import pairwise
from pathlib import Path

import httpx
import pytest
import respx

from core.errors import InvalidInput
from core.reviews import lookup, papers
from core.reviews.lookup import ARXIV_API, CROSSREF_API, LookupFailed

FIXTURES = Path(__file__).parent / "fixtures"
ATOM = {"content-type": "application/atom+xml; charset=utf-8"}
RESNET = CROSSREF_API + "10.1109/CVPR.2016.90"


def recorded(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def net():
    """respx in front of every httpx request: an unmocked one raises, and no route is left unchecked."""
    with respx.mock(assert_all_mocked=True, assert_all_called=True) as mock:
        yield mock


def arxiv_route(net, arxiv_id: str):
    return net.get(ARXIV_API, params={"id_list": arxiv_id, "max_results": "1"})


def failure(text: str) -> LookupFailed:
    with pytest.raises(LookupFailed) as err:
        lookup.lookup(text)
    return err.value


@pytest.mark.parametrize(
    "text,kind,value,source",
    [
        ("1706.03762", "arxiv", "1706.03762", "arXiv"),
        (" arXiv:1706.03762v7 ", "arxiv", "1706.03762", "arXiv"),
        ("https://arxiv.org/abs/1706.03762v5", "arxiv", "1706.03762", "arXiv"),
        ("https://arxiv.org/pdf/1706.03762.pdf", "arxiv", "1706.03762", "arXiv"),
        ("hep-th/9901001", "arxiv", "hep-th/9901001", "arXiv"),
        ("10.1109/CVPR.2016.90", "doi", "10.1109/CVPR.2016.90", "Crossref"),
        ("https://doi.org/10.1109/CVPR.2016.90.", "doi", "10.1109/CVPR.2016.90", "Crossref"),
        ("10.48550/arXiv.1706.03762", "doi", "10.48550/arXiv.1706.03762", "arXiv"),
    ],
)
def test_a_pasted_id_or_url_is_recognised(text, kind, value, source):
    pid = lookup.parse_id(text)
    assert (pid.kind, pid.value, pid.source) == (kind, value, source)


@pytest.mark.parametrize("text", ["", "   ", "attention is all you need", "1706", "10.12/x", "doi.org/abc"])
def test_a_malformed_id_is_refused_in_words_without_a_request(net, text):
    with pytest.raises(InvalidInput) as err:
        lookup.lookup(text)
    assert err.value.key == "rev.lookup.bad_id"
    assert "Not an arXiv id" in err.value.message("en") and "arXiv ID" in err.value.message("ko")
    assert not net.calls


def test_an_id_longer_than_the_form_allows_is_refused():
    with pytest.raises(InvalidInput):
        lookup.parse_id("1706.03762 " + "x" * papers.MAX_ID)


def test_arxiv_answer_fills_every_field(net):
    route = arxiv_route(net, "1706.03762").respond(
        200, content=recorded("arxiv_1706.03762.xml"), headers=ATOM
    )
    data = lookup.lookup("https://arxiv.org/abs/1706.03762v5")
    assert data.title == "Attention Is All You Need"  # the feed's line break folded
    assert data.authors.startswith("Ashish Vaswani, Noam Shazeer") and data.authors.endswith(
        "Illia Polosukhin"
    )
    assert (data.year, data.venue, data.arxiv_id) == (2017, "arXiv", "1706.03762")
    assert data.url == "https://arxiv.org/abs/1706.03762" and data.doi is None
    request = route.calls.last.request
    assert request.headers["user-agent"].startswith("study-dashboard/")
    assert request.url.scheme == "https"


def test_an_arxiv_doi_is_looked_up_at_arxiv_and_kept_as_typed(net):
    arxiv_route(net, "1706.03762").respond(200, content=recorded("arxiv_1706.03762.xml"), headers=ATOM)
    data = lookup.lookup("https://doi.org/10.48550/arXiv.1706.03762")
    assert data.doi == "10.48550/arXiv.1706.03762" and data.arxiv_id == "1706.03762"


def test_crossref_answer_fills_every_field_and_keeps_the_doi_as_typed(net):
    net.get(RESNET).respond(200, content=recorded("crossref_10.1109_cvpr.2016.90.json"))
    data = lookup.lookup("https://doi.org/10.1109/CVPR.2016.90")
    assert data.title == "Deep Residual Learning for Image Recognition"
    assert data.authors == "Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun"
    assert data.venue == "2016 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)"
    assert data.year == 2016
    assert data.doi == "10.1109/CVPR.2016.90"  # as typed, not Crossref's lower case
    assert data.url == "http://ieeexplore.ieee.org/document/7780459/"  # the publisher's page, not dx.doi.org


def test_a_doi_with_url_characters_is_asked_for_as_one_path(net):
    doi = "10.1002/(SICI)1097-4636(199706)35:4<477::AID-JBM8>3.0.CO;2-F?#%"
    route = net.get(
        CROSSREF_API + "10.1002/(SICI)1097-4636(199706)35:4%3C477::AID-JBM8%3E3.0.CO;2-F%3F%23%25"
    )
    route.respond(200, content=b'{"message": {"title": ["Old SICI DOI"]}}')
    data = lookup.lookup(doi)
    assert data.doi == doi and data.title == "Old SICI DOI"
    assert route.calls.last.request.url.query == b""


def test_crossref_markup_and_entities_in_a_title_become_text(net):
    body = b'{"message": {"title": ["<i>In vivo</i> attention &amp; <sub>2</sub>"], "issued": {"date-parts": [[2020]]}}}'
    net.get(RESNET).respond(200, content=body)
    data = lookup.lookup("10.1109/CVPR.2016.90")
    assert data.title == "In vivo attention & 2" and data.year == 2020 and data.authors == ""


def test_a_consortium_of_thousands_is_cut_to_the_authors_limit_with_et_al(net):
    people = ",".join(f'{{"given": "Given{i}", "family": "Family{i}"}}' for i in range(3000))
    body = f'{{"message": {{"title": ["ATLAS"], "author": [{people}]}}}}'.encode()
    net.get(RESNET).respond(200, content=body)
    data = lookup.lookup("10.1109/CVPR.2016.90")
    assert len(data.authors) <= papers.MAX_AUTHORS and data.authors.endswith(", et al.")
    assert data.authors.startswith("Given0 Family0, Given1 Family1")


@pytest.mark.parametrize("fixture", ["arxiv_empty.xml", "arxiv_error.xml"])
def test_an_arxiv_id_arxiv_does_not_have_is_not_found(net, fixture):
    arxiv_route(net, "2412.99999").respond(200, content=recorded(fixture), headers=ATOM)
    err = failure("2412.99999")
    assert err.key == "rev.lookup.not_found"
    assert err.message("en") == "arXiv has no paper 2412.99999. Check the id or fill in the fields by hand."


def test_a_doi_crossref_does_not_know_is_not_found(net):
    net.get(CROSSREF_API + "10.1000/NOPE").respond(404, text="Resource not found.")
    err = failure("10.1000/NOPE")
    assert err.key == "rev.lookup.not_found" and "10.1000/NOPE" in err.message("ko")


def test_offline_says_so_and_that_the_form_still_works(net):
    net.get(RESNET).mock(side_effect=httpx.ConnectError("[Errno -3] Temporary failure in name resolution"))
    err = failure("10.1109/CVPR.2016.90")
    assert err.key == "rev.lookup.offline"
    assert err.message("en") == (
        "Could not reach Crossref (are we offline?). You can still fill in the fields below by hand."
    )
    assert "직접 채울 수 있습니다" in err.message("ko")


@pytest.mark.parametrize("exc", [httpx.ConnectTimeout, httpx.ReadTimeout])
def test_a_slow_source_times_out_in_words(net, exc):
    arxiv_route(net, "1706.03762").mock(side_effect=exc("timed out"))
    err = failure("1706.03762")
    assert err.key == "rev.lookup.timeout" and "5 s" in err.message("en")


def test_an_answer_trickling_in_past_the_deadline_is_cut_off(net, monkeypatch):
    clock = iter([0.0, 1.0, lookup.DEADLINE + 1])  # start, after chunk 1, after chunk 2
    monkeypatch.setattr(lookup, "monotonic", lambda: next(clock))
    sent = []

    def chunks():
        for _ in range(10):
            sent.append(1)
            yield b"{"

    net.get(RESNET).mock(return_value=httpx.Response(200, content=chunks()))
    err = failure("10.1109/CVPR.2016.90")
    assert err.key == "rev.lookup.timeout" and "10 s" in err.message("en") and len(sent) == 2


def test_the_client_has_short_timeouts_and_few_redirects():
    with lookup.new_client() as client:
        assert client.timeout.connect == client.timeout.read == 5.0
        assert client.max_redirects == 3 and client.follow_redirects


def test_a_server_error_gives_its_status(net):
    net.get(RESNET).respond(503)
    err = failure("10.1109/CVPR.2016.90")
    assert err.key == "rev.lookup.unavailable" and "HTTP 503" in err.message("en")


@pytest.mark.parametrize(
    "body",
    [
        b"<feed><entry><title>Unclosed",  # cut-off XML
        b"not xml at all",
        # an entity expansion ("billion laughs"): defusedxml refuses it instead of expanding it
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&b;</title></entry></feed>',
    ],
)
def test_unreadable_arxiv_xml_is_a_bad_reply(net, body):
    arxiv_route(net, "1706.03762").respond(200, content=body, headers=ATOM)
    err = failure("1706.03762")
    assert err.key == "rev.lookup.bad_reply" and err.message("en").startswith(
        "arXiv's answer could not be read"
    )


@pytest.mark.parametrize(
    "body", [b'{"message": {"title": ["Cut', b"[1, 2]", b'{"status": "ok"}', b"\xff\xfe"]
)
def test_unreadable_crossref_json_is_a_bad_reply(net, body):
    net.get(RESNET).respond(200, content=body)
    assert failure("10.1109/CVPR.2016.90").key == "rev.lookup.bad_reply"


def test_an_oversized_answer_is_refused_by_its_declared_length(net):
    route = net.get(RESNET).respond(200, headers={"content-length": str(lookup.MAX_BYTES + 1)}, content=b"{}")
    err = failure("10.1109/CVPR.2016.90")
    assert err.key == "rev.lookup.too_large" and "1000 KB" in err.message("en")
    assert route.called


def test_an_oversized_answer_without_a_length_stops_being_read_at_the_limit(net):
    sent = []

    def chunks():
        for _ in range(100):  # 6.4 MB offered, 64 KB at a time
            sent.append(1)
            yield b" " * 65536

    net.get(RESNET).mock(return_value=httpx.Response(200, content=chunks()))
    assert failure("10.1109/CVPR.2016.90").key == "rev.lookup.too_large"
    assert len(sent) <= lookup.MAX_BYTES // 65536 + 2  # the rest never read


def test_redirects_are_followed_up_to_the_limit(net):
    net.get(RESNET).respond(301, headers={"location": CROSSREF_API + "10.1109/cvpr.2016.90"})
    net.get(CROSSREF_API + "10.1109/cvpr.2016.90").respond(
        200, content=recorded("crossref_10.1109_cvpr.2016.90.json")
    )
    assert lookup.lookup("10.1109/CVPR.2016.90").year == 2016


def test_a_redirect_loop_stops_after_three():
    hops = [RESNET] + [f"https://api.crossref.org/hop/{i}" for i in range(5)]
    # the loop is cut before its last hops are asked: routes may go uncalled
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as net:
        for here, there in pairwise(hops):
            net.get(here).respond(302, headers={"location": there})
        err = failure("10.1109/CVPR.2016.90")
        assert len(net.calls) == 4  # the first request and three redirects
    assert err.key == "rev.lookup.redirects" and "more than 3" in err.message("en")


def test_an_unmocked_request_fails_instead_of_reaching_the_network(net):
    net.get(RESNET).respond(200, content=recorded("crossref_10.1109_cvpr.2016.90.json"))
    lookup.lookup("10.1109/CVPR.2016.90")
    with pytest.raises(AssertionError), httpx.Client() as client:
        client.get("https://example.org/")  # not mocked: respx refuses it
