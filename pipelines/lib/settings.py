"""Where things live: one `Settings` object per installation (data folder, warehouse, releases),
made once where a process starts (`get_settings()` reads the environment) and handed on
explicitly — to the Dagster resources, dbt (as arguments), the commands — so that tests,
benchmarks, shards and a second checkout never write into each other's warehouse. Nothing here
writes the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"


@dataclass(frozen=True)
class Settings:
    """Paths of one ecoscore installation."""

    data_dir: Path
    warehouse_override: Path | None = None
    marts_override: Path | None = None
    # the shard (assessing government) of a province deployment; "" for the single layout
    shard: str = ""

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def warehouse_path(self) -> Path:
        return self.warehouse_override or self.data_dir / "warehouse" / "ecoscore.duckdb"

    @property
    def air_hourly_store(self) -> Path:
        """The hourly air feed as one Parquet file per month, beside the warehouse file it
        belongs to (named after it, so scratch warehouses in one folder never share it); the
        warehouse reads it through the view raw.air_station_hourly."""
        return self.warehouse_path.parent / f"{self.warehouse_path.stem}.air_hourly"

    @property
    def dbt_target(self) -> Path:
        """dbt's target folder for the runs on this warehouse (beside it, named after it). dbt
        keeps its parsed project there (partial_parse.msgpack) and re-parses the whole project
        whenever the profile it was parsed with changes — the warehouse path is in the profile —
        so each warehouse keeps its own, and a run's three dbt steps parse only what changed."""
        return self.warehouse_path.parent / f"{self.warehouse_path.stem}.dbt_target"

    @property
    def figure_cache(self) -> Path:
        """The dashboard's drawn figures (PNG, PDF page) by a hash of their input: a run draws
        only what changed (pipelines/publish/dashboard/static.py)."""
        return self.data_dir / "cache" / "figures"

    @property
    def marts_dir(self) -> Path:
        return self.marts_override or self.data_dir / "marts"

    @property
    def releases_dir(self) -> Path:
        return self.marts_dir / "releases"

    @property
    def current_release(self) -> Path:
        """The published snapshot analysts read: a symlink switched in one step. With several
        assessment years it points at the newest year's live release."""
        return self.marts_dir / "current"

    def year_dir(self, year: int) -> Path:
        """One assessment year's folder: `current` (its live release), `final.json` (定稿
        record) and `history.jsonl` (finalisations and reopenings)."""
        return self.marts_dir / str(year)

    def year_release(self, year: int) -> Path:
        """The live release of one assessment year: a symlink like `current`."""
        return self.year_dir(year) / "current"

    @property
    def quality_dir(self) -> Path:
        """Data-quality findings and HTML report per run (`<run id>/`), kept for failed runs too."""
        return self.data_dir / "quality"

    @property
    def logs_dir(self) -> Path:
        """One log file per command run (Dagster's events, dbt's log): `<time>-<command>.log`."""
        return self.data_dir / "logs"

    @property
    def lock_path(self) -> Path:
        return self.warehouse_path.with_suffix(".lock")


def get_settings() -> Settings:
    """The settings this process was started with, read from its environment — by an entry point
    (the `ecoscore` command, the Dagster code location) once, then handed on as an object:
    ECOSCORE_DATA_DIR (default `data/` in the project), ECOSCORE_WAREHOUSE (default
    `<data>/warehouse/ecoscore.duckdb`) and ECOSCORE_MARTS_DIR (default `<data>/marts`). A shard's
    settings come from the shard registry (pipelines/scheme/shards.py `Shard.settings`)."""
    data_dir = Path(os.environ.get("ECOSCORE_DATA_DIR", PROJECT_ROOT / "data")).resolve()
    warehouse = os.environ.get("ECOSCORE_WAREHOUSE")
    marts = os.environ.get("ECOSCORE_MARTS_DIR")
    return Settings(data_dir=data_dir, warehouse_override=Path(warehouse) if warehouse else None,
                    marts_override=Path(marts) if marts else None)
