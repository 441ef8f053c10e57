"""Agreement of `ecoscore scheme draft` with the bundled hand-written schemes, item by item.

    .venv/bin/python bench/scheme_draft_agreement.py [--seed 001|003|000|all]

Seed 001 is drafted from its own plain-text export (tests/data/seeds/001_….txt), seed 003 from its
sections 一 and 二 as an .xlsx (tests/data/seeds/003_sections_1_2.yaml), before and after the answers
file tests/data/seeds/003_answers.yaml, seed 000 from its items 3 and 4 as a tab-separated table
(tests/data/seeds/000_items_3_4.yaml: the OCR'd seed's only items rebuilt as a table; compared with
the items of fangchenggang_2022.yaml the draft holds). Prints, per scorable item of the hand-written
scheme, its shape, the draft's shape, whether shape and parameters are identical (event_kinds aside) and why
not; then the counts (tests/test_scheme_draft.py asserts them)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.scheme.draft.compare import compare, report  # noqa: E402
from pipelines.scheme.draft.draft import draft_scheme  # noqa: E402
from pipelines.scheme.draft.output import apply_resolutions  # noqa: E402
from pipelines.scheme.draft.tables import read_document  # noqa: E402

SEEDS = ROOT / "tests" / "data" / "seeds"
SCHEMES = ROOT / "data" / "raw" / "schemes"


def hand(name: str) -> dict:
    return yaml.safe_load((SCHEMES / name).read_text(encoding="utf-8"))


def seed_001() -> None:
    draft = draft_scheme(read_document(SEEDS / "001_85e261af43ba1034.txt"), "001", "ziyuan_2024",
                         [{"code": "ziyuan", "name": "资源县"}])
    print("== seed 001 vs ziyuan_2024.yaml")
    print(report(compare(draft, hand("ziyuan_2024.yaml"))))


def seed_003() -> None:
    import openpyxl

    rows = yaml.safe_load((SEEDS / "003_sections_1_2.yaml").read_text(encoding="utf-8"))["rows"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "003.xlsx"
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(str(path))
        draft = draft_scheme(read_document(path), "003", "xxcity_2020",
                             [{"code": "jia", "name": "甲区"}, {"code": "yi", "name": "乙县"}], year=2020)
    print("== seed 003 vs xxcity_2020.yaml (draft)")
    print(report(compare(draft, hand("xxcity_2020.yaml"))))
    answers = yaml.safe_load((SEEDS / "003_answers.yaml").read_text(encoding="utf-8"))
    print("== seed 003 vs xxcity_2020.yaml (draft + 003_answers.yaml)")
    print(report(compare(apply_resolutions(draft, answers), hand("xxcity_2020.yaml"))))


def seed_000() -> None:
    import csv

    data = yaml.safe_load((SEEDS / "000_items_3_4.yaml").read_text(encoding="utf-8"))
    rows = [data["header"]]
    for item in data["items"]:
        for name, task, share in item["coop"]:
            rows.append([item["number"], item["indicator"], item["lead"], item["task"], name, task, share,
                         "12月31日"])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "000.txt"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, dialect="excel-tab").writerows(rows)
        draft = draft_scheme(read_document(path), "000", "fangchenggang_2022", [], year=2022)
    drafted = {i["code"] for i in draft["items"]}
    hand_ = hand("fangchenggang_2022.yaml")
    hand_["items"] = [i for i in hand_["items"] if i["code"] in drafted]
    print("== seed 000 (items 3, 4) vs fangchenggang_2022.yaml (the same items)")
    print(report(compare(draft, hand_)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", choices=["001", "003", "000", "all"], default="all")
    args = parser.parse_args()
    if args.seed in ("001", "all"):
        seed_001()
    if args.seed in ("003", "all"):
        seed_003()
    if args.seed in ("000", "all"):
        seed_000()


if __name__ == "__main__":
    main()
