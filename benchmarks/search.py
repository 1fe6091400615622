"""Search benchmark: query time and write overhead of the search index on a study group's worth
of text, on SQLite (FTS5 trigram narrowing, and LIKE alone) and PostgreSQL (pg_trgm GIN).

    python -m benchmarks.search [--notes 2000] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]

Makes a fresh database per back end (a temp SQLite file; a uniquely named PostgreSQL database,
dropped at the end), writes `--notes` notes of ~1.5 KB of Korean and English text through the
services, then times each query (median of 5 after a warm-up) through core.search.query.search.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

QUERIES = ["어텐션을", "positional encoding", "주의", "LSTM 기울기", "트랜스포머 디코더 마스크", "없는단어"]
WORDS = (
    "어텐션 트랜스포머 임베딩 순환 신경망 기울기 소실 위치 인코딩 디코더 인코더 마스크 학습률 배치 정규화 "
    "attention transformer embedding gradient LSTM GRU softmax layer norm dropout 토큰 시퀀스 가중치 손실 "
    "이번 주에는 정리 했다 그래서 왜 다음 시간에 질문 답변 실험 결과 모델 데이터 번역"
).split()


def _body(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(250))


def _fill(database, n_notes: int) -> float:
    from core.curriculum import weeks as cur
    from tests.support.factories import make_leader

    rng = random.Random(0)
    leader = make_leader(database)
    with database.write() as s:
        weeks = [cur.create_week(session=s, by=leader, title_ko=f"{i}주차").id for i in range(12)]
    t0 = time.perf_counter()
    for start in range(0, n_notes, 100):
        with database.write() as s:
            for i in range(start, min(n_notes, start + 100)):
                cur.add_note(session=s, by=leader, week_id=weeks[i % 12], title=f"노트 {i}", body=_body(rng))
    return (time.perf_counter() - t0) / n_notes * 1000


def _time_queries(database) -> dict[str, tuple[float, int]]:
    from core.search.query import search

    out = {}
    for q in QUERIES:
        times, n = [], 0
        for i in range(6):
            with database.read() as s:
                t0 = time.perf_counter()
                n = len(search(session=s, query=q))
                if i:
                    times.append((time.perf_counter() - t0) * 1000)
        out[q] = (statistics.median(times), n)
    return out


def _report(name: str, per_note_ms: float, timings: dict) -> None:
    print(f"\n{name}: {per_note_ms:.2f} ms per note written (index included)")
    for q, (ms, n) in timings.items():
        print(f"  {q!r:28} {ms:8.1f} ms  {n:3} hits")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table per back end."""
    from db.engine import Database
    from db.migrate import upgrade
    from tests.support.db import create_pg_database, drop_pg_database

    parser = argparse.ArgumentParser(prog="python -m benchmarks.search")
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--pg", default=None, help="PostgreSQL admin URL (skipped when not given)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(database.engine)
        per_note = _fill(database, args.notes)
        _report("SQLite, FTS5 trigram", per_note, _time_queries(database))
        with database.engine.begin() as conn:
            conn.execute(text("DROP TABLE search_fts"))
        database.dispose()
        database = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")  # fresh connections: no FTS
        _report("SQLite, LIKE only", per_note, _time_queries(database))
        database.dispose()
    if args.pg:
        url = create_pg_database(args.pg)
        database = Database(url)
        try:
            upgrade(database.engine)
            per_note = _fill(database, args.notes)
            _report("PostgreSQL, pg_trgm GIN", per_note, _time_queries(database))
        finally:
            database.dispose()
            drop_pg_database(args.pg, url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
