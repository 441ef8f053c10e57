"""Shards of a province deployment: one per assessing government (考核主体).

A shard is a city's or county's scheme(s) and its data folder, with its own DuckDB warehouse
(one writer), writer lock and releases, so runs of different shards can run at the same time
(on one machine or several) and one shard's failure never touches another's release. The
registry is a YAML file (ECOSCORE_SHARDS, default `data/shards.yaml`); its paths are relative
to its own folder. Without a shard, ecoscore runs the single-government layout under data/."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipelines.lib.files import read_yaml
from pipelines.lib.settings import PROJECT_ROOT, Settings

DEFAULT_REGISTRY = PROJECT_ROOT / "data" / "shards.yaml"
# the run tag Dagster limits to one run per value (dagster.yaml tag_concurrency_limits)
SHARD_TAG = "ecoscore/shard"
# the tag value of runs of the single-government layout (no shard)
DEFAULT_SHARD = "default"
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
FIELDS = {"key", "name", "level", "schemes", "data", "warehouse", "releases"}


class ShardRegistryError(ValueError):
    """The shard registry is missing, malformed or names a shard it does not hold."""


@dataclass(frozen=True)
class Shard:
    key: str
    name: str
    level: str
    schemes: tuple[str, ...]
    data_dir: Path
    warehouse: Path
    releases: Path

    @property
    def settings(self) -> Settings:
        return Settings(data_dir=self.data_dir, warehouse_override=self.warehouse,
                        marts_override=self.releases, shard=self.key)


@dataclass(frozen=True)
class Registry:
    path: Path
    shards: tuple[Shard, ...]
    province_dir: Path

    @property
    def keys(self) -> list[str]:
        return [s.key for s in self.shards]

    def shard(self, key: str) -> Shard:
        for shard in self.shards:
            if shard.key == key:
                return shard
        raise ShardRegistryError(f"{self.path}: 没有分片 (no shard) {key!r}; "
                                 f"shards: {', '.join(self.keys)}")


def registry_path() -> Path:
    return Path(os.environ.get("ECOSCORE_SHARDS", DEFAULT_REGISTRY)).resolve()


def _shard(path: Path, number: int, entry: object) -> Shard:
    where = f"{path}: shards[{number}]"
    if not isinstance(entry, dict):
        raise ShardRegistryError(f"{where}: 应为映射 (expected a mapping of {sorted(FIELDS)})")
    unknown = set(entry) - FIELDS
    missing = {"key", "name", "schemes", "data"} - set(entry)
    if unknown or missing:
        raise ShardRegistryError(f"{where}: unknown fields {sorted(unknown)}, "
                                 f"missing fields {sorted(missing)}")
    key = str(entry["key"])
    if not KEY_PATTERN.match(key) or key == DEFAULT_SHARD:
        raise ShardRegistryError(f"{where}.key: {key!r} 应为小写字母、数字、下划线 "
                                 f"(lowercase letters, digits, _; not {DEFAULT_SHARD!r})")
    schemes = entry["schemes"]
    if isinstance(schemes, str):
        schemes = [schemes]
    if not schemes or not all(isinstance(s, str) for s in schemes):
        raise ShardRegistryError(f"{where}.schemes: 至少一个方案代码 (one scheme code or more)")
    root = path.parent
    data_dir = (root / str(entry["data"])).resolve()
    warehouse = root / str(entry.get("warehouse") or Path(entry["data"]) / "warehouse"
                           / "ecoscore.duckdb")
    releases = root / str(entry.get("releases") or Path(entry["data"]) / "marts")
    return Shard(key=key, name=str(entry["name"]), level=str(entry.get("level", "city")),
                 schemes=tuple(schemes), data_dir=data_dir, warehouse=warehouse.resolve(),
                 releases=releases.resolve())


def _check_unique(path: Path, shards: list[Shard]) -> None:
    for label, values in (("key", [s.key for s in shards]),
                          ("warehouse", [s.warehouse for s in shards]),
                          ("releases", [s.releases for s in shards]),
                          ("schemes", [c for s in shards for c in s.schemes])):
        seen = {v for v in values if values.count(v) > 1}
        if seen:
            raise ShardRegistryError(f"{path}: 分片的 {label} 重复 (shared by two shards): "
                                     f"{', '.join(map(str, sorted(seen)))}")


def load_registry(path: Path | None = None) -> Registry:
    """The registry at `path` (default: registry_path()), validated: known fields, unique keys,
    warehouses, release folders and schemes (two shards never write one file)."""
    path = (path or registry_path()).resolve()
    if not path.exists():
        raise ShardRegistryError(f"{path}: 分片登记文件不存在 (no shard registry); "
                                 "set ECOSCORE_SHARDS or write data/shards.yaml")
    try:
        body = read_yaml(path)  # the one YAML reader: a repeated key is an error
    except yaml.YAMLError as err:
        raise ShardRegistryError(f"{path}: {err}") from err
    if not isinstance(body, dict) or not isinstance(body.get("shards"), list) \
            or not body["shards"]:
        raise ShardRegistryError(f"{path}: 应有 shards: 列表 (expected a non-empty `shards:` list)")
    shards = [_shard(path, n, entry) for n, entry in enumerate(body["shards"])]
    _check_unique(path, shards)
    province = (path.parent / str(body.get("province", "province"))).resolve()
    return Registry(path=path, shards=tuple(shards), province_dir=province)


def check_schemes(shard: Shard, year: int) -> list[str]:
    """Problems of a shard's data folder for `year`: a listed scheme without its file, or a
    scheme file of the year the registry does not list (it would be scored in the wrong
    shard). Empty when the folder holds exactly the shard's schemes."""
    from pipelines.scheme.loader import load_schemes

    every = load_schemes(shard.data_dir / "raw" / "schemes")
    found = {s.code for s in every}
    of_year = {s.code for s in every if s.year == year}
    folder = shard.data_dir / "raw" / "schemes"
    problems = [f"分片 {shard.key}: 方案 {code} 不在 {folder} (listed scheme has no file)"
                for code in sorted(set(shard.schemes) - found)]
    problems += [f"分片 {shard.key}: 方案 {code} 未登记在 shards.yaml (scheme file of {year} "
                 "not listed for this shard)" for code in sorted(of_year - set(shard.schemes))]
    return problems
