"""The analyst notebooks (`notebooks/*.py`, jupytext percent format) and what they share.

- `release_dir()` — the published release a notebook reads: `<ECOSCORE_DATA_DIR>/marts/current`
  (default `data/marts/current`), or `ECOSCORE_RELEASE` when set (a test's private release).
- `open_marts(release)` — an in-memory DuckDB with one view per Parquet mart of the release, so
  notebooks speak SQL and never open, let alone lock, a warehouse file.
- the ranking re-scored as of month ends: `pipelines/lib/as_of.py` `scores_as_of`, the one
  home of as-of scoring (the as-of dashboard's previous month end uses it too).
- `execute_notebook(path, parameters)` — runs a notebook top to bottom in a fresh kernel;
  `python -m pipelines.analysis.notebooks [-o DIR] [NAME …]` writes executed `.ipynb` files.
"""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path

import duckdb

from pipelines.lib.settings import PROJECT_ROOT, get_settings

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"


def release_dir() -> Path:
    """The published release the notebooks read."""
    override = os.environ.get("ECOSCORE_RELEASE")
    release = Path(override) if override else get_settings().current_release
    if not (release / "fct_unit_scores.parquet").exists():
        raise FileNotFoundError(f"{release}: 没有已发布的结果，请先运行 ecoscore run --year YEAR")
    return release


def open_marts(release: Path) -> duckdb.DuckDBPyConnection:
    """In-memory DuckDB, one view per `<release>/*.parquet` named after the file."""
    con = duckdb.connect()
    for path in sorted(release.glob("*.parquet")):
        con.execute(f"create view {path.stem} as select * from read_parquet('{path.as_posix()}')")
    return con


def month_ends(year: int, through_month: int = 12) -> list[date]:
    """Last day of each month of the year, January … `through_month`."""
    ends = []
    for month in range(1, through_month + 1):
        first_next = date(year + (month == 12), month % 12 + 1, 1)
        ends.append(date.fromordinal(first_next.toordinal() - 1))
    return ends


def notebook_paths() -> list[Path]:
    return sorted(p for p in NOTEBOOKS_DIR.glob("[0-9]*.py"))


def execute_notebook(path: Path, parameters: dict[str, object] | None = None, timeout: int = 600):
    """Run a percent-format notebook top to bottom in a fresh kernel; returns the executed
    notebook (nbformat). `parameters` become a cell right after the cell tagged `parameters`
    (the papermill convention), so a test can pick the release or fewer month ends."""
    import jupytext
    import nbformat
    from nbclient import NotebookClient

    nb = jupytext.read(path)
    if parameters:
        lines = [f"{name} = {value!r}" for name, value in parameters.items()]
        cell = nbformat.v4.new_code_cell("# injected parameters\n" + "\n".join(lines))
        tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
        nb.cells.insert(tagged[0] + 1 if tagged else 0, cell)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS_DIR)}}).execute()
    return nb


def cell_text(nb) -> str:
    """Every text output of an executed notebook (stdout and text/plain), for checks."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append(out["text"])
            elif "text/plain" in out.get("data", {}):
                parts.append(out["data"]["text/plain"])
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    import nbformat

    parser = argparse.ArgumentParser(description="执行分析笔记本 (run the analyst notebooks)")
    parser.add_argument("names", nargs="*", help="notebook names, e.g. 01_unit_score_explained (default all)")
    parser.add_argument("-o", "--out", type=Path, default=NOTEBOOKS_DIR / "_build",
                        help="where the executed .ipynb files go (default notebooks/_build)")
    args = parser.parse_args(argv)
    paths = [p for p in notebook_paths() if not args.names or p.stem in args.names]
    args.out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        nb = execute_notebook(path)
        target = args.out / f"{path.stem}.ipynb"
        nbformat.write(nb, target)
        print(f"{path.name} → {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
