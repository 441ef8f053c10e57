"""Shared fixtures. Every test that writes gets its own data folder (raw inputs copied from the
bundled sample), so tests never touch data/ or each other's warehouse."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.lib.settings import PROJECT_ROOT, Settings, environment_restored

SAMPLE_RAW = PROJECT_ROOT / "data" / "raw"
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


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The whole pipeline run once on the bundled sample (2024), shared by read-only tests.
    Yields the settings; the live release is `settings.current_release`."""
    from pipelines.cli import run_pipeline
    from pipelines.lib import console

    settings = make_data_dir(tmp_path_factory.mktemp("sample") / "data")
    with environment_restored():
        os.environ["ECOSCORE_DATA_DIR"] = str(settings.data_dir)
        os.environ.pop("ECOSCORE_WAREHOUSE", None)
        shown = io.StringIO()  # the console as `ecoscore run` shows it (tests/test_console.py)
        with console.session(settings.logs_dir, "run", out=shown) as session:
            result = run_pipeline(settings, 2024, ephemeral=True)
        (settings.logs_dir / "console.txt").write_text(shown.getvalue(), encoding="utf-8")
        assert result.success, f"the sample pipeline run failed: see {session.log_path}"
        yield settings


@pytest.fixture(scope="session")
def live_db(sample_run: Settings):
    """A read-only connection to the published warehouse copy of the sample run."""
    import duckdb

    con = duckdb.connect(str(sample_run.current_release / "ecoscore.duckdb"), read_only=True)
    yield con
    con.close()
