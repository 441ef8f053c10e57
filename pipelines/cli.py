"""The `ecoscore` command line.

    ecoscore run [--year YEAR] [--as-of YYYY-MM-DD]  the whole pipeline through Dagster
    ecoscore backfill --from YYYY-MM-DD --to YYYY-MM-DD   re-run the months holding those days
    ecoscore paths                                   where the warehouse and marts are

Domain commands live beside their domain (pipelines/<domain>/commands.py) and register
themselves here."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import pkgutil
import re
import sys
from pathlib import Path

from pipelines.lib.settings import Settings, get_settings
from pipelines.run import run_pipeline, year_months  # noqa: F401 (re-exported)


def busy_message(result) -> str | None:
    """The lock's message when the run could not start because another run writes the
    warehouse (the warehouse resource failed to initialise), else None."""
    from pipelines.lib.warehouse import BUSY_MARKER

    for event in result.all_events:
        text = str(event.message or "")
        error = getattr(event.event_specific_data, "error", None)
        while error is not None:
            text += "\n" + (error.message or "")
            error = error.cause
        for line in text.splitlines():
            if BUSY_MARKER in line:
                return line[line.index(BUSY_MARKER):].strip()
    return None


def print_summary(settings: Settings, year: int | None = None) -> None:
    import polars as pl

    from pipelines.publish.release import live_release

    live = live_release(settings, year)
    if live is None:
        print(f"尚无{f' {year} 年' if year else ''}已发布的结果 (nothing published yet)")
        return
    scores = pl.read_parquet(live / "fct_unit_scores.parquet").sort("scheme_code", "score_rank",
                                                                     nulls_last=True)
    from pipelines.lib.console import table
    from pipelines.lib.wording import points

    rows = []
    for r in scores.iter_rows(named=True):
        grade = r["grade"] or ("数据缺失·不排名" if r.get("is_ranked") is False else "")
        note = r.get("grade_note_zh") or ""
        if note.startswith("一票否决"):
            grade += "（一票否决）"
        pending = r.get("pending_items") or 0  # 待核: items that lost a ledger row to quarantine
        missing = (r.get("missing_items") or 0) - pending
        gaps = "  ".join([*([f"数据缺失 {missing} 项"] if missing > 0 else []),
                          *([f"待核 {pending} 项"] if pending else [])])
        rows.append([r["scheme_code"], r["unit_name"], points(r["total_score"]),
                     r["score_rank"] if r["score_rank"] is not None else "—", grade, gaps])
    print()
    print("\n".join(table(["方案 scheme", "单位 unit", "得分 score", "排名 rank", "等次 grade", ""], rows,
                          "llrrll")))
    from pipelines.publish.coverage import coverage_line  # 无数据 per domain (issue 32)
    from pipelines.publish.duties import duty_summary_lines  # duties schemes (seed 002)

    data_line = coverage_line(live, year)
    if data_line:
        print(f"\n{data_line}")
    print("\n".join(duty_summary_lines(live)))
    print(f"\n数仓 warehouse (writer):   {settings.warehouse_path}")
    link = settings.current_release if year is None else settings.year_release(year)
    if not link.exists():  # published before per-year folders
        link = settings.current_release
    print(f"已发布 published release:  {link} -> {live.name}")
    print(f"  Parquet marts:           {link}/*.parquet")
    print(f"  只读数仓 read-only copy: {link}/ecoscore.duckdb")
    print(f"  驾驶舱 dashboard:        {link}/dashboard/index.html")


class ArgumentProblem(ValueError):
    """An argument the command cannot work with: the message names it and what is accepted."""


DATE_FORMAT = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date_argument(name: str, text: str) -> dt.date:
    """A date argument as YYYY-MM-DD and a real day (2024-13-01, 2024/06/30 are refused)."""
    try:
        if not DATE_FORMAT.match(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ArgumentProblem(f"{name} {text}: 不是有效日期，应写成 YYYY-MM-DD（如 2024-06-30）"
                              " (expected a real date as YYYY-MM-DD)") from None


def scheme_years(settings: Settings) -> list[int]:
    """The assessment years with a scheme in data/raw/schemes."""
    from pipelines.lib.files import read_yaml
    from pipelines.lib.names import scheme_files

    years = set()
    for path in scheme_files(settings.raw_dir / "schemes").values():
        year = (read_yaml(path).get("scheme") or {}).get("year")
        if isinstance(year, int):
            years.add(year)
    return sorted(years)


def check_year(settings: Settings, year: int, name: str = "--year") -> None:
    years = scheme_years(settings)
    if year not in years:
        listed = "、".join(map(str, years)) or "无（data/raw/schemes 中没有方案）"
        raise ArgumentProblem(f"{name} {year}: 没有该年度的考核方案，可选年度: {listed} "
                              f"(no scheme for {year}; years with a scheme: {listed})")


def check_as_of(text: str, year: int) -> str:
    """--as-of: a real date, inside the assessment year, not after today (Beijing)."""
    from pipelines.lib.calendar import beijing_date

    day = parse_date_argument("--as-of", text)
    today = beijing_date()
    if day > today:
        raise ArgumentProblem(f"--as-of {text}: 晚于今天 {today}，截止日期应在今天或之前 "
                              "(as-of is in the future)")
    if day.year != year:
        raise ArgumentProblem(f"--as-of {text}: 不在考核年度 {year} 年内，应为 {year}-01-01 至 "
                              f"{min(today, dt.date(year, 12, 31))} 之间的日期 (as-of outside the year)")
    return day.isoformat()


def select_shard(key: str, year: int) -> tuple[Settings | None, str | None]:
    """The settings of one shard of the registry, or the problem when the shard is unknown or
    its data folder does not hold exactly its schemes."""
    from pipelines.scheme.shards import ShardRegistryError, check_schemes, load_registry

    try:
        shard = load_registry().shard(key)
        problems = check_schemes(shard, year)
    except (ShardRegistryError, ValueError) as err:
        return None, str(err)
    if problems:
        return None, "\n".join(problems)
    return shard.settings, None


def cmd_run(args: argparse.Namespace) -> int:
    from pipelines.lib.calendar import current_year

    settings = get_settings()
    if getattr(args, "shard", None):
        settings, problem = select_shard(args.shard, args.year or current_year())
        if problem:
            print(problem, file=sys.stderr)
            return 2
    year = args.year or current_year()
    check_year(settings, year)
    as_of = check_as_of(args.as_of, year) if args.as_of else ""
    return run_and_report(settings, year=year, as_of=as_of,
                          full_refresh=getattr(args, "full_refresh", False),
                          reopen_reason=args.reason if args.reopen else None,
                          verbose=getattr(args, "verbose", False),
                          reuse=not getattr(args, "force", False))


def cmd_backfill(args: argparse.Namespace) -> int:
    from pipelines.lib.partitions import month_key

    first = parse_date_argument("--from", args.from_date)
    last = parse_date_argument("--to", args.to_date)
    if first > last:
        raise ArgumentProblem(f"--from {first} 晚于 --to {last}，--from 应不晚于 --to (from is after to)")
    settings = get_settings()
    check_year(settings, args.year or last.year, "--year" if args.year else "--to")
    months = (month_key(first), month_key(last))
    print(f"重算月份 re-running months {months[0]} … {months[1]} in one run")
    return run_and_report(settings, year=args.year or last.year, as_of="", months=months,
                          full_refresh=args.full_refresh, verbose=getattr(args, "verbose", False))


def cmd_history(args: argparse.Namespace) -> int:
    """`ecoscore history`: a run that scores every month end of the year not recorded yet
    (month ends `all` for this run, whatever ECOSCORE_MONTH_ENDS says), or, with --rebuild,
    every month end again."""
    from pipelines.lib.calendar import current_year
    from pipelines.publish import history

    year = args.year or current_year()
    settings = get_settings()
    if args.rebuild and settings.warehouse_path.exists():
        print(f"{year} 年的月末得分将全部重新计算 (every month end of {year} is scored again)")
        history.forget_month_ends(settings, year)
    return run_and_report(settings, year=year, as_of="", month_ends="all",
                          verbose=getattr(args, "verbose", False))


def run_and_report(settings: Settings, year: int, as_of: str,
                   months: tuple[str, str] | None = None,
                   full_refresh: bool = False, reopen_reason: str | None = None,
                   verbose: bool = False, reuse: bool = False, month_ends: str = "") -> int:
    """Run the pipeline under a console session: stage lines, then warnings or the error block,
    the log file's path, and the scores table with where the results are. With `reuse`, a plain
    run (no as-of, months, full refresh or reopening) whose year was last published by
    `ecoscore run` from the very same inputs, code and date computes nothing again.
    `month_ends`: which month ends the run scores (all / latest / off; default
    ECOSCORE_MONTH_ENDS, pipelines/publish/history.py)."""
    from pipelines.lib import console
    from pipelines.publish.finalize import FinalisedYearError, guard_publish
    from pipelines.run import remember_run, run_fingerprint, up_to_date_release

    try:  # a finalised year: refuse before computing anything (the publish step checks again)
        guard_publish(settings, year, reopen_reason is not None, reopen_reason or "")
    except FinalisedYearError as err:
        print(err, file=sys.stderr)
        return 4
    plain = not (as_of or months or full_refresh or reopen_reason is not None or month_ends)
    fingerprint = run_fingerprint(settings, year, as_of) if plain else None
    same = up_to_date_release(settings, year, fingerprint) if fingerprint and reuse else None
    if same:
        print(f"{year} 年结果已是最新 (up to date): 输入文件、代码和日期与上次发布 {same} 相同，"
              "未重新计算 (nothing changed since; `ecoscore run --force` computes again)")
        print_summary(settings, year)
        return 0
    with console.session(settings.logs_dir, "backfill" if months else "run", verbose) as current:
        code, result, message = run_guarded(settings, year, as_of, months, full_refresh,
                                            reopen_reason, month_ends)
        report_run(settings, current, year, code, result, message)
    if code == 0 and fingerprint:
        remember_run(settings, year, fingerprint, result.run_id)
    if code in (0, 1):
        print_summary(settings, year)
    return code


def run_guarded(settings: Settings, year: int, as_of: str, months: tuple[str, str] | None,
                full_refresh: bool, reopen_reason: str | None, month_ends: str = ""):
    """(exit code, Dagster result or None, message): 0 published, 1 failed, 3 another run
    writes the warehouse, 128+n stopped by signal n."""
    import signal

    from pipelines.lib.interrupts import stop_signal, watch_for_stop
    from pipelines.lib.warehouse import WarehouseBusyError

    result = None
    with watch_for_stop():  # a SIGTERM / Ctrl-C anywhere in the run: nothing is published
        try:
            result = run_pipeline(settings, year, as_of, months=months, full_refresh=full_refresh,
                                  reopen_reason=reopen_reason, month_ends=month_ends)
        except WarehouseBusyError as err:
            return 3, None, str(err)
        except KeyboardInterrupt:
            pass
        stopped = stop_signal()
    if stopped is not None or result is None:
        number = stopped or int(signal.SIGINT)
        return 128 + number, None, (f"运行被中止 (run stopped by {signal.Signals(number).name}); "
                                    "未发布，上次发布的结果保持不变 (nothing published, last "
                                    "published results kept).")
    busy = None if result.success else busy_message(result)
    if busy:
        return 3, result, busy
    return (0 if result.success else 1), result, ""


def report_run(settings: Settings, current, year: int, code: int, result, message: str) -> None:
    """Warnings (counted) of a published run, or the one error block of a failed one."""
    from pipelines.lib.console import error_block
    from pipelines.quality.summary import failure_lines, has_blocking_findings, warning_items

    renderer, log = current.renderer, current.log_path
    if code == 0:
        for source, text in warning_items(settings, result.run_id):
            renderer.warn(source, text)
        report = settings.year_release(year) / "quality" / "index.html"
        if renderer.warnings and report.exists():
            renderer.notes.append(f"数据质量报告 quality report: {report}")
        return
    if code != 1:
        todo = ("等另一个运行结束后再运行 (wait for the other run to finish, then run again)"
                if code == 3 else f"重新运行 ecoscore run --year {year} (run again)")
        renderer.error(error_block(message, [], todo, log))
        return
    dbt_errors = current.last_watcher.dbt_errors if current.last_watcher else []
    causes = failure_lines(settings, result) + [f"  dbt: {line}" for line in dbt_errors[:12]]
    todo = ("改正上面列出的文件、行、列，再运行 ecoscore run (fix the listed file rows and "
            "columns, then run again)" if has_blocking_findings(settings, result.run_id) else
            "按上面的原因改正（完整报错见日志），再运行 (fix the cause above, the log has the "
            "full error, then run again)")
    renderer.error(error_block("运行失败 run failed; 上次发布的结果保持不变 (last published "
                               "results kept)", causes, todo, log))


def cmd_paths(args: argparse.Namespace) -> int:
    settings = get_settings()
    print(f"data:      {settings.data_dir}\nwarehouse: {settings.warehouse_path}\n"
          f"marts:     {settings.current_release}")
    return 0


def domain_command_modules() -> list[str]:
    """pipelines/<domain>/commands.py modules, each with register(subparsers)."""
    import pipelines

    names = []
    for info in pkgutil.iter_modules(pipelines.__path__):
        if info.ispkg and (Path(pipelines.__path__[0]) / info.name / "commands.py").exists():
            names.append(f"pipelines.{info.name}.commands")
    return sorted(names)


def add_verbose(parser: argparse.ArgumentParser) -> None:
    """-v: stream Dagster's and dbt's logs to the terminal as well as to the run's log file."""
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="终端同时显示运行日志 (also stream Dagster's and dbt's logs here; they "
                             "always go to the log file under <data>/logs/)")


class Parser(argparse.ArgumentParser):
    """argparse with -h said in Chinese and English (every subcommand's parser is one too:
    add_subparsers makes its parsers of the parent's class)."""

    def __init__(self, *args, **kwargs):
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="显示本说明 (show this help and exit)")

    def error(self, message: str):  # type: ignore[override]
        """argparse's errors as one line (`ecoscore run: argument --year: …`) and exit 2, as
        every other invalid argument (issue 31)."""
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(2)


DESCRIPTION = """生态环境保护目标责任考核计分 (ecoscore: scores of an ecological-protection
responsibility scheme).

常用 common:
  ecoscore run --year 2024                    计算并发布一个考核年度 (compute and publish a year)
  ecoscore dashboard --year 2024 --as-of 2024-09-30   截至某日的驾驶舱 (the dashboard as of a date)
  ecoscore export --year 2024                 考核结果表与考核通报 (the workbook and the 通报)
  ecoscore explain --unit 资源县 --item 21.2.1 一项指标的得分说明 (why an item scored so)

每个子命令 -h 查看说明 (each command's -h tells more)."""


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="ecoscore", description=DESCRIPTION,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="计算并发布一个考核年度：读取数据 → 计分 → 发布 "
                                     "(run the whole pipeline)")
    run.add_argument("--year", type=int, default=None,
                     help="考核年度，默认北京时间的本年 (assessment year; default: the current year)")
    run.add_argument("--as-of", help="截至日期 YYYY-MM-DD，此后的数据不计入 (ignore data after this date)")
    run.add_argument("--force", action="store_true",
                     help="即使输入未变也重新计算 (compute again even when the release is up to date)")
    run.add_argument("--full-refresh", action="store_true",
                     help="从头重建逐时空气数据表 (rebuild the incremental air models from scratch)")
    run.add_argument("--reopen", action="store_true",
                     help="重新发布已定稿的年度，须写明 --reason (republish a finalised year; recorded)")
    run.add_argument("--reason", default="", help="重新打开定稿年度的理由 (why a finalised year is reopened)")
    add_verbose(run)
    run.add_argument("--shard", help="只运行一个考核主体（data/shards.yaml 中的键）"
                                     "(run one shard of the registry)")
    run.set_defaults(func=cmd_run)
    backfill = sub.add_parser("backfill", help="重算某一日期范围所在的月份，并更新下游结果 "
                                               "(re-run the months holding a date range)")
    backfill.add_argument("--from", dest="from_date", required=True, help="起始日期 YYYY-MM-DD (from)")
    backfill.add_argument("--to", dest="to_date", required=True, help="截止日期 YYYY-MM-DD (to)")
    backfill.add_argument("--year", type=int,
                          help="考核年度，默认 --to 的年份 (assessment year; default: --to's)")
    backfill.add_argument("--full-refresh", action="store_true",
                          help="从头重建逐时空气数据表 (rebuild the incremental air models from scratch)")
    add_verbose(backfill)
    backfill.set_defaults(func=cmd_backfill)
    months = sub.add_parser("history", help="补算本年度尚未记录的各月末得分（fct_unit_score_monthly）"
                                            "并发布；--rebuild 全部重算 (score every month end of "
                                            "the year not recorded yet, then publish)")
    months.add_argument("--year", type=int,
                        help="考核年度，默认当年 (assessment year; default: the current year)")
    months.add_argument("--rebuild", action="store_true",
                        help="先清除本年度已记录的月末得分，全部重算（方案更正之后） "
                             "(forget the year's recorded month ends first)")
    add_verbose(months)
    months.set_defaults(func=cmd_history)
    paths = sub.add_parser("paths", help="显示数仓和发布结果的位置 (print where the warehouse and marts are)")
    paths.set_defaults(func=cmd_paths)
    for module in domain_command_modules():
        importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Every invalid argument exits 2 with one line naming it and what is accepted, before any
    pipeline work (issue 31): argparse's own errors (Parser.error) and the commands' checks
    (ArgumentProblem)."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ArgumentProblem as err:
        print(f"ecoscore {args.command}: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
