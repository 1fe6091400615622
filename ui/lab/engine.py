"""Is the Lab's training engine ready? The first Lab visit after a server start took 11 s of blank
page: torch's import (~2-3 s of CPU), the job registry and its worker process. Here they warm in a
background thread, started with the server (`web/lab_warmup.py`) or, on a server started
without it (`streamlit run app.py`, AppTest), by the first Lab page that asks. The page draws its
controls at once and enables Train when `ready()` says so.

The page never imports torch on its own thread while the warm-up does: an import in progress
holds the module's lock, and the page would stall until it finished.
"""

from __future__ import annotations

import logging
import sys
import threading
import time

log = logging.getLogger(__name__)


class _Warmup:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.done = threading.Event()
        self.seconds: float | None = None  # how long the warm-up took (logged)


_state = _Warmup()


def _torch_loaded() -> bool:
    """torch is imported and finished initialising (a module still importing is `_initializing`)."""
    mod = sys.modules.get("torch")
    return mod is not None and not getattr(getattr(mod, "__spec__", None), "_initializing", False)


def import_pages() -> None:
    """The page's modules, in the order a page run imports them (the shell app.py imports, then the
    Lab page): a first visit meanwhile waits for a module this thread is importing and never holds
    one this thread needs, so the two imports cannot deadlock. None of them imports torch."""
    import ui.shell.frame  # noqa: F401, I001
    import ui.shell.nav  # noqa: F401
    import ui.lab.page  # noqa: F401


def warm() -> None:
    """Everything the first Lab page and its Train button would otherwise pay for, in the order
    the page needs it: the page's own modules (already imported when the server started it),
    torch, a parameter count of each tab's default model (small models are built on the CPU,
    milliseconds: core/lab/jobs/state.py), the device, and last the job registry, which starts its
    worker processes a few seconds later, one after another (core/lab/jobs/pool.py; a Train click
    meanwhile starts its own)."""
    started = time.perf_counter()
    import_pages()
    import torch  # noqa: F401  the cost this module exists for

    from core.lab.device import pick_device
    from core.lab.jobs.state import count_params
    from core.lab.presets import MODEL_TABS, tab_default
    from ui.lab.jobs import lab_jobs

    for tab in MODEL_TABS:  # the model and task code, what the page's badges and limits ask
        count_params(tab_default(tab))
    pick_device("auto")
    lab_jobs()  # the server's one registry (st.cache_resource): the page finds it built
    _state.seconds = time.perf_counter() - started


def _run() -> None:
    try:
        warm()
        log.info("lab engine warm in %.1f s", _state.seconds or 0.0)
    except Exception:  # noqa: BLE001  the page then meets the same error where it always did
        log.exception("lab engine warm-up failed")
    finally:
        _state.done.set()


def start() -> bool:
    """Start warming in the background unless it started already; True when this call started it."""
    with _state.lock:
        if _state.thread is not None:
            return False
        _state.thread = threading.Thread(target=_run, name="lab-engine-warmup", daemon=True)
        _state.thread.start()
        return True


def wait(timeout: float | None = None) -> bool:
    """Block until the warm-up has finished (benchmarks, shutdown); True when it has."""
    return _state.done.wait(timeout)


def ready() -> bool:
    """Train can be offered now without this thread waiting on torch's import.

    Warm when the warm-up finished, or when torch is already here and nothing is warming (a test,
    the CLI): no wait either way. Otherwise the warm-up is started if it was not, and the answer
    is no, for now.
    """
    if _state.done.is_set():
        return True
    if _state.thread is None and _torch_loaded():
        return True
    start()
    return False
