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
