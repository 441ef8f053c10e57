"""Issue 21 target 2: the dashboard's PNG export re-draws only the figures whose input changed
(a hash of each figure's JSON, size and kaleido's version names it in the cache; the printed
PDF is made from those PNGs and the tables by printed.py, tests/test_papers.py).
The Chromium drawing is replaced by one that writes a blank page and counts the figures it was
asked to draw: the cache logic is what is tested here, Chromium in test_dashboard_browser.py."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import pytest

from pipelines.publish.dashboard import static
from pipelines.publish.dashboard.panels import Panel


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    paths: list[str] = []

    def fake_draw(browser_path, jobs, timeout):
        for job in jobs:
            paths.append(job["path"])
            assert job["opts"]["format"] == "png"
            Path(job["path"]).write_bytes(b"png:" + job["fig"].to_json().encode())

    monkeypatch.setattr(static, "oneshot_draw", fake_draw)
    monkeypatch.setattr(static, "find_chromium", lambda: "/usr/bin/chromium")
    return paths


def panels(title: str) -> list[Panel]:
    ranking = go.Figure(go.Bar(y=[1, 2]), layout={"title": title})
    return [Panel(key="ranking", title="排名", figures=[ranking]),
            Panel(key="cards", title="记分卡", figures=[go.Figure(go.Bar(y=[3])), go.Figure(go.Bar(y=[4]))])]


def test_an_unchanged_figure_is_not_drawn_again(tmp_path: Path, drawn: list[str]):
    cache = tmp_path / "cache"
    first = static.export_static(panels("一月"), tmp_path / "a", cache_dir=cache)
    assert first.drawn == 3 and len(drawn) == 3  # a PNG per figure
    second = static.export_static(panels("一月"), tmp_path / "b", cache_dir=cache)
    assert second.drawn == 0 and len(drawn) == 3
    assert [p.name for p in second.pngs] == ["ranking.png", "cards_01.png", "cards_02.png"]
    assert all(p.read_bytes() == (tmp_path / "a" / p.name).read_bytes() for p in second.pngs)


def test_a_changed_figure_alone_is_drawn_again(tmp_path: Path, drawn: list[str]):
    cache = tmp_path / "cache"
    static.export_static(panels("一月"), tmp_path / "a", cache_dir=cache)
    again = static.export_static(panels("二月"), tmp_path / "b", cache_dir=cache)
    assert again.drawn == 1
    assert "二月".encode() in (tmp_path / "b" / "ranking.png").read_bytes()
    assert (tmp_path / "b" / "cards_01.png").read_bytes() == (tmp_path / "a" / "cards_01.png").read_bytes()


def test_without_a_cache_folder_every_figure_is_drawn_and_nothing_is_left(tmp_path: Path, drawn):
    out = tmp_path / "a"
    assert static.export_static(panels("一月"), out).drawn == 3
    assert static.export_static(panels("一月"), out).drawn == 3
    assert sorted(p.name for p in out.iterdir()) == ["cards_01.png", "cards_02.png", "ranking.png"]


def test_a_browser_that_fails_to_start_leaves_the_html_alone(tmp_path: Path):
    """A run's Chromium starts in the background (static.Browser); when it cannot start, the
    export says so (the dashboard is then HTML only) instead of failing or waiting."""
    browser = static.Browser("/bin/false", timeout=30)  # a program that exits at once
    try:
        result = static.export_static(panels("一月"), tmp_path / "a", browser=browser)
    finally:
        browser.close()
    assert result.pngs == [] and result.pdf is None
    assert "PNG/PDF 导出失败" in result.message and "/bin/false" in result.message
