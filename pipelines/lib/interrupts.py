"""Stop means stop (issue 15 part 6): a SIGTERM or Ctrl-C during `ecoscore run` ends the run
without publishing, whoever was handling signals when it arrived.

Dagster swaps the SIGINT/SIGTERM handlers while it executes (it maps SIGTERM onto its SIGINT
handler, sometimes only noting the signal), and a library may catch the interrupt it raises (a
SIGTERM while dagster-dbt opened its adapter became a logged warning and the run published). So
the run does not rely on any handler: `watch_for_stop` registers a wake-up file descriptor, to
which the interpreter writes the number of every signal it receives whatever Python handler is
installed, and the publish assets call `raise_if_stopped` before they export and before they
switch the live release."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

STOP_SIGNALS = {int(signal.SIGTERM), int(signal.SIGINT)}
_state: dict[str, object] = {"fd": None, "seen": set()}


class StopRequested(RuntimeError):
    """The run was asked to stop (SIGTERM / SIGINT): nothing may be published."""


@contextmanager
def watch_for_stop() -> Iterator[None]:
    """Record every SIGTERM/SIGINT the process receives while the block runs; SIGTERM raises
    KeyboardInterrupt like Ctrl-C where no one else handles it (so locks are released)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    read_fd, write_fd = os.pipe()
    os.set_blocking(read_fd, False)
    os.set_blocking(write_fd, False)
    previous_fd = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    previous_term = signal.signal(signal.SIGTERM, signal.default_int_handler)
    _state["fd"], _state["seen"] = read_fd, set()
    try:
        yield
    finally:
        signal.set_wakeup_fd(previous_fd)
        signal.signal(signal.SIGTERM, previous_term)
        _state["fd"], _state["seen"] = None, set()
        os.close(read_fd)
        os.close(write_fd)


def _drain() -> None:
    fd = _state["fd"]
    if fd is None:
        return
    seen: set[int] = _state["seen"]  # type: ignore[assignment]
    while True:
        try:
            data = os.read(fd, 512)  # type: ignore[arg-type]
        except BlockingIOError:
            return
        if not data:
            return
        seen.update(data)


def stop_signal() -> int | None:
    """The first stop signal received since watch_for_stop began, or None."""
    _drain()
    seen: set[int] = _state["seen"]  # type: ignore[assignment]
    stops = sorted(seen & STOP_SIGNALS)
    return stops[0] if stops else None


def raise_if_stopped(step: str) -> None:
    number = stop_signal()
    if number is not None:
        name = signal.Signals(number).name
        raise StopRequested(f"运行收到 {name}，已中止于「{step}」之前，未发布；上次发布的结果保持不变")
