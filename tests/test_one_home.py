"""Issue 20: one home for each rule. Domains do not reach into each other (an import graph over
pipelines/ and a ref graph over the dbt models), and the rules that used to live twice are found
in one place only."""

from __future__ import annotations

import re

from pipelines.lib.settings import PROJECT_ROOT

PIPELINES = PROJECT_ROOT / "pipelines"


def python_sources() -> list:
    return sorted(p for p in PIPELINES.rglob("*.py") if ".venv" not in p.parts)


def test_one_jinja_loader_of_dbt_macros():
    """Issue 20 item 5: the calculators and the quality frames render the dbt macros through
    pipelines/lib/macros.py only."""
    loaders = [p.relative_to(PROJECT_ROOT).as_posix() for p in python_sources()
               if "jinja2.Environment(" in p.read_text(encoding="utf-8")]
    assert loaders == ["pipelines/lib/macros.py"]


def test_one_phone_pattern():
    """Issue 20 item 4: mobile (1[3-9]…) and landline patterns live in pipelines/lib/personal.py
    only; ledgers, quality and the release gate use it."""
    mobile = re.compile(r"1\[3-9\]")
    homes = [p.relative_to(PROJECT_ROOT).as_posix() for p in python_sources()
             if mobile.search(p.read_text(encoding="utf-8"))]
    assert homes == ["pipelines/lib/personal.py"]


# The layout's one rule for Python (docs/architecture.md, "Where things live"): a domain
# (pipelines/<domain>/) imports pipelines/lib and the scheme (pipelines/scheme/) — never another
# domain, nor the entry modules. The scheme imports lib only; lib imports nothing of pipelines.
# The entry modules (cli.py, definitions.py, run.py; province, which runs every shard's pipeline
# and rolls their published marts up) and publish, which packages every domain's marts, may
# import domains.
SHARED = {"lib", "scheme"}
ENTRIES = {"cli", "definitions", "run", "province"}
MAY_IMPORT_DOMAINS = {"publish"}
ALLOWED_EDGES = {
    # the as-of dashboard runs the whole pipeline in a scratch folder
    ("publish", "run"),
}


def imported_modules(path) -> set[str]:
    """Every pipelines.* module a file imports (top level or inside functions)."""
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m.split(".")[0] == "pipelines"}


def home_of(module: str) -> str | None:
    """The domain (or lib, scheme, entry module) a pipelines.* module belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def import_edges() -> set[tuple[str, str, str]]:
    """(importing home, imported home, file) for every import between two homes."""
    edges = set()
    for path in python_sources():
        parts = path.relative_to(PIPELINES).with_suffix("").parts
        source = parts[0]
        for module in imported_modules(path):
            target = home_of(module)
            if target and target != source and module != f"pipelines.{target}.__init__":
                edges.add((source, target, path.relative_to(PROJECT_ROOT).as_posix()))
    return edges


def forbidden(source: str, target: str) -> bool:
    if source in ENTRIES or target == "lib" or (source, target) in ALLOWED_EDGES:
        return False
    if source == "lib":
        return True
    if target == "scheme":
        return False
    if source == "scheme" or target in ENTRIES:
        return True
    return source not in MAY_IMPORT_DOMAINS


def test_no_domain_imports_another_domain():
    """Issue 20 item 6: an import graph over pipelines/ (ast): a domain → domain edge other
    than the allowed ones fails, naming the file."""
    bad = sorted(f"{f}: {s} → {t}" for s, t, f in import_edges() if forbidden(s, t))
    assert bad == []


def module_graph() -> dict[str, set[str]]:
    """pipelines.* module → the pipelines.* modules it imports (at the top or inside a function:
    a lazy import closes a circle just the same)."""
    modules = {}
    for path in python_sources():
        parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    import ast

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from package import module` is an edge to the module (a package whose
                # __init__ re-exports its modules is no circle)
                found |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules
                          else node.module for a in node.names}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of a graph: its strongly connected groups of two or more modules."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in order:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], order[nxt])
        if low[node] == order[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in order:
            visit(node)
    return found


def test_no_import_circle():
    """Issue 37 item 4: no module of pipelines/ imports itself back through others (it was
    lib/settings → scheme/shards → scheme/loader → scheme/registry → lib/settings: the settings
    resolved a shard themselves; the shard's settings now come from the registry, explicitly)."""
    assert cycles(module_graph()) == []


def test_the_circle_check_finds_a_circle():
    graph = {"settings": {"shards"}, "shards": {"loader"}, "loader": {"registry"},
             "registry": {"settings"}, "cli": {"settings"}}
    assert cycles(graph) == [["loader", "registry", "settings", "shards"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    assert "pipelines.lib.settings" in module_graph()["pipelines.scheme.registry"]


def test_the_import_graph_check_sees_an_edge():
    """The check can fail: a domain → domain import is found and refused."""
    edges = import_edges()
    assert ("ledgers", "scheme", "pipelines/ledgers/check.py") in edges
    assert forbidden("ledgers", "scoring") and forbidden("scoring", "air")
    assert forbidden("publish", "cli") and forbidden("lib", "scoring") and forbidden("scheme", "air")
    assert not forbidden("air", "scheme") and not forbidden("cli", "air")


# The same rule for dbt: a model of models/<layer>/<domain>/ refs staging models of its own
# domain or of the scheme (models/staging/scheme) only; other domains are read through their
# marts or their declared contracts (int_ledgers__events), never through their staging models.
# ops' fct_as_of_cuts reports what the as-of cut left out of every domain's dated inputs: it
# reads them where the cut happens (as publish packages every domain's marts).
READS_EVERY_STAGING = {"ops"}
# Staging models that are a domain's declared contract for others: the ledger event-kind registry
# (which sheet and kind a duties ledger row is) is read by the duties marts (seed 002).
CONTRACTS = {"stg_ledgers__event_kinds"}
REF = re.compile(r"""ref\(\s*['"](stg_([a-z0-9]+)__[a-z0-9_]+)['"]\s*\)""")


def staging_refs() -> set[tuple[str, str, str]]:
    """(model's domain, referenced staging model's domain, model file) for every staging ref."""
    from pipelines.lib.settings import DBT_PROJECT_DIR

    found = set()
    for path in sorted((DBT_PROJECT_DIR / "models").rglob("*.sql")):
        domain = path.parent.name
        for match in REF.finditer(path.read_text(encoding="utf-8")):
            if match.group(1) in CONTRACTS:
                continue
            found.add((domain, match.group(2), path.relative_to(PROJECT_ROOT).as_posix()))
    return found


def test_no_dbt_model_refs_another_domains_staging_models():
    """Issue 20 item 6: fct_air_target_gap and int_ledgers__rows_resolved read the scheme from
    models/staging/scheme (stg_scheme__*), not from scoring; no model reads another domain's
    staging models."""
    bad = sorted(f"{f}: {d} → stg_{t}__" for d, t, f in staging_refs() 
                 if t not in (d, "scheme") and d not in READS_EVERY_STAGING)
    assert bad == []


def test_the_dbt_ref_check_sees_the_scheme_edges():
    """The check can fail: it finds the scheme refs of air and ledgers (allowed) by file."""
    refs = staging_refs()
    assert ("air", "scheme", "dbt_project/models/marts/air/fct_air_target_gap.sql") in refs
    assert ("ledgers", "scheme",
            "dbt_project/models/intermediate/ledgers/int_ledgers__rows_resolved.sql") in refs


def test_air_hour_labels_and_validity_have_one_home():
    """Issue 20 item 3: the hour label (CNEMC labels the end of the hour), the 20 valid hours of a
    day (GB 3095-2012 表4 / HJ 663-2013) and the 27 (February 25) valid days of a month are
    macros of macros/air/feed.sql that the models call; the quality checks read those models
    (stg_air__station_hourly_checked's period_start, int_air__station_monthly's valid days) and
    neither spell nor call the rule themselves."""
    import inspect

    from pipelines.lib.settings import DBT_PROJECT_DIR
    from pipelines.quality.frames import FRAMES

    models = DBT_PROJECT_DIR / "models"
    uses = {"staging/air/stg_air__station_hourly_checked.sql": "air_period_start(",
            "intermediate/air/int_air__station_daily.sql": "air_min_valid_hours()",
            "intermediate/air/int_air__station_monthly.sql": "air_min_valid_days(",
            "marts/air/fct_air_unit_monthly.sql": "air_min_valid_days("}
    for model, macro in uses.items():
        sql = (models / model).read_text(encoding="utf-8")
        assert macro in sql and "timepoint - interval 1 hour" not in sql and ">= 20" not in sql, model
    frames = (PIPELINES / "quality" / "frames.py").read_text(encoding="utf-8")
    for rule in ("timepoint - interval 1 hour", ">= 20", "then 25 else 27", "air_period_start",
                 "air_min_valid_hours", "air_min_valid_days", "feed_hour_label"):
        assert rule not in frames, rule
    reads = {"air_station_completeness": "intermediate.int_air__station_monthly",
             "air_station_hourly_checked": "staging.stg_air__station_hourly_checked"}
    for suite, model in reads.items():
        assert model in inspect.getsource(FRAMES[suite]), suite


def test_unit_totals_are_reconciled_in_one_place():
    """Issue 37 item 4: "total = base points + Σ movements" (SPEC §4) is dbt's singular test
    tests/scoring/assert_unit_totals_add_up.sql (an asset check on fct_unit_scores); the quality
    suites (Great Expectations) no longer compute it again."""
    from pipelines.lib.settings import DBT_PROJECT_DIR, EXPECTATIONS_DIR

    test = (DBT_PROJECT_DIR / "tests" / "scoring" / "assert_unit_totals_add_up.sql").read_text(
        encoding="utf-8")
    assert "units.base_points + coalesce(moved.moved, 0)" in test
    frames = (PIPELINES / "quality" / "frames.py").read_text(encoding="utf-8")
    assert "base_points" not in frames and "total_score" not in frames
    suites = " ".join(p.read_text(encoding="utf-8") for p in EXPECTATIONS_DIR.glob("*.yaml"))
    assert "unexplained_points" not in suites


def test_station_completeness_is_counted_once():
    """Issue 37 item 4: a station-month's completeness is int_air__station_monthly's valid days
    against the days the standard asks for (GB 3095-2012 表4; macros/air/feed.sql): the quality
    check air_station_completeness reads that model, the dashboard its published copy
    (fct_air_station_monthly); the dashboard counts no hours and knows no day count of its own."""
    import inspect

    from pipelines.lib.settings import PROJECT_ROOT
    from pipelines.publish.dashboard import data
    from pipelines.quality.frames import FRAMES

    dashboard = inspect.getsource(data.station_completeness).replace(
        data.station_completeness.__doc__, "")  # the code, not its docstring
    assert "read_mart(release_dir, \"fct_air_station_monthly\")" in dashboard
    mart = PROJECT_ROOT / "dbt_project" / "models" / "marts" / "air" / "fct_air_station_monthly.sql"
    assert "ref('int_air__station_monthly')" in mart.read_text(encoding="utf-8")  # its published copy
    for rule in ("_hours", "24 *", "monthrange", "27", "25"):
        assert rule not in dashboard, rule
    assert "intermediate.int_air__station_monthly" in inspect.getsource(FRAMES["air_station_completeness"])


def test_the_monthly_water_rules_have_one_home():
    """Issue 37 item 4: sections, months, numbers and section-months sent twice are judged by
    stg_water__section_monthly_checked; the quality suite reads its `problem_kind` after dbt
    built it (no raw gate parsing the cells a second time beside it)."""
    import inspect

    from pipelines.lib.settings import EXPECTATIONS_DIR
    from pipelines.quality.frames import FRAMES
    from pipelines.quality.suites import load_suites

    suites = {s.name: s for s in load_suites()}
    assert "raw_water_section_monthly" not in suites
    assert suites["water_section_monthly_checked"].asset == ["staging", "stg_water__section_monthly_checked"]
    frame = inspect.getsource(FRAMES["water_section_monthly_checked"])
    assert "from staging.stg_water__section_monthly_checked" in frame
    for rule in ("raw.water_section_monthly", "strptime", "water_parse_value", "count(distinct"):
        assert rule not in frame, rule
    assert (EXPECTATIONS_DIR / "water_section_monthly_checked.yaml").exists()


# a list of formats a date written by a person is parsed with (SQL: try_strptime(x, ['%Y-%m', …]))
DATE_FORMATS = re.compile(r"strptime\([^;]{0,120}?'%Y[-/年]%m", re.DOTALL)


def test_the_date_formats_people_write_have_one_home():
    """Issue 37 item 4: the formats of a date (2024-03-05, 2024/3/5) and of a month (2024-03,
    2024/03, 2024年03月) a person writes in an input file are listed once, in
    macros/ops/dates.sql (`parse_date`, `parse_month`); the staging models, fct_as_of_cuts and
    the quality frames call them. (The air feed's timestamps have their own home,
    macros/air/feed.sql.)"""
    from pipelines.lib.settings import DBT_PROJECT_DIR

    home = DBT_PROJECT_DIR / "macros" / "ops" / "dates.sql"
    air_feed = {DBT_PROJECT_DIR / "macros" / "air" / "feed.sql", PIPELINES / "air" / "calculator.py"}
    places = [p for p in [*DBT_PROJECT_DIR.joinpath("models").rglob("*.sql"),
                          *DBT_PROJECT_DIR.joinpath("macros").rglob("*.sql"), *python_sources()]
              if p not in air_feed and DATE_FORMATS.search(p.read_text(encoding="utf-8"))]
    assert places == [home]


# a comparison on an item's department order: the rule "the first named leads", spelled again
DEPARTMENT_ORDER_RULE = re.compile(r"department_order\s*(=|<>|!=|>=|<=|>|<|\bin\b|\bbetween\b)",
                                   re.IGNORECASE)


def test_the_lead_department_of_an_item_is_decided_in_one_place():
    """Issue 37 item 4 (review): which of an item's departments leads (牵头) — the first the
    document names: seed 001's 考核单位, seed 003's 牵头单位 before its 责任单位 — is decided once,
    by stg_scheme__item_departments (`department_role` 'lead' / 'cooperating'). The ledger rows'
    department (int_ledgers__row_departments), the scoring grid (int_scoring__unit_items), the
    items' mart (dim_scheme_items) and the departments' mart (dim_departments) read
    department_role; no other model or macro compares department_order (it only orders lists)."""
    from pipelines.lib.settings import DBT_PROJECT_DIR

    home = DBT_PROJECT_DIR / "models" / "staging" / "scheme" / "stg_scheme__item_departments.sql"
    places = [p for p in [*DBT_PROJECT_DIR.joinpath("models").rglob("*.sql"),
                          *DBT_PROJECT_DIR.joinpath("macros").rglob("*.sql")]
              if DEPARTMENT_ORDER_RULE.search(p.read_text(encoding="utf-8"))]
    assert places == [home]
    assert "case when department_order = 1 then 'lead' else 'cooperating' end as department_role" in \
        home.read_text(encoding="utf-8")
    readers = ["intermediate/ledgers/int_ledgers__row_departments.sql",
               "intermediate/scoring/int_scoring__unit_items.sql",
               "marts/scheme/dim_scheme_items.sql", "marts/scheme/dim_departments.sql"]
    for model in readers:
        sql = (DBT_PROJECT_DIR / "models" / model).read_text(encoding="utf-8")
        assert "department_role = 'lead'" in sql, model


def test_the_lead_department_check_sees_the_old_spelling():
    """The check can fail: it finds the comparisons the four models used to spell, and not a
    list ordered by department_order."""
    for spelled in ("and items.department_order = 1", "filter (where department_order > 1)",
                    "where department_order=1 and not is_inherited"):
        assert DEPARTMENT_ORDER_RULE.search(spelled), spelled
    assert not DEPARTMENT_ORDER_RULE.search("string_agg(department_name, '、' order by department_order)")
