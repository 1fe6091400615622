"""Signing in with the group's accounts: a leader links or unlinks a member's e-mail; a
provider's verified e-mail maps to that member (core/accounts/identities.py)."""

import pytest

from core.accounts import identities
from core.errors import InvalidInput, PermissionDenied
from core.validate import FieldError
from tests.support.factories import make_leader, make_member


def _link(db, by, member_id, email):
    with db.write() as s:
        return identities.link_identity(session=s, by=by, member_id=member_id, email=email).email


def _who(db, **claims):
    with db.read() as s:
        return identities.member_for_identity(session=s, claims=claims)


def test_a_verified_email_signs_in_its_linked_member(db):
    leader = make_leader(db)
    kim = make_member(db, "kim", "김멤버", by=leader)
    assert _link(db, leader, kim.id, "  Kim@Example.ORG ") == "kim@example.org"
    actor = _who(db, email="KIM@example.org", email_verified=True)
    assert actor.id == kim.id and actor.role == "member"
    assert _who(db, email="kim@example.org", email_verified="true").id == kim.id  # a bridge's string


@pytest.mark.parametrize(
    ("claims", "key"),
    [
        ({"email": "kim@example.org", "email_verified": False}, "identity.error.unverified"),
        ({"email": "kim@example.org"}, "identity.error.unverified"),
        ({"email": "kim@example.org", "email_verified": "false"}, "identity.error.unverified"),
        ({"email": "nobody@example.org", "email_verified": True}, "identity.error.no_member"),
        ({"email_verified": True}, "identity.error.no_email"),
        ({"email": ["kim@example.org"], "email_verified": True}, "identity.error.no_email"),
    ],
)
def test_an_identity_that_may_not_sign_in_is_refused_with_its_reason(db, claims, key):
    leader = make_leader(db)
    kim = make_member(db, "kim", by=leader)
    _link(db, leader, kim.id, "kim@example.org")
    with pytest.raises(InvalidInput) as err:
        _who(db, **claims)
    assert err.value.key == key
    assert err.value.message("ko") != err.value.message("en")  # translated, not the key


def test_a_deactivated_member_cannot_sign_in_through_the_provider(db):
    from core.accounts import members

    leader = make_leader(db)
    kim = make_member(db, "kim", by=leader)
    _link(db, leader, kim.id, "kim@example.org")
    with db.read() as s:
        version = members.get_member(session=s, member_id=kim.id).version
    with db.write() as s:
        members.update_member(session=s, by=leader, member_id=kim.id, expected_version=version, active=False)
    with pytest.raises(InvalidInput) as err:
        _who(db, email="kim@example.org", email_verified=True)
    assert err.value.key == "identity.error.inactive"


def test_only_leaders_link_and_unlink(db):
    leader = make_leader(db)
    kim = make_member(db, "kim", by=leader)
    lee = make_member(db, "lee", by=leader)
    for by in (None, kim):
        with pytest.raises(PermissionDenied), db.write() as s:
            identities.link_identity(session=s, by=by, member_id=kim.id, email="kim@example.org")
        with pytest.raises(PermissionDenied), db.write() as s:
            identities.unlink_identity(session=s, by=by, member_id=lee.id)
    _link(db, leader, lee.id, "lee@example.org")
    with db.write() as s:
        assert identities.unlink_identity(session=s, by=leader, member_id=lee.id).email is None
    with pytest.raises(InvalidInput) as err:
        _who(db, email="lee@example.org", email_verified=True)
    assert err.value.key == "identity.error.no_member"


def test_an_email_links_to_one_member_and_nothing_is_lost_on_refusal(db):
    leader = make_leader(db)
    kim = make_member(db, "kim", "김멤버", by=leader)
    lee = make_member(db, "lee", by=leader)
    _link(db, leader, kim.id, "kim@example.org")
    _link(db, leader, lee.id, "lee@example.org")
    with pytest.raises(InvalidInput) as err:
        _link(db, leader, lee.id, "KIM@example.org")
    assert err.value.key == "identity.error.taken" and "김멤버" in err.value.message("ko")
    assert _who(db, email="lee@example.org", email_verified=True).id == lee.id  # lee's link kept
    assert _link(db, leader, kim.id, "kim2@example.org") == "kim2@example.org"  # relinking replaces


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "kim",
        "kim@",
        "@example.org",
        "kim@example",
        "kim@@example.org",
        "ki m@example.org",
        "kim@.example.org",
        "kim@example..org",
        "kim@example.org.",
        "a" * 65 + "@example.org",
        "kim@" + "a" * 260 + ".org",
        "kim\x00@example.org",
    ],
)
def test_a_malformed_email_is_refused_clearly(db, bad):
    leader = make_leader(db)
    kim = make_member(db, "kim", by=leader)
    with pytest.raises(FieldError) as err:
        _link(db, leader, kim.id, bad)
    assert err.value.field == "identity.email"


def test_email_check_is_linear_on_long_input():
    import time

    started = time.perf_counter()
    for text in ("a@" * 200_000, "." * 400_000, "@" * 400_000):
        with pytest.raises(FieldError):
            identities.check_email(text)
    assert time.perf_counter() - started < 1.0
