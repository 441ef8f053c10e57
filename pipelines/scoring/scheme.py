"""Scheme files: YAML → validated → rows for the warehouse's raw scheme tables.

A scheme is data, not code: adding next year's scheme means writing a file under
data/raw/schemes/. The dbt models in models/*/scoring read the tables written here."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import polars as pl
import yaml

SCHEMA_PATH = Path(__file__).with_name("scheme_schema.yaml")


class SchemeError(ValueError):
    """A scheme file is invalid; the message names the file, the path inside it, and why."""


@dataclass(frozen=True)
class Scheme:
    path: Path
    sha256: str
    body: dict[str, Any]

    @property
    def code(self) -> str:
        return self.body["scheme"]["code"]

    @property
    def year(self) -> int:
        return self.body["scheme"]["year"]


def _location(error: jsonschema.ValidationError) -> str:
    return "/".join(str(p) for p in error.absolute_path) or "(文件顶层)"


def _check_references(path: Path, body: dict[str, Any]) -> None:
    """What a JSON Schema cannot say: codes must be unique and every reference must exist."""
    unit_codes = [u["code"] for u in body["units"]]
    item_codes = [i["code"] for i in body["items"]]
    for kind, codes in (("单位", unit_codes), ("指标", item_codes)):
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise SchemeError(f"{path}: {kind}编码重复: {', '.join(dupes)}")
    known = set(unit_codes)
    for n, item in enumerate(body["items"]):
        named = set(item.get("units", [])) | set(item.get("targets", {}))
        unknown = sorted(named - known)
        if unknown:
            raise SchemeError(
                f"{path}: items/{n} ({item['code']}): 未在 units 中定义的单位: {', '.join(unknown)}"
            )
        if "measure" in item and "target" not in item and "targets" not in item:
            raise SchemeError(f"{path}: items/{n} ({item['code']}): 有 measure 但没有 target/targets")


def load_scheme(path: Path) -> Scheme:
    """Parse and validate one scheme file; raises SchemeError naming file and location."""
    raw = path.read_bytes()
    try:
        body = yaml.safe_load(raw.decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise SchemeError(f"{path}: YAML 无法解析: {err}") from err
    schema = yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        worst = jsonschema.exceptions.best_match(errors)
        raise SchemeError(f"{path}: {_location(worst)}: {worst.message}")
    _check_references(path, body)
    return Scheme(path=path, sha256=hashlib.sha256(raw).hexdigest(), body=body)


def load_schemes(schemes_dir: Path, year: int | None = None) -> list[Scheme]:
    files = sorted(schemes_dir.glob("*.yaml")) + sorted(schemes_dir.glob("*.yml"))
    schemes = [load_scheme(f) for f in files]
    if year is not None:
        schemes = [s for s in schemes if s.year == year]
    codes = [s.code for s in schemes]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise SchemeError(f"{schemes_dir}: 多个方案文件使用同一编码: {', '.join(dupes)}")
    return schemes


def scheme_tables(schemes: list[Scheme], root: Path) -> dict[str, pl.DataFrame]:
    """The raw scheme tables: schemes, units, items (rule parameters as JSON), targets, grades."""
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in
                                              ("schemes", "units", "items", "targets", "grades")}
    for s in schemes:
        head = s.body["scheme"]
        file_name = str(s.path.relative_to(root)) if s.path.is_relative_to(root) else str(s.path)
        rows["schemes"].append({
            "scheme_code": s.code, "scheme_name": head["name"],
            "government": head.get("government"), "scheme_year": s.year,
            "scheme_version": head.get("version", s.sha256[:12]), "source": head["source"],
            "standard_code": head.get("standard"), "scheme_file": file_name,
            "scheme_sha256": s.sha256,
        })
        for u in s.body["units"]:
            rows["units"].append({"scheme_code": s.code, "unit_code": u["code"],
                                  "unit_name": u["name"], "unit_kind": u.get("kind")})
        for g in s.body.get("grades", []):
            rows["grades"].append({"scheme_code": s.code, "grade": g["grade"],
                                   "min_score": float(g["min_score"])})
        all_units = [u["code"] for u in s.body["units"]]
        for order, item in enumerate(s.body["items"]):
            rule = dict(item["rule"])
            rows["items"].append({
                "scheme_code": s.code, "item_code": item["code"], "item_order": order,
                "item_name": item["name"], "points": float(item["points"]),
                "rule_shape": rule.pop("shape"), "rule_params": json.dumps(rule, ensure_ascii=False),
                "measure_code": item.get("measure"),
                "source_seed": item["source"]["seed"], "source_item": item["source"]["item"],
                "source_text": item["source"]["text"],
            })
            for unit in item.get("units", all_units):
                target = item.get("targets", {}).get(unit, item.get("target"))
                rows["targets"].append({"scheme_code": s.code, "item_code": item["code"],
                                        "unit_code": unit,
                                        "target": None if target is None else float(target)})
    schemas = {
        "targets": {"scheme_code": pl.String, "item_code": pl.String, "unit_code": pl.String,
                    "target": pl.Float64},
        "grades": {"scheme_code": pl.String, "grade": pl.String, "min_score": pl.Float64},
    }
    return {name: pl.DataFrame(r, schema=schemas.get(name), infer_schema_length=None)
            for name, r in rows.items()}
