"""Issue 35 items 3 and 5: the published warehouse is the contract.

- every published mart is in the release's `ecoscore.duckdb` exactly as in its Parquet file;
- every published column has a description, and its type is the mart's dbt contract (enforced:
  a build that would publish another type fails — shown on a copy of the project);
- the data dictionary (Markdown and HTML) is in every release;
- dbt exposures name what the dashboard, the office files and the notebooks read;
- the dashboard and the office files read published marts only."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.lib.settings import DBT_PROJECT_DIR, PROJECT_ROOT, Settings

PUBLISH = PROJECT_ROOT / "pipelines" / "publish"
NOTEBOOKS = PROJECT_ROOT / "notebooks"


@pytest.fixture(scope="module")
def manifest() -> dict:
    from pipelines.dbt.project import dbt_project

    return json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))


def models(manifest: dict) -> dict[str, dict]:
    return {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}


def published_stems(release: Path) -> list[str]:
    return sorted(p.stem for p in release.glob("*.parquet"))


# ---------- item 5: the dashboard and office files read published marts only


# a schema-qualified relation of the warehouse, or the warehouse file itself
WAREHOUSE_READ = re.compile(r"\b(raw|staging|intermediate|standards|ops|restricted)\.[a-z_]{3,}\b"
                            r"|ecoscore\.duckdb|duckdb\.connect|query_release")


def test_the_dashboard_and_office_files_read_published_marts_only():
    """Nothing under pipelines/publish/dashboard or office names a warehouse schema or opens
    the warehouse: they read the release's Parquet marts (read_mart) and nothing else."""
    offenders = []
    for folder in ("dashboard", "office"):
        for path in sorted((PUBLISH / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if WAREHOUSE_READ.search(line) and not line.lstrip().startswith("#"):
                    offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def sql_strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string literal of a module that is not a docstring."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def test_no_publish_code_queries_raw_staging_or_intermediate():
    """Issue 35 item 5 (a test: no query of raw/staging/intermediate schemas from pipelines/
    publish): no string of pipelines/publish names a relation of those schemas; the release
    exports the marts schema, the month-end history reads marts.dim_schemes. (The release's
    view of the hourly air feed is re-pointed by reading DuckDB's catalogue, not by name.)"""
    pattern = re.compile(r"\b(raw|staging|intermediate)\.[a-z_]{3,}\b")
    offenders = [f"{p.relative_to(PROJECT_ROOT)}:{line}: {text.strip()[:80]}"
                 for p in sorted(PUBLISH.rglob("*.py")) for line, text in sql_strings(p)
                 if pattern.search(text)]
    assert offenders == []


def test_the_check_sees_a_warehouse_read(tmp_path: Path):
    module = tmp_path / "m.py"
    module.write_text('"""docstring naming staging.stg_x"""\n'
                      'SQL = "select * from staging.stg_scheme__items"\n')
    assert [line for line, text in sql_strings(module)] == [2]
    assert WAREHOUSE_READ.search('query("select * from staging.stg_scheme__items")')
    assert WAREHOUSE_READ.search('duckdb.connect(str(release / "ecoscore.duckdb"))')
    assert not WAREHOUSE_READ.search('read_mart(release_dir, "dim_scheme_items")')


@pytest.mark.slow  # builds the dashboard and office files again (~20 s)
def test_the_dashboard_and_office_files_come_out_whole_from_the_parquet_marts_alone(
        sample_run: Settings, tmp_path: Path):
    """A copy of the sample release with its Parquet files and its quality report only (no
    ecoscore.duckdb): every dashboard panel is drawn (none says its mart is missing) and the
    office files name the scheme's government, sections and grades."""
    from pipelines.publish.dashboard import build_dashboard
    from pipelines.publish.office import build_office_files
    from pipelines.publish.office.data import load_office_data

    release = tmp_path / "release"
    release.mkdir()
    for path in sample_run.current_release.glob("*.parquet"):
        shutil.copy2(path, release / path.name)
    shutil.copytree(sample_run.current_release / "quality", release / "quality")
    assert not (release / "ecoscore.duckdb").exists()
    result = build_dashboard(release, "测试", year=2024, out_dir=tmp_path / "dashboard", static=False)
    page = result.html.read_text(encoding="utf-8")
    assert "本期未发布" not in page
    made = build_office_files(release, 2024, __import__("datetime").date(2024, 12, 31), tmp_path / "office")
    assert {f.scheme_code for f in made} == {"qinzhou_2024", "ziyuan_2024"}
    data = load_office_data(release, "qinzhou_2024", 2024, __import__("datetime").date(2024, 12, 31))
    assert data.subject.startswith("钦州市2024年度") and data.scheme_name.startswith("钦州市")
    assert len(data.sections) >= 4  # 一、…五、 from the scheme's heading items (dim_scheme_items)


# ---------- item 3: the warehouse copy holds the marts as the Parquet files do


def test_every_published_mart_is_in_the_warehouse_copy_exactly_as_in_its_parquet(sample_run: Settings):
    release = sample_run.current_release
    stems = published_stems(release)
    assert {"fct_unit_score_history", "fct_unit_score_monthly", "fct_ledger_events",
            "dim_scheme_items", "quarantine_ledgers"} <= set(stems)
    con = duckdb.connect(str(release / "ecoscore.duckdb"), read_only=True)
    try:
        tables = {r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()}
        assert tables == set(stems)
        for stem in stems:
            parquet = f"read_parquet('{(release / f'{stem}.parquet').as_posix()}')"
            assert [r[:2] for r in con.execute(f"describe marts.{stem}").fetchall()] == \
                [r[:2] for r in con.execute(f"describe select * from {parquet}").fetchall()], stem
            differ = con.execute(f"select count(*) from ((select * from marts.{stem} except all "
                                 f"select * from {parquet}) union all (select * from {parquet} "
                                 f"except all select * from marts.{stem}))").fetchone()[0]
            assert differ == 0, stem
    finally:
        con.close()


def normalised(kind: str) -> str:
    return kind.lower().replace(" ", "")


def test_every_published_column_has_a_description_and_its_contract_type(sample_run: Settings, manifest):
    """Each published file is a mart under an enforced dbt contract: every column is declared
    with its type (the type published) and described."""
    nodes = models(manifest)
    con = duckdb.connect()
    problems = []
    for stem in published_stems(sample_run.current_release):
        node = nodes[stem]
        assert node["fqn"][1] == "marts" and node["config"]["contract"]["enforced"], stem
        if not node.get("description", "").strip():
            problems.append(f"{stem}: no description")
        path = (sample_run.current_release / f"{stem}.parquet").as_posix()
        for name, kind, *_ in con.execute(f"describe select * from read_parquet('{path}')").fetchall():
            column = node["columns"].get(name, {})
            if not (column.get("description") or "").strip():
                problems.append(f"{stem}.{name}: no description")
            if normalised(column.get("data_type") or "") != normalised(kind):
                problems.append(f"{stem}.{name}: contract {column.get('data_type')} ≠ published {kind}")
    con.close()
    assert problems == []


def test_one_name_one_meaning_the_shared_points_columns_are_described_once(manifest):
    """Issue 35 item 4: deductions, overflow, bonuses … carry the one description of
    models/_columns.md in every mart that has them."""
    shared = ["deductions", "overflow_deductions", "deductions_with_overflow", "bonuses",
              "missing_points", "points_lost", "department_code", "department_name",
              "department_basis"]
    # a file (fct_ledger_file_report) or a quarantined row answers to a department in a looser sense
    row_grain = {"fct_score_movements", "fct_unit_item_scores", "fct_ledger_events", "fct_duty_completion",
                 "fct_unit_scores", "fct_unit_score_monthly"}
    docs = {d["name"]: " ".join(d["block_contents"].split()) for d in manifest["docs"].values()}
    for name in shared:
        holders = [(m, n["columns"][name]) for m, n in models(manifest).items()
                   if n["fqn"][1] == "marts" and name in n["columns"] and m in row_grain]
        assert len(holders) >= 2, name
        for model, column in holders:
            assert " ".join(column["description"].split()) == docs[f"col_{name}"], (model, name)


def test_the_dictionary_is_in_the_release_with_every_published_file(sample_run: Settings):
    folder = sample_run.current_release / "dictionary"
    markdown = (folder / "data_dictionary.md").read_text(encoding="utf-8")
    page = (folder / "index.html").read_text(encoding="utf-8")
    for stem in published_stems(sample_run.current_release):
        assert f"## {stem}  (" in markdown and f'id="{stem}"' in page, stem
    assert "(no description)" not in markdown and "(no description)" not in page
    assert "| `points_lost` | 失分 | decimal(18,4) |" in markdown
    assert "one row per: scheme_code, unit_code, month_end" in markdown  # the monthly mart's grain
    assert "read by: 领导驾驶舱" in markdown
    assert "<script" not in page and "http" not in page.replace("http://www.w3.org", "")


@pytest.mark.slow  # parses a copy of the dbt project (~20 s)
def test_a_contract_fails_the_build_when_a_published_column_changes_type(
        sample_run: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """dbt enforces the contract: fct_unit_scores' total_score published as double instead of
    decimal(18,4) stops the build, naming the column (on a copy of the project and the sample
    run's warehouse; the published release is untouched)."""
    from pipelines.lib import dbt_launcher

    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "*.duckdb"))
    model = project / "models" / "marts" / "scoring" / "fct_unit_scores.sql"
    text = model.read_text(encoding="utf-8")
    typed = "(totals.scored_total + conversion.conversion_points)::decimal(18, 4) as total_score"
    assert typed in text
    model.write_text(text.replace(typed, typed.replace("decimal(18, 4)", "double")), encoding="utf-8")
    warehouse = tmp_path / "copy.duckdb"
    shutil.copy2(sample_run.warehouse_path, warehouse)
    monkeypatch.setattr(dbt_launcher, "DBT_PROJECT_DIR", project)
    run = dbt_launcher.invoke(["run", "--select", "fct_unit_scores"], warehouse=warehouse,
                              target_path=tmp_path / "target", vars={"year": 2024}, check=False,
                              reuse_parse=False)
    assert not run.success
    failure = dbt_launcher.describe_failure(run)
    assert "contract" in failure and "total_score" in failure and "DOUBLE" in failure


# ---------- exposures: who reads what


def exposure(manifest: dict, name: str) -> set[str]:
    found = next(e for e in manifest["exposures"].values() if e["name"] == name)
    return {uid.split(".")[-1] for uid in found["depends_on"]["nodes"]}


READ_MART = re.compile(r"""read_mart\([^,]+,\s*["']([a-z0-9_]+)["']\)""")
SQL_RELATION = re.compile(r"\b(?:from|join)\s+((?:fct|dim)_[a-z0-9_]+)")


def test_the_exposures_name_every_mart_the_dashboard_office_files_and_notebooks_read(manifest):
    def read_by(paths: list[Path], pattern: re.Pattern) -> set[str]:
        return {m for p in paths for m in pattern.findall(p.read_text(encoding="utf-8"))}

    dashboard = read_by(sorted((PUBLISH / "dashboard").rglob("*.py")), READ_MART)
    assert dashboard and dashboard <= exposure(manifest, "leadership_dashboard")
    office = read_by(sorted((PUBLISH / "office").rglob("*.py")), READ_MART)
    from pipelines.publish.office.data import QUARANTINES

    office |= set(QUARANTINES) | {"dim_schemes"}  # quarantine files by name; scheme_names()
    assert office <= exposure(manifest, "office_files")
    for path in sorted(NOTEBOOKS.glob("0*.py")):
        name = "notebook_" + path.stem.split("_", 1)[1]
        read = read_by([path], SQL_RELATION)
        assert read and read <= exposure(manifest, name), path.name


def test_the_published_marts_mean_what_the_sample_says(sample_run: Settings):
    """The contract's keys hold in the data: one row per key in every mart that has one."""
    con = duckdb.connect(str(sample_run.current_release / "ecoscore.duckdb"), read_only=True)
    try:
        keys = con.execute("select table_name, constraint_column_names from duckdb_constraints() "
                           "where schema_name = 'marts' and constraint_type = 'PRIMARY KEY'").fetchall()
        assert len(keys) >= 25
        for table, columns in keys:
            total, distinct = con.execute(
                f"select count(*), count(distinct ({', '.join(columns)})) from marts.{table}").fetchone()
            assert total == distinct, table
    finally:
        con.close()
    assert pl.read_parquet(sample_run.current_release / "fct_unit_scores.parquet").height == 6
