"""`ecoscore scheme draft DOC -o draft.yaml`: the command behind the `scheme draft` subcommand."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from pipelines.lib.files import read_yaml
from pipelines.scheme.draft.compare import compare, report
from pipelines.scheme.draft.draft import draft_file
from pipelines.scheme.draft.output import (
    ResolutionError,
    apply_resolutions,
    dump,
    load_answers,
    summary_text,
)
from pipelines.scheme.draft.tables import TableError
from pipelines.scheme.loader import SchemeError, load_scheme, unreviewed


def _unit(text: str) -> dict[str, str]:
    code, sep, name = text.partition("=")
    if not sep or not re.fullmatch(r"[a-z0-9_]+", code) or not name:
        raise argparse.ArgumentTypeError(f"--unit 应为 CODE=名称（小写英文编码），收到 {text!r}")
    return {"code": code, "name": name}


def cmd_scheme_draft(args: argparse.Namespace) -> int:
    doc = Path(args.document)
    code = args.code or re.sub(r"[^a-z0-9_]+", "_", doc.stem.lower()).strip("_") or "draft"
    try:
        body = draft_file(doc, args.seed or doc.stem, code, args.unit or [], args.year, args.name)
        print(summary_text(body))
        if args.resolve:
            body = apply_resolutions(body, load_answers(Path(args.resolve)), args.resolve)
            print(f"已应用应答文件 {args.resolve}：仍待确认 {len(unreviewed(body))} 处")
    except (TableError, ResolutionError) as err:
        print(err)
        return 1
    out = Path(args.output)
    dump(body, out)
    print(f"草稿已写入 {out}")
    if args.compare:
        hand = read_yaml(Path(args.compare))
        print(f"与手写方案 {args.compare} 不一致的条目：")
        print(report(compare(body, hand), differences_only=True))
    if unreviewed(body):
        print("草稿含待确认条目（needs_review: true）：确认前 ecoscore scheme check 与运行都会拒绝它。")
        return 0
    try:
        load_scheme(out)
    except SchemeError as err:
        print(f"草稿未通过方案校验: {err}")
        return 1
    print("草稿已通过方案校验。")
    return 0


def register_draft(scheme_sub: argparse._SubParsersAction) -> None:
    parser = scheme_sub.add_parser(
        "draft", help="从政府的评分表（.docx/.xlsx/.txt）起草方案 YAML，读不准的条款标 needs_review")
    parser.add_argument("document", help="目标任务分解表 / 考核评分细则: .docx, .xlsx or .txt")
    parser.add_argument("-o", "--output", required=True, help="draft YAML to write")
    parser.add_argument("--seed", help="source label quoted in every item (default: the file name)")
    parser.add_argument("--code", help="scheme code (lowercase ASCII; default from the file name)")
    parser.add_argument("--year", type=int, help="assessment year (default: from the title)")
    parser.add_argument("--name", help="scheme name (default: the document's title)")
    parser.add_argument("--unit", type=_unit, action="append",
                        help="assessed unit CODE=名称 (repeat for several)")
    parser.add_argument("--resolve", help="a person's answers for the flagged items (YAML)")
    parser.add_argument("--compare", help="a hand-written scheme: print the per-item agreement")
    parser.set_defaults(func=cmd_scheme_draft)
