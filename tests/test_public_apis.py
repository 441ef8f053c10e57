"""Issue 37 item 2: public APIs only. No module of pipelines/, tests/ or bench/ names a `_`-prefixed
module, function, class or attribute of dagster, dagster_dbt, dagster_postgres, dbt or dbt-duckdb
(an upgrade may change those without a word): an ast scan of every import and every attribute
read through a name bound to one of those packages. dagster.yaml names only public classes."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from pipelines.lib.settings import PROJECT_ROOT

# the import roots of the libraries whose private names are off limits (dbt-duckdb lives in
# dbt.adapters.duckdb, dbt's runner in dbt.cli, dbt's events in dbt_common)
GUARDED = ("dagster", "dagster_dbt", "dagster_postgres", "dagster_webserver", "dbt", "dbt_common")
FOLDERS = ("pipelines", "tests", "bench")


# packages whose public API is what their top level exports (dagster-dbt's own helpers that it
# does not export count as private, issue 37)
EXPORTING = ("dagster", "dagster_dbt", "dagster_postgres")


def exported(package: str, name: str) -> bool:
    import importlib

    return hasattr(importlib.import_module(package), name)


def guarded(module: str) -> bool:
    return module.split(".")[0] in GUARDED


def private_parts(dotted: str) -> list[str]:
    """The `_`-prefixed parts of a dotted name (dunders such as __version__ are public)."""
    return [p for p in dotted.split(".") if p.startswith("_") and not (p.startswith("__")
                                                                        and p.endswith("__"))]


def attribute_chain(node: ast.AST) -> list[str] | None:
    """`a.b.c` → ['a', 'b', 'c'] (None when the chain does not start at a plain name)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(parts)]


def private_uses(source: str, where: str) -> list[str]:
    """Every private name of a guarded library the source imports or reads, as `where:line: …`."""
    tree = ast.parse(source)
    bound: dict[str, str] = {}  # local name → the guarded module or object it stands for
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if guarded(alias.name):
                    if private_parts(alias.name):
                        found.append(f"{where}:{node.lineno}: import {alias.name}")
                    bound[alias.asname or alias.name.split(".")[0]] = \
                        alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and guarded(node.module):
            for alias in node.names:
                dotted = f"{node.module}.{alias.name}"
                root = node.module.split(".")[0]
                if private_parts(dotted) or (root in EXPORTING and node.module != root
                                             and not exported(root, alias.name)):
                    found.append(f"{where}:{node.lineno}: from {node.module} import {alias.name}")
                bound[alias.asname or alias.name] = dotted
    inner = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and id(node) not in inner:  # the whole chain, once
            chain = attribute_chain(node)
            if chain and chain[0] in bound:
                dotted = ".".join([bound[chain[0]], *chain[1:]])
                if private_parts(".".join(chain[1:])):
                    found.append(f"{where}:{node.lineno}: {dotted}")
    return sorted(set(found))


def python_files() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (PROJECT_ROOT / folder).rglob("*.py")
                  if ".venv" not in p.parts)


def test_no_private_name_of_dagster_dbt_or_dbt_duckdb_anywhere():
    """Issue 37 item 2: the fork-server run launcher (Dagster's `_execute_run_command_body`), the
    event log's `_connect` override, dagster-dbt's unexported event helpers and dbt-duckdb's
    `_ENV` are gone; nothing may bring such a name back."""
    offenders = [use for path in python_files()
                 for use in private_uses(path.read_text(encoding="utf-8"),
                                         path.relative_to(PROJECT_ROOT).as_posix())]
    assert offenders == []


def test_the_scan_finds_private_imports_and_attributes():
    """The check can fail: each way of reaching a private name is found, public ones are not."""
    source = "\n".join([
        "import dagster as dg",
        "import dbt.adapters.duckdb.connections as conns",
        "from dagster._cli.api import _execute_run_command_body",
        "from dagster_dbt.asset_utils import get_manifest_and_translator_from_dbt_assets",
        "from dagster_dbt.core.resource import DbtCliResource",  # exported at the top: public
        "from dbt.adapters.duckdb.connections import DuckDBConnectionManager",
        "import dagster._core.launcher",
        "x = DuckDBConnectionManager._ENV",
        "y = dg._core.utils.make_new_run_id()",
        "z = conns.DuckDBConnectionManager._LOCK",
        "ok = dg.AssetKey('a').to_user_string()",
        "from pathlib import _ignored",  # not a guarded library
        "mine = object()._private",
    ])
    found = private_uses(source, "x.py")
    assert found == sorted([
        "x.py:3: from dagster._cli.api import _execute_run_command_body",
        "x.py:4: from dagster_dbt.asset_utils import get_manifest_and_translator_from_dbt_assets",
        "x.py:7: import dagster._core.launcher",
        "x.py:8: dbt.adapters.duckdb.connections.DuckDBConnectionManager._ENV",
        "x.py:9: dagster._core.utils.make_new_run_id",
        "x.py:10: dbt.adapters.duckdb.connections.DuckDBConnectionManager._LOCK",
    ])


# Where run workers keep their stdout/stderr and local artifacts: Dagster 1.13 exports no public
# module for these two classes, and its own defaults name them by these paths (dagster.yaml sets
# them only to keep them under ECOSCORE_DAGSTER_STORAGE rather than the checkout).
NO_PUBLIC_MODULE = {"local_artifact_storage": "dagster._core.storage.root",
                    "compute_logs": "dagster._core.storage.local_compute_log_manager"}


def test_the_instance_configuration_names_dagsters_own_storage_launcher_and_queue():
    """dagster.yaml (one machine, SQLite) and deploy/postgres/dagster.yaml (several machines) use
    Dagster's own storages by their documented keys, its DefaultRunLauncher and its
    QueuedRunCoordinator from the public `dagster` module: no class of this project."""
    for path in (PROJECT_ROOT / "dagster.yaml", PROJECT_ROOT / "deploy" / "postgres" / "dagster.yaml"):
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(config["storage"]) <= {"sqlite", "postgres"}, path
        assert config["run_launcher"] == {"module": "dagster", "class": "DefaultRunLauncher"}, path
        assert config["run_coordinator"]["module"] == "dagster", path
        assert config["run_coordinator"]["class"] == "QueuedRunCoordinator", path
        for key, value in config.items():
            if isinstance(value, dict) and "module" in value:
                assert not value["module"].startswith("pipelines"), (path, key)
                assert not private_parts(value["module"]) or NO_PUBLIC_MODULE.get(key) == value["module"], \
                    (path, key, value["module"])
