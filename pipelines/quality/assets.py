"""Dagster asset checks of the quality domain: one check per suite in expectations/.

Every check is `blocking`: a finding at level `block` fails the check with severity ERROR and
Dagster does not run the assets downstream of the checked asset (so nothing is published); a
`warn` finding fails it with severity WARN, shown in the UI and the report, and the run goes on.
Row-level faults the staging models quarantine pass, listed in the report."""


from collections.abc import Iterator
from typing import Any

import dagster as dg

from pipelines.lib.resources import RunParameters, WarehouseResource
from pipelines.lib.warehouse import connect
from pipelines.quality.frames import FRAMES
from pipelines.quality.report import save_findings
from pipelines.quality.suites import (
    BLOCK,
    PASS,
    QUARANTINED,
    Finding,
    Suite,
    load_suites,
    validate,
    worst_level,
)

# What a suite reads besides the asset it checks. A suite that reads a dbt model names that
# model as its asset (expectations/*.yaml `asset`), so its check runs after the model is built
# and, blocking, holds back whatever reads the model (pipelines/quality/frames.py says which
# suites are gates on raw tables, before dbt, and which read models).
EXTRA_DEPS = {"raw_air_station_hourly": [["raw", "air_stations"], ["raw", "air_national_stations"]],
              "raw_schemes": [["raw", "scheme_items"], ["raw", "scheme_units"]],
              "ledger_events": [["raw", "ledger_rows"], ["raw", "ledger_files"],
                                ["intermediate", "int_ledgers__quarantine"]]}


def run_suite(suite: Suite, warehouse: WarehouseResource, run: RunParameters) -> list[Finding]:
    with connect(warehouse.settings, read_only=False) as con:
        frame, parameters = FRAMES[suite.name](con, run.assessment_year, run.as_of)
    return validate(suite, frame, parameters)


def check_result(suite: Suite, findings: list[Finding], report: str) -> dict[str, Any]:
    """The AssetCheckResult's fields of a suite's findings."""
    level = worst_level(findings)
    failed = [f for f in findings if f.level not in (PASS, QUARANTINED)]
    return dict(
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR if level == BLOCK else dg.AssetCheckSeverity.WARN,
        description="；".join(f"{f.why}（{f.where()}）" for f in failed)[:2000] or None,
        metadata={
            "suite_file": f"expectations/{suite.path.name}",
            "expectations": len(findings),
            "failed": len(failed),
            "quarantined_rows": sum(f.unexpected for f in findings if f.level == QUARANTINED),
            "report": dg.MetadataValue.path(report),
        },
    )


# The suites run in as few steps as their places allow (a step costs the run its events whatever
# it checks): the gates on raw tables together, before dbt; the hourly feed's gate apart (its
# asset is partitioned by month); the suites that read dbt models together, after dbt.
def check_step(suite: Suite) -> str:
    if suite.asset[0] != "raw":
        return "quality_models"
    return "quality_air_hourly" if suite.asset == ["raw", "air_station_hourly"] else "quality_raw"


def suite_spec(suite: Suite) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(suite.name, asset=dg.AssetKey(suite.asset), blocking=True,
                             description=f"{suite.title}（expectations/{suite.path.name}）",
                             additional_deps=[dg.AssetKey(k) for k in EXTRA_DEPS.get(suite.name, [])])


def suite_checks(step: str, suites: list[Suite]) -> dg.AssetChecksDefinition:
    """One step evaluating `suites` (those the run selects), each its own blocking check."""

    @dg.multi_asset_check(name=step, specs=[suite_spec(s) for s in suites], can_subset=True)
    def _checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource,
                run: RunParameters) -> Iterator[dg.AssetCheckResult]:
        for suite in suites:
            key = dg.AssetCheckKey(dg.AssetKey(suite.asset), suite.name)
            if key not in context.selected_asset_check_keys:
                continue
            findings = run_suite(suite, warehouse, run)
            report = save_findings(warehouse.settings, context.run.run_id, suite, findings)
            for f in findings:
                if f.level != PASS:
                    context.log.info(f"{suite.name}: {f.level}: {f.column}: {f.why} — {f.where()}")
            yield dg.AssetCheckResult(asset_key=key.asset_key, check_name=suite.name,
                                      **check_result(suite, findings, str(report)))

    return _checks


def check_steps() -> list[dg.AssetChecksDefinition]:
    steps: dict[str, list[Suite]] = {}
    for suite in load_suites():
        steps.setdefault(check_step(suite), []).append(suite)
    return [suite_checks(step, suites) for step, suites in sorted(steps.items())]


defs = dg.Definitions(asset_checks=check_steps())
