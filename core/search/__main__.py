"""python -m core.search rebuild : make the search index again on the configured database (after
restoring a database file by hand, or to check it). `python -m core.search find WORDS` prints
what a guest would find."""

from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> int:
    """The command line."""
    from core.search.index import rebuild
    from core.search.query import search
    from db.engine import Database, resolve_url
    from db.migrate import upgrade

    parser = argparse.ArgumentParser(prog="python -m core.search")
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("rebuild")
    find = sub.add_parser("find")
    find.add_argument("words", nargs="+")
    args = parser.parse_args(argv)
    database = Database(resolve_url())
    upgrade(database.engine)
    try:
        if args.action == "rebuild":
            with database.write() as s:
                print(f"indexed {rebuild(s.connection())} rows")
        else:
            with database.read() as s:
                for hit in search(session=s, query=" ".join(args.words)):
                    print(f"{hit.score:6.2f}  {hit.kind:8} {hit.id:5}  {hit.title}  |  {hit.snippet.text}")
    finally:
        database.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
