"""A tiny webhook receiver on 127.0.0.1 for notification tests: a threaded http.server that keeps
every JSON body posted to it and answers with a status the test chooses (204 like Discord, or 500
for a dead webhook)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Receiver:
    """What the receiver got (path and JSON body of each POST) and the status it answers with."""

    url: str
    status: int = 204
    posts: list[tuple[str, dict]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def bodies(self) -> list[dict]:
        """The JSON bodies received so far, in order."""
        with self.lock:
            return [body for _path, body in self.posts]


@contextmanager
def webhook_receiver(status: int = 204) -> Iterator[Receiver]:
    """Serve on a free port of 127.0.0.1 for the block; yields the Receiver (url ends in /hook)."""
    holder: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {"_raw": raw.decode("utf-8", "replace")}
            rec = holder["r"]
            with rec.lock:
                rec.posts.append((self.path, body))
                status = rec.status
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder["r"] = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hook", status=status)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="webhook-receiver", daemon=True
    )
    thread.start()
    try:
        yield holder["r"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
