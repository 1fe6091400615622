"""Demo content, loaded once into an empty database.

Each module in this package defines `ORDER` (int), `seed(session) -> None` (adds rows; reads
what earlier modules added, e.g. demo members) and `is_empty(session) -> bool` (its own tables
hold nothing). `run_seeds` runs each module once ever: a marker row "seed:<module>" in
app_meta records it, so a restart, or a group that deleted the demo content, never gets it back.
"""

from __future__ import annotations

import importlib
import pkgutil

from sqlalchemy.orm import Session

from db.models.meta import AppMeta


def _modules():
    mods = [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)]
    return sorted(mods, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))


def run_seeds(session: Session) -> list[str]:
    """Seed every domain not seeded before whose tables are empty; returns the names seeded."""
    done = []
    for mod in _modules():
        name = mod.__name__.rsplit(".", 1)[-1]
        marker = f"seed:{name}"
        if session.get(AppMeta, marker) is not None:
            continue
        if mod.is_empty(session):
            mod.seed(session)
            done.append(name)
        session.add(AppMeta(key=marker, value="loaded" if name in done else "skipped: not empty"))
        session.flush()
    return done
