"""The 钦州 units' prior-year ledgers (qinzhou_2023), derived from the 2024 sample ledgers.

The bundled 2024 ledgers (``data/raw/ledgers/sample/qinzhou_2024_*.csv``) are hand-written sample
rows. The prior year's are the same events one year earlier — scheme code ``qinzhou_2023``, every
date (event, deadline, completion) and the year inside evidence references and descriptions moved
back one year (29 February → 28 February) — so the two years' scores differ by their monitoring
data (air, water), which is what year-on-year (同比) rules read. A ledger row belongs to the year
of its scheme: a 2024 run leaves these rows to the 2023 run.

Run ``python -m sample.ledgers [RAW_DIR]`` (default ``data/raw``) to regenerate.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

SOURCE_YEAR = 2024
PRIOR_YEAR = 2023
DATE_COLUMNS = ("event_date", "deadline", "completed_date")
TEXT_COLUMNS = ("evidence_ref", "description")


def year_earlier(text: str) -> str:
    """'2024-02-29' → '2023-02-28'; an empty cell stays empty."""
    if not text:
        return text
    day = dt.date.fromisoformat(text)
    try:
        return day.replace(year=day.year - 1).isoformat()
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28).isoformat()


def prior_row(row: dict[str, str]) -> dict[str, str]:
    out = dict(row)
    out["scheme_code"] = row["scheme_code"].replace(str(SOURCE_YEAR), str(PRIOR_YEAR))
    for column in DATE_COLUMNS:
        out[column] = year_earlier(row.get(column, ""))
    for column in TEXT_COLUMNS:
        out[column] = row.get(column, "").replace(str(SOURCE_YEAR), str(PRIOR_YEAR))
    return out


def write_prior_ledgers(raw_dir: Path) -> list[Path]:
    """Write qinzhou_2023_<sheet>.csv beside each qinzhou_2024_<sheet>.csv; return the paths."""
    folder = Path(raw_dir) / "ledgers" / "sample"
    written = []
    for source in sorted(folder.glob(f"qinzhou_{SOURCE_YEAR}_*.csv")):
        with source.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            rows = [prior_row(row) for row in reader]
        target = folder / source.name.replace(f"_{SOURCE_YEAR}_", f"_{PRIOR_YEAR}_")
        with target.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        written.append(target)
    return written


if __name__ == "__main__":
    paths = write_prior_ledgers(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("data/raw"))
    print(f"wrote {len(paths)} files")
