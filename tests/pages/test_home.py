"""Home: this week's curriculum and the next seminar, for guests, in both languages."""

from db.seeds import run_seeds
from tests.support.factories import make_leader


def test_home_shows_this_week_and_next_seminar(run_app, db):
    with db.write() as s:
        run_seeds(s)
    make_leader(db)
    at = run_app()
    assert not at.exception
    headings = [h.value for h in at.subheader]
    assert "이번 주 커리큘럼" in headings and "다음 세미나" in headings
    text = " ".join(m.value for m in at.markdown)
    assert "주차" in text  # a week label such as "3주차 · ..."
    at = run_app(lang="en")
    assert "This week's curriculum" in [h.value for h in at.subheader]


def test_home_without_curriculum_says_so(run_app, db):
    make_leader(db)
    at = run_app(lang="en")
    assert not at.exception
    assert "Nothing here yet." in [c.value for c in at.caption]


def test_this_week_card_is_the_week_of_the_next_seminar_when_weeks_have_no_dates(run_app, db):
    # the demo weeks have no dates; its seminar (next Thursday) belongs to week 6
    with db.write() as s:
        run_seeds(s)
    make_leader(db)
    at = run_app(lang="en")
    labels = [m.value for m in at.markdown if m.value.startswith("**Week ")]
    assert labels == ["**Week 6 · Paper seminar: Attention Is All You Need**"]
