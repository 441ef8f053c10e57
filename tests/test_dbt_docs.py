"""Issue 19 part 4: every dbt model has one .yml entry with a description (what it holds, where
its rule comes from); a model added without one fails here, not in a reviewer's head. Reads the
project files only (no dbt run, no warehouse): part of `make test-fast`."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from pipelines.lib.settings import PROJECT_ROOT

MODELS = PROJECT_ROOT / "dbt_project" / "models"


def model_files() -> dict[str, Path]:
    return {path.stem: path for path in MODELS.rglob("*.sql")}


def yml_entries() -> list[tuple[Path, dict]]:
    entries = []
    for path in sorted(MODELS.rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        entries += [(path, entry) for entry in document.get("models") or []]
    return entries


def test_every_model_has_a_yml_entry():
    described = {entry["name"] for _, entry in yml_entries()}
    missing = sorted(str(path.relative_to(PROJECT_ROOT)) for name, path in model_files().items()
                     if name not in described)
    assert not missing, ("models without a .yml entry (add one to the _<domain>__docs.yml beside "
                         f"them, with a description and key tests): {missing}")


def test_every_entry_has_a_description():
    bare = [f"{path.relative_to(PROJECT_ROOT)}: {entry['name']}" for path, entry in yml_entries()
            if not str(entry.get("description") or "").strip()]
    assert not bare, f"model entries without a description: {bare}"


def test_every_entry_names_a_model_and_no_model_is_described_twice():
    names = Counter(entry["name"] for _, entry in yml_entries())
    assert not [n for n, count in names.items() if count > 1], "a model is described in two .yml files"
    assert not sorted(set(names) - set(model_files())), "a .yml entry names no model (renamed or removed?)"


def test_every_mart_has_a_data_test_or_a_unit_test():
    """The published marts are what people read: each carries at least one check of its rows
    (a data test, a unit test, or its contract's primary key, which every build checks)."""
    tested = {entry["name"] for _, entry in yml_entries()
              if entry.get("data_tests") or any(c.get("data_tests") for c in entry.get("columns") or [])
              or any(c.get("type") == "primary_key" for c in entry.get("constraints") or [])}
    for path in MODELS.rglob("*.yml"):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        tested |= {test["model"] for test in document.get("unit_tests") or []}
    singular = " ".join(p.read_text(encoding="utf-8")
                        for p in (PROJECT_ROOT / "dbt_project" / "tests").rglob("*.sql"))
    tested |= {name for name in model_files() if f"ref('{name}')" in singular}
    untested = sorted(name for name, path in model_files().items()
                      if "marts" in path.parts and name not in tested)
    assert not untested, f"marts without any data test or unit test: {untested}"
