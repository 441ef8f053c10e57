"""The data dictionary of the published marts (issue 35): in every release, `dictionary/` holds
it as Markdown and as one offline HTML page (English column, Chinese label, published type,
contract constraints, description, tests; each mart's grain, lineage and readers), generated
from the dbt manifest and the release's files; `ecoscore docs` adds dbt's own docs site."""

from __future__ import annotations

import csv
import html
import json
import shutil
import tempfile
from dataclasses import dataclass
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


DICTIONARY_DIR = "dictionary"  # <release>/dictionary/: data_dictionary.md and index.html


@dataclass
class Column:
    name: str
    label_zh: str
    data_type: str
    description: str
    key: bool
    not_null: bool
    tests: list[str]


@dataclass
class Section:
    name: str
    domain: str
    description: str
    rows: int
    key: list[str]
    parents: list[str]
    readers: list[str]
    tests: list[str]
    columns: list[Column]


def _constraints(node: dict) -> tuple[list[str], set[str]]:
    """(the model's primary key, its not-null columns) from its contract."""
    key = next((c.get("columns", []) for c in node.get("constraints", []) if c["type"] == "primary_key"), [])
    not_null = {name for name, column in node.get("columns", {}).items()
                if any(c["type"] == "not_null" for c in column.get("constraints", []))}
    return list(key), not_null | set(key)


def _readers(manifest: dict) -> dict[str, list[str]]:
    """model unique_id → the exposures that read it (dashboard, office files, notebooks)."""
    found: dict[str, list[str]] = {}
    for exposure in manifest.get("exposures", {}).values():
        for uid in exposure.get("depends_on", {}).get("nodes", []):
            found.setdefault(uid, []).append(exposure.get("label") or exposure["name"])
    return found


def dictionary_sections(manifest: dict, release: Path) -> list[Section]:
    """One section per published Parquet file of the release (every mart and quarantine list):
    its model's description, grain, lineage and readers, and each column's Chinese label,
    published type, contract constraints, description and tests."""
    labels = glossary()
    nodes = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    tests, readers = _tests_by_model(manifest), _readers(manifest)
    sections = []
    con = duckdb.connect()
    try:
        for path in sorted(release.glob("*.parquet")):
            node = nodes.get(path.stem, {})
            relation = f"read_parquet('{path.as_posix()}')"
            types = con.execute(f"describe select * from {relation}").fetchall()
            key, not_null = _constraints(node)
            model_tests = tests.get(node.get("unique_id", ""), {})
            documented = node.get("columns", {})
            columns = [Column(name=name, label_zh=labels.get(name, ""), data_type=kind.lower(),
                              description=_text(documented.get(name, {}).get("description")),
                              key=name in key, not_null=name in not_null,
                              tests=sorted(model_tests.get(name, [])))
                       for name, kind, *_ in types]
            sections.append(Section(
                name=path.stem, domain=node.get("fqn", ["", "", "release"])[2],
                description=_text(node.get("description")),
                rows=con.execute(f"select count(*) from {relation}").fetchone()[0], key=key,
                parents=_parents(node, manifest["nodes"]) if node else [],
                readers=sorted(readers.get(node.get("unique_id", ""), [])),
                tests=sorted(model_tests.get("", [])), columns=columns))
    finally:
        con.close()
    return sorted(sections, key=lambda s: (s.domain, s.name))


def _text(description: str | None) -> str:
    return " ".join((description or "").split())


def _checks(column: Column) -> list[str]:
    return (["key"] if column.key else []) + (["not null"] if column.not_null and not column.key else []) \
        + column.tests


INTRO = ("Each mart is `<name>.parquet` in the release folder and the table `marts.<name>` in its "
         "read-only `ecoscore.duckdb`, with the same columns, types and rows. Types and keys are "
         "dbt model contracts: a build that would publish another type fails. Columns that mean "
         "the same thing have the same name in every mart.")


def markdown_dictionary(manifest: dict, release: Path) -> str:
    """The data dictionary as Markdown: one section per published file."""
    lines = ["# 数据字典 Data dictionary — published marts", "", f"Release: `{release.name}`. {INTRO}", ""]
    for section in dictionary_sections(manifest, release):
        lines += [f"## {section.name}  ({section.domain})", "",
                  section.description or "_(no description)_", "",
                  f"- rows in this release: {section.rows}",
                  f"- one row per: {', '.join(section.key) or '—'}",
                  f"- built from: {', '.join(section.parents) or '—'}",
                  f"- read by: {', '.join(section.readers) or '—'}",
                  f"- model tests: {', '.join(section.tests) or '—'}", "",
                  "| column | 中文 | type | description | constraints, tests |", "|---|---|---|---|---|"]
        for c in section.columns:
            lines.append(f"| `{c.name}` | {c.label_zh} | {c.data_type} | "
                         f"{(c.description or '_(no description)_').replace('|', '/')} | "
                         f"{', '.join(_checks(c))} |")
        lines.append("")
    return "\n".join(lines)


def html_dictionary(manifest: dict, release: Path) -> str:
    """The same dictionary as one offline HTML page (no script, no external file)."""
    esc = html.escape
    sections = dictionary_sections(manifest, release)
    parts = ['<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">',
             f"<title>数据字典 Data dictionary — {esc(release.name)}</title>",
             "<style>body{font-family:'Noto Sans CJK SC',sans-serif;margin:2em;max-width:80em}"
             "table{border-collapse:collapse;width:100%;margin-bottom:2em}"
             "th,td{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}"
             "th{background:#DDEBF7}code{font-size:95%}.missing{color:#c00}</style></head><body>",
             "<h1>数据字典 Data dictionary — published marts</h1>",
             f"<p>Release: <code>{esc(release.name)}</code>. {esc(INTRO)}</p><ul>"]
    parts += [f'<li><a href="#{esc(s.name)}">{esc(s.name)}</a> ({esc(s.domain)}, {s.rows} rows)</li>'
              for s in sections]
    parts.append("</ul>")
    for s in sections:
        parts += [f'<h2 id="{esc(s.name)}">{esc(s.name)} <small>({esc(s.domain)})</small></h2>',
                  f"<p>{esc(s.description) or '<span class=missing>(no description)</span>'}</p><ul>",
                  f"<li>rows in this release: {s.rows}</li>",
                  f"<li>one row per: {esc(', '.join(s.key) or '—')}</li>",
                  f"<li>built from: {esc(', '.join(s.parents) or '—')}</li>",
                  f"<li>read by: {esc(', '.join(s.readers) or '—')}</li>",
                  f"<li>model tests: {esc(', '.join(s.tests) or '—')}</li></ul>",
                  "<table><tr><th>column</th><th>中文</th><th>type</th><th>description</th>"
                  "<th>constraints, tests</th></tr>"]
        for c in s.columns:
            text = esc(c.description) if c.description else "<span class=missing>(no description)</span>"
            parts.append(f"<tr><td><code>{esc(c.name)}</code></td><td>{esc(c.label_zh)}</td>"
                         f"<td>{esc(c.data_type)}</td><td>{text}</td>"
                         f"<td>{esc(', '.join(_checks(c)))}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_release_dictionary(manifest_path: Path, release: Path) -> tuple[Path, Path]:
    """The dictionary of a release, in the release (<release>/dictionary/): data_dictionary.md
    and index.html, generated from the dbt manifest (descriptions, contracts, tests, exposures)
    and the release's own files (types, rows)."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    out = release / DICTIONARY_DIR
    out.mkdir(exist_ok=True)
    md, page = out / "data_dictionary.md", out / "index.html"
    md.write_text(markdown_dictionary(manifest, release), encoding="utf-8")
    page.write_text(html_dictionary(manifest, release), encoding="utf-8")
    return md, page


def build_docs(settings: Settings, out_dir: Path) -> tuple[Path, Path]:
    """dbt docs (static HTML) and the Markdown dictionary of the live release into out_dir."""
    html = generate_dbt_docs(settings, out_dir)
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    md = out_dir / "data_dictionary.md"
    md.write_text(markdown_dictionary(manifest, settings.current_release.resolve()), encoding="utf-8")
    return html, md
