"""CLI of the publish domain.

    ecoscore dashboard [--year YEAR] --as-of YYYY-MM-DD   the dashboard as of a date
    ecoscore dashboard [--year YEAR]                       rebuild a live release's dashboard
    ecoscore export --year YEAR [--scheme S] [--as-of D] [--release RUN] [-o DIR]
                                                           the Excel workbook and Word report"""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import date
from pathlib import Path


def cmd_dashboard(args: argparse.Namespace) -> int:
    from pipelines.lib.settings import get_settings
    from pipelines.publish.dashboard.asof import AsOfRunError, build_as_of

    settings = get_settings()
    try:
        args.year, as_of = year_and_as_of(settings, args.year, args.as_of)
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    if args.year is None:
        print("尚无已发布的结果：先运行 ecoscore run --year YEAR", file=sys.stderr)
        return 1
    if as_of is None:
        return rebuild_live(settings, args.year, not args.html_only)
    from pipelines.lib import console

    made = None
    with console.session(settings.logs_dir, "dashboard", getattr(args, "verbose", False)) as current:
        try:
            made = build_as_of(settings, args.year, as_of, static=not args.html_only)
        except AsOfRunError as err:
            current.renderer.error(console.error_block(
                str(err), [], f"看日志中失败的步骤，改正后再运行 ecoscore dashboard --as-of {as_of} "
                "(the log names the failed step)", current.log_path))
    if made is None:
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
    from pipelines.publish.dashboard.data import data_as_of
    from pipelines.publish.release import live_release

    live = live_release(settings, year)
    if live is None:
        print(f"尚无 {year} 年已发布的结果：先运行 ecoscore run --year {year}", file=sys.stderr)
        return 1
    record_file = live / "release.json"
    record = json.loads(record_file.read_text(encoding="utf-8")) if record_file.exists() else {}
    as_of = record.get("as_of") or ""
    found = published_previous_scores(settings, live, year, data_as_of(live, year, as_of))
    fresh, current, old = live / "dashboard.new", live / "dashboard", live / "dashboard.old"
    for stale in (fresh, old):
        shutil.rmtree(stale, ignore_errors=True)
    result = build_dashboard(live, title_for(year, as_of), year=year, as_of=as_of, static=static,
                             out_dir=fresh, previous=found[0] if found else None,
                             previous_label=previous_label(found[1]) if found else "",
                             status=status or status_zh(settings, year),
                             figure_cache=settings.figure_cache)
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


def pdf_pages(path) -> int:
    import pikepdf

    with pikepdf.Pdf.open(path) as pdf:
        return len(pdf.pages)


def report(result, out_dir) -> None:
    size_mb = result.html.stat().st_size / 1e6
    print(f"驾驶舱 dashboard: {result.html}（{size_mb:.1f} MB，截至 {result.as_of}，"
          f"生成 {result.seconds} 秒）")
    if result.static.pdf is not None:
        pdf = out_dir / result.static.pdf.name
        print(f"  打印版 PDF: {pdf}（A4，{pdf_pages(pdf)} 页）；"
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


def year_and_as_of(settings, year: int | None, text: str | None) -> tuple[int | None, date | None]:
    """The assessment year and as-of date of a command: --year as given, else the as-of date's
    year, else the newest published year (None when nothing is published); never a fixed year.
    Raises ValueError with the message to print for a bad date or one outside the year."""
    as_of = None
    if text:
        try:
            as_of = date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"--as-of 应为 YYYY-MM-DD，收到 {text!r}") from None
    year = year or (as_of.year if as_of else newest_published_year(settings))
    if as_of is not None and as_of.year != year:
        raise ValueError(f"--as-of {as_of} 不在考核年度 {year} 内")
    return year, as_of


def cmd_export(args: argparse.Namespace) -> int:
    """Write 考核结果_<scheme>_<year>.xlsx and 考核通报_<scheme>_<year>.docx for a release or
    for an as-of date."""
    from pipelines.lib.names import UnknownNameError, resolve, scheme_file_choices
    from pipelines.lib.settings import get_settings

    settings = get_settings()
    try:
        args.year, as_of = year_and_as_of(settings, args.year, args.as_of)
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    if args.year is None:
        print("尚无已发布的结果：先运行 ecoscore run --year YEAR，或用 --year 指定年度", file=sys.stderr)
        return 1
    try:  # a scheme's code or Chinese name
        schemes = [resolve(args.scheme, scheme_file_choices(settings.raw_dir / "schemes"), "scheme")] \
            if args.scheme else None
    except UnknownNameError as err:
        print(err, file=sys.stderr)
        return 2
    try:
        if as_of is not None:
            made = export_as_of(settings, args.year, as_of, schemes, args.output)
        else:
            made = export_release(settings, args.year, args.release, schemes, args.output)
    except (FileNotFoundError, ValueError, RuntimeError) as err:
        print(err, file=sys.stderr)
        return 1
    for files in made:
        print(f"{files.scheme_code}: {files.workbook}")
        print(f"{' ' * len(files.scheme_code)}  {files.report}"
              + ("" if files.chart else "（未插入排名图：驾驶舱未导出 PNG，见 make browser）"))
    return 0


def export_release(settings, year: int, run_id: str | None, schemes: list[str] | None, output: str | None):
    """From the live release (or a kept one, --release): into -o DIR, else the release's own
    office/ folder, replaced in one step."""
    import json

    from pipelines.publish.dashboard.data import data_as_of
    from pipelines.publish.office import OFFICE_DIR, build_office_files
    from pipelines.publish.release import live_release

    release = settings.releases_dir / run_id if run_id else live_release(settings, year)
    if release is None or not release.is_dir():
        raise FileNotFoundError(f"没有可用的发布结果{('：' + str(release)) if release else ''}。"
                                "先运行 ecoscore run --year YEAR，"
                                "或用 --release 指定 data/marts/releases/ 下的运行编号。")
    record_file = release / "release.json"
    record = json.loads(record_file.read_text(encoding="utf-8")) if record_file.exists() else {}
    as_of = data_as_of(release, year, record.get("as_of") or "")
    if output:
        return build_office_files(release, year, as_of, Path(output), record=record, schemes=schemes)
    fresh, current, old = release / f"{OFFICE_DIR}.new", release / OFFICE_DIR, release / f"{OFFICE_DIR}.old"
    for stale in (fresh, old):
        shutil.rmtree(stale, ignore_errors=True)
    if schemes and current.exists():  # the other schemes' files stay
        shutil.copytree(current, fresh)
    made = build_office_files(release, year, as_of, fresh, record=record, schemes=schemes)
    if current.exists():
        current.rename(old)
    fresh.rename(current)
    shutil.rmtree(old, ignore_errors=True)
    for files in made:
        files.workbook, files.report = current / files.workbook.name, current / files.report.name
    return made


def export_as_of(settings, year: int, as_of: date, schemes: list[str] | None, output: str | None):
    """Run the pipeline as of a date in a scratch folder (published results untouched) and write
    the files into -o DIR, else beside the as-of dashboard: data/marts/dashboards/<year>-asof-<D>/office/."""
    from pipelines.publish.dashboard.asof import asof_dir, release_as_of
    from pipelines.publish.office import OFFICE_DIR, build_office_files

    name = f"export-asof-{as_of}"
    release, _ = release_as_of(settings, year, as_of, name)
    out = Path(output) if output else asof_dir(settings, year, as_of) / OFFICE_DIR
    made = build_office_files(release, year, as_of, out, record={"as_of": as_of.isoformat()},
                              schemes=schemes)
    for files in made:  # the chart lives in the scratch release; keep a copy beside the files
        if files.chart is not None:
            files.chart = Path(shutil.copy2(files.chart, out / f"排名图_{files.scheme_code}.png"))
    shutil.rmtree(settings.data_dir / "scratch" / name, ignore_errors=True)
    return made


def register(subparsers) -> None:
    final = subparsers.add_parser(
        "finalize", help="定稿：冻结一个年度的发布结果，记录文件指纹、定稿人和理由 "
                         "(freeze a year's live release)")
    final.add_argument("--year", type=int, required=True)
    final.add_argument("--reason", help="定稿理由，如 年度考核结果经市政府常务会议审定 (why)")
    final.add_argument("--by", help="定稿人，默认 ECOSCORE_USER 或登录名 (who finalises)")
    final.add_argument("--html-only", action="store_true",
                       help="redraw only the dashboard page with the 定稿 status (PNG/PDF kept)")
    final.add_argument("--verify", action="store_true",
                       help="check the finalised release's files against its manifest")
    final.set_defaults(func=cmd_finalize)
    parser = subparsers.add_parser(
        "dashboard", help="领导驾驶舱：重建本年度的，或截至某日的 (the leadership dashboard, as of a date)",
        description="With --as-of: run the pipeline as of that date (and as of the previous month end, "
                    "for the change column) in scratch folders and write data/marts/dashboards/"
                    "<year>-asof-<date>/; the live release is not touched. Without: rebuild the live "
                    "release's dashboard.")
    parser.add_argument("--year", type=int, default=None,
                        help="assessment year (default: --as-of's year, else the newest "
                             "published year)")
    parser.add_argument("--as-of", help="截至日期 YYYY-MM-DD，此后的数据不计入 (ignore later data)")
    parser.add_argument("--html-only", action="store_true", help="只生成网页，不导出 PNG/PDF "
                                                                 "(skip the PNG/PDF export)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="with --as-of: also stream Dagster's and dbt's logs here (they always "
                             "go to the log file)")
    parser.set_defaults(func=cmd_dashboard)
    export = subparsers.add_parser(
        "export", help="生成考核结果表（Excel）和考核通报（Word）(the workbook and the 通报)",
        description="Writes 考核结果_<scheme>_<year>.xlsx and 考核通报_<scheme>_<year>.docx from the "
                    "published marts: by default into the live release's office/ folder; with --as-of, "
                    "runs the pipeline as of that date in a scratch folder and writes them into "
                    "data/marts/dashboards/<year>-asof-<date>/office/.")
    export.add_argument("--year", type=int, default=None,
                        help="assessment year (default: --as-of's year, else the newest published year)")
    export.add_argument("--scheme", help="one scheme, code or Chinese name (default: every scheme "
                                         "of the year)")
    export.add_argument("--as-of", help="截至日期 YYYY-MM-DD (the results as of that date)")
    export.add_argument("--release",
                        help="a kept release (run id under data/marts/releases/); default the live one")
    export.add_argument("-o", "--output", help="输出目录 (output folder)")
    export.set_defaults(func=cmd_export)
