def test_current_week_is_the_one_in_progress_else_next_else_latest(db):
    from datetime import date

    from core.curriculum import weeks as cur
    from tests.support.factories import make_leader

    leader = make_leader(db)
    with db.write() as s:
        w1 = cur.create_week(
            session=s, by=leader, title_ko="1주차", start_date=date(2026, 3, 2), end_date=date(2026, 3, 8)
        ).id
        w2 = cur.create_week(
            session=s, by=leader, title_ko="2주차", start_date=date(2026, 3, 9), end_date=date(2026, 3, 15)
        ).id
    with db.read() as s:
        assert cur.current_week(session=s, today=date(2026, 3, 10)).id == w2
        assert cur.current_week(session=s, today=date(2026, 3, 1)).id == w1
        assert cur.current_week(session=s, today=date(2026, 4, 1)).id == w2


def _weeks(db, leader, *dates):
    """One week per (start, end) pair, in curriculum order; returns their ids."""
    from core.curriculum import weeks as cur

    with db.write() as s:
        return [
            cur.create_week(session=s, by=leader, title_ko=f"{n}주차", start_date=a, end_date=b).id
            for n, (a, b) in enumerate(dates, start=1)
        ]


def test_a_week_with_only_a_start_date_is_in_progress_for_seven_days(db):
    from datetime import date

    from core.curriculum import weeks as cur
    from tests.support.factories import make_leader

    w5, w6 = _weeks(db, make_leader(db), (date(2026, 5, 4), None), (date(2026, 5, 24), None))
    with db.read() as s:
        # three days into week 5, week 6 seventeen days away
        assert cur.current_week(session=s, today=date(2026, 5, 7)).id == w5
        assert cur.current_week(session=s, today=date(2026, 5, 10)).id == w5
        assert cur.current_week(session=s, today=date(2026, 5, 11)).id == w6  # the gap: the next one


def test_undated_weeks_take_their_dates_from_their_seminars(db):
    from datetime import UTC, date, datetime

    from core.curriculum import seminars
    from core.curriculum import weeks as cur
    from tests.support.factories import make_leader

    leader = make_leader(db)
    ids = _weeks(db, leader, *[(None, None)] * 7)
    with db.write() as s:
        seminars.create_seminar(
            session=s,
            by=leader,
            title="Attention Is All You Need",
            starts_at=datetime(2026, 4, 9, 10, 0, tzinfo=UTC),  # Thursday 19:00 in Seoul
            week_id=ids[5],
        )
    with db.read() as s:
        assert cur.current_week(session=s, today=date(2026, 4, 6)).id == ids[5]  # next seminar's week
        assert cur.current_week(session=s, today=date(2026, 4, 9)).id == ids[5]
        # after it, the undated week that follows in the curriculum is the next one
        assert cur.current_week(session=s, today=date(2026, 4, 20)).id == ids[6]


def test_no_dates_anywhere_starts_at_the_first_week_and_no_weeks_is_none(db):
    from datetime import date

    from core.curriculum import weeks as cur
    from tests.support.factories import make_leader

    with db.read() as s:
        assert cur.current_week(session=s, today=date(2026, 4, 1)) is None
    ids = _weeks(db, make_leader(db), (None, None), (None, None))
    with db.read() as s:
        assert cur.current_week(session=s, today=date(2026, 4, 1)).id == ids[0]


def test_past_the_last_dated_week_it_stays_the_current_one(db):
    from datetime import date

    from core.curriculum import weeks as cur
    from tests.support.factories import make_leader

    _, w2 = _weeks(db, make_leader(db), (date(2026, 3, 2), date(2026, 3, 8)), (date(2026, 3, 9), None))
    with db.read() as s:
        assert cur.current_week(session=s, today=date(2026, 6, 1)).id == w2
