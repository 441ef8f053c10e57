"""Dagster asset checks of the quality domain: one check per suite in expectations/.

Every check is `blocking`: a finding at level `block` fails the check with severity ERROR and
Dagster does not run the assets downstream of the checked asset (so nothing is published); a
`warn` finding fails it with severity WARN, shown in the UI and the report, and the run goes on.
Row-level faults the staging models quarantine pass, listed in the report."""


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


def check_result(suite: Suite, findings: list[Finding], report: str) -> dg.AssetCheckResult:
    level = worst_level(findings)
    failed = [f for f in findings if f.level not in (PASS, QUARANTINED)]
    return dg.AssetCheckResult(
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


def suite_check(suite: Suite) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=dg.AssetKey(suite.asset), name=suite.name, blocking=True,
                    description=f"{suite.title}（expectations/{suite.path.name}）",
                    additional_deps=[dg.AssetKey(k) for k in EXTRA_DEPS.get(suite.name, [])])
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource,
               run: RunParameters) -> dg.AssetCheckResult:
        findings = run_suite(suite, warehouse, run)
        report = save_findings(warehouse.settings, context.run.run_id, suite, findings)
        for f in findings:
            if f.level != PASS:
                context.log.info(f"{f.level}: {f.column}: {f.why} — {f.where()}")
        return check_result(suite, findings, str(report))

    return _check


defs = dg.Definitions(asset_checks=[suite_check(s) for s in load_suites()])
