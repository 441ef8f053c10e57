"""Issue 10: `ecoscore docs` builds the dbt docs into one offline HTML file and a Markdown data
dictionary of every published mart, with the glossary's Chinese labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.lib.settings import Settings


@pytest.fixture(scope="module")
def docs(sample_run: Settings, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from pipelines.analysis.dictionary import build_docs

    return build_docs(sample_run, tmp_path_factory.mktemp("docs"))


def test_dbt_docs_are_one_static_page(docs: tuple[Path, Path]):
    html, _ = docs
    text = html.read_text(encoding="utf-8")
    assert "fct_unit_scores" in text  # manifest and catalog are embedded: works offline
    assert html.stat().st_size > 100_000


def test_dictionary_has_a_section_for_every_published_mart(sample_run: Settings, docs):
    _, md = docs
    text = md.read_text(encoding="utf-8")
    published = sorted(p.stem for p in sample_run.current_release.glob("fct_*.parquet"))
    assert published
    for name in published:
        assert f"## {name}  (" in text, name


def test_dictionary_labels_columns_in_chinese_from_the_glossary(docs):
    _, md = docs
    text = md.read_text(encoding="utf-8")
    assert "| `good_day_ratio` | 优良天数比率 |" in text
    assert "| `total_score` | 总分 |" in text


def test_docs_refuse_clearly_before_anything_is_published(data_settings: Settings, tmp_path: Path):
    from pipelines.analysis.dictionary import build_docs

    with pytest.raises(FileNotFoundError, match="尚无已发布的数仓"):
        build_docs(data_settings, tmp_path / "docs")
