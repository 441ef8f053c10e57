"""Dagster assets of the ledgers domain: department ledger files → raw ledger tables."""

import dagster as dg

from pipelines.ledgers.ingest import event_kinds_frame, ingest_ledgers, restricted_path
from pipelines.lib.resources import WarehouseResource

GROUP = "ledgers"


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["raw", "ledger_rows"], group_name=GROUP, kinds={"polars", "duckdb"},
                     description="Every row of the ledger files under data/raw/ledgers/ (.xlsx, "
                                 ".csv; UTF-8 or GBK), as written plus normalised, with file, sheet "
                                 "and row. No contact names or phones (those stay in "
                                 "restricted.duckdb)."),
        dg.AssetSpec(["raw", "ledger_files"], group_name=GROUP, kinds={"polars", "duckdb"},
                     description="One row per ledger file (and per file-level problem): content "
                                 "hash, whether it is new, changed or unchanged since the last run."),
        dg.AssetSpec(["raw", "ledger_event_kinds"], group_name=GROUP, kinds={"python", "duckdb"},
                     description="Event kinds (事项类型): code, Chinese label, ledger sheet, whether "
                                 "it is a deduction event."),
    ],
    name="raw_ledgers",
)
def raw_ledgers(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    settings = warehouse.settings
    report = ingest_ledgers(settings)
    for kind, names in (("new", report.new), ("changed", report.changed),
                        ("removed", report.removed)):
        if names:
            context.log.info(f"ledger files {kind}: " + ", ".join(names))
    context.log.info(f"ledger files unchanged (read from cache): {len(report.unchanged)}")
    change = {"files_new": ", ".join(report.new) or "—",
              "files_changed": ", ".join(report.changed) or "—",
              "files_removed": ", ".join(report.removed) or "—",
              "files_unchanged": len(report.unchanged)}
    rows = warehouse.replace("raw", "ledger_rows", report.rows)
    yield dg.MaterializeResult(asset_key=["raw", "ledger_rows"],
                               metadata={"rows": rows, "contacts_kept_in": str(restricted_path(settings)),
                                         **change})
    files = warehouse.replace("raw", "ledger_files", report.files)
    yield dg.MaterializeResult(asset_key=["raw", "ledger_files"], metadata={"rows": files, **change})
    kinds = warehouse.replace("raw", "ledger_event_kinds", event_kinds_frame())
    yield dg.MaterializeResult(asset_key=["raw", "ledger_event_kinds"], metadata={"rows": kinds})


defs = dg.Definitions(assets=[raw_ledgers])
