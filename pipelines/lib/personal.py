"""Personal data in free text: the one rule that masks it at ingest and finds it in anything
published (SPEC §6: names, phone numbers and ID numbers in ledgers never reach marts, Parquet,
the published warehouse copy or the dashboard).

Each kind is one regular expression written once and used twice: by Python (`mask`, applied to
every public ledger cell before it is stored) and by DuckDB (`sql_pattern`, the
`published_personal_data` gate and the release's own scan). Both dialects read the same text:
only classes, groups and counted repeats, no look-around (DuckDB's RE2 has none), so the
boundaries are spelled out as groups.

- 居民身份证号码 (GB 11643-1999): 17 digits with the birth date at 7–14, then a digit or X.
- 手机号码: 1[3-9]x xxxx xxxx, optionally `+86`/`0086`/`86` in front, the three groups joined or
  split by a space or a dash (138 0000 1234, 138-0000-1234, +86 13800001234).
- 固定电话: a trunk code 0xx/0xxx (optionally in brackets) and a 7–8 digit number, joined, split
  by a space or a dash, optionally an extension (0777-2800123, (0777)2800123, 010 12345678-8001).
- 签名: a signature label (填表人, 联系人, 经办人, 审核人 …) followed by a colon and a name.
- 姓名: a person label written straight before a name, as remarks do (经办人李某, 农户张三家,
  负责人王小明): the label, then a common surname (百家姓, the 100 most frequent) and one or two
  characters or 某; so 农户秸秆焚烧 or 负责人员 stay as written.

A match must not sit inside a longer run of letters or digits (hex ids such as a movement_id, a
longer number) nor follow a decimal point."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

BEFORE = r"(^|[^0-9A-Za-z.])"  # what may precede a number (as a group: RE2 has no look-behind)
AFTER = r"([^0-9A-Za-z]|$)"
FOOTER_LABELS = ["电话", "联系电话", "手机", "联系方式", "填表日期", "填报日期", "日期", "单位盖章", "盖章"]
SIGNATURE_LABELS = ["填表人", "制表人", "填报人", "审核人", "审批人", "经办人", "联系人", "负责人",
                    "统计人", "签字", "签名"]


@dataclass(frozen=True)
class Kind:
    name: str
    core: str  # the personal datum itself
    mask: str  # what replaces it


NUMBER_KINDS = [
    Kind("id_card", r"[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
                    r"[0-9]{3}[0-9Xx]", "[证件号已隐去]"),
    Kind("mobile", r"(?:(?:\+|00)?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}", "[电话已隐去]"),
    Kind("landline", r"(?:\(0[0-9]{2,3}\)|0[0-9]{2,3}[ -]?)[0-9]{7,8}(?:-[0-9]{1,5})?",
         "[电话已隐去]"),
]
# A signature: label, colon, a name of 2–4 Chinese characters (· for minority names).
SIGNATURE = Kind("signature", r"(?:" + "|".join(SIGNATURE_LABELS) + r") *[:：] *[一-鿿·]{2,6}",
                 "[姓名已隐去]")
SIGNATURE_LABEL = re.compile(r"(" + "|".join(SIGNATURE_LABELS) + r") *[:：] *")
# Labels a remark writes right before a person's name, and the 100 most frequent surnames.
PERSON_LABELS = ["经办人", "联系人", "负责人", "责任人", "当事人", "举报人", "投诉人", "农户", "户主",
                 "村民", "业主", "法人", "法定代表人", "网格员", "护林员", "村支书", "村主任"]
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
            "郝龚邵万钱严覃武戴莫孔向汤")
NAMED = Kind("named_person", r"(?:" + "|".join(PERSON_LABELS) + r")[" + SURNAMES
             + r"](?:某某?|[一-鿿]{1,2})", "[姓名已隐去]")
NAMED_LABEL = re.compile(r"(" + "|".join(sorted(PERSON_LABELS, key=len, reverse=True)) + r")")
KINDS = [*NUMBER_KINDS, SIGNATURE, NAMED]

_NUMBERS = re.compile(BEFORE + "(" + "|".join(k.core for k in NUMBER_KINDS) + ")" + AFTER)
_NUMBER_RES = [(k, re.compile(f"^(?:{k.core})$")) for k in NUMBER_KINDS]
_SIGNATURE = re.compile(SIGNATURE.core)
_NAMED = re.compile(NAMED.core)


def _mask_number(match: re.Match[str]) -> str:
    found = match.group(2)
    kind = next(k for k, pattern in _NUMBER_RES if pattern.match(found))
    return match.group(1) + kind.mask + match.group(3)


def _mask_signature(match: re.Match[str]) -> str:
    label = SIGNATURE_LABEL.match(match.group(0))
    return (label.group(0) if label else "") + SIGNATURE.mask


def _mask_named(match: re.Match[str]) -> str:
    label = NAMED_LABEL.match(match.group(0))
    return (label.group(0) if label else "") + NAMED.mask


def mask(text: str | None) -> str | None:
    """The text with every ID number, phone number and signed or named person replaced by a
    mask."""
    if not text:
        return text
    masked = _NAMED.sub(_mask_named, _SIGNATURE.sub(_mask_signature, text))
    previous = None
    while previous != masked:  # adjacent numbers share a boundary character: repeat until stable
        previous, masked = masked, _NUMBERS.sub(_mask_number, masked)
    return masked


def has_personal_data(text: str | None) -> bool:
    return bool(text) and mask(text) != text


FOOTER_CELL = re.compile(r"^ *(?:" + "|".join([*SIGNATURE_LABELS, *FOOTER_LABELS]) + r") *(?:[:：]|$)")


def is_signature_row(cells: list[str]) -> bool:
    """A footer such as 填表人：吴小兰 | 电话：…: every filled cell starts with a signature or
    contact label and one names a person. A data row whose remark mentions 经办人：… is data."""
    follows_bare_label = False  # 填表人： | 李小梅 — the name in the cell after its label
    for cell in cells:
        match = FOOTER_CELL.match(cell)
        if not (match or follows_bare_label):
            return False
        follows_bare_label = bool(match) and match.end() == len(cell.rstrip())
    return any(SIGNATURE_LABEL.match(c.strip()) or c.strip().rstrip("：:") in SIGNATURE_LABELS
               for c in cells)


def sql_pattern() -> str:
    """One RE2 pattern for DuckDB's regexp_matches: any kind above."""
    numbers = BEFORE + "(" + "|".join(k.core for k in NUMBER_KINDS) + ")" + AFTER
    return f"(?:{numbers})|(?:{SIGNATURE.core})|(?:{NAMED.core})"


def sql_literal(pattern: str) -> str:
    return "'" + pattern.replace("'", "''") + "'"


def first_matches(con: Any, sources: Sequence[tuple[str, str, Sequence[str]]]
                  ) -> list[tuple[str, str, str]]:
    """(label, column, masked value) for each text column holding personal data, one value per
    column. `sources`: (label, a relation as SQL — a table name or read_parquet('…') — and its
    text columns). One query, one scan per relation: a view over the hourly feed is computed
    once, not once per column. Used by the `published_personal_data` gate (the warehouse copy)
    and the release's scan of its Parquet files."""
    pattern = sql_literal(sql_pattern())
    scans = [f"select {i} as source, ["
             + ", ".join(f'any_value("{c}") filter (where regexp_matches("{c}", {pattern}))'
                         for c in columns) + f"] as found from {relation}"
             for i, (_, relation, columns) in enumerate(sources) if columns]
    rows = sorted(con.execute(" union all ".join(scans)).fetchall()) if scans else []
    return [(sources[i][0], column, mask(value) or "")
            for i, values in rows for column, value in zip(sources[i][2], values, strict=True)
            if value is not None]
