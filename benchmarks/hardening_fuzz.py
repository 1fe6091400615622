"""Hardening probes (issue 11): seeded fuzzing of the parsers that take a user's text.

Each target gets `n` inputs from `random.Random(seed)`; each input runs in a worker process under
a watchdog. A crash is any exception other than `core.errors.AppError` (the app's own, translated
errors); a hang is an input that takes longer than `timeout` seconds (the worker is killed and a
fresh one takes the next input). Targets:

- `notes`: `core.curriculum.notes_import.from_paste` (and `from_upload` for every fourth input):
  notes mixing U+E000/U+E001, digits, `\\[`, `<!--`, `$$`, backticks, HTML and Korean text; a
  third of them a few pieces repeated thousands of times (the worst pastes).
- `bibtex`: `core.reviews.bibtex.parse`, then `papers.import_bibtex` into a SQLite database.
- `template`: `templates.import_json` (random JSON, and near-valid template exports with random
  fields), `template_schema.validate_fields`; a template that imports is exported again and its
  fields go through the leader's table (`fields_to_rows` / `rows_to_fields`) and `answers.clean`.
- `lab_url`: `ui.lab.query.decode` / `job_id` / `run_id`, the `?runs=` list as `ui/lab/urlstate.py`
  reads it (`core.validate.url_id`), then the page's `cfg.validate()` and the job estimate
  (`policy.estimate` with the parameter count) for a config that validates.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import random
import tempfile
import threading
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

from core.reviews.template_schema import FIELD_TYPES

TARGETS = ("notes", "bibtex", "template", "lab_url")


# --- inputs ----------------------------------------------------------------------------------------
NOTE_PIECES = [
    "\ue000", "\ue001", "\ue000\ue001", "0", "1", "42", "3.14", "\\[", "\\]", "\\(", "\\)", "<!--", "-->",
    "$$", "$", "`", "```", "~~~", "```python\n", "\n", "\n\n", " ", "\t", "어텐션", "행렬 곱", "학습률",
    "순환 신경망", "# ", "## ", "- ", "* ", "1. ", "2) ", "1-1. ", "|", "| --- |", "---", "<br>", "<br/>",
    "<span style='color:red'>", "</span>", "<div>", "</div>", "<p>", "<li>", "&amp;", "&#12345;",
    "&#x1F600;", "&nbsp;", "<script>", "</script>", "<style>", "**", "\\frac{a}{b}", "x_i", "^2",
    "[DL Basic] ", "목차", "\u00a0", "\u200b", "\r\n", "\r", "\u2028", "{", "}", "\\", "•", "[", "]",
    "(", ")", "<", ">", "\\begin{aligned}", "\\end{aligned}", "\\x", "x ", "\U000f0000",
]  # fmt: skip
BIB_PIECES = [
    "@article{", "@book{", "@inproceedings{", "@misc{", "@string{", "@comment{", "@preamble{", "@",
    "key1,", "vaswani2017,", "title = ", "author = ", "year = ", "doi = ", "eprint = ", "archivePrefix = ",
    "url = ", "journal = ", "booktitle = ", "{", "}", "\"", ",", "=", " # ", "%", "\\'{e}", "\\\"o",
    "\\", "{\\", " and ", "Kim, Minsu", "김민수", "Vaswani, Ashish", "Attention Is All You Need",
    "2017", "99999999999999999999", "-1", "\n", " ", "10.1000/xyz", "1706.03762", "arXiv:1706.03762v5",
    "https://arxiv.org/abs/1706.03762", "\ue000", "\x00", "$x^2$", "{{", "}}", "others", "and",
]  # fmt: skip
URL_KEYS = (
    *("tab", "preset", "job", "run", "runs", "task", "seq_len", "vocab_size", "steps", "batch_size", "lr"),
    *("warmup", "seed", "eval_every", "probe_every", "d_model", "n_layers", "n_heads", "d_ff", "emb_dim"),
    *("hidden", "attention", "dropout", "norm", "pos_encoding", "kind", "device", "x"),
)
URL_VALUES = [
    "", "0", "1", "2", "4", "8", "16", "64", "512", "2048", "20000", "20001", "-1", "-0", "+3", "1.5",
    "1e3", "1e308", "1e309", "nan", "NaN", "inf", "-inf", "0x10", "1_000", " 5 ", "5\n", "²", "١٢",
    "５", "9" * 30, "9" * 400, "0.001", "1e-3", "3e-4", "abc", "transformer", "rnn", "lstm", "gru",
    "compare", "copy", "reverse", "sort", "recall", "translate", "dot", "none", "additive", "pre",
    "post", "learned", "sinusoidal", "reverse-attention", "a" * 64, "a" * 65, "1,2,3", ",,,", "1,²,3",
    "\x00", "😀", "1;2", "true", "None", "[]", "{}", "1.0", "0.9", "0.95",
]  # fmt: skip


def _note(rng: random.Random) -> str:
    pieces = NOTE_PIECES
    if rng.random() < 0.35:  # a worst-case paste: a few pieces repeated
        pieces = rng.sample(NOTE_PIECES, rng.randint(1, 3)) + ["x "]
    n = int(2 ** rng.uniform(0, 14.5))  # 1 .. ~23,000 pieces, most short
    out = "".join(rng.choice(pieces) for _ in range(n))
    if rng.random() < 0.5:
        out = "".join(str(rng.randint(0, 9)) if c == "x" and rng.random() < 0.3 else c for c in out)
    return out[: 190 * 1024 // 3 * 3]


def _bib(rng: random.Random) -> str:
    if rng.random() < 0.4:  # entries of a valid shape with random field values
        entries = []
        for _ in range(rng.randint(1, 30)):
            fields = ",\n".join(
                f"  {rng.choice(('title', 'author', 'year', 'doi', 'eprint', 'url', 'journal', 'x'))} = "
                f"{{{''.join(rng.choice(BIB_PIECES) for _ in range(rng.randint(0, 12)))}}}"
                for _ in range(rng.randint(0, 6))
            )
            entries.append(
                f"@{rng.choice(('article', 'misc', 'book', 'string'))}{{k{rng.randint(0, 9)},\n{fields}\n}}"
            )
        return "\n\n".join(entries)
    n = int(2 ** rng.uniform(0, 12))
    return "".join(rng.choice(BIB_PIECES) for _ in range(n))


def _json_value(rng: random.Random, depth: int = 0) -> Any:
    r = rng.random()
    if depth > 4 or r < 0.3:
        return rng.choice(
            [None, True, False, 0, -1, 1, 2, 5, 21, 100, 10**20, -(10**6), 1.5, float("nan"), float("inf"),
             "", " ", "x", "요약", "a" * 200, "A B", "0", "\x00", "\ue000"]
        )  # fmt: skip
    if r < 0.65:
        return [_json_value(rng, depth + 1) for _ in range(rng.randint(0 if rng.random() < 0.1 else 1, 5))]
    keys = ["key", "type", "label_ko", "label_en", "choices", "points", "value", "scale_min", "x", ""]
    return {rng.choice(keys): _json_value(rng, depth + 1) for _ in range(rng.randint(0, 5))}


def _valid_field(rng: random.Random, i: int) -> dict:
    kind = rng.choice(FIELD_TYPES)
    field: dict[str, Any] = {"key": f"f{i}", "type": kind, "label_ko": "항목", "label_en": "Field"}
    if kind in ("single_select", "multi_select"):
        field["choices"] = [{"value": f"c{k}", "label_ko": "선택", "label_en": "Pick"} for k in range(3)]
    if kind == "rating":
        field.update(scale_min=1, scale_max=4, points=[{"value": 4, "label_ko": "탁월", "label_en": "Top"}])
    field["required"] = rng.random() < 0.5
    return field


def _field(rng: random.Random, i: int) -> dict:
    if rng.random() < 0.85:  # a valid field, one attribute changed a third of the time
        field = _valid_field(rng, i)
        if rng.random() < 0.33:
            field[rng.choice([*field, "help_ko", "extra"])] = _json_value(rng, 3)
        return field
    field = {
        "key": rng.choice([f"f{i}", "summary", "Summary", " f ", "1bad", "", "a" * 60, None, 3]),
        "type": rng.choice([*FIELD_TYPES, "select", "", None, 1]),
        "label_ko": rng.choice(["요약", "", " ", "가" * 121, None]),
        "label_en": rng.choice(["Summary", "", "x" * 121, 5]),
    }
    for name in ("help_ko", "help_en", "required", "choices", "scale_min", "scale_max", "points", "extra"):
        if rng.random() < 0.4:
            if name == "choices":
                field[name] = [
                    {"value": rng.choice(["a", "b", "", "a", 1, None]), "label_ko": "가", "label_en": "A"}
                    for _ in range(rng.randint(0, 4))
                ]
            elif name == "points":
                field[name] = [
                    {"value": rng.choice([1, 4, 99, -11, "3", None, 2.5]), "label_ko": "점", "label_en": "P"}
                    for _ in range(rng.randint(0, 4))
                ]
            elif name in ("scale_min", "scale_max"):
                field[name] = rng.choice(
                    [-20, -10, 0, 1, 5, 10, 21, 100, 101, 10**30, "5", 2.5, None, float("nan")]
                )
            else:
                field[name] = _json_value(rng, 3)
    return field


def _template(rng: random.Random) -> bytes:
    r = rng.random()
    if r < 0.5:
        doc: Any = {
            "format": "study-dashboard/review-template",
            "name_ko": rng.choice(["템플릿"] * 6 + ["", "가" * 300, 5, None]),
            "name_en": rng.choice(["Template"] * 6 + ["", None]),
            "fields": [_field(rng, i) for i in range(rng.randint(0 if rng.random() < 0.1 else 1, 5))]
            if rng.random() < 0.9
            else _json_value(rng),
        }
    elif r < 0.8:
        doc = _json_value(rng)
    else:
        depth = rng.choice([10, 100, 1000, 5000])
        text = "[" * depth + "]" * depth if rng.random() < 0.5 else '{"a":' * depth + "1" + "}" * depth
        return text.encode()
    text = json.dumps(doc, ensure_ascii=rng.random() < 0.5)
    if rng.random() < 0.15:  # a damaged file
        cut = rng.randint(0, len(text))
        text = text[:cut] + rng.choice(["", "}", "\x00", "\ufffd", "9" * 5000, "NaN"]) + text[cut:]
    enc = rng.choice(["utf-8"] * 6 + ["utf-16", "utf-8-sig"])
    return text.encode(enc, errors="replace")


def _lab_url(rng: random.Random) -> dict[str, str]:
    params = {}
    for _ in range(rng.randint(0, 10)):
        key = rng.choice(URL_KEYS)
        if rng.random() < 0.2:
            value = ",".join(rng.choice(URL_VALUES) for _ in range(rng.randint(1, 12)))
        else:
            value = rng.choice(URL_VALUES)
        params[key] = value
    if rng.random() < 0.7:
        params.setdefault("tab", rng.choice(["transformer", "rnn", "lstm", "gru", "compare", "attention"]))
    return params


GENERATORS = {"notes": _note, "bibtex": _bib, "template": _template, "lab_url": _lab_url}


def inputs(target: str, seed: int, n: int) -> list[Any]:
    """The `n` inputs of `target` for `seed` (the same list on every run)."""
    rng = random.Random(f"{target}:{seed}")
    return [GENERATORS[target](rng) for _ in range(n)]


# --- what runs on each input (in the worker) ---------------------------------------------------------
class _Ctx:
    """Per-worker state, made on first use (a SQLite database and a leader for the importers)."""

    db = None
    leader = None

    @classmethod
    def database(cls):
        if cls.db is None:
            from core.accounts import members
            from db.engine import Database
            from db.migrate import upgrade

            cls.db = Database(f"sqlite:///{Path(tempfile.mkdtemp(prefix='fuzz-')) / 'fuzz.db'}")
            upgrade(cls.db.engine)
            with cls.db.write() as s:
                cls.leader = members.create_first_leader(
                    session=s, username="boss", display_name="Boss", password="correct horse 1"
                )
        return cls.db


def run_notes(text: str, i: int) -> None:
    from core.curriculum import notes_import

    if i % 4 == 3:
        notes_import.from_upload(text.encode("utf-8", errors="surrogatepass"), "note.md")
    else:
        notes_import.from_paste(text)


def run_bibtex(text: str, i: int) -> None:
    from core.reviews import bibtex, papers

    bibtex.parse(text)
    db = _Ctx.database()
    with db.write() as s:
        papers.import_bibtex(session=s, by=_Ctx.leader, text=text)


def run_template(data: bytes, i: int) -> None:
    from core.errors import AppError
    from core.reviews import answers, template_schema, templates
    from core.validate import load_json

    try:
        doc = load_json(data.decode("utf-8"))
    except (AppError, UnicodeDecodeError):
        doc = None
    if isinstance(doc, dict):
        try:
            template_schema.validate_fields(doc.get("fields"))
        except AppError:
            pass
    db = _Ctx.database()
    with db.write() as s:
        tpl = templates.import_json(session=s, by=_Ctx.leader, data=data)
        text = templates.export_json(session=s, template_id=tpl.id)
        fields = json.loads(text)["fields"]
        rows = templates.fields_to_rows(fields)
        schema = template_schema.validate_fields(templates.rows_to_fields(rows))
        answers.clean(
            schema, {f["key"]: v for f, v in zip(fields, ["x", 3, ["a"], True, "", None], strict=False)}
        )


def run_lab_url(params: dict[str, str], i: int) -> None:
    from core.lab.jobs import policy
    from core.lab.jobs.registry import count_params
    from core.validate import url_id
    from ui.lab import query

    _tab, cfg, _bad = query.decode(params)
    query.job_id(params)
    query.run_id(params)
    [x for x in map(url_id, params.get("runs", "").split(",")) if x is not None]  # as urlstate reads ?runs=
    if cfg is not None:
        cfg.validate()  # what the page does with the widgets' values
        policy.estimate(cfg, count_params(cfg))


def run_selfcheck(value: str, i: int) -> None:
    """The watchdog's own check (tests): "crash" raises a bug, "app" the app's error, "hang" blocks."""
    from core.errors import InvalidInput

    if value == "crash":
        raise KeyError(value)
    if value == "app":
        raise InvalidInput()
    if value == "hang":
        threading.Event().wait()


RUNNERS = {
    "notes": run_notes,
    "bibtex": run_bibtex,
    "template": run_template,
    "lab_url": run_lab_url,
    "selfcheck": run_selfcheck,
}


def _classify(exc: BaseException | None) -> str:
    from core.errors import AppError

    if exc is None:
        return "ok"
    return "app_error" if isinstance(exc, AppError) else "crash"


def _worker(target: str, conn) -> None:
    """Answer (kind, detail, seconds) for each input received, until None."""
    run = RUNNERS[target]
    while True:
        msg = conn.recv()
        if msg is None:
            return
        i, value = msg
        t0 = time.perf_counter()
        exc = None
        try:
            run(value, i)
        except Exception as err:  # noqa: BLE001  classified: AppError is the app's answer, the rest a crash
            exc = err
        kind, detail = _classify(exc), None
        if kind == "crash":
            tb = traceback.extract_tb(exc.__traceback__)
            where = next(
                (f"{Path(f.filename).name}:{f.lineno}" for f in reversed(tb) if "/work/" in f.filename), "?"
            )
            detail = f"{type(exc).__name__} at {where}: {str(exc)[:160]}"
        conn.send((kind, detail, time.perf_counter() - t0))


class Guard:
    """A worker process for `target` that runs one input at a time under a watchdog."""

    def __init__(self, target: str, timeout: float) -> None:
        self.target, self.timeout = target, timeout
        self._ctx = mp.get_context("spawn")
        self._proc = None
        self._conn = None

    def _start(self) -> None:
        parent, child = self._ctx.Pipe()
        self._proc = self._ctx.Process(target=_worker, args=(self.target, child), daemon=True)
        self._proc.start()
        self._conn = parent
        self.call(-1, _WARM[self.target], timeout=120)  # imports happen outside any timed input

    def call(self, i: int, value: Any, timeout: float | None = None) -> tuple[str, str | None, float]:
        """(ok | app_error | crash | hang, detail, seconds) for one input."""
        if self._proc is None:
            self._start()
        self._conn.send((i, value))
        if self._conn.poll(timeout or self.timeout):
            try:
                return self._conn.recv()
            except EOFError:
                pass
            self.close()
            return "crash", "the worker process died", float("nan")
        self.close(kill=True)
        return "hang", f"no answer within {timeout or self.timeout:g} s", float("nan")

    def close(self, kill: bool = False) -> None:
        """End the worker (killed when it is stuck on an input)."""
        if self._proc is None:
            return
        if kill or not self._proc.is_alive():
            self._proc.kill()
        else:
            try:
                self._conn.send(None)
            except OSError:
                self._proc.kill()
        self._proc.join(timeout=10)
        self._proc, self._conn = None, None


_WARM = {
    "selfcheck": "ok",
    "notes": "x",
    "bibtex": "@misc{a, title={T}}",
    "template": b"{}",
    "lab_url": {"tab": "transformer"},
}


def fuzz(target: str, seed: int, n: int, timeout: float = 2.0) -> dict[str, Any]:
    """Run `n` seeded inputs of `target`; counts of ok / app errors / crashes / hangs, with examples."""
    values = inputs(target, seed, n)
    guard = Guard(target, timeout)
    counts: Counter = Counter()
    kinds: Counter = Counter()
    examples: dict[str, str] = {}
    slowest = 0.0
    t0 = time.perf_counter()
    try:
        for i, value in enumerate(values):
            kind, detail, seconds = guard.call(i, value)
            counts[kind] += 1
            if seconds == seconds:
                slowest = max(slowest, seconds)
            if kind in ("crash", "hang"):
                kinds[detail.split(":")[0] if kind == "crash" else "hang"] += 1
                examples.setdefault(detail if kind == "crash" else "hang", f"input {i}: {str(value)[:120]!r}")
    finally:
        guard.close()
    return {
        "target": target,
        "seed": seed,
        "inputs": n,
        "ok": counts["ok"],
        "app_errors": counts["app_error"],
        "crashes": counts["crash"],
        "hangs": counts["hang"],
        "slowest_s": slowest,
        "wall_s": time.perf_counter() - t0,
        "crash_kinds": dict(kinds),
        "examples": examples,
    }
