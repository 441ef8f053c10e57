"""CLI of the publish domain.

    ecoscore dashboard [--year YEAR] --as-of YYYY-MM-DD   the dashboard as of a date
    ecoscore dashboard [--year YEAR]                       rebuild a live release's dashboard"""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import date


def cmd_dashboard(args: argparse.Namespace) -> int:
    from pipelines.lib.settings import get_settings
    from pipelines.publish.dashboard.asof import AsOfRunError, build_as_of

    settings = get_settings()
    if not args.as_of:
        year = args.year or newest_published_year(settings)
        if year is None:
            print("尚无已发布的结果：先运行 ecoscore run --year YEAR", file=sys.stderr)
            return 1
        return rebuild_live(settings, year, not args.html_only)
    try:
        as_of = date.fromisoformat(args.as_of)
    except ValueError:
        print(f"--as-of 应为 YYYY-MM-DD，收到 {args.as_of!r}", file=sys.stderr)
        return 2
    args.year = args.year or as_of.year
    if as_of.year != args.year:
        print(f"--as-of {as_of} 不在考核年度 {args.year} 内", file=sys.stderr)
        return 2
    try:
        made = build_as_of(settings, args.year, as_of, static=not args.html_only)
    except AsOfRunError as err:
        print(err, file=sys.stderr)
        return 1
    report(made.result, made.out_dir)
    print(f"计算（截至 {as_of}" + (f" 与上月末 {made.previous_as_of}" if made.previous_as_of else "")
          + f"）：{made.pipeline_seconds} 秒；已发布的全年结果未改动。")
    return 0


def newest_published_year(settings) -> int | None:
    """The newest year with a live release (or, before per-year folders, `current`'s year)."""
    import json

    from pipelines.publish.release import published_years

    years = published_years(settings)
    if years:
        return years[-1]
    record = settings.current_release / "release.json"
    return json.loads(record.read_text(encoding="utf-8"))["year"] if record.exists() else None


def rebuild_live(settings, year: int, static: bool, status: str | None = None,
                 keep_static: bool = False) -> int:
    """Rebuild the dashboard of the year's live release in place (after a code or font
    change). A finalised year's release is frozen: only `ecoscore finalize` redraws it (its
    status line), before hashing."""
    import json

    from pipelines.publish.finalize import status_zh
    from pipelines.publish.release import final_record

    if status is None and final_record(settings, year) is not None:
        print(f"{year} 年已定稿，发布内容不再改动 (finalised: the release is frozen)",
              file=sys.stderr)
        return 1

    from pipelines.publish.dashboard import build_dashboard
    from pipelines.publish.dashboard.asof import previous_label, published_previous_scores, title_for
    from pipelines.publish.dashboard.data import data_as_of, read_mart
    from pipelines.publish.release import live_release

    live = live_release(settings, year)
    if live is None:
        print(f"尚无 {year} 年已发布的结果：先运行 ecoscore run --year {year}", file=sys.stderr)
        return 1
    record_file = live / "release.json"
    record = json.loads(record_file.read_text(encoding="utf-8")) if record_file.exists() else {}
    as_of = record.get("as_of") or ""
    daily = read_mart(live, "fct_air_unit_daily")
    found = published_previous_scores(settings, year, data_as_of(daily, year, as_of))
    fresh, current, old = live / "dashboard.new", live / "dashboard", live / "dashboard.old"
    for stale in (fresh, old):
        shutil.rmtree(stale, ignore_errors=True)
    result = build_dashboard(live, title_for(year, as_of), year=year, as_of=as_of, static=static,
                             out_dir=fresh, previous=found[0] if found else None,
                             previous_label=previous_label(found[1]) if found else "",
                             status=status or status_zh(settings, year))
    if keep_static and not static and current.exists():  # finalising: the figures stay
        for old_file in [*current.glob("*.png"), *current.glob("*.pdf")]:
            shutil.copy2(old_file, fresh / old_file.name)
    # readers see the old folder or the new one, never a half-written one
    if current.exists():
        current.rename(old)
    fresh.rename(current)
    shutil.rmtree(old, ignore_errors=True)
    result.html = current / result.html.name
    report(result, current)
    return 0


def report(result, out_dir) -> None:
    size_mb = result.html.stat().st_size / 1e6
    print(f"驾驶舱 dashboard: {result.html}（{size_mb:.1f} MB，截至 {result.as_of}，"
          f"生成 {result.seconds} 秒）")
    if result.static.pdf is not None:
        print(f"  打印版 PDF: {out_dir / result.static.pdf.name}（{len(result.static.pngs)} 页）；"
              f"PNG: {out_dir}/*.png")
    else:
        print(f"  {result.static.message}")


def cmd_finalize(args: argparse.Namespace) -> int:
    from pipelines.lib.settings import get_settings
    from pipelines.publish.finalize import FinalisedYearError, finalize, verify

    settings = get_settings()
    if args.verify:
        changed = verify(settings, args.year)
        for name in changed:
            print(f"  与定稿清单不符 differs from the manifest: {name}")
        verdict = "完好 (intact)" if not changed else f"有 {len(changed)} 个文件不符"
        print(f"{args.year} 年定稿发布{verdict}")
        return 1 if changed else 0
    if not args.reason:
        print("定稿须写明理由：--reason \"…\"", file=sys.stderr)
        return 2
    try:
        record = finalize(settings, args.year, args.reason, by=args.by,
                          rebuild_dashboard=lambda status: rebuild_live(
                              settings, args.year, not args.html_only, status=status,
                              keep_static=True))
    except FinalisedYearError as err:
        print(err, file=sys.stderr)
        return 1
    print(f"{args.year} 年已定稿：发布 {record['run_id']}，{len(record['manifest'])} 个文件的 SHA-256 "
          f"记入 {settings.year_dir(args.year) / 'final.json'}（{record['finalised_by']}，"
          f"{record['finalised_at']}）")
    return 0


def register(subparsers) -> None:
    final = subparsers.add_parser(
        "finalize", help="定稿: freeze a year's live release (manifest with file hashes, "
                         "who/when/why); later runs leave it alone unless --reopen")
    final.add_argument("--year", type=int, required=True)
    final.add_argument("--reason", help="why (e.g. 年度考核结果经市政府常务会议审定)")
    final.add_argument("--by", help="who finalises (default: ECOSCORE_USER or the login name)")
    final.add_argument("--html-only", action="store_true",
                       help="redraw only the dashboard page with the 定稿 status (PNG/PDF kept)")
    final.add_argument("--verify", action="store_true",
                       help="check the finalised release's files against its manifest")
    final.set_defaults(func=cmd_finalize)
    parser = subparsers.add_parser(
        "dashboard", help="the leadership dashboard as of a date (领导驾驶舱)",
        description="With --as-of: run the pipeline as of that date (and as of the previous month end, "
                    "for the change column) in scratch folders and write data/marts/dashboards/"
                    "<year>-asof-<date>/; the live release is not touched. Without: rebuild the live "
                    "release's dashboard.")
    parser.add_argument("--year", type=int, default=None,
                        help="assessment year (default: --as-of's year, else the newest "
                             "published year)")
    parser.add_argument("--as-of", help="YYYY-MM-DD: data after this date is ignored")
    parser.add_argument("--html-only", action="store_true", help="skip the PNG/PDF export")
    parser.set_defaults(func=cmd_dashboard)
