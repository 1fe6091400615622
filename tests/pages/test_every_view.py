"""Every registered screen renders without exception for each role allowed to open it, in
Korean and English, on a database with the demo content."""

import pytest

from db.seeds import run_seeds
from tests.support.factories import make_leader, make_member
from ui.shell.nav import PAGES


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_view_renders_for_allowed_roles(spec, run_page, run_app, db):
    with db.write() as s:
        run_seeds(s)
    leader = make_leader(db)
    member = make_member(db, by=leader)
    roles = {"public": [None, member, leader], "member": [member, leader], "leader": [leader]}[spec.access]
    for actor in roles:
        for lang in ("ko", "en"):
            # Home links to every page the role may open: run it through the real router.
            at = (
                run_app(actor=actor, lang=lang)
                if spec.default
                else run_page(spec.path, actor=actor, lang=lang)
            )
            assert not at.exception, (spec.path, actor and actor.role, lang, at.exception)
            assert at.title or at.header or at.subheader, f"{spec.path} drew no heading"
