"""`ecoscore province …`: the shards of data/shards.yaml side by side, then the province view.

    ecoscore province shards                     the registry: keys, schemes, folders, releases
    ecoscore province run [--year Y] [--shard K …] [--parallel N]
                                                 each shard's run as its own process (its own
                                                 warehouse, lock and release; recorded in the
                                                 Dagster instance), then the rollup
    ecoscore province rollup [--year Y]          the province view alone
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pipelines.scheme.shards import Registry, ShardRegistryError, check_schemes, load_registry


def cmd_shards(args: argparse.Namespace) -> int:
    from pipelines.publish.release import published_years

    try:
        registry = load_registry()
    except (ShardRegistryError, ValueError) as err:
        print(err, file=sys.stderr)
        return 2
    print(f"分片登记 registry: {registry.path}\n省级汇总 province: {registry.province_dir}")
    for shard in registry.shards:
        years = ", ".join(map(str, published_years(shard.settings))) or "—"
        print(f"\n{shard.key}  {shard.name} ({shard.level})  方案 schemes: "
              f"{', '.join(shard.schemes)}\n  data:      {shard.data_dir}\n"
              f"  warehouse: {shard.warehouse}\n  releases:  {shard.releases} (years: {years})")
    return 0


def shard_command(key: str, year: int) -> list[str]:
    return [sys.executable, "-m", "pipelines.cli", "run", "--shard", key, "--year", str(year)]


def run_shard(registry: Registry, key: str, year: int, log_dir: Path) -> tuple[str, int, float]:
    """One shard's `ecoscore run` as a child process (output to its log file)."""
    from pipelines.province.rollup import record_shard_run

    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{year}-{key}.log"
    started = time.monotonic()
    with open(log, "w", encoding="utf-8") as out:
        code = subprocess.call(shard_command(key, year), stdout=out, stderr=subprocess.STDOUT,
                               env={**os.environ, "ECOSCORE_SHARDS": str(registry.path)})
    seconds = time.monotonic() - started
    record_shard_run(registry, key, year, ok=code == 0, exit_code=code, seconds=seconds)
    return key, code, seconds


def run_shards(registry: Registry, keys: list[str], year: int,
               parallel: int) -> list[tuple[str, int, float]]:
    log_dir = registry.province_dir / "logs"
    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        return list(pool.map(lambda k: run_shard(registry, k, year, log_dir), keys))


def rollup(year: int, instance=None) -> int:
    """The province_rollup job in process (recorded in the project's Dagster instance)."""
    from pipelines.dbt.project import prepare
    from pipelines.run import dagster_instance

    prepare()
    from pipelines.definitions import build_definitions

    job = build_definitions(year=year).resolve_job_def("province_rollup")
    tags = {"ecoscore/year": str(year)}
    if instance is None:
        with dagster_instance() as instance:
            result = job.execute_in_process(instance=instance, raise_on_error=False, tags=tags)
    else:
        result = job.execute_in_process(instance=instance, raise_on_error=False, tags=tags)
    return 0 if result.success else 1


def print_province(registry: Registry, year: int) -> None:
    import duckdb

    from pipelines.province.rollup import year_release

    link = year_release(registry, year)
    if not link.exists():
        print(f"尚无 {year} 年省级汇总 (no province view yet)")
        return
    from pipelines.lib.console import table
    from pipelines.lib.wording import points

    con = duckdb.connect()
    shards = con.execute(f"select shard_name, completeness_pct, state_zh from "
                         f"'{link}/province_shard_status.parquet' order by shard_key").fetchall()
    print()
    print("\n".join(table(["考核主体", "完整率%", "状态"], [list(r) for r in shards], "lrl")))
    units = con.execute(f"select rank_in_province, unit_name, shard_name, score_rate, grade from "
                        f"'{link}/province_unit_ranking.parquet' "
                        "order by rank_in_province nulls last, unit_name").fetchall()
    print()
    print("\n".join(table(["全省名次", "县（区）", "所属市", "得分率%", "等次"],
                          [[rank, unit, city, points(rate), grade]
                           for rank, unit, city, rate, grade in units],
                          "rllrl")))
    print("（各市方案不同：全省名次按等次、再按得分率排，仅供参考）")
    print(f"\n省级汇总 province view: {link} -> {link.resolve().name}\n"
          f"  页面 page: {link}/index.html")


def cmd_run(args: argparse.Namespace) -> int:
    from pipelines.dbt.project import prepare
    from pipelines.lib.calendar import current_year

    year = args.year or current_year()
    try:
        registry = load_registry()
        keys = args.shard or registry.keys
        problems = [p for k in keys for p in check_schemes(registry.shard(k), year)]
    except (ShardRegistryError, ValueError) as err:
        print(err, file=sys.stderr)
        return 2
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    # the children share this process's Dagster instance (the same environment: SQLite here, or
    # PostgreSQL) and its dbt manifest, prepared once here, not by each child. The instance is
    # opened before they start — opening it creates its storage's tables, which two children
    # creating at once collide on (PostgreSQL: type "snapshots" already exists) — and records the
    # rollup after them.
    prepare()
    from pipelines.run import dagster_instance

    parallel = args.parallel or len(keys)
    print(f"{year} 年 {len(keys)} 个考核主体，最多 {parallel} 个同时运行: {', '.join(keys)}")
    with dagster_instance() as instance:
        started = time.monotonic()
        outcomes = run_shards(registry, keys, year, parallel)
        for key, code, seconds in outcomes:
            state = "成功 ok" if code == 0 else f"失败 failed (exit {code}); 上次发布的结果保持不变"
            print(f"  {key:<10} {seconds:7.1f} s  {state}  log: "
                  f"{registry.province_dir / 'logs' / f'{year}-{key}.log'}")
        print(f"分片运行共 {time.monotonic() - started:.1f} s (shards, wall clock)")
        code = rollup(year, instance)
    print_province(registry, year)
    failed = [k for k, c, _ in outcomes if c != 0]
    return 1 if failed or code else 0


def cmd_rollup(args: argparse.Namespace) -> int:
    from pipelines.lib.calendar import current_year

    year = args.year or current_year()
    try:
        registry = load_registry()
    except (ShardRegistryError, ValueError) as err:
        print(err, file=sys.stderr)
        return 2
    code = rollup(year)
    print_province(registry, year)
    return code


def register(sub: argparse._SubParsersAction) -> None:
    province = sub.add_parser("province", help="省级汇总：各考核主体并行计算，再汇总 "
                                               "(shards side by side, the province view)")
    inner = province.add_subparsers(dest="province_command", required=True)
    shards = inner.add_parser("shards", help="列出各考核主体及其目录 (list the shards and their folders)")
    shards.set_defaults(func=cmd_shards)
    run = inner.add_parser("run", help="并行运行各考核主体，再做省级汇总 (run every shard, then the rollup)")
    run.add_argument("--year", type=int, help="考核年度，默认本年 (assessment year)")
    run.add_argument("--shard", action="append", help="只运行这个考核主体，可重复 "
                                                      "(only this shard; repeatable)")
    run.add_argument("--parallel", type=int, default=0,
                     help="shards run at the same time (default: all of them)")
    run.set_defaults(func=cmd_run)
    roll = inner.add_parser("rollup", help="用各考核主体已发布的结果做省级汇总 "
                                           "(the province view from the shards' releases)")
    roll.add_argument("--year", type=int, help="考核年度，默认本年 (assessment year)")
    roll.set_defaults(func=cmd_rollup)
