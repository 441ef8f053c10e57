"""Province scale (issue 22): shards by assessing government, the province rollup, the Dagster
instance on PostgreSQL. The registry, job and rollup tests read the session's sample run; one
test (test_postgres_two_shards_in_parallel_and_a_failing_shard) runs two shards for real."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest
import yaml

from pipelines.lib.settings import PROJECT_ROOT, Settings
from pipelines.province.rollup import record_shard_run, roll_up, year_release
from pipelines.scheme.shards import (
    SHARD_TAG,
    ShardRegistryError,
    check_schemes,
    load_registry,
)

BUNDLED = PROJECT_ROOT / "data" / "shards.yaml"

POSTGRES_URL_ENV = "ECOSCORE_DAGSTER_POSTGRES_URL"  # deploy/postgres/dagster.yaml reads it


def write_registry(root: Path, shards: list[dict]) -> Path:
    path = root / "shards.yaml"
    path.write_text(yaml.safe_dump({"shards": shards}, allow_unicode=True), encoding="utf-8")
    return path


def test_bundled_registry_has_two_governments_with_their_own_files():
    registry = load_registry(BUNDLED)
    assert registry.keys == ["qinzhou", "guilin"]
    qinzhou, guilin = registry.shards
    assert qinzhou.schemes == ("qinzhou_2024",) and guilin.schemes == ("ziyuan_2024",)
    assert qinzhou.warehouse != guilin.warehouse and qinzhou.releases != guilin.releases
    assert qinzhou.settings.lock_path != guilin.settings.lock_path
    # the default layout is not a shard: its warehouse and releases are none of theirs
    default = Settings(data_dir=PROJECT_ROOT / "data")
    assert default.warehouse_path not in {qinzhou.warehouse, guilin.warehouse}
    assert default.marts_dir not in {qinzhou.releases, guilin.releases}
    for shard in registry.shards:  # each data folder holds exactly its schemes
        assert check_schemes(shard, 2024) == []


def test_registry_refuses_two_shards_on_one_warehouse(tmp_path: Path):
    path = write_registry(tmp_path, [
        {"key": "a", "name": "甲市", "schemes": ["a_2024"], "data": "a",
         "warehouse": "shared.duckdb"},
        {"key": "b", "name": "乙市", "schemes": ["b_2024"], "data": "b",
         "warehouse": "shared.duckdb"}])
    with pytest.raises(ShardRegistryError, match="warehouse"):
        load_registry(path)


def test_registry_refuses_unknown_fields_and_bad_keys(tmp_path: Path):
    path = write_registry(tmp_path, [{"key": "a", "name": "甲", "schemes": ["x"], "data": "a",
                                      "warehous": "typo.duckdb"}])
    with pytest.raises(ShardRegistryError, match="warehous"):
        load_registry(path)
    path = write_registry(tmp_path, [{"key": "default", "name": "甲", "schemes": ["x"],
                                      "data": "a"}])
    with pytest.raises(ShardRegistryError, match="default"):
        load_registry(path)


def test_a_scheme_file_the_registry_does_not_list_is_refused(tmp_path: Path):
    """A scheme file of the year in a shard's folder that the registry does not list would be
    scored in the wrong shard: the shard's run is refused, naming it."""
    schemes = tmp_path / "a" / "raw" / "schemes"
    schemes.mkdir(parents=True)
    for name in ("qinzhou_2024.yaml", "ziyuan_2024.yaml"):
        shutil.copy(PROJECT_ROOT / "data" / "raw" / "schemes" / name, schemes / name)
    registry = load_registry(write_registry(tmp_path, [
        {"key": "a", "name": "钦州市", "schemes": ["qinzhou_2024"], "data": "a"}]))
    problems = check_schemes(registry.shard("a"), 2024)
    assert len(problems) == 1 and "ziyuan_2024" in problems[0]


def test_each_shard_has_its_own_job_tagged_for_one_run_per_shard():
    """dagster.yaml queues runs by the tag ecoscore/shard, one per value; every job tags its
    runs: the single layout `default`, each shard its key, the rollup `province`."""
    from pipelines.definitions import defs

    config = yaml.safe_load((PROJECT_ROOT / "dagster.yaml").read_text(encoding="utf-8"))
    limits = config["run_coordinator"]["config"]["tag_concurrency_limits"]
    assert limits == [{"key": SHARD_TAG, "value": {"applyLimitPerUniqueValue": True},
                       "limit": 1}]
    assert config["run_coordinator"]["config"]["max_concurrent_runs"] > 1
    tags = {name: defs.resolve_job_def(name).tags[SHARD_TAG]
            for name in ("ecoscore_all", "ecoscore_qinzhou", "ecoscore_guilin",
                         "province_rollup")}
    assert tags == {"ecoscore_all": "default", "ecoscore_qinzhou": "qinzhou",
                    "ecoscore_guilin": "guilin", "province_rollup": "province"}
    guilin = defs.resolve_job_def("ecoscore_guilin")
    assert not any(key.path[0] == "province" for key in guilin.asset_layer.executable_asset_keys)


def test_one_machine_keeps_sqlite_and_several_share_postgres():
    """Dagster's own storages by their documented keys: dagster.yaml (SQLite under
    ECOSCORE_DAGSTER_STORAGE), deploy/postgres/dagster.yaml (the URL of every machine)."""
    import yaml

    single = yaml.safe_load((PROJECT_ROOT / "dagster.yaml").read_text(encoding="utf-8"))
    several = yaml.safe_load((PROJECT_ROOT / "deploy" / "postgres" / "dagster.yaml")
                             .read_text(encoding="utf-8"))
    assert single["storage"] == {"sqlite": {"base_dir": {"env": "ECOSCORE_DAGSTER_STORAGE"}}}
    assert several["storage"] == {"postgres": {"postgres_url": {"env": POSTGRES_URL_ENV}}}
    # the same queue (one run per shard) and launcher on either
    assert {k: v for k, v in single.items() if k != "storage"} == \
        {k: v for k, v in several.items() if k != "storage"}


# ---------- the rollup over published releases (from the session's sample run)


def fake_shard_release(sample: Settings, shard_root: Path, scheme: str, run_id: str) -> None:
    """A shard's live release of 2024 holding the sample run's fct_unit_scores (and the causes
    of its grades) of one scheme."""
    release = shard_root / "marts" / "releases" / run_id
    release.mkdir(parents=True)
    for stem in ("fct_unit_scores", "fct_unit_grade_causes"):
        source = sample.current_release / f"{stem}.parquet"
        duckdb.sql(f"copy (select * from '{source}' where scheme_code = '{scheme}') "
                   f"to '{release / f'{stem}.parquet'}' (format parquet)")
    (release / "release.json").write_text(json.dumps({"year": 2024, "run_id": run_id}),
                                          encoding="utf-8")
    (shard_root / "marts" / "2024").mkdir(parents=True)
    (shard_root / "marts" / "2024" / "current").symlink_to(Path("..") / "releases" / run_id)


def tree_hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def province(sample_run: Settings, tmp_path: Path):
    fake_shard_release(sample_run, tmp_path / "qinzhou", "qinzhou_2024", "run-q")
    fake_shard_release(sample_run, tmp_path / "guilin", "ziyuan_2024", "run-g")
    (tmp_path / "nanning").mkdir()
    return load_registry(write_registry(tmp_path, [
        {"key": "qinzhou", "name": "钦州市", "schemes": ["qinzhou_2024"], "data": "qinzhou"},
        {"key": "guilin", "name": "桂林市", "schemes": ["ziyuan_2024"], "data": "guilin"},
        {"key": "nanning", "name": "南宁市", "schemes": ["nanning_2024"], "data": "nanning"}]))


def test_rollup_ranks_cities_and_counties_within_and_across(province, sample_run: Settings):
    release, counts = roll_up(province, 2024, "rollup-1")
    assert year_release(province, 2024).resolve() == release.resolve()
    units = duckdb.sql(f"select * from '{release}/province_unit_ranking.parquet'").pl()
    scores = duckdb.sql(f"select * from '{sample_run.current_release}/fct_unit_scores.parquet' "
                        "where scheme_code in ('qinzhou_2024', 'ziyuan_2024')").pl()
    assert units.height == scores.height == counts["province_unit_ranking"]
    # across cities the schemes differ: by grade, then 得分率 (total ÷ the scheme's points), never
    # by raw totals; 资源县 (不合格 by 一票否决) comes after every 合格 unit, its cause beside it
    ranked = units.filter(units["is_ranked"]).sort("rank_in_province")
    order = {"优秀": 1, "良好": 2, "合格": 3, "不合格": 5}
    keys = [(order[g], -float(r)) for g, r in ranked.select("grade", "score_rate").iter_rows()]
    assert keys == sorted(keys)
    assert ranked["unit_name"][-1] == "资源县"
    ziyuan = units.filter(pl.col("unit_code") == "ziyuan").row(0, named=True)
    assert "一票否决" in ziyuan["note_zh"] and "2024年7月2日" in ziyuan["note_zh"]
    # within a city the rank is the city's own scheme rank (fct_unit_scores.score_rank)
    joined = units.join(scores.select("scheme_code", "unit_code", "score_rank"),
                        on=["scheme_code", "unit_code"])
    assert joined["rank_in_city"].to_list() == joined["score_rank"].to_list()
    cities = duckdb.sql(f"select * from '{release}/province_city_ranking.parquet' "
                        "order by city_rank nulls last").pl()
    assert cities["shard_key"].to_list()[:2] in (["qinzhou", "guilin"], ["guilin", "qinzhou"])
    status = {r["shard_key"]: r for r in duckdb.sql(
        f"select * from '{release}/province_shard_status.parquet'").pl().iter_rows(named=True)}
    assert status["nanning"]["state_zh"] == "无已发布结果" and status["nanning"]["units"] == 0
    q = scores.filter(scores["scheme_code"] == "qinzhou_2024")
    expected = round(100 * (1 - q["missing_items"].sum() / q["base_items"].sum()), 1)
    assert status["qinzhou"]["completeness_pct"] == pytest.approx(expected)
    assert status["qinzhou"]["release_run_id"] == "run-q"
    page = (release / "index.html").read_text(encoding="utf-8")
    assert "各市排名" in page and "县（区）全省排名" in page and "南宁市" in page
    assert "得分率" in page and "中峰镇" in page and "run-q" not in page  # names and causes, no ids


def test_rollup_keeps_a_failed_shards_last_release_and_its_own_last_good_state(province):
    """A shard whose last run failed is shown with its last good release, flagged; a rollup
    that fails (a shard's Parquet unreadable) leaves the last province view live, untouched."""
    first, _ = roll_up(province, 2024, "rollup-1")
    record_shard_run(province, "guilin", 2024, ok=False, exit_code=1, seconds=3.0)
    second, _ = roll_up(province, 2024, "rollup-2")
    status = {r[0]: r[1:] for r in duckdb.sql(
        f"select shard_key, state_zh, release_run_id from "
        f"'{second}/province_shard_status.parquet'").fetchall()}
    assert status["guilin"] == ("最近一次运行失败，沿用上次成功发布的结果", "run-g")
    assert status["qinzhou"] == ("最新", "run-q")
    before = tree_hashes(second)
    broken = province.shard("qinzhou").releases / "2024" / "current" / "fct_unit_scores.parquet"
    broken.write_bytes(b"not parquet")
    with pytest.raises(duckdb.Error):
        roll_up(province, 2024, "rollup-3")
    assert year_release(province, 2024).resolve().name == "rollup-2"
    assert tree_hashes(second) == before and first.exists()


# ---------- two shards for real, through a PostgreSQL-backed Dagster instance


def province_copy(root: Path) -> Path:
    """The bundled sample with its two shards, air feed cut to one month (keeps the run light:
    the shards' behaviour, not the air path, is under test). Returns the registry's path."""
    data = root / "data"
    shutil.copytree(PROJECT_ROOT / "data" / "raw", data / "raw",
                    ignore=lambda folder, names: [n for n in names if n.startswith(
                        "station_hourly_") and n != "station_hourly_2024-01.csv"])
    shutil.copytree(PROJECT_ROOT / "data" / "shards", data / "shards", symlinks=True)
    shutil.copy(BUNDLED, data / "shards.yaml")
    return data / "shards.yaml"


def province_run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.cli", "province", "run",
                           "--year", "2024", *args], env=env, capture_output=True, text=True,
                          timeout=1800, cwd=PROJECT_ROOT)


@pytest.fixture(scope="module")
def postgres_url():
    from tests.postgres_server import PostgresUnavailable, postgres_server

    try:
        server = postgres_server()
        url = server.__enter__()
    except PostgresUnavailable as err:
        pytest.fail(str(err))
    yield url
    server.__exit__(None, None, None)


# three pipeline runs of its own: end to end, and scheduled early under xdist (tests/conftest.py)
@pytest.mark.e2e
@pytest.mark.slow
def test_postgres_two_shards_in_parallel_and_a_failing_shard(postgres_url, tmp_path, monkeypatch):
    """Issue 22 must-show. Runs the pipeline itself (twice in parallel, once failing at its
    first step): parallel shard runs recorded in a PostgreSQL instance cannot be seen on the
    session's in-process sample run. Then a shard that fails leaves the other shard's release,
    its own last release and the last province view as they were."""
    import dagster as dg

    registry_file = province_copy(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECOSCORE_")}
    # the driver named, as deploy/postgres/dagster.yaml asks
    url = postgres_url.replace("postgresql://", "postgresql+psycopg2://", 1)
    env |= {"ECOSCORE_SHARDS": str(registry_file), POSTGRES_URL_ENV: url,
            "DAGSTER_HOME": str(PROJECT_ROOT / "deploy" / "postgres"),
            "ECOSCORE_DAGSTER_STORAGE": str(tmp_path / "dagster")}
    done = province_run(env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    registry = load_registry(registry_file)

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        records = {key: instance.get_run_records(dg.RunsFilter(tags={SHARD_TAG: key}))
                   for key in ("qinzhou", "guilin", "province")}
        assert all(len(r) == 1 and r[0].dagster_run.is_success for r in records.values())
        shards = [records["qinzhou"][0], records["guilin"][0]]
        # side by side: each started before the other ended
        assert max(r.start_time for r in shards) < min(r.end_time for r in shards)

    releases = {s.key: s.settings.year_release(2024).resolve() for s in registry.shards}
    scored = {k: duckdb.sql(f"select distinct scheme_code from '{r}/fct_unit_scores.parquet'")
              .fetchall() for k, r in releases.items()}
    assert scored == {"qinzhou": [("qinzhou_2024",)], "guilin": [("ziyuan_2024",)]}
    province_release = year_release(registry, 2024).resolve()
    before = {p: tree_hashes(p) for p in (*releases.values(), province_release)}

    # guilin's air feed broken (its own folder now): its run fails at ingest
    air = registry.shard("guilin").data_dir / "raw" / "air"
    air.unlink()
    air.mkdir()
    (air / "station_hourly_2024-01.csv").write_bytes(b"")
    failed = province_run(env, "--shard", "guilin")
    assert failed.returncode == 1, failed.stdout[-3000:] + failed.stderr[-3000:]
    assert {s.key: s.settings.year_release(2024).resolve() for s in registry.shards} == releases
    assert {p: tree_hashes(p) for p in before} == before
    latest = year_release(registry, 2024).resolve()
    assert latest != province_release  # a new view, the last one kept as it was
    status = dict(duckdb.sql(f"select shard_key, state_zh from "
                             f"'{latest}/province_shard_status.parquet'").fetchall())
    assert status == {"guilin": "最近一次运行失败，沿用上次成功发布的结果", "qinzhou": "最新"}
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_run_records(dg.RunsFilter(tags={SHARD_TAG: "guilin"}))
        assert sorted(r.dagster_run.status.value for r in runs) == ["FAILURE", "SUCCESS"]
