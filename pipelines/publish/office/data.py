"""What the office files read: one scheme's rows from a release's published Parquet marts (the
same marts the dashboard reads; the scheme's items, grades and government from its dim_* marts).

Items without data carry status 'missing' (数据缺失) in fct_unit_item_scores /
fct_score_movements and are counted per unit in fct_unit_scores.missing_items; release.json
says whether the year is finalised (定稿), otherwise the files say 初步."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.lib.wording import DEFAULT_DECIMALS
from pipelines.publish.dashboard.data import read_mart, scheme_names, scheme_reports

MISSING = "missing"
NOT_APPLICABLE = "not_applicable"
FINAL, PRELIMINARY = "定稿", "初步"
BONUS_SECTION = "加分项"
# Quarantine lists published beside the marts, and what each input is called in Chinese.
QUARANTINES = {"quarantine_ledgers": "部门台账", "quarantine_air": "空气自动监测数据",
               "quarantine_water": "地表水监测数据"}
CHINESE_NUMERALS = "一二三四五六七八九十"


@dataclass
class Section:
    """A part of the scheme (一、水环境质量 …): its heading and its scored items in order."""
    label: str
    items: list[dict] = field(default_factory=list)


@dataclass
class OfficeData:
    scheme_code: str
    scheme_name: str
    year: int
    as_of: date
    status: str                     # 初步 / 定稿
    scores: pl.DataFrame            # fct_unit_scores of the scheme, by rank
    item_scores: pl.DataFrame       # fct_unit_item_scores of the scheme
    movements: pl.DataFrame         # fct_score_movements rows that moved points or lack data
    sections: list[Section]
    file_report: pl.DataFrame       # per input file: rows read / loaded / quarantined
    quarantine: pl.DataFrame        # every quarantined row or cell, with its reason
    grades: list[str]               # the scheme's grades, best first
    subject: str = ""               # 钦州市2024年度生态环境保护目标责任考核 (titles)
    causes: pl.DataFrame = field(default_factory=pl.DataFrame)   # fct_unit_grade_causes of the scheme
    sources: pl.DataFrame = field(default_factory=pl.DataFrame)  # fct_movement_sources of the scheme
    report: dict = field(default_factory=dict)  # the scheme's report block (issuer, 文号, 主送, decimals)
    government: str = ""            # 资源县人民政府 (the scheme's government)
    # per unit and domain (air, water, ledgers): 有数据 / 无数据 this year (fct_domain_coverage)
    coverage: pl.DataFrame = field(default_factory=pl.DataFrame)

    def __post_init__(self) -> None:
        self.subject = self.subject or self.scheme_name

    @property
    def decimals(self) -> int:
        return int(self.report.get("decimals", DEFAULT_DECIMALS))

    def cited_sources(self, limit: int = 3) -> dict[str, str]:
        """movement_id → where its ledger rows are written (台账 file 第 N 行；…), at most `limit`
        rows named, then how many in all."""
        if self.sources.is_empty():
            return {}
        cited = {}
        for (movement_id,), group in self.sources.group_by("movement_id"):
            texts = group.sort("event_date", "source_row")["source_zh"].to_list()
            more = f" 等 {len(texts)} 行" if len(texts) > limit else ""
            cited[movement_id] = "；".join(texts[:limit]) + more
        return cited


def release_status(record: dict) -> str:
    """定稿 when the release record says the results are final (issue 16), else 初步."""
    status = str(record.get("status") or record.get("finalisation") or "").lower()
    flagged = record.get("finalised") is True or record.get("final") is True
    if flagged or status in {"final", "finalised", FINAL}:
        return FINAL
    return PRELIMINARY


def read_record(release_dir: Path) -> dict:
    path = release_dir / "release.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def has_missing_status(frame: pl.DataFrame) -> pl.Expr:
    """True on rows marked 数据缺失; false everywhere when the mart has no status column yet."""
    return (pl.col("status") == MISSING).fill_null(False) if "status" in frame.columns else pl.lit(False)


def missing_counts(scores: pl.DataFrame) -> dict[str, int]:
    """unit_code → number of base items whose data is missing (数据缺失), as fct_unit_scores
    counts them in `missing_items` (one home for the count: the mart)."""
    return {r["unit_code"]: int(r["missing_items"] or 0)
            for r in scores.select("unit_code", "missing_items").iter_rows(named=True)}


DECISIVE = ("veto", "grade_cap")


def shown_movements(movements: pl.DataFrame, unit_order: list[str],
                    item_order: dict[str, int]) -> pl.DataFrame:
    """Every movement that moved points, every row marked 数据缺失 or 不适用 (issue 32) and every
    veto or grade cap that applied (they move no points but decide the grade), units in rank
    order, items in scheme order, largest loss first."""
    rank = {code: i for i, code in enumerate(unit_order)}
    has_status = "status" in movements.columns
    not_applicable = (pl.col("status") == NOT_APPLICABLE).fill_null(False) if has_status else pl.lit(False)
    return (movements.filter(pl.col("is_movement") | has_missing_status(movements) | not_applicable
                             | pl.col("movement_kind").is_in(DECISIVE))
            .with_columns(_unit=pl.col("unit_code").replace_strict(rank, default=len(rank)),
                          _item=pl.col("item_code").replace_strict(item_order, default=len(item_order),
                                                                   return_dtype=pl.Int64))
            .sort("_unit", "_item", "item_code", "points", "movement_id").drop("_unit", "_item"))


def item_positions(item_scores: pl.DataFrame) -> dict[str, int]:
    """item_code → its position in the scheme (item_order)."""
    return dict(item_scores.group_by("item_code").agg(pl.col("item_order").min()).iter_rows())


def _item_tree(release_dir: Path, scheme_code: str) -> dict[str, dict]:
    """item_code → {name, parent, points} of every item of the scheme, headings included."""
    frame = read_mart(release_dir, "dim_scheme_items")
    if frame is None:
        return {}
    frame = frame.filter(pl.col("scheme_code") == scheme_code).select(
        "item_code", "parent_code", "item_name", "points")
    return {r["item_code"]: r for r in frame.iter_rows(named=True)}


def _root(code: str, parent: str | None, tree: dict[str, dict]) -> str:
    """The top-level item above an item: follow parents, else the first part of the code."""
    seen = {code}
    while parent:
        code, parent = parent, (tree.get(parent) or {}).get("parent_code")
        if code in seen:
            break
        seen.add(code)
    return code.split(".")[0] if code not in tree else code


def section_label(number: int, root: str, tree: dict[str, dict], codes: list[str]) -> str:
    """一、水环境质量（200 分）when the scheme has the heading item, else 一、第 1.1—1.5 项."""
    numeral = CHINESE_NUMERALS[number - 1] if number <= len(CHINESE_NUMERALS) else str(number)
    heading = tree.get(root)
    if heading is not None and heading["item_code"] not in codes:
        return f"{numeral}、{heading['item_name']}（{float(heading['points']):g} 分）"
    if heading is not None and codes == [heading["item_code"]]:  # a top-level item scored itself
        return f"{numeral}、{heading['item_name']}"
    span = codes[0] if len(codes) == 1 else f"{codes[0]}—{codes[-1]}"
    return f"{numeral}、第 {span} 项"


def scheme_sections(items: pl.DataFrame, tree: dict[str, dict]) -> list[Section]:
    """The scored items grouped under the scheme's top-level headings, in scheme order; bonus
    items together under 加分项 at the end. Points per unit may differ (lead / cooperating
    shares): the header shows the range."""
    per_item = (items.group_by("item_code", "item_name", "item_kind", "parent_code")
                .agg(pl.col("item_order").min(), pl.col("points").cast(pl.Float64).min().alias("min_points"),
                     pl.col("points").cast(pl.Float64).max().alias("max_points"))
                .sort("item_order"))
    groups: dict[str, list[dict]] = {}
    for row in per_item.iter_rows(named=True):
        bonus = row["item_kind"] == "bonus"
        key = BONUS_SECTION if bonus else _root(row["item_code"], row["parent_code"], tree)
        groups.setdefault(key, []).append(row)
    sections, number = [], 0
    for key, rows in groups.items():
        if key == BONUS_SECTION:
            continue
        number += 1
        sections.append(Section(section_label(number, key, tree, [r["item_code"] for r in rows]), rows))
    if BONUS_SECTION in groups:
        sections.append(Section(f"{BONUS_SECTION}", groups[BONUS_SECTION]))
    return sections


def _ledger_files(release_dir: Path, scheme_code: str) -> pl.DataFrame | None:
    """The scheme's ledger files (fct_ledger_scheme_files: its own rows, and rows or files no
    scheme was found for); a release without that mart: every file (fct_ledger_file_report)."""
    label = QUARANTINES["quarantine_ledgers"]
    scoped = read_mart(release_dir, "fct_ledger_scheme_files")
    if scoped is not None:
        return (scoped.filter(pl.col("scheme_code").is_null() | (pl.col("scheme_code") == scheme_code))
                .group_by("source_file")
                .agg(pl.col("rows_read", "rows_loaded", "rows_quarantined", "rows_other_year").sum(),
                     pl.col("status_zh").unique().sort().str.join("；"))
                .select(input_zh=pl.lit(label), source_file="source_file",
                        rows_read=pl.col("rows_read").cast(pl.Int64),
                        rows_loaded=pl.col("rows_loaded").cast(pl.Int64),
                        rows_quarantined=pl.col("rows_quarantined").cast(pl.Int64),
                        rows_other_year=pl.col("rows_other_year").cast(pl.Int64), status_zh="status_zh"))
    report = read_mart(release_dir, "fct_ledger_file_report")
    if report is None:
        return None
    return report.select(input_zh=pl.lit(label), source_file="source_file",
                         rows_read=pl.col("rows_read").cast(pl.Int64),
                         rows_loaded=pl.col("rows_loaded").cast(pl.Int64),
                         rows_quarantined=pl.col("rows_quarantined").cast(pl.Int64),
                         rows_other_year=pl.lit(None, pl.Int64), status_zh="status_zh")


def scheme_places(release_dir: Path, scheme_code: str) -> tuple[set[str], set[str]]:
    """The air stations and water sections of the scheme's units (marts dim_scheme_units,
    dim_air_unit_stations, dim_water_sections): the air and water quarantines a scheme's papers
    show."""
    units = read_mart(release_dir, "dim_scheme_units")
    if units is None:
        return set(), set()
    codes = units.filter(pl.col("scheme_code") == scheme_code)["unit_code"].to_list()
    def of_units(stem: str, column: str) -> set[str]:
        frame = read_mart(release_dir, stem)
        return set() if frame is None else set(frame.filter(pl.col("unit_code").is_in(codes))[column])

    return of_units("dim_air_unit_stations", "station_code"), of_units("dim_water_sections", "section_code")


def quarantine_rows(release_dir: Path, scheme_code: str | None = None,
                    ledger_files: set[str] | None = None) -> pl.DataFrame:
    """Every quarantined row or cell of the release, one schema for all inputs; given a scheme,
    only its own: ledger rows of its files, air rows of its units' stations, water rows of its
    units' sections."""
    columns = {"input_zh": pl.String, "source_file": pl.String, "source_sheet": pl.String,
               "source_row": pl.Int64, "column_name": pl.String, "value": pl.String, "reason": pl.String}
    stations, sections = scheme_places(release_dir, scheme_code) if scheme_code else (set(), set())
    frames = []
    for stem, label in QUARANTINES.items():
        frame = read_mart(release_dir, stem)
        if frame is None:
            continue
        if scheme_code is not None:
            if stem == "quarantine_ledgers" and ledger_files is not None:
                frame = frame.filter(pl.col("source_file").is_in(sorted(ledger_files)))
            elif stem == "quarantine_air":
                frame = (frame.filter(pl.col("station_code").is_in(sorted(stations)))
                         if "station_code" in frame.columns else frame.head(len(stations) and frame.height))
            elif stem == "quarantine_water":  # rows name no section: the scheme's if it has any
                frame = (frame.filter(pl.col("section_code").is_in(sorted(sections)))
                         if "section_code" in frame.columns else frame.head(len(sections) and frame.height))
        if "raw_value" in frame.columns and "value" not in frame.columns:
            frame = frame.rename({"raw_value": "value"})
        frames.append(frame.select(
            input_zh=pl.lit(label), source_file=pl.col("source_file").cast(pl.String),
            source_sheet=pl.col("source_sheet").cast(pl.String) if "source_sheet" in frame.columns
            else pl.lit(None, pl.String),
            source_row=pl.col("source_row").cast(pl.Int64), column_name=pl.col("column_name").cast(pl.String),
            value=pl.col("value").cast(pl.String), reason=pl.col("reason").cast(pl.String)))
    if not frames:
        return pl.DataFrame(schema=columns)
    return pl.concat(frames).sort("input_zh", "source_file", "source_row", "column_name", nulls_last=True)


def file_report(release_dir: Path, scheme_code: str) -> pl.DataFrame:
    """Per input file of the scheme: rows read, loaded, quarantined, of another year. Ledgers from
    fct_ledger_scheme_files; air and water list the files with quarantined rows of the scheme's
    stations and sections, with their count."""
    schema = {"input_zh": pl.String, "source_file": pl.String, "rows_read": pl.Int64,
              "rows_loaded": pl.Int64, "rows_quarantined": pl.Int64, "rows_other_year": pl.Int64,
              "status_zh": pl.String}
    ledgers = _ledger_files(release_dir, scheme_code)
    files = None if ledgers is None else set(ledgers["source_file"].to_list())
    quarantine = quarantine_rows(release_dir, scheme_code, files)
    others = (quarantine.filter(pl.col("input_zh") != QUARANTINES["quarantine_ledgers"])
              .group_by("input_zh", "source_file")
              .agg(rows_quarantined=pl.struct("source_row", "source_sheet").n_unique().cast(pl.Int64))
              .select("input_zh", "source_file", rows_read=pl.lit(None, pl.Int64),
                      rows_loaded=pl.lit(None, pl.Int64), rows_quarantined="rows_quarantined",
                      rows_other_year=pl.lit(None, pl.Int64),
                      status_zh=pl.lit("部分行或数值被隔离，见隔离清单")))
    parts = [f.cast(schema) for f in (ledgers, others) if f is not None]
    return pl.concat(parts).sort("input_zh", "source_file") if parts else pl.DataFrame(schema=schema)


def scoped_quarantine(release_dir: Path, scheme_code: str, files: pl.DataFrame) -> pl.DataFrame:
    ledger_files = set(files.filter(pl.col("input_zh") == QUARANTINES["quarantine_ledgers"])["source_file"])
    return quarantine_rows(release_dir, scheme_code, ledger_files)


def scheme_codes(release_dir: Path, year: int) -> list[str]:
    """The schemes of the assessed year in this release."""
    scores = read_mart(release_dir, "fct_unit_scores")
    if scores is None:
        return []
    return sorted(scores.filter(pl.col("scheme_year") == year)["scheme_code"].unique().to_list())


def assessment_subject(release_dir: Path, scheme_code: str, year: int) -> str:
    """What the titles call the assessment: 资源县2024年度生态环境保护目标责任考核 (the scheme's
    government without 人民政府); empty when the release has no scheme table."""
    frame = read_mart(release_dir, "dim_schemes")
    if frame is not None:
        frame = frame.filter(pl.col("scheme_code") == scheme_code)
    if frame is None or frame.is_empty() or not frame["government"][0]:
        return ""
    place = frame["government"][0].removesuffix("人民政府")
    return f"{place}{year}年度生态环境保护目标责任考核"


def grade_order(release_dir: Path, scheme_code: str, scores: pl.DataFrame) -> list[str]:
    frame = read_mart(release_dir, "dim_scheme_grades")
    if frame is not None:
        frame = frame.filter(pl.col("scheme_code") == scheme_code).sort("min_score", descending=True)
    if frame is not None and frame.height:
        return frame["grade"].to_list()
    return [g for g in ["优秀", "良好", "合格", "不合格"] if g in set(scores["grade"].to_list())]


def load_office_data(release_dir: Path, scheme_code: str, year: int, as_of: date,
                     record: dict | None = None) -> OfficeData:
    """One scheme's results from a release folder (staged or published)."""
    scores = read_mart(release_dir, "fct_unit_scores")
    items = read_mart(release_dir, "fct_unit_item_scores")
    movements = read_mart(release_dir, "fct_score_movements")
    if scores is None or items is None or movements is None:
        raise FileNotFoundError(f"{release_dir}: 缺少计分结果（fct_unit_scores / fct_unit_item_scores / "
                                "fct_score_movements），无法生成考核结果文件。")
    scores = scores.filter(pl.col("scheme_code") == scheme_code).sort("score_rank", "unit_code")
    if scores.is_empty():
        raise ValueError(f"{release_dir}: 本期结果中没有考核方案 {scheme_code}。")
    items = items.filter(pl.col("scheme_code") == scheme_code)
    files = file_report(release_dir, scheme_code)
    quarantine = scoped_quarantine(release_dir, scheme_code, files)
    causes, sources = (_of_scheme(read_mart(release_dir, stem), scheme_code)
                       for stem in ("fct_unit_grade_causes", "fct_movement_sources"))
    return OfficeData(
        scheme_code=scheme_code, scheme_name=scheme_names(release_dir).get(scheme_code, scheme_code),
        year=year, as_of=as_of,
        status=release_status(record if record is not None else read_record(release_dir)),
        scores=scores, item_scores=items,
        movements=shown_movements(movements.filter(pl.col("scheme_code") == scheme_code),
                                  scores["unit_code"].to_list(), item_positions(items)),
        sections=scheme_sections(items, _item_tree(release_dir, scheme_code)),
        file_report=files, quarantine=quarantine,
        grades=grade_order(release_dir, scheme_code, scores),
        subject=assessment_subject(release_dir, scheme_code, year),
        causes=causes, sources=sources, report=scheme_reports(release_dir).get(scheme_code, {}),
        government=scheme_government(release_dir, scheme_code),
        coverage=domain_coverage(release_dir, scheme_code))


def _of_scheme(frame: pl.DataFrame | None, scheme_code: str) -> pl.DataFrame:
    return pl.DataFrame() if frame is None else frame.filter(pl.col("scheme_code") == scheme_code)


def scheme_government(release_dir: Path, scheme_code: str) -> str:
    frame = read_mart(release_dir, "dim_schemes")
    if frame is not None:
        frame = frame.filter(pl.col("scheme_code") == scheme_code)
    return "" if frame is None or frame.is_empty() else (frame["government"][0] or "")


DOMAIN_ORDER = ["air", "water", "ledgers"]


def domain_coverage(release_dir: Path, scheme_code: str) -> pl.DataFrame:
    """The scheme's rows of fct_domain_coverage (issue 32: a domain without data is 无数据 in the
    office files too); empty for a release published before the mart existed."""
    frame = read_mart(release_dir, "fct_domain_coverage")
    if frame is None:
        return pl.DataFrame()
    return frame.filter(pl.col("scheme_code") == scheme_code)


def domains_without_data(coverage: pl.DataFrame) -> list[tuple[str, list[str], bool]]:
    """(domain label, units without its data, whether no unit has any) per domain, in the order
    air, water, ledgers: every domain no unit has data of this year (read by the scheme or not:
    the year has none), and the units a scheme reads a domain for that have none of it."""
    if coverage.is_empty():
        return []
    out = []
    for domain in DOMAIN_ORDER:
        rows = coverage.filter(pl.col("domain") == domain)
        if rows.is_empty():
            continue
        if not rows["has_data"].any():
            out.append((rows["domain_zh"][0], rows["unit_name"].unique().sort().to_list(), True))
            continue
        lacking = rows.filter(pl.col("is_read"), ~pl.col("has_data"))["unit_name"].unique().sort().to_list()
        if lacking:
            out.append((rows["domain_zh"][0], lacking, False))
    return out


def scheme_year_stem(scheme_code: str, year: int) -> str:
    """`<scheme>_<year>`, the year once: qinzhou_2024 stays qinzhou_2024, a code without it gains it."""
    return scheme_code if scheme_code.endswith(f"_{year}") else f"{scheme_code}_{year}"
