"""Issue 37 item 3: settings are one object handed on explicitly, never the environment written
by the project; importing a module does no work (no dbt parse at import)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from pipelines.lib.settings import PROJECT_ROOT, Settings, get_settings

WRITES = {"update", "pop", "setdefault", "clear", "popitem", "__setitem__", "__delitem__"}


def environment_writes(source: str, where: str) -> list[str]:
    """Every place the source writes the process's environment (os.environ[...] = …, del, its
    mutating methods, os.putenv / os.unsetenv)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        for target in targets:
            if isinstance(target, ast.Subscript) and ast.unparse(target.value) == "os.environ":
                found.append(f"{where}:{node.lineno}: {ast.unparse(node)[:80]}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = ast.unparse(node.func.value)
            if (owner == "os.environ" and node.func.attr in WRITES) or \
                    (owner == "os" and node.func.attr in ("putenv", "unsetenv")):
                found.append(f"{where}:{node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_no_module_writes_the_environment():
    """Configuration travels as objects and arguments: the pipeline, its commands and the
    benchmarks read the environment where a process starts and never change it (a child
    process gets its own environment as an argument)."""
    offenders = [w for folder in ("pipelines", "bench")
                 for path in sorted((PROJECT_ROOT / folder).rglob("*.py"))
                 for w in environment_writes(path.read_text(encoding="utf-8"),
                                             path.relative_to(PROJECT_ROOT).as_posix())]
    assert offenders == []


def test_the_scan_sees_each_way_of_writing_the_environment():
    source = "\n".join(["import os", "os.environ['A'] = '1'", "os.environ.update(B='2')",
                        "os.environ.setdefault('C', '3')", "del os.environ['A']", "os.putenv('D', '4')",
                        "x = os.environ.get('E')", "env = {**os.environ, 'F': '5'}"])
    assert sorted(int(w.split(":")[1]) for w in environment_writes(source, "x.py")) == [2, 3, 4, 5, 6]


def test_settings_are_read_from_the_environment_without_changing_it(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ECOSCORE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ECOSCORE_WAREHOUSE", raising=False)
    monkeypatch.delenv("ECOSCORE_MARTS_DIR", raising=False)
    before = dict(os.environ)
    settings = get_settings()
    assert settings == Settings(data_dir=(tmp_path / "data").resolve())
    assert settings.warehouse_path == (tmp_path / "data" / "warehouse" / "ecoscore.duckdb").resolve()
    assert dict(os.environ) == before


def test_importing_the_dbt_project_parses_nothing(tmp_path: Path):
    """pipelines/dbt/project.py used to start `dbt parse` at import when the manifest was stale;
    now only the entry points prepare it. With no manifest at all, the import neither parses
    nor writes one (nor imports dbt's runner)."""
    target = tmp_path / "target"
    target.mkdir()
    env = {**os.environ, "DBT_TARGET_PATH": str(target)}
    done = subprocess.run([sys.executable, "-c", "import sys, pipelines.dbt.project as p; "
                           "print('dbt.cli.main' in sys.modules, p.dbt_project.manifest_path)"],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    imported_runner, manifest = done.stdout.split()
    assert imported_runner == "False" and manifest == str(target / "manifest.json")
    assert list(target.iterdir()) == []
