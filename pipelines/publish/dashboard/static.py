"""Static export for printing: one PNG per panel figure and one multi-page PDF, drawn by kaleido
in a headless Chromium. Without a Chromium the dashboard is HTML only, and says how to get
the rest."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.publish.dashboard.panels import WIDTH, Panel

PDF_NAME = "dashboard.pdf"
NO_BROWSER = ("未找到 Chromium，本次仅生成 HTML，未导出 PNG/PDF。安装方法：以 root 运行 `make browser`"
              "（即 apt-get install chromium fonts-noto-cjk），或设置 BROWSER_PATH 指向 Chromium/Chrome，"
              "然后重新运行。")


@dataclass
class StaticExport:
    pngs: list[Path] = field(default_factory=list)
    pdf: Path | None = None
    message: str = ""


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


def figure_files(panels: list[Panel], out_dir: Path) -> list[tuple[object, Path]]:
    """(figure, png path) for every figure: <panel key>.png, or <key>_<n>.png when a panel has
    several (one scorecard per unit)."""
    pairs = []
    for panel in panels:
        for i, fig in enumerate(panel.figures):
            stem = panel.key if len(panel.figures) == 1 else f"{panel.key}_{i + 1:02d}"
            pairs.append((fig, out_dir / f"{stem}.png"))
    return pairs


def export_static(panels: list[Panel], out_dir: Path, timeout: float = 120) -> StaticExport:
    """Write the PNGs and the PDF into out_dir; never raises (the HTML stands on its own)."""
    browser = find_chromium()
    if browser is None:
        return StaticExport(message=NO_BROWSER)
    try:
        return _render(panels, out_dir, browser, timeout)
    except Exception as err:  # kaleido/Chromium failures must not fail the release
        return StaticExport(message=f"PNG/PDF 导出失败（{type(err).__name__}: {err}），仅生成 HTML。")


def _render(panels: list[Panel], out_dir: Path, browser: str, timeout: float) -> StaticExport:
    import kaleido
    from pypdf import PdfWriter

    pairs = figure_files(panels, out_dir)
    pages_dir = out_dir / ".pdf_pages"
    pages_dir.mkdir(parents=True, exist_ok=True)
    jobs = []
    for i, (fig, png) in enumerate(pairs):
        size = {"width": WIDTH, "height": int(fig.layout.height or 600)}
        jobs.append({"fig": fig, "path": str(png), "opts": {**size, "format": "png", "scale": 1.5}})
        jobs.append({"fig": fig, "path": str(pages_dir / f"{i:03d}.pdf"), "opts": {**size, "format": "pdf"}})
    # mathjax=False: kaleido would otherwise load MathJax from a CDN; there is no network here.
    kaleido.write_fig_from_object_sync(jobs, kopts={"path": browser, "mathjax": False, "timeout": timeout},
                                       cancel_on_error=True)
    writer = PdfWriter()
    for page in sorted(pages_dir.glob("*.pdf")):
        writer.append(str(page))
    pdf = out_dir / PDF_NAME
    with pdf.open("wb") as handle:
        writer.write(handle)
    shutil.rmtree(pages_dir)
    return StaticExport(pngs=[png for _, png in pairs], pdf=pdf)
