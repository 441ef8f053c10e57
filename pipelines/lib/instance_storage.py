"""The Dagster instance's storage (runs, event logs, schedules), chosen by the environment.

dagster.yaml names this class (`storage: custom:`); it gives Dagster's own storage classes:
- ECOSCORE_DAGSTER_POSTGRES_URL set (postgresql://user:password@host:5432/db): PostgreSQL
  through dagster-postgres, shared by the daemon, the webserver and run workers on several
  machines;
- otherwise the embedded SQLite storage under ECOSCORE_DAGSTER_STORAGE (one machine), as
  before.
A run worker rehydrates the same class from the instance reference, so it follows its own
environment: every machine of a deployment sets the same URL."""

from __future__ import annotations

import os
from typing import Any

from dagster import Field, StringSource
from dagster._core.storage.base_storage import DagsterStorage
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage
from dagster._serdes import ConfigurableClass, ConfigurableClassData

POSTGRES_URL_ENV = "ECOSCORE_DAGSTER_POSTGRES_URL"


def driver_url(url: str) -> str:
    """The URL with the driver dagster-postgres installs (psycopg2): SQLAlchemy 2.1 reads a
    bare postgresql:// as psycopg 3, which is not installed."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def storage_kind() -> str:
    """'postgres' or 'sqlite': what the instance uses in this environment."""
    return "postgres" if os.environ.get(POSTGRES_URL_ENV) else "sqlite"


class SelectedStorage(DagsterStorage, ConfigurableClass):
    """Never instantiated (its storage methods stay abstract): from_config_value returns
    Dagster's PostgreSQL or SQLite storage. A DagsterStorage subclass because Dagster checks
    the class named in dagster.yaml is one."""

    @classmethod
    def config_type(cls) -> dict[str, Field]:
        return {"base_dir": Field(StringSource, description="SQLite folder (no PostgreSQL URL)")}

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None,
                          config_value: dict[str, Any]) -> DagsterStorage:
        url = os.environ.get(POSTGRES_URL_ENV)
        if url:
            from dagster_postgres import DagsterPostgresStorage

            return DagsterPostgresStorage(postgres_url=driver_url(url), inst_data=inst_data)
        return DagsterSqliteStorage.from_local(config_value["base_dir"], inst_data=inst_data)
