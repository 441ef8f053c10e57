"""The `ecoscore` command line.

    ecoscore run --year 2024 [--as-of 2024-09-30]   the whole pipeline through Dagster
    ecoscore paths                                   where the warehouse and marts are

Domain commands live beside their domain (pipelines/<domain>/commands.py) and register
themselves here."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from pathlib import Path

from pipelines.lib.settings import PROJECT_ROOT, Settings, export_environment, get_settings


def prepare_dagster_home() -> None:
    """Use the project's dagster.yaml and keep instance storage inside the project."""
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT))
    storage = os.environ.setdefault("ECOSCORE_DAGSTER_STORAGE",
                                    str(PROJECT_ROOT / ".dagster_home"))
    Path(storage).mkdir(parents=True, exist_ok=True)


def run_pipeline(settings: Settings, year: int, as_of: str = "", ephemeral: bool = False):
    """Materialise every asset in one in-process Dagster run; returns the run result."""
    import dagster as dg

    from pipelines.definitions import build_definitions
    from pipelines.lib.resources import RunParameters, WarehouseResource
    from pipelines.lib.warehouse import writer_lock

    export_environment(settings)
    defs = build_definitions(RunParameters(year=year, as_of=as_of),
                             WarehouseResource.for_settings(settings))
    job = defs.resolve_job_def("ecoscore_all")
    with writer_lock(settings):
        if ephemeral:
            return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(),
                                          raise_on_error=False)
        prepare_dagster_home()
        with dg.DagsterInstance.get() as instance:
            return job.execute_in_process(instance=instance, raise_on_error=False)


def print_summary(settings: Settings) -> None:
    import polars as pl

    from pipelines.publish.release import live_release

    live = live_release(settings)
    if live is None:
        print("尚无已发布的结果 (nothing published yet)")
        return
    scores = pl.read_parquet(live / "fct_unit_scores.parquet").sort("scheme_code", "score_rank")
    print(f"\n{'方案 scheme':<16} {'单位 unit':<14} {'得分 score':>10} {'排名 rank':>8}  等次 grade")
    for r in scores.iter_rows(named=True):
        print(f"{r['scheme_code']:<16} {r['unit_name']:<14} {float(r['total_score']):>10.2f} "
              f"{r['score_rank']:>8}  {r['grade'] or ''}")
    print(f"\n数仓 warehouse (writer):   {settings.warehouse_path}")
    print(f"已发布 published release:  {settings.current_release} -> {live.name}")
    print(f"  Parquet marts:           {settings.current_release}/*.parquet")
    print(f"  只读数仓 read-only copy: {settings.current_release}/ecoscore.duckdb")
    print(f"  驾驶舱 dashboard:        {settings.current_release}/dashboard/index.html")


def cmd_run(args: argparse.Namespace) -> int:
    from pipelines.lib.warehouse import WarehouseBusyError

    settings = get_settings()
    try:
        result = run_pipeline(settings, args.year, args.as_of or "")
    except WarehouseBusyError as err:
        print(err, file=sys.stderr)
        return 3
    if not result.success:
        from pipelines.quality.summary import failure_lines

        print("\n运行失败 (run failed); 上次发布的结果保持不变 (last published results kept).",
              file=sys.stderr)
        print("\n".join(failure_lines(settings, result)), file=sys.stderr)
        print_summary(settings)
        return 1
    print_summary(settings)
    return 0


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ecoscore", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the whole pipeline (ingest → dbt → publish)")
    run.add_argument("--year", type=int, default=2024)
    run.add_argument("--as-of", help="YYYY-MM-DD: ignore data after this date")
    run.set_defaults(func=cmd_run)
    paths = sub.add_parser("paths", help="print where the warehouse and marts are")
    paths.set_defaults(func=cmd_paths)
    for module in domain_command_modules():
        importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
