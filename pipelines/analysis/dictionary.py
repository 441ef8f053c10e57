"""The data dictionary of the published marts: dbt docs as one static HTML page, and a short
Markdown dictionary (English column, Chinese label, type, description, tests, lineage)."""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
from pathlib import Path

import duckdb

from pipelines.lib import dbt_launcher
from pipelines.lib.settings import DBT_PROJECT_DIR, Settings


def glossary() -> dict[str, str]:
    with open(DBT_PROJECT_DIR / "seeds" / "glossary.csv", encoding="utf-8") as handle:
        return {row["term"]: row["label_zh"] for row in csv.DictReader(handle)}


def release_year(settings: Settings) -> int:
    """The assessment year of the live release (its release.json), for dbt's `year` var."""
    record = settings.current_release / "release.json"
    if record.exists():
        return int(json.loads(record.read_text(encoding="utf-8"))["year"])
    from pipelines.lib.calendar import current_year

    return current_year()


def generate_dbt_docs(settings: Settings, out_dir: Path) -> Path:
    """Run `dbt docs generate --static` against a scratch snapshot of the writer's warehouse (so
    the catalog has every model's real column types — the published copy holds the marts only —
    and the writer is never touched); copy the self-contained static_index.html and the JSON
    artifacts to out_dir."""
    from pipelines.lib.warehouse import snapshot

    live = settings.current_release / "ecoscore.duckdb"
    if not live.exists():
        raise FileNotFoundError(f"{live}: 尚无已发布的数仓，请先运行 ecoscore run")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        scratch_db = snapshot(settings, Path(scratch) / "docs.duckdb")
        target = Path(scratch) / "target"
        dbt_launcher.invoke(["docs", "generate", "--static"], warehouse=scratch_db,
                            target_path=target, vars={"year": release_year(settings)})
        for name in ("static_index.html", "manifest.json", "catalog.json"):
            shutil.copy2(target / name, out_dir / name)
    (out_dir / "index.html").unlink(missing_ok=True)
    (out_dir / "static_index.html").rename(out_dir / "index.html")
    return out_dir / "index.html"


def _parents(node: dict, nodes: dict) -> list[str]:
    return sorted(nodes[p]["name"] if p in nodes else p.split(".")[-1]
                  for p in node.get("depends_on", {}).get("nodes", []))


def _tests_by_model(manifest: dict) -> dict[str, dict[str, list[str]]]:
    """{model unique_id: {column or '': [test names]}} from the manifest's test nodes."""
    found: dict[str, dict[str, list[str]]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test":
            continue
        meta = node.get("test_metadata") or {}
        name = meta.get("name") or node["name"]
        for parent in node.get("depends_on", {}).get("nodes", []):
            found.setdefault(parent, {}).setdefault(node.get("column_name") or "", []).append(name)
    for test in manifest.get("unit_tests", {}).values():
        model = test.get("depends_on", {}).get("nodes", [""])[0]
        found.setdefault(model, {}).setdefault("", []).append(f"unit: {test['name']}")
    return found


def markdown_dictionary(manifest: dict, release: Path) -> str:
    """One section per published mart: what it is, its columns with Chinese labels and types."""
    labels = glossary()
    nodes = manifest["nodes"]
    tests = _tests_by_model(manifest)
    marts = sorted((n for n in nodes.values()
                    if n["resource_type"] == "model" and n["fqn"][1] == "marts"),
                   key=lambda n: (n["fqn"][2], n["name"]))
    lines = ["# 数据字典 Data dictionary — published marts", "",
             f"Release: `{release.name}`. Each mart is `{release}/<name>.parquet` and table "
             "`marts.<name>` in the release's read-only `ecoscore.duckdb`.", ""]
    con = duckdb.connect()
    for node in marts:
        path = release / f"{node['name']}.parquet"
        types = ({r[0]: r[1] for r in con.execute(
            f"describe select * from read_parquet('{path}')").fetchall()} if path.exists() else {})
        rows = con.execute(f"select count(*) from read_parquet('{path}')").fetchone()[0] \
            if path.exists() else 0
        model_tests = tests.get(node["unique_id"], {})
        lines += [f"## {node['name']}  ({node['fqn'][2]})", "",
                  (node.get("description") or "").strip() or "_(no description yet)_", "",
                  f"- rows in this release: {rows}",
                  f"- built from: {', '.join(_parents(node, nodes)) or '—'}",
                  f"- model tests: {', '.join(sorted(model_tests.get('', []))) or '—'}", "",
                  "| column | 中文 | type | description | tests |", "|---|---|---|---|---|"]
        documented = node.get("columns", {})
        for column in types or documented:
            doc = documented.get(column, {})
            lines.append(
                f"| `{column}` | {labels.get(column, '')} | {types.get(column, doc.get('data_type') or '')} "
                f"| {(doc.get('description') or '').replace('|', '/')} "
                f"| {', '.join(sorted(model_tests.get(column, [])))} |")
        lines.append("")
    lines += release_only_sections(con, release, {n["name"] for n in marts}, labels)
    con.close()
    return "\n".join(lines)


def release_only_sections(con: duckdb.DuckDBPyConnection, release: Path, models: set[str],
                          labels: dict[str, str]) -> list[str]:
    """Published fct_* Parquet files that no dbt model builds (the publish step writes them from
    several releases, e.g. fct_unit_score_history): their columns, read from the file."""
    lines: list[str] = []
    for path in sorted(release.glob("fct_*.parquet")):
        if path.stem in models:
            continue
        types = con.execute(f"describe select * from read_parquet('{path}')").fetchall()
        rows = con.execute(f"select count(*) from read_parquet('{path}')").fetchone()[0]
        lines += [f"## {path.stem}  (release)", "",
                  "Written by the publish step when the release is made (not a dbt model).", "",
                  f"- rows in this release: {rows}", "",
                  "| column | 中文 | type |", "|---|---|---|"]
        lines += [f"| `{name}` | {labels.get(name, '')} | {kind} |" for name, kind, *_ in types]
        lines.append("")
    return lines


def build_docs(settings: Settings, out_dir: Path) -> tuple[Path, Path]:
    """dbt docs (static HTML) and the Markdown dictionary of the live release into out_dir."""
    html = generate_dbt_docs(settings, out_dir)
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    md = out_dir / "data_dictionary.md"
    md.write_text(markdown_dictionary(manifest, settings.current_release.resolve()), encoding="utf-8")
    return html, md
