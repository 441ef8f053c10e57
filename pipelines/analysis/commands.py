"""CLI: `ecoscore docs` (data dictionary and dbt docs)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.lib.settings import get_settings


def cmd_docs(args: argparse.Namespace) -> int:
    from pipelines.analysis.dictionary import build_docs

    settings = get_settings()
    out = Path(args.output) if args.output else settings.data_dir / "docs"
    try:
        html, md = build_docs(settings, out)
    except FileNotFoundError as err:
        print(err)
        return 1
    print(f"dbt 文档 dbt docs (static, offline): {html}\n数据字典 data dictionary: {md}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    docs = sub.add_parser("docs", help="build dbt docs (one static HTML) and the Markdown data "
                                       "dictionary of the published marts")
    docs.add_argument("-o", "--output", help="output folder (default data/docs)")
    docs.set_defaults(func=cmd_docs)
