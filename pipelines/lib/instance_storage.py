"""The Dagster instance's storage (runs, event logs, schedules), chosen by the environment.

dagster.yaml names this class (`storage: custom:`); it gives Dagster's own storage classes:
- ECOSCORE_DAGSTER_POSTGRES_URL set (postgresql://user:password@host:5432/db): PostgreSQL
  through dagster-postgres, shared by the daemon, the webserver and run workers on several
  machines;
- otherwise the embedded SQLite storage under ECOSCORE_DAGSTER_STORAGE (one machine), as
  before, its event log keeping each database's SQLAlchemy engine and connection in the
  process (`ReusedEngineSqliteEventLog`).
A run worker rehydrates the same class from the instance reference, so it follows its own
environment: every machine of a deployment sets the same URL."""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dagster import Field, StringSource
from dagster._core.storage.base_storage import DagsterStorage
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._serdes import ConfigurableClass, ConfigurableClassData
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

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


class ReusedEngineSqliteEventLog(SqliteEventLogStorage):
    """Dagster's SQLite event log (one database per run, plus the asset index), with one change:
    each database gets one SQLAlchemy engine per process, whose connection stays open between
    writes (a pool of one, more only while several threads write at once), instead of an engine
    and a new connection for every write. Each write is still its own transaction, committed
    before it returns, and an idle connection holds no lock, so the daemon, the webserver and run
    workers share the files as before. A run stores ~1,000 events (planned and done, a
    materialisation per dbt model, a check result per test): ~10 ms an asset event with an engine
    a write, ~6 with the engine kept, ~3 with the connection kept too (issue 21).
    A database whose file was deleted or replaced since its connection opened (`wipe`, another
    process's `dagster run wipe`) gets a new engine and is initialised again: nothing is written
    to a deleted file (one stat a connection)."""

    ENGINES_KEPT = 64  # run databases a long-lived process (the webserver) keeps engines for

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, tuple[Engine, int | None]] = OrderedDict()  # + inode
        super().__init__(base_dir, inst_data)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:  # Dagster's, keeping the engine
        with self._db_lock:
            path = self.path_for_shard(shard)
            current = _inode(path)
            engine, inode = self._engines.pop(shard, (None, None))
            if engine is None or inode != current:  # new here, or deleted/replaced since
                if engine is not None:
                    engine.dispose()
                if engine is not None or current is None:
                    self._initialized_dbs.discard(shard)
                engine, inode = kept_connection_engine(self.conn_string_for_shard(shard)), None
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            self._engines[shard] = (engine, inode if inode is not None else _inode(path))
            while len(self._engines) > self.ENGINES_KEPT:
                self._engines.popitem(last=False)[1][0].dispose()
            with engine.connect() as conn, conn.begin():
                yield conn

    def dispose_engines(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1][0].dispose()

    def wipe(self) -> None:
        self.dispose_engines()
        super().wipe()

    def dispose(self) -> None:
        self.dispose_engines()
        super().dispose()


def kept_connection_engine(url: str) -> Engine:
    """An engine on a SQLite file that keeps its connection open between uses, lent to one
    thread at a time (more connections only while several threads use the file at once);
    SQLite's own locks order the processes."""
    return create_engine(url, poolclass=QueuePool, pool_size=1, max_overflow=8,
                         connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
                                       "check_same_thread": False})


def _inode(path: str) -> int | None:
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return None


class SqliteStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage with the event log above (Dagster's constructor makes its own,
    which creates the folders and the asset index on a new instance; it is then replaced)."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        super().__init__(base_dir, inst_data)
        self._event_log_storage = ReusedEngineSqliteEventLog(_event_logs_directory(base_dir))


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
        return SqliteStorage.from_local(config_value["base_dir"], inst_data=inst_data)
