"""Reading the files people and feeds send: encoding detected, not assumed; every row keeps
its file and row number so an error can name the cell to fix."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polars as pl
import yaml

ENCODINGS = ("utf-8-sig", "gb18030")

# libyaml's scanner and parser (PyYAML's C loader; the constructor stays Python's SafeConstructor):
# ~4× faster than the pure-Python loader on the bundled schemes (ziyuan_2024.yaml: 0.58 → 0.15 s)
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class UniqueKeyLoader(SAFE_LOADER):  # type: ignore[misc, valid-type]  (libyaml; the check sees every key)
    """PyYAML keeps the last of two equal keys without a word (`points: 3` then `points: 30`);
    here a repeated key is an error naming both lines (a yaml.YAMLError)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"第 {line} 行: 键 {key} 重复（第 {seen[key]} 行已有同名键）",
                    key_node.start_mark)
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def add_files(digest: Any, paths: Iterable[Path], root: Path) -> None:
    """Feed each file's path (relative to `root`) and the sha256 of its bytes into `digest`: what
    an up-to-date check hashes (a whole run's inputs and code, a dbt step's project files)."""
    for path in paths:
        digest.update(f"{path.relative_to(root)}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def read_yaml(path: Path) -> Any:
    """`yaml.safe_load` of a UTF-8 file through libyaml, refusing a repeated key: every YAML a
    person writes here (schemes, their draft answers, scenarios, suites, calendars) is read by
    this one reader (pipelines/scheme/loader.py parses the scheme's bytes with the same loader).
    An error names the file as well as the line (`expectations/x.yaml: 第 7 行: 键 … 重复`)."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=UniqueKeyLoader)  # noqa: S506 (safe loader)
    except yaml.MarkedYAMLError as err:
        err.problem = f"{path}: {err.problem}"
        raise


class InputFileError(ValueError):
    """A whole input file is unusable; the message names the file and says why."""


def input_files(folder: Path) -> list[Path]:
    """Every file under a folder people drop inputs into, whatever its type: each is read or
    reported (issue 15). Only an office program's lock file (`~$name.xlsx`, deleted when the
    workbook is closed) and hidden files (`.name`, e.g. a desktop's thumbnails) are not inputs."""
    if not folder.exists():
        return []
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not p.name.startswith(("~$", "."))
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def decode_text(path: Path) -> str:
    """The file's text: UTF-8 (with or without BOM), else GBK/GB18030."""
    return decode_bytes(path.read_bytes(), str(path))


def decode_bytes(data: bytes, name: str) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputFileError(f"{name}: 无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030）")


def check_csv_integrity(path: Path, label: str, allow_header_only: bool = False,
                        arrived_whole: bool = False) -> None:
    """Raise InputFileError, naming the file and the line, unless the file is a whole CSV: not
    empty, not a header alone (unless allowed: a ledger with nothing to report), not cut off (a
    quote left open, or a last line without its newline — a transfer that stopped half-way, even
    inside the last field, where the field count still matches). `arrived_whole`: the bytes came
    out of a container that proves they are all there (a gzip stream, checked against its CRC-32
    and length), so a last line without its newline is the writer's own ending — CNEMC's national
    archive writes none — and is accepted when it has the header's field count (a shorter one
    was cut before it was packed, and is refused). Works on bytes (commas, quotes and newlines
    are single bytes in UTF-8 and GBK alike), so a large feed costs a few scans, not a parse."""
    data = path.read_bytes()
    if not data or data.isspace():
        raise InputFileError(f"{label}: 文件为空 (empty file)")
    records = _csv_records(data, label)
    if len(records) < 2:
        if allow_header_only:
            return
        raise InputFileError(f"{label}: 只有表头，没有数据行（第 1 行之后为空）(header only)")
    # the widest record before the last: the header (a ledger may open with a one-cell title)
    width = max(fields for _, fields in records[:-1])
    last_line, last = records[-1]
    if not data.endswith((b"\n", b"\r")) and not (arrived_whole and last >= width):
        # every program that writes CSV (Excel, WPS, the feed's export, polars, pandas) ends the
        # last line; without it the file stopped mid-line — a copy still under way — and a cut
        # inside the last field keeps its field count (an O3 of 87 read as 8): refuse it
        fields = (f"只有 {last} 个字段，表头有 {width} 个" if last < width
                  else "字段数完整但末字段可能被截短")
        raise InputFileError(
            f"{label}: 第 {last_line} 行不完整，文件被截断（末行没有换行，{fields}）：如文件仍在"
            "复制或下载，请等传完再运行；如文件本来完整，请在末尾加一个换行后保存 (truncated file)")


_END_CHUNK = 1 << 20


def _unquoted_ends(data: bytes) -> list[tuple[int, int]] | None:
    """The first 30 non-blank lines and the last one of a large unquoted file without splitting
    the whole of it (a national feed month is 100 MB): lines are counted, not built. None when
    the ends do not hold them (a small file, or long blank stretches): the caller splits."""
    if len(data) <= 4 * _END_CHUNK:
        return None
    head = [(n, line) for n, line in enumerate(data[:_END_CHUNK].splitlines()[:-1], 1)
            if line.strip(b" ,\t")][:30]
    tail = data[-_END_CHUNK:].splitlines()[1:]  # the first piece may start mid-line
    last = next((i for i in range(len(tail) - 1, -1, -1) if tail[i].strip(b" ,\t")), None)
    if len(head) < 30 or last is None:
        return None
    breaks = data.count(b"\n")
    if b"\r" in data:  # \r\n is one break, a lone \r another
        breaks += data.count(b"\r") - data.count(b"\r\n")
    total = breaks + (0 if data.endswith((b"\n", b"\r")) else 1)
    last_line = total - (len(tail) - 1 - last)
    return [(n, line.count(b",") + 1) for n, line in [*head, (last_line, tail[last])]]


def _csv_records(data: bytes, label: str) -> list[tuple[int, int]]:
    """(line where the record starts, number of fields) of the non-blank records — all of them
    when the file quotes, else the first 30 and the last; a quote still open at the end of the
    file names the line it was opened on."""
    if b'"' not in data:  # no quoting: one record per line, and only the ends matter
        ends = _unquoted_ends(data)
        if ends is not None:
            return ends
        lines = data.splitlines()
        numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip(b" ,\t")]
        head = numbered[:30] if len(numbered) > 30 else numbered[:-1]
        return [(n, line.count(b",") + 1) for n, line in [*head, *numbered[-1:]]]
    reader = csv.reader(io.StringIO(decode_bytes(data, label).lstrip("\ufeff")), strict=True)
    records: list[tuple[int, int]] = []
    start = 1
    try:
        for fields in reader:
            if any(f.strip() for f in fields):
                records.append((start, len(fields)))
            start = reader.line_num + 1
    except csv.Error as err:
        raise InputFileError(
            f"{label}: 第 {start} 行的引号没有闭合，文件被截断或格式错误（{err}）(unclosed quote)"
        ) from err
    return records


def read_csv_strings(path: Path, required: list[str], label: str,
                     optional: tuple[str, ...] = ()) -> pl.DataFrame:
    """All cells as strings, plus `source_file` (the name as given) and `source_row` (the line
    number in the file, header = 1); `optional` columns are null where the file has none.
    Raises InputFileError naming the file when unusable."""
    check_csv_integrity(path, label)
    text = decode_text(path)
    try:
        frame = pl.read_csv(
            io.StringIO(text), infer_schema=False, truncate_ragged_lines=False
        )
    except pl.exceptions.PolarsError as err:
        first = str(err).splitlines()[0]
        raise InputFileError(f"{label}: CSV 无法解析（{first}）") from err
    frame = frame.rename({c: c.strip().lstrip("\ufeff") for c in frame.columns})
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputFileError(
            f"{label}: 缺少列 {', '.join(missing)}（找到的列: {', '.join(frame.columns)}）"
        )
    frame = frame.with_columns(pl.lit(None, pl.String).alias(c)
                               for c in optional if c not in frame.columns)
    return frame.select(*required, *optional).with_columns(
        pl.lit(label).alias("source_file"),
        (pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias("source_row"),
    )
