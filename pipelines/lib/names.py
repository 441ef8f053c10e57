"""Names over codes (issue 19 part 5): every CLI option that names a unit or a scheme takes its
code (`lingshan`, `qinzhou_2024`) or its Chinese name (`灵山县`, `钦州市 2024 年度…`), through
this one resolver. When nothing matches, the error lists the valid names and codes, nearest
first."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

KINDS = {"unit": "单位 unit", "scheme": "方案 scheme"}


@dataclass(frozen=True)
class Choice:
    """One thing an option can name: its code, its Chinese name, other names it goes by (a
    scheme's government, e.g. 钦州市)."""

    code: str
    name: str = ""
    aliases: tuple[str, ...] = field(default=())

    def names(self) -> tuple[str, ...]:
        return tuple(n for n in (self.name, *self.aliases) if n)

    def label(self) -> str:
        return f"{self.name}（{self.code}）" if self.name else self.code


class UnknownNameError(LookupError):
    """The value names none (or several) of the choices; the message lists them, nearest first."""


def _plain(text: str) -> str:
    return "".join(text.split()).casefold()


def resolve(value: str, choices: Iterable[Choice], kind: str = "unit") -> str:
    """The code `value` names: its code, its name or an alias (case and spaces ignored), else
    the one choice whose name contains it (灵山 → lingshan). Raises UnknownNameError."""
    options = list(dict.fromkeys(choices))
    wanted = _plain(value)
    for test in (lambda c: c.code == value, lambda c: value in c.names(),
                 lambda c: _plain(c.code) == wanted or wanted in {_plain(n) for n in c.names()}):
        found = {c.code for c in options if test(c)}
        if len(found) == 1:
            return found.pop()
    partial = [c for c in options if len(wanted) >= 2 and any(wanted in _plain(n) for n in c.names())]
    if len({c.code for c in partial}) == 1:
        return partial[0].code
    raise UnknownNameError(not_found_message(value, partial or options, kind, ambiguous=bool(partial)))


def nearest_first(value: str, choices: list[Choice]) -> list[Choice]:
    """Choices ordered by how close their code or a name is to `value` (difflib ratio)."""
    wanted = _plain(value)

    def closeness(choice: Choice) -> float:
        return max(difflib.SequenceMatcher(None, wanted, _plain(text)).ratio()
                   for text in (choice.code, *choice.names()))

    return sorted(choices, key=lambda c: (-closeness(c), c.code))


def not_found_message(value: str, choices: list[Choice], kind: str, ambiguous: bool = False,
                      limit: int = 12) -> str:
    label = KINDS.get(kind, kind)
    head = (f"「{value}」可指多个{label}，请写全 (names several; give the code or full name)"
            if ambiguous else f"没有{label}「{value}」(no {kind} named {value!r})")
    if not choices:
        return f"{head}；没有可选的{label} (none available)"
    ranked = nearest_first(value, choices)
    lines = [f"{head}。可用的{label}（最接近的在前 nearest first）:"]
    lines += [f"  {c.name or '—'}  {c.code}" for c in ranked[:limit]]
    if len(ranked) > limit:
        lines.append(f"  … 另有 {len(ranked) - limit} 个 (and {len(ranked) - limit} more)")
    return "\n".join(lines)


# --- where the choices come from ----------------------------------------------------------------

def scheme_file_units(body: dict) -> list[Choice]:
    """The units of a parsed scheme file."""
    return [Choice(str(u["code"]), str(u.get("name") or "")) for u in body.get("units", [])]


def scheme_files(schemes_dir: Path) -> dict[str, Path]:
    """Scheme code → its YAML file under data/raw/schemes (files that do not parse are left out)."""
    import yaml

    from pipelines.lib.files import read_yaml

    found = {}
    for path in sorted(schemes_dir.glob("*.y*ml")):
        try:
            head = (read_yaml(path) or {}).get("scheme") or {}
        except (OSError, yaml.YAMLError):
            continue
        if head.get("code"):
            found[str(head["code"])] = path
    return found


def scheme_file_choices(schemes_dir: Path) -> list[Choice]:
    """The schemes of data/raw/schemes: code, name and government."""
    from pipelines.lib.files import read_yaml

    choices = []
    for code, path in scheme_files(schemes_dir).items():
        head = read_yaml(path)["scheme"]
        choices.append(Choice(code, str(head.get("name") or ""),
                              tuple(str(head[k]) for k in ("government",) if head.get(k))))
    return choices


def scheme_path(value: str, schemes_dir: Path | None = None) -> Path:
    """A scheme option's file: an existing path as given, else the file of data/raw/schemes/ whose
    scheme the value names (code or Chinese name). Raises UnknownNameError."""
    if Path(value).is_file():
        return Path(value)
    if schemes_dir is None:
        from pipelines.lib.settings import get_settings

        schemes_dir = get_settings().raw_dir / "schemes"
    code = resolve(value, scheme_file_choices(schemes_dir), "scheme")
    return scheme_files(schemes_dir)[code]


def published_choices(database: Path, kind: str, year: int | None = None) -> list[Choice]:
    """Units or schemes of a published warehouse copy (marts.fct_unit_item_scores, the mart every
    item-level command reads, and the scheme names of marts.dim_schemes when the copy has them)."""
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        where = f" where scheme_year = {int(year)}" if year else ""
        if kind == "unit":
            rows = con.execute(f"select distinct unit_code, unit_name from marts.fct_unit_item_scores{where}"
                               ).fetchall()
            return [Choice(str(code), str(name or "")) for code, name in rows]
        codes = [r[0] for r in con.execute(
            f"select distinct scheme_code from marts.fct_unit_item_scores{where}").fetchall()]
        names: dict[str, tuple[str, tuple[str, ...]]] = {}
        try:
            for code, name, government in con.execute(
                    "select scheme_code, scheme_name, government from marts.dim_schemes").fetchall():
                names[code] = (name or "", (government,) if government else ())
        except duckdb.Error:
            pass
    return [Choice(code, *names.get(code, ("", ()))) for code in codes]
