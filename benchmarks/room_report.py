"""The figures of the room load test (benchmarks/room_load.py): what it measured, as p50 / p95 /
max rows (seconds, as the tabs saw them) and a Markdown table."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from benchmarks.room_tab import Watch

CURVE_TARGET_S = 1.0  # live curves should change at least once a second
SLOWEST = 3  # the slowest page runs, named (which tab, what it did)


@dataclass
class Outcome:
    """Everything measured in one load test."""

    participants: list[Watch] = field(default_factory=list)
    presenter: Watch | None = None
    stops: list[Watch] = field(default_factory=list)
    stops_stored: list[float | None] = field(default_factory=list)  # Stop -> stored as stopped (s)
    renders: dict[str, list[float]] = field(default_factory=dict)  # full page runs, by tab
    polls: dict[str, list[float]] = field(default_factory=dict)  # fragment runs (run_every), by tab
    errors: list[str] = field(default_factory=list)  # a tab that could not go on, and why
    stored_runs: int = 0  # the room's runs stored as finished
    client_cpu_s: float = 0.0  # CPU this process (every simulated tab) used
    process_cpu: dict[str, float] = field(default_factory=dict)  # the server's processes, by kind
    slow_runs: list[tuple[float, str]] = field(default_factory=list)  # (seconds, which tab did what)
    wall_s: float = 0.0


def pct(values: list[float], q: int) -> float | None:
    """The q-th percentile (inclusive method); None without values."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _row(values) -> dict:
    values = [v for v in values if v is not None]
    return {
        "p50": pct(values, 50),
        "p95": pct(values, 95),
        "max": max(values, default=None),
        "n": len(values),
    }


def figures(out: Outcome) -> dict:
    """Rows {name: {p50, p95, max, n}} and the totals, ready for JSON."""
    parts = out.participants
    boss = [out.presenter] if out.presenter else []
    runs = parts + boss
    rows = {f"page render: {k}": _row(v) for k, v in out.renders.items()}
    rows.update({f"fragment poll: {k}": _row(v) for k, v in out.polls.items()})
    rows["presenter: Train -> first step"] = _row([w.after(w.first_step) for w in boss])
    rows["participants: queue wait (Train -> running)"] = _row([w.after(w.running) for w in parts])
    rows["participants: Train -> first step"] = _row([w.after(w.first_step) for w in parts])
    rows["Train -> first curve point"] = _row([w.after(w.first_curve) for w in runs])
    gaps = [g for w in runs + out.stops for g in w.gaps()]
    rows["curve update gap while training"] = _row(gaps)
    rows["Stop -> stopped"] = _row([w.after(w.ended, w.stop_sent) for w in out.stops if w.stop_sent])
    rows["Stop -> stored as stopped (database)"] = _row(out.stops_stored)
    rows["participants: Train -> run ended"] = _row([w.after(w.ended) for w in parts])
    first = min((w.pressed for w in parts if w.pressed is not None), default=None)
    last = max((w.ended for w in parts if w.ended is not None), default=None)
    outcomes = [w.outcome for w in parts]
    return {
        "rows": rows,
        "participants": len(parts),
        "finished": outcomes.count("finished"),
        "outcomes": {str(o): outcomes.count(o) for o in set(outcomes)},
        "presenter_outcome": out.presenter.outcome if out.presenter else None,
        "stops": [w.outcome for w in out.stops],
        "all_finished_s": None if first is None or last is None else last - first,
        "curve_gaps_over_1s": sum(g > CURVE_TARGET_S for g in gaps),
        "curve_gaps": len(gaps),
        "stored_finished_runs": out.stored_runs,
        "errors": out.errors,
        "client_cpu_s": out.client_cpu_s,
        "process_cpu_s": out.process_cpu,
        "slowest_page_runs": [
            f"{what} {sec:.2f} s" for sec, what in sorted(out.slow_runs, reverse=True)[:SLOWEST]
        ],
        "wall_s": out.wall_s,
    }


def report(fig: dict, title: str) -> str:
    """The figures as a Markdown table with a summary under it."""

    def f(v):
        return "–" if v is None else f"{v:.2f}"

    lines = [title, "", "| figure (s) | p50 | p95 | max | n |", "|---|---|---|---|---|"]
    for name, r in fig["rows"].items():
        lines.append(f"| {name} | {f(r['p50'])} | {f(r['p95'])} | {f(r['max'])} | {r['n']} |")
    lines += [
        "",
        f"- participant runs: {fig['finished']}/{fig['participants']} finished {fig['outcomes']}, "
        f"all ended {f(fig['all_finished_s'])} s after the first Train; "
        f"stored as finished in the room: {fig['stored_finished_runs']}",
        f"- presenter's run: {fig['presenter_outcome']}; stopped runs: {fig['stops']}",
        f"- curve gaps over {CURVE_TARGET_S:g} s: {fig['curve_gaps_over_1s']} of {fig['curve_gaps']}",
        f"- the simulated tabs used {fig['client_cpu_s']:.0f} s CPU in {fig['wall_s']:.0f} s; "
        f"the server's processes, CPU seconds by kind: {fig['process_cpu_s'] or 'not read (no /proc)'}",
    ]
    lines.append(f"- slowest page runs: {'; '.join(fig['slowest_page_runs']) or '–'}")
    lines += [f"- error: {e}" for e in fig["errors"]]
    return "\n".join(lines)
