"""`ecoscore scheme draft` on the drafting corpus: every document of tests/data/drafting drafted as
published and scored item by item against its hand-written expected file.

    .venv/bin/python bench/scheme_draft_corpus.py [--set dev|validation|all] [--items] [--doc NAME]

Prints, per document and per set (dev and validation apart: the validation documents were put aside
before the reader was built and are never tuned on), the expected items that are right, flagged,
silently wrong (the extra rules included) or missed, and the stated totals the draft got wrong.
`--items` lists every item that is not right, with why."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.scheme.draft.draft import draft_file  # noqa: E402
from pipelines.scheme.draft.evaluate import RIGHT, evaluate, figures  # noqa: E402
from pipelines.scheme.draft.tables import TableError  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "drafting"


def corpus_sets() -> dict[str, list[str]]:
    return yaml.safe_load((CORPUS / "split.yaml").read_text(encoding="utf-8"))


def score(name: str):  # noqa: ANN201 — evaluate.DocumentResult
    expected = yaml.safe_load((CORPUS / "expected" / f"{name}.yaml").read_text(encoding="utf-8"))
    try:
        draft = draft_file(CORPUS / "docs" / expected["document"], name, "corpus", [], year=2024)
    except TableError as err:               # a refused document: every item missed
        print(f"  {name}: {err}", file=sys.stderr)
        draft = {"items": []}
    return evaluate(draft, expected, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=["dev", "validation", "all"], default="all")
    parser.add_argument("--items", action="store_true", help="list every item that is not right")
    parser.add_argument("--doc", help="one document only")
    args = parser.parse_args()
    sets = corpus_sets()
    chosen = ["dev", "validation"] if args.set == "all" else [args.set]
    for set_name in chosen:
        names = [n for n in sets[set_name] if not args.doc or n == args.doc]
        if not names:
            continue
        started = time.perf_counter()
        results = [score(n) for n in names]
        seconds = time.perf_counter() - started
        print(f"== {set_name}: {len(names)} documents")
        print(f"{'document':32} items right flagged silent missed totals-wrong")
        for r in results:
            print(f"{r.name:32} {len(r.items):5} {r.count('right'):5} {r.count('flagged'):7} "
                  f"{r.silent:6} {r.count('missed'):6} {len(r.totals_wrong):6}")
            if args.items:
                for item in r.items:
                    if item.status != RIGHT:
                        print(f"    {item.status:15} {item.code:10} {item.quote[:30]:32} {item.why[:90]}")
                for code in r.extra:
                    print(f"    {'extra rule':15} {code}")
                for wrong in r.totals_wrong:
                    print(f"    {'total':15} {wrong}")
        f = figures(results)
        print(f"{set_name} total: {f['items']} items — right {f['right']} ({f['right %']} %), flagged "
              f"{f['flagged']} ({f['flagged %']} %), silently wrong {f['silently wrong']} "
              f"({f['silently wrong %']} %, of which extra rules {f['extra']}), missed {f['missed']} "
              f"({f['missed %']} %); stated totals checked {f['totals checked']}, wrong "
              f"{f['totals wrong']}; drafted in {seconds:.2f} s")


if __name__ == "__main__":
    main()
