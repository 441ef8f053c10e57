"""The dashboard in a real browser: headless Chromium opens the file with no network, renders
every chart without a console message, and the printed pages are not blank."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import polars as pl
import pytest
from PIL import Image, ImageStat

from pipelines.lib.settings import Settings
from pipelines.publish.dashboard.static import PDF_NAME, BrowserResource, export_static, find_chromium

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium (run `make browser` as root, or set BROWSER_PATH)")

# The closed network here refuses Chromium's background connections; no-network is also the
# point: every host resolves to nothing, so the page must work from the file alone.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=15000"]


def chromium(url: str, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, url],
                          capture_output=True, text=True, timeout=180)


def console_messages(stderr: str) -> list[str]:
    """Chromium logs every console message and uncaught error of the page as INFO:CONSOLE."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def assert_not_blank(path: Path) -> None:
    with Image.open(path) as image:
        grey = image.convert("L")
        stat = ImageStat.Stat(grey)
        assert stat.stddev[0] > 5, f"{path.name} is blank (uniform grey level {stat.mean[0]:.0f})"
        dark = sum(grey.histogram()[:128])
        assert dark > 0.001 * grey.width * grey.height, f"{path.name} has no text or marks"


@pytest.fixture(scope="module")
def dashboard_dir(sample_run: Settings) -> Path:
    return sample_run.current_release / "dashboard"


def test_dashboard_renders_offline_without_console_errors(dashboard_dir: Path, sample_run: Settings,
                                                           tmp_path: Path):
    started = time.perf_counter()
    run = chromium((dashboard_dir / "index.html").as_uri(), tmp_path, "--dump-dom")
    seconds = time.perf_counter() - started
    assert run.returncode == 0, run.stderr[-2000:]
    assert console_messages(run.stderr) == []
    dom = run.stdout
    top = pl.read_parquet(sample_run.current_release / "fct_unit_scores.parquet").sort("score_rank")
    assert top["unit_name"][0] in dom
    figures = dom.count("class=\"plot-container plotly\"")
    assert figures >= 6, f"only {figures} charts were drawn"  # plotly.js ran from the file itself
    print(f"render: {seconds:.1f} s for {figures} charts")


def test_dashboard_screenshots(dashboard_dir: Path, tmp_path: Path):
    shots = tmp_path / "shots"
    shots.mkdir()
    for name, size in (("screen", "1400,1000"), ("full", "1400,9000")):
        run = chromium((dashboard_dir / "index.html").as_uri(), tmp_path,
                       f"--window-size={size}", f"--screenshot={shots / name}.png")
        assert run.returncode == 0, run.stderr[-2000:]
        assert_not_blank(shots / f"{name}.png")


def test_every_exported_png_is_not_blank_and_the_pdf_is_printed(dashboard_dir: Path):
    pngs = sorted(dashboard_dir.glob("*.png"))
    assert len(pngs) >= 6
    for png in pngs:
        assert_not_blank(png)
    assert (dashboard_dir / PDF_NAME).stat().st_size > 10_000  # its pages: tests/test_papers.py


def test_a_run_starts_its_browser_with_its_resources_and_draws_with_it(tmp_path: Path):
    """Issue 21: the dashboard's Chromium is a run resource, started when the run's resources
    are (before its first step), so its ~5 s start overlaps ingestion and dbt."""
    import dagster as dg
    import plotly.graph_objects as go

    from pipelines.publish.dashboard.panels import Panel

    with dg.build_resources({"browser": BrowserResource()}) as resources:
        browser = resources.browser.browser
        assert browser is not None and browser.path == CHROMIUM
        figure = go.Figure(go.Bar(x=["钦南区", "灵山县"], y=[97.4, 77.3]))
        result = export_static([Panel(key="ranking", title="排名", figures=[figure])], tmp_path,
                               browser=browser)
    assert result.message == "" and result.drawn == 1
    assert_not_blank(tmp_path / "ranking.png")
