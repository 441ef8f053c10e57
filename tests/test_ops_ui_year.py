"""Issue 16 (calendar truth): a run started from the Dagster UI without config derives its year
as the nightly schedule does (open years at the clock, Beijing time, finalised ones left out) and
fails before any step, naming the year and the missing scheme, when it cannot score one. Fast:
the derivation on a simulated clock, and the resource in a one-asset Dagster job (no pipeline)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from pipelines.lib.calendar import RunYearError, derive_run_year, open_years
from pipelines.lib.resources import RunParameters
from pipelines.lib.settings import Settings

BEIJING = ZoneInfo("Asia/Shanghai")


def scheme_file(settings: Settings, year: int) -> None:
    folder = settings.raw_dir / "schemes"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"demo_{year}.yaml").write_text(f"scheme: {{code: demo_{year}, year: {year}}}\n",
                                              encoding="utf-8")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings(data_dir=tmp_path / "data")
    scheme_file(settings, 2024)
    return settings


def test_mid_year_the_one_open_year_is_scored(settings: Settings):
    assert derive_run_year(settings, datetime(2024, 6, 1, 2, tzinfo=BEIJING)) == 2024


def test_a_year_without_a_scheme_fails_naming_the_year_and_the_missing_scheme(settings: Settings):
    expected = r"开放的考核年度为 2026.*没有 2026 年的考核方案文件.*已有方案的年度：2024"
    with pytest.raises(RunYearError, match=expected):
        derive_run_year(settings, datetime(2026, 12, 1, 2, tzinfo=BEIJING))


def test_in_january_two_open_years_ask_for_one_run_each(settings: Settings):
    scheme_file(settings, 2025)
    night = datetime(2025, 1, 15, 2, tzinfo=BEIJING)
    assert open_years(night) == [2024, 2025]  # what the schedule runs, one run each
    with pytest.raises(RunYearError, match=r"2024、2025.*year: 2024.*year: 2025"):
        derive_run_year(settings, night)


def test_in_january_a_finalised_closing_year_leaves_the_new_one(settings: Settings):
    scheme_file(settings, 2025)
    (settings.marts_dir / "2024").mkdir(parents=True)
    (settings.marts_dir / "2024" / "final.json").write_text(json.dumps({"year": 2024}), encoding="utf-8")
    assert derive_run_year(settings, datetime(2025, 1, 15, 2, tzinfo=BEIJING)) == 2025


@pytest.fixture
def clock(monkeypatch) -> int:
    """The clock at 2026-06-01 (Beijing): one open year, 2026."""
    import datetime as dt

    import pipelines.lib.calendar as calendar

    monkeypatch.setattr(calendar, "beijing_date", lambda now=None: dt.date(2026, 6, 1))
    return 2026


@dg.asset
def year_seen(run: RunParameters) -> int:
    return run.assessment_year


def _one_asset_job(settings: Settings, **run: object) -> dg.ExecuteInProcessResult:
    """The asset in a job with the project's shared resources on `settings`."""
    from pipelines.lib.resources import shared_resources

    return dg.materialize([year_seen], resources=shared_resources(settings, **run),
                          raise_on_error=False)


def test_a_run_without_config_gets_the_derived_year(settings: Settings, clock):
    """The resource derives the year when Dagster starts the run (the clock's year here)."""
    scheme_file(settings, clock)
    result = _one_asset_job(settings)
    assert result.success
    assert result.output_for_node("year_seen") == clock


def test_a_shard_job_without_a_year_takes_it_from_the_shard(tmp_path: Path, clock):
    """Issue 37 item 4: a shard's job launched from the UI without a year derives it from the
    shard's own schemes and finalised years (its warehouse resource, set by the job's config),
    not from the default layout's: here only the shard has a scheme of the clock's year."""
    from pipelines.lib.resources import shared_resources
    from pipelines.ops.schedules import shard_job
    from pipelines.scheme.shards import Shard

    default = Settings(data_dir=tmp_path / "default")
    scheme_file(default, clock - 2)  # the default layout could not score the clock's year
    root = tmp_path / "shard"
    shard = Shard(key="s", name="某县", level="county", schemes=(f"demo_{clock}",),
                  data_dir=root, warehouse=root / "warehouse" / "ecoscore.duckdb",
                  releases=root / "marts")
    scheme_file(shard.settings, clock)
    defs = dg.Definitions(assets=[year_seen], jobs=[shard_job(shard)],
                          resources=shared_resources(default))
    result = defs.resolve_job_def("ecoscore_s").execute_in_process(raise_on_error=False)
    assert result.success, [str(e.message) for e in result.all_events if e.is_failure]
    assert result.output_for_node("year_seen") == clock
    # the default layout's job (no shard config) cannot: it has no scheme of that year
    plain = dg.materialize([year_seen], resources=shared_resources(default), raise_on_error=False)
    assert not plain.success


def test_a_run_without_config_and_without_a_scheme_fails_before_any_step(settings: Settings,
                                                                          clock):
    year = clock
    result = _one_asset_job(settings)
    assert not result.success
    assert not [e for e in result.all_events if e.event_type_value == "STEP_START"]
    failure = "\n".join(str(e.message) + str(getattr(e.event_specific_data, "error", "") or "")
                        for e in result.all_events if e.is_failure or "FAILURE" in e.event_type_value)
    assert f"没有 {year} 年的考核方案文件" in failure


def test_a_run_configured_with_a_year_gives_it_to_every_resource(settings: Settings):
    """The schedule's run config (`resources.run.config.year`) reaches the `run` resource and
    the resources built on it (the dbt step's WarmUp parses for that year): one partial
    resource, shared, not a copy of the defaults."""
    from pipelines.lib.resources import shared_resources

    resources = shared_resources(settings)
    assert resources["warm_up"].run is resources["run"]
    result = dg.materialize([year_seen], resources=resources, raise_on_error=False,
                            run_config={"resources": {"run": {"config": {"year": 2024}}}})
    assert result.success and result.output_for_node("year_seen") == 2024


def test_a_run_with_a_year_is_not_derived(settings: Settings):
    result = _one_asset_job(settings, year=2024)
    assert result.success and result.output_for_node("year_seen") == 2024
