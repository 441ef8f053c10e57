"""`make papers`: every page of every published paper rendered to PNG, to look at and to keep
docs/images current (issue 34). For each year's live release: the dashboard's print PDF, and
each scheme's workbook and 通报 through LibreOffice (soffice --headless --convert-to pdf); every
PDF page → PNG at 80 dpi with pypdfium2. Writes <out>/<year>/<paper>/page-NN.png and prints
what it wrote (page count and size of each PDF).

    python tools/papers.py [--out data/papers] [--year 2024] [--docs]   (--docs: also refresh docs/images)"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DPI = 80
# docs/images: the first page of each paper, as docs/office.md and docs/dashboard.md show them
DOC_IMAGES = {"dashboard": "dashboard_pdf_page{n}.png", "workbook": "office_xlsx_page{n}.png",
              "report": "office_docx_page{n}.png"}


def to_pdf(document: Path, out_dir: Path) -> Path:
    """LibreOffice converts a workbook or a Word file to PDF (its own profile: no clash with a
    running office)."""
    with tempfile.TemporaryDirectory(prefix="ecoscore-soffice-") as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(out_dir), str(document)],
                       check=True, capture_output=True, timeout=300)
    return out_dir / f"{document.stem}.pdf"


def render(pdf: Path, out_dir: Path, dpi: int = DPI) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("page-*.png"):
        old.unlink()
    document = pdfium.PdfDocument(str(pdf))
    pages = []
    for n in range(len(document)):
        path = out_dir / f"page-{n + 1:02d}.png"
        document[n].render(scale=dpi / 72).to_pil().save(path)
        pages.append(path)
    sizes = {tuple(round(v * 25.4 / 72) for v in document[n].get_size()) for n in range(len(document))}
    print(f"{pdf.name}: {len(pages)} 页, 页面 {sorted(sizes)} mm → {out_dir}")
    document.close()
    return pages


def papers(release: Path, out: Path) -> dict[str, list[Path]]:
    made: dict[str, list[Path]] = {}
    pdf = release / "dashboard" / "dashboard.pdf"
    if pdf.exists():
        made["dashboard"] = render(pdf, out / "dashboard")
    with tempfile.TemporaryDirectory(prefix="ecoscore-papers-") as scratch:
        office = release / "office"
        for document in sorted(office.glob("*.xlsx")) + sorted(office.glob("*.docx")):
            kind = "workbook" if document.suffix == ".xlsx" else "report"
            made[f"{kind}:{document.stem}"] = render(to_pdf(document, Path(scratch)), out / document.stem)
    return made


def main() -> int:
    from pipelines.lib.settings import get_settings
    from pipelines.publish.release import live_release, published_years

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "data" / "papers"))
    parser.add_argument("--year", type=int, action="append")
    parser.add_argument("--docs", action="store_true", help="copy the pages shown in docs/ into docs/images")
    args = parser.parse_args()
    settings = get_settings()
    years = args.year or published_years(settings)
    if not years:
        print("尚无已发布的结果：先运行 make demo (nothing published yet)", file=sys.stderr)
        return 1
    for year in years:
        release = live_release(settings, year)
        if release is None:
            print(f"{year} 年尚无已发布的结果", file=sys.stderr)
            continue
        made = papers(release, Path(args.out) / str(year))
        if args.docs and year == max(years):
            images = ROOT / "docs" / "images"
            for key, pages in made.items():
                kind = key.split(":")[0]
                if kind == "dashboard" or "ziyuan" in key:  # the unit with a veto: every rule shown
                    for n, page in enumerate(pages[:2], start=1):
                        shutil.copyfile(page, images / DOC_IMAGES[kind].format(n=n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
