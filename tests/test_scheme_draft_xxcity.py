"""Seed 003 drafted by `ecoscore scheme draft` (sections 一 and 二 as an .xlsx built from the seed
text), its flagged items answered by tests/data/seeds/003_answers.yaml, scores the xxcity 2020
sample exactly as the hand-written data/raw/schemes/xxcity_2020.yaml: a pipeline run on a copy of
data/samples/xxcity_2020 with the drafted scheme, against the session's run with the hand-written
one (tests/conftest.py: xxcity_run), every unit × item score and every total equal."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polars as pl
import pytest
import yaml

from pipelines.lib.settings import PROJECT_ROOT, Settings
from pipelines.scheme.draft.draft import draft_scheme
from pipelines.scheme.draft.output import apply_resolutions, dump
from pipelines.scheme.draft.tables import read_document
from tests.conftest import environment_restored
from tests.test_scheme_draft import SEEDS, rows_003, write_xlsx

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SAMPLE = PROJECT_ROOT / "data" / "samples" / "xxcity_2020"


def _release(root: Path, scheme_text: str) -> Path:
    from pipelines.cli import run_pipeline

    data_dir = root / "data"
    shutil.copytree(SAMPLE / "raw", data_dir / "raw", symlinks=False)
    target = data_dir / "raw" / "schemes" / "xxcity_2020.yaml"
    target.unlink()
    target.write_text(scheme_text, encoding="utf-8")
    settings = Settings(data_dir=data_dir)
    with environment_restored():
        os.environ["ECOSCORE_DATA_DIR"] = str(data_dir)
        os.environ.pop("ECOSCORE_WAREHOUSE", None)
        assert run_pipeline(settings, 2020, ephemeral=True).success, f"the xxcity run of {root} failed"
    return settings.current_release


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory, xxcity_run: Settings) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("draft_xxcity")
    xlsx = write_xlsx(rows_003(), work / "003.xlsx", merge_columns=(0, 4, 5))
    draft = draft_scheme(read_document(xlsx), "003", "xxcity_2020",
                         [{"code": "jia", "name": "甲区"}, {"code": "yi", "name": "乙县"}], year=2020)
    answers = yaml.safe_load((SEEDS / "003_answers.yaml").read_text(encoding="utf-8"))
    drafted = dump(apply_resolutions(draft, answers))
    mine = _release(work / "drafted", drafted)
    return xxcity_run.current_release, mine


def _scores(release: Path) -> pl.DataFrame:
    return (pl.read_parquet(release / "fct_unit_item_scores.parquet")
            .filter(pl.col("scheme_code") == "xxcity_2020")
            .select("unit_code", "item_code", "score", "deductions", "bonuses")
            .sort("unit_code", "item_code"))


def test_003_draft_with_answers_scores_the_sample_like_xxcity_2020(releases):
    """Every unit × item (score, deductions, bonuses) of the drafted scheme equals the hand-written
    one's on the xxcity 2020 sample (一.1–一.4, 二.1–二.4 and the 一.2 bonuses)."""
    hand, mine = releases
    expected, got = _scores(hand), _scores(mine)
    assert expected.height == got.height > 0
    assert got.to_dicts() == expected.to_dicts()


def test_003_draft_with_answers_totals_and_grades_like_xxcity_2020(releases):
    """Totals, grades and ranks per unit (fct_unit_scores) are the same too."""
    hand, mine = releases
    cols = ["unit_code", "total_score", "grade", "score_rank"]

    def totals(release: Path) -> list[dict]:
        return (pl.read_parquet(release / "fct_unit_scores.parquet")
                .filter(pl.col("scheme_code") == "xxcity_2020").select(cols).sort("unit_code").to_dicts())

    assert totals(mine) == totals(hand) and len(totals(hand)) == 2
