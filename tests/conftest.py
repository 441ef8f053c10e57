"""Shared fixtures. Every test that writes gets its own data folder (raw inputs copied from the
bundled sample), so tests never touch data/ or each other's warehouse.

The test loop (issue 19 part 3): `make test-fast` runs what carries no `e2e` mark (rules, parsers,
dbt-free checks; no pipeline run); `make test` runs everything on pytest-xdist workers, one test
file per worker at a time (`--dist loadfile`, so a module's own run happens once). The sample run
(`sample_run`) happens once per session even across workers: the first worker that needs it runs
it under a file lock, the others wait and read the same folder. Tests that use it are marked
`e2e` here; a module that runs a pipeline of its own says so with `pytestmark = pytest.mark.e2e`.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import zip_longest
from pathlib import Path

import pytest

from pipelines.lib.settings import PROJECT_ROOT, Settings

SAMPLE_RAW = PROJECT_ROOT / "data" / "raw"
# the environment a test may point at its own data folder (for the `ecoscore` commands it calls,
# which read their settings there); the pipeline itself never writes the environment
ENVIRONMENT_KEYS = ("ECOSCORE_DATA_DIR", "ECOSCORE_WAREHOUSE", "ECOSCORE_MARTS_DIR")


@contextmanager
def environment_restored() -> Iterator[None]:
    """ECOSCORE_DATA_DIR / ECOSCORE_WAREHOUSE / ECOSCORE_MARTS_DIR as they were on entry, whatever
    the test set inside."""
    saved = {key: os.environ.get(key) for key in ENVIRONMENT_KEYS}
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
# Official published values vendored with the tests (provenance and licence in its README).
REAL_DATA = PROJECT_ROOT / "tests" / "data" / "real"


def make_data_dir(root: Path) -> Settings:
    """A fresh data folder holding a copy of the bundled sample's raw inputs."""
    shutil.copytree(SAMPLE_RAW, root / "raw")
    return Settings(data_dir=root)


@pytest.fixture
def data_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Function-scoped: a private data folder, environment pointing at it."""
    settings = make_data_dir(tmp_path / "data")
    monkeypatch.setenv("ECOSCORE_DATA_DIR", str(settings.data_dir))
    monkeypatch.delenv("ECOSCORE_WAREHOUSE", raising=False)
    return settings


SHARED_FIXTURES = {"sample_run", "live_db", "xxcity_run"}


@pytest.fixture
def project_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The project's Dagster instance (dagster.yaml: Dagster's SQLite storage, run launcher and
    run queue) in a private folder."""
    import dagster as dg

    monkeypatch.setenv("ECOSCORE_DAGSTER_STORAGE", str(tmp_path / "dagster"))
    with dg.DagsterInstance.from_config(str(PROJECT_ROOT)) as found:
        yield found


# The month-end history (pipelines/publish/history.py) re-scores each missing month end of a run's
# year, ~10–30 s each: a test's fresh run of the closed 2024 sample would re-score eleven. Test runs
# record none unless they say so; the shared sample run records the newest (30 November, re-scored)
# and 31 December (its own scores), so fct_unit_score_monthly has a change to show.
os.environ.setdefault("ECOSCORE_MONTH_ENDS", "off")
SAMPLE_MONTH_ENDS = "latest"


def pytest_configure(config: pytest.Config) -> None:
    """Make the dbt manifest the dbt assets are defined from, once, before collection imports
    them (importing does no work): in the controller under xdist, before the workers start."""
    if not hasattr(config, "workerinput"):
        from pipelines.lib.dbt_launcher import prepare_manifest

        prepare_manifest(PROJECT_ROOT / "data" / "warehouse" / "ecoscore.duckdb")  # ~15 s if stale


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by mark
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that reads a shared run or makes runs of its own (`slow`) `e2e`. Then
    the test files with pipeline runs of their own (`slow`) go first, alternating those that
    read the shared sample run with those that do not, so that under xdist one worker makes the
    sample run while the other runs a self-contained slow file; the rest follow in their usual
    order (kept within a file)."""
    for item in items:
        if SHARED_FIXTURES & set(getattr(item, "fixturenames", ())) or item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.e2e)
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::")[0], []).append(item)
    slow = [f for f, group in files.items() if any(i.get_closest_marker("slow") for i in group)]
    reads_sample = [f for f in slow if any("sample_run" in getattr(i, "fixturenames", ()) for i in files[f])]
    own = [f for f in slow if f not in reads_sample]
    first = [f for pair in zip_longest(reads_sample, own) for f in pair if f is not None]
    rest = [f for f in files if f not in first]
    items[:] = [item for f in first + rest for item in files[f]]


XXCITY_SAMPLE = PROJECT_ROOT / "data" / "samples" / "xxcity_2020"


def run_once(settings: Settings, year: int) -> Settings:
    from pipelines.cli import run_pipeline
    from pipelines.lib import console

    with environment_restored():
        os.environ["ECOSCORE_DATA_DIR"] = str(settings.data_dir)
        os.environ.pop("ECOSCORE_WAREHOUSE", None)
        shown = io.StringIO()  # the console as `ecoscore run` shows it (tests/test_console.py)
        with console.session(settings.logs_dir, "run", out=shown) as session:
            result = run_pipeline(settings, year, ephemeral=True)
        (settings.logs_dir / "console.txt").write_text(shown.getvalue(), encoding="utf-8")
    assert result.success, (f"the shared pipeline run of {settings.data_dir} ({year}) failed: "
                            f"see {session.log_path}")
    return settings


def run_sample(root: Path) -> Settings:
    """The bundled sample (钦州 2024), with the newest month ends recorded (SAMPLE_MONTH_ENDS)."""
    saved = os.environ.get("ECOSCORE_MONTH_ENDS")
    os.environ["ECOSCORE_MONTH_ENDS"] = SAMPLE_MONTH_ENDS
    try:
        return run_once(make_data_dir(root / "data"), 2024)
    finally:
        os.environ["ECOSCORE_MONTH_ENDS"] = saved or "off"


def run_xxcity(root: Path) -> Settings:
    """The xxcity 2020 sample with its hand-written scheme (the symlinked scheme copied as a file)."""
    shutil.copytree(XXCITY_SAMPLE / "raw", root / "data" / "raw", symlinks=False)
    return run_once(Settings(data_dir=root / "data"), 2020)


def shared_run(tmp_path_factory: pytest.TempPathFactory, worker: str, name: str,
               build: Callable[[Path], Settings]) -> Settings:
    """A run made once per session: in the session's temp folder, or (under xdist) in the folder
    the workers share, made by the first worker that asks while the others wait on its lock."""
    if worker == "master":
        return build(tmp_path_factory.mktemp(name))
    from filelock import FileLock

    root = tmp_path_factory.getbasetemp().parent / name
    with FileLock(str(root) + ".lock"):
        if (root / "done").exists():
            return Settings(data_dir=root / "data")
        if root.exists():  # a worker's run that failed half-way: start again, never reuse it
            shutil.rmtree(root)
        root.mkdir()
        settings = build(root)
        (root / "done").touch()
        return settings


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[Settings]:
    """The whole pipeline run once on the bundled sample (2024), shared by read-only tests (a
    test that writes copies `data_dir` first). Yields the settings; the live release is
    `settings.current_release`."""
    settings = shared_run(tmp_path_factory, worker_id, "sample_run", run_sample)
    with environment_restored():
        os.environ["ECOSCORE_DATA_DIR"] = str(settings.data_dir)
        os.environ.pop("ECOSCORE_WAREHOUSE", None)
        yield settings


@pytest.fixture(scope="session")
def xxcity_run(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Settings:
    """The whole pipeline run once on data/samples/xxcity_2020 (2020, seed 003's hand-written
    scheme), shared read-only by the seed 003 tests."""
    return shared_run(tmp_path_factory, worker_id, "xxcity_run", run_xxcity)


@pytest.fixture(scope="session")
def live_db(sample_run: Settings):
    """A read-only connection to the sample run's writer warehouse (every model: the published
    `ecoscore.duckdb` holds the published marts only, issue 31)."""
    import duckdb

    con = duckdb.connect(str(sample_run.warehouse_path), read_only=True)
    yield con
    con.close()
