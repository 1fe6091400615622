"""Bounded waits on a condition, for tests that watch a thread, a process or a database."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    cond: Callable[[], T], *, timeout: float = 10.0, every: float = 0.005, what: str = "the condition"
) -> T:
    """Call `cond` until it returns something truthy and return that; fail after `timeout` seconds.

    The timeout is a deadline against hanging, never a measurement: a passing test returns as soon
    as the condition holds.
    """
    deadline = time.monotonic() + timeout
    while not (out := cond()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)
    return out
