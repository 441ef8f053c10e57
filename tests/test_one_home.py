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
