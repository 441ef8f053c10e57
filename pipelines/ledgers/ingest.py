"""Every ledger file under data/raw/ledgers/ (any depth; .xlsx and .csv) → the warehouse's
`raw.ledger_rows` (one row per ledger row, as written plus normalised, with file, sheet and row)
and `raw.ledger_files` (one row per file: hash, change, problems).

Files are re-read only when their content changes: parsed rows are cached per file, keyed by the
content hash, in the restricted DuckDB file beside the warehouse. Contact names and phones
(personal data, seed 000) are kept only there: never in the warehouse, so never in dbt, marts,
Parquet or the published warehouse copy."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from pipelines.ledgers import values
from pipelines.ledgers.kinds import DATE_FIELDS, EVENT_KINDS, FIELDS, LABELS, PERSONAL_FIELDS
from pipelines.ledgers.sheets import (
    Table,
    find_table,
    missing_for_kinds,
    missing_required,
    read_grids,
    unseen_problems,
)
from pipelines.lib import personal
from pipelines.lib.files import InputFileError, check_csv_integrity, input_files
from pipelines.lib.settings import Settings

CACHE_VERSION = 5  # 2: one masking rule for IDs, phones and signatures (lib/personal.py);
# 3: the unit an amount states (amount_unit_value); 4: names after a person label (经办人李某);
# 5: 责任部门 (department_written)
ROWS_CACHE = f"ledger_rows_cache_v{CACHE_VERSION}"
FILES_CACHE = f"ledger_files_cache_v{CACHE_VERSION}"
PUBLIC_FIELDS = [f for f in FIELDS if f not in PERSONAL_FIELDS]
PARSED_COLUMNS = ["item_code_value", "event_date_value", "deadline_value", "completed_date_value",
                  "quantity_value", "amount_yuan", "amount_unit_value"]
ROW_SCHEMA: dict[str, pl.DataType] = {
    "ledger_row_id": pl.String, "file_hash": pl.String, "source_file": pl.String,
    "source_sheet": pl.String, "source_row": pl.Int64, "row_problem": pl.String,
    **{f: pl.String for f in PUBLIC_FIELDS}, **{c: pl.String for c in PARSED_COLUMNS},
}
CONTACT_SCHEMA: dict[str, pl.DataType] = {
    "ledger_row_id": pl.String, "source_file": pl.String, "source_sheet": pl.String,
    "source_row": pl.Int64, "contact_name": pl.String, "contact_phone": pl.String,
}
FILE_SCHEMA: dict[str, pl.DataType] = {
    "source_file": pl.String, "file_hash": pl.String, "source_sheet": pl.String,
    "header_row": pl.Int64, "column_name": pl.String, "file_problem": pl.String,
    "rows_read": pl.Int64, "change": pl.String,
}
NOT_DATA_ROW = "非数据行（只有一个单元格有内容，如标题、合计或落款），未载入"
SIGNATURE_ROW = "落款行（填表人、联系人、电话等个人信息），未载入"


@dataclass
class FileResult:
    """One file read: its rows (public part and contacts) and its file-level findings."""

    rows: list[dict] = field(default_factory=list)
    contacts: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)


@dataclass
class IngestReport:
    rows: pl.DataFrame
    contacts: pl.DataFrame
    files: pl.DataFrame
    new: list[str]
    changed: list[str]
    unchanged: list[str]
    removed: list[str]


def restricted_path(settings: Settings) -> Path:
    """The restricted DuckDB file (personal data, parse cache): beside the warehouse, never
    published."""
    return settings.warehouse_path.parent / "restricted.duckdb"


def ledger_files(raw_dir: Path) -> list[Path]:
    """Every file in the ledger folder: a type that cannot be read becomes a file problem (which
    blocks the run), never a file silently left out."""
    return input_files(raw_dir / "ledgers")


def content_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def row_id(source_file: str, sheet: str, row: int) -> str:
    """Stable across runs: the same cell position gives the same id."""
    return hashlib.md5(f"{source_file}|{sheet}|{row}".encode()).hexdigest()


def parse_row(cells: list[object], table: Table) -> tuple[dict, dict]:
    """Cells of one data row → (public fields with normalised values, contact fields)."""
    written = {code: values.clean_text(cells[i]) if i < len(cells) else None
               for i, code in table.columns.items()}
    # every public cell, not only remarks: an ID or phone number can be written anywhere
    public = {f: personal.mask(written.get(f)) for f in PUBLIC_FIELDS}
    public["item_code_value"] = values.normalise_item_code(public["item_code"])
    for name in DATE_FIELDS:
        public[f"{name}_value"] = values.parse_date(public[name])
    public["quantity_value"] = values.parse_number(public["quantity"])
    public["amount_yuan"] = values.parse_amount(public["amount"], public["amount_unit"],
                                                table.amount_header_unit)
    public["amount_unit_value"] = values.amount_unit(public["amount"], public["amount_unit"],
                                                     table.amount_header_unit)
    contacts = {f: written.get(f) for f in PERSONAL_FIELDS}
    return public, contacts


def read_table_rows(table: Table, label: str, digest: str, result: FileResult) -> None:
    for number, cells in table.rows:
        filled = [c for c in cells if values.clean_text(c) is not None]
        if not filled:
            continue
        public, contacts = parse_row(cells, table)
        key = {"ledger_row_id": row_id(label, table.sheet, number), "source_file": label,
               "source_sheet": table.sheet, "source_row": number}
        texts = [str(values.clean_text(c)) for c in filled]
        problem = (NOT_DATA_ROW if len(filled) == 1 else
                   SIGNATURE_ROW if personal.is_signature_row(texts) else None)
        if problem:  # a footer (填表人：…, 电话：…) carries names and phones: keep none of its text
            public = dict.fromkeys(public)
        result.rows.append({**key, "file_hash": digest, "row_problem": problem, **public})
        if any(contacts.values()) and not problem:
            result.contacts.append({**key, **contacts})


def finding(label: str, digest: str, sheet: str | None, row: int | None, column: str | None,
            problem: str | None) -> dict:
    return {"source_file": label, "file_hash": digest, "source_sheet": sheet, "header_row": row,
            "column_name": column, "file_problem": problem}


def read_ledger_file(path: Path, label: str, digest: str) -> FileResult:
    """All tables of one file; a file that cannot be used at all (a type no reader takes, a
    damaged workbook, a missing column) becomes a finding naming the file and why, not an
    exception, so the other files still load and the ledger gate blocks the run."""
    result = FileResult()
    try:
        if path.suffix.lower() == ".csv":  # a cut-off transfer names its line (pipelines/lib/files.py)
            check_csv_integrity(path, label, allow_header_only=True)
        grids = read_grids(path, label)
    except InputFileError as err:
        result.findings.append(finding(label, digest, None, None, None, str(err)))
        return result
    tables = [t for t in (find_table(g) for g in grids) if t is not None]
    if not tables:
        result.findings.append(finding(label, digest, None, None, None,
                                       "找不到表头行（前 30 行中没有一行含 3 个以上已知列名）"))
    # what a person does not see (hidden sheets, rows, columns; formulas without values) refuses
    # the whole file: its rows would otherwise score unseen, or read as empty. A hidden sheet
    # without a ledger header (the template's drop-down lists) is not a ledger table.
    unseen = [(t, problem) for t in tables for problem in unseen_problems(t)]
    for table, problem in unseen:
        result.findings.append(finding(label, digest, table.sheet, table.header_row, None,
                                       f"{problem}；整个文件未载入"))
    for table in [] if unseen else tables:
        missing = missing_required(table)
        for code in missing:
            result.findings.append(finding(label, digest, table.sheet, table.header_row, code,
                                           f"缺少必填列「{LABELS[code]}」({code})，本表未载入"))
        for code, why in ([] if missing else missing_for_kinds(table)):
            result.findings.append(finding(label, digest, table.sheet, table.header_row, code, why))
            missing.append(code)
        if not missing:
            read_table_rows(table, label, digest, result)
    if not result.findings:
        result.findings.append(finding(label, digest, None, None, None, None))
    return result


def frame(rows: list[dict], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def cached_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute(f"select distinct source_file, file_hash from {FILES_CACHE}").fetchall())


def ensure_cache(con: duckdb.DuckDBPyConnection) -> None:
    for name, schema in ((ROWS_CACHE, {**ROW_SCHEMA, **CONTACT_SCHEMA}),
                         (FILES_CACHE, {k: v for k, v in FILE_SCHEMA.items()
                                        if k not in ("rows_read", "change")})):
        empty = pl.DataFrame(schema=schema)  # noqa: F841 (read by DuckDB below)
        con.execute(f"create table if not exists {name} as select * from empty")


def store_file(con: duckdb.DuckDBPyConnection, label: str, result: FileResult) -> None:
    """Replace one file's cached rows (public and contact parts joined) and findings."""
    contacts = {c["ledger_row_id"]: c for c in result.contacts}
    joined = [{**r, **{f: contacts.get(r["ledger_row_id"], {}).get(f) for f in PERSONAL_FIELDS}}
              for r in result.rows]
    rows = frame(joined, {**ROW_SCHEMA, **{f: pl.String for f in PERSONAL_FIELDS}})  # noqa: F841
    findings = frame(result.findings, {k: v for k, v in FILE_SCHEMA.items()  # noqa: F841
                                       if k not in ("rows_read", "change")})
    con.execute(f"delete from {ROWS_CACHE} where source_file = ?", [label])
    con.execute(f"delete from {FILES_CACHE} where source_file = ?", [label])
    con.execute(f"insert into {ROWS_CACHE} by name select * from rows")
    con.execute(f"insert into {FILES_CACHE} by name select * from findings")


def ingest_ledgers(settings: Settings) -> IngestReport:
    """Read new and edited files, reuse the cache for the rest, forget removed files."""
    found = {str(p.relative_to(settings.raw_dir)): p for p in ledger_files(settings.raw_dir)}
    path = restricted_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        ensure_cache(con)
        before = cached_hashes(con)
        hashes = {label: content_hash(p) for label, p in found.items()}
        new = sorted(label for label in found if label not in before)
        changed = sorted(label for label in found if label in before and before[label] != hashes[label])
        removed = sorted(label for label in before if label not in found)
        con.execute("begin")
        for label in new + changed:
            store_file(con, label, read_ledger_file(found[label], label, hashes[label]))
        for label in removed:
            con.execute(f"delete from {ROWS_CACHE} where source_file = ?", [label])
            con.execute(f"delete from {FILES_CACHE} where source_file = ?", [label])
        con.execute("commit")
        rows = con.sql(f"select * from {ROWS_CACHE} order by source_file, source_sheet, source_row").pl()
        files = con.sql(f"select * from {FILES_CACHE} order by all").pl()
        contacts = rows.filter(pl.any_horizontal(pl.col(PERSONAL_FIELDS).is_not_null()))
        contacts = contacts.select(list(CONTACT_SCHEMA))
        con.execute("create or replace table ledger_contacts as select * from contacts")
    finally:
        con.close()
    counts = rows.group_by("source_file").len("rows_read")
    change = pl.DataFrame({"source_file": list(found),
                           "change": ["new" if f in new else "changed" if f in changed else
                                      "unchanged" for f in found]}, schema={"source_file": pl.String,
                                                                            "change": pl.String})
    files = (files.join(counts, on="source_file", how="left").join(change, on="source_file", how="left")
             .with_columns(pl.col("rows_read").fill_null(0).cast(pl.Int64)).select(list(FILE_SCHEMA)))
    return IngestReport(rows=rows.select(list(ROW_SCHEMA)).cast(ROW_SCHEMA), contacts=contacts,
                        files=files, new=new, changed=changed,
                        unchanged=sorted(set(found) - set(new) - set(changed)), removed=removed)


def event_kinds_frame() -> pl.DataFrame:
    """The event-kind catalogue as a table, so the SQL maps labels and knows deduction kinds."""
    return pl.DataFrame([{"event_kind": k.code, "label_zh": k.label_zh, "ledger_kind": k.ledger,
                          "is_deduction": k.deduction} for k in EVENT_KINDS])
