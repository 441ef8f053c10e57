"""Static export: one PNG per chart, drawn by kaleido in a headless Chromium (the printed PDF
is made from them and the panels' tables: printed.py). Without a Chromium the dashboard is HTML
only, and says how to get the rest.

Drawing is the slow part (a Chromium page per figure), so each figure's PNG is
kept in a cache folder under the name of a hash of what decides them (the figure's JSON, its
size and format, kaleido's version): a nightly run re-draws only the figures whose input
changed and copies the others. Starting Chromium (the browser, then each tab loading plotly.js)
takes ~5 s on its own, so a pipeline run starts it in the background when the run begins
(`BrowserResource`) and the dashboard step finds it ready."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import os
import shutil
import threading
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from pipelines.publish.dashboard.panels import WIDTH, Panel

PDF_NAME = "dashboard.pdf"
SCALE = 1.5  # PNG pixel ratio
TABS = 2  # Chromium tabs drawing at once
NO_BROWSER = ("未找到 Chromium，本次仅生成 HTML，未导出 PNG/PDF。安装方法：以 root 运行 `make browser`"
              "（即 apt-get install chromium fonts-noto-cjk），或设置 BROWSER_PATH 指向 Chromium/Chrome，"
              "然后重新运行。")


@dataclass
class StaticExport:
    pngs: list[Path] = field(default_factory=list)
    pdf: Path | None = None
    message: str = ""
    drawn: int = 0  # figures drawn by Chromium this time (the others came from the cache)


def find_chromium() -> str | None:
    """The browser kaleido (choreographer) will drive: BROWSER_PATH if set, else Debian's
    chromium on PATH, else a Chrome."""
    override = os.environ.get("BROWSER_PATH")
    if override:
        return override if Path(override).is_file() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Browser:
    """A headless Chromium driven by kaleido, opened in a thread of its own: it starts at once
    and `draw` waits for it, so the start overlaps whatever the caller does meanwhile. A failure
    to start is raised by `draw` (where the caller already turns it into a message). Not kaleido's
    own background server (`start_sync_server`): when Chromium fails to start, its callers wait
    forever on a queue nobody serves, and it has no timeout."""

    def __init__(self, path: str, timeout: float = 120):
        self.path, self.timeout = path, timeout
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kaleido", daemon=True)
        self._thread.start()
        self._opened = asyncio.run_coroutine_threadsafe(self._open(), self._loop)

    async def _open(self):
        import kaleido

        # mathjax=False: kaleido would otherwise load MathJax from a CDN; there is no network here
        browser = kaleido.Kaleido(path=self.path, mathjax=False, timeout=self.timeout, n=TABS)
        try:
            await browser.open()
        except BaseException:
            with contextlib.suppress(Exception):  # the start's own error is the one to show
                await browser.close()
            raise
        return browser

    def draw(self, jobs: list[dict]) -> None:
        """Write each job's figure to its path (kaleido's write_fig_from_object jobs); each
        figure has `timeout` seconds, as has the start."""
        browser = self._opened.result(timeout=self.timeout)
        drawing = browser.write_fig_from_object(jobs, cancel_on_error=True)
        asyncio.run_coroutine_threadsafe(drawing, self._loop).result()

    def close(self) -> None:
        """Close Chromium (waiting for a start still under way) and the thread."""
        try:
            browser = self._opened.result(timeout=self.timeout)
        except Exception:  # never started: nothing to close
            browser = None
        if browser is not None:
            closing = asyncio.run_coroutine_threadsafe(browser.close(), self._loop)
            with contextlib.suppress(Exception):  # choreographer kills Chromium when its close fails
                closing.result(timeout=30)
        with contextlib.suppress(Exception):  # what choreographer left running (its watchdog)
            asyncio.run_coroutine_threadsafe(_cancel_others(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        if not self._thread.is_alive():
            self._loop.close()


async def _cancel_others() -> None:
    others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)


def oneshot_draw(path: str, jobs: list[dict], timeout: float) -> None:
    """Start a Chromium, draw, close it (no run-long browser: `ecoscore dashboard`, finalise)."""
    browser = Browser(path, timeout)
    try:
        browser.draw(jobs)
    finally:
        browser.close()


class BrowserResource(dg.ConfigurableResource):
    """The dashboard's Chromium for one run. Dagster's in-process executor sets resources up
    before a run's first step, and only for runs with a step that uses them, so a run that draws
    the dashboard starts Chromium while it ingests and builds, and closes it when the run ends.
    Without a Chromium, `browser` is None (the dashboard says how to get one)."""

    _browser: Browser | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        path = find_chromium()
        self._browser = Browser(path) if path else None

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._browser is not None:
            self._browser.close()

    @property
    def browser(self) -> Browser | None:
        return self._browser


def figure_files(panels: list[Panel], out_dir: Path) -> list[tuple[object, Path]]:
    """(figure, png path) for every figure: <panel key>.png, or <key>_<n>.png when a panel has
    several (one scorecard per unit)."""
    pairs = []
    for panel in panels:
        for i, fig in enumerate(panel.figures):
            stem = panel.key if len(panel.figures) == 1 else f"{panel.key}_{i + 1:02d}"
            pairs.append((fig, out_dir / f"{stem}.png"))
    return pairs


def figure_key(fig: object, height: int) -> str:
    """The hash that decides whether a figure must be drawn again: its full JSON (data and
    layout), the page size and scale, and kaleido's version."""
    digest = hashlib.sha256()
    for part in (fig.to_json(), f"{WIDTH}x{height}@{SCALE}", _kaleido_version()):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


@functools.cache
def _kaleido_version() -> str:
    try:
        return version("kaleido")
    except PackageNotFoundError:
        return ""


def export_static(panels: list[Panel], out_dir: Path, timeout: float = 120,
                  cache_dir: Path | None = None, browser: Browser | None = None) -> StaticExport:
    """Write the PNGs into out_dir, drawing only figures not in `cache_dir` (None:
    draw all) with `browser` (None: a Chromium started for this export, `timeout` seconds for
    its start and each figure; a given browser has its own); never raises (the HTML stands on
    its own)."""
    if browser is None:
        path = find_chromium()
        if path is None:
            return StaticExport(message=NO_BROWSER)
        draw = functools.partial(oneshot_draw, path, timeout=timeout)
    else:
        draw = browser.draw
    try:
        return _render(panels, out_dir, draw, cache_dir)
    except Exception as err:  # kaleido/Chromium failures must not fail the release
        return StaticExport(message=f"PNG/PDF 导出失败（{type(err).__name__}: {err}），仅生成 HTML。")


def _render(panels: list[Panel], out_dir: Path, draw, cache_dir: Path | None) -> StaticExport:
    pairs = figure_files(panels, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = cache_dir or out_dir / ".figures"
    cache.mkdir(parents=True, exist_ok=True)
    jobs, cached = [], []
    for fig, _ in pairs:
        size = {"width": WIDTH, "height": int(fig.layout.height or 600)}
        cached_png = cache / f"{figure_key(fig, size['height'])}.png"
        cached.append(cached_png)
        if not cached_png.exists():
            jobs.append({"fig": fig, "path": str(cached_png),
                         "opts": {**size, "format": "png", "scale": SCALE}})
    if jobs:
        draw(jobs)
    for (_, png), source in zip(pairs, cached, strict=True):
        shutil.copyfile(source, png)
    if cache_dir is None:
        shutil.rmtree(cache)
    else:
        prune(cache, keep={p.stem for p in cached})
    return StaticExport(pngs=[png for _, png in pairs], drawn=len(jobs))


def prune(cache: Path, keep: set[str], limit: int = 400) -> None:
    """Keep the cache from growing without end: past `limit` files, the oldest ones not used
    by this export go."""
    files = sorted(cache.iterdir(), key=lambda p: p.stat().st_mtime)
    for old in files[:max(0, len(files) - limit)]:
        if old.stem not in keep:
            old.unlink(missing_ok=True)
