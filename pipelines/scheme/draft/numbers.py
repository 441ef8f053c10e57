"""Chinese numerals and full-width forms → ASCII, so the grammar reads one spelling:
三分 → 3分, 百分之五十 → 50%, 零点五 → 0.5, 半年 → 6个月, （１）→ (1)."""

from __future__ import annotations

import re

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
          "七": 7, "八": 8, "九": 9}
MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}
WIDE = str.maketrans("０１２３４５６７８９（）％．，；：＋－／＜＞＝～", "0123456789()%.,;:+-/<>=~")
NUMERAL = "零〇一二两三四五六七八九十百千"
# points written in brackets after a title or a clause, 「(20分)」「（3.5 分）」: a regex fragment the
# drafter's patterns are built from (no group; POINTS_IN_TITLE captures the number itself)
BRACKETED_POINTS = r"[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]"
# a Chinese numeral is read as a number only before one of these (never in 一票否决, 三基本)
UNITS = ("个百分点", "百分点", "分", "个", "起", "次", "件", "家", "项", "天", "日", "月", "年",
         "倍", "万元", "元", "处", "台", "名", "位", "篇", "辆", "类", "期", "例", "套", "条",
         "小时", "季度", "微克")


def cn_int(text: str) -> int:
    """十五 → 15, 二十 → 20, 一百零五 → 105, 三 → 3; raises ValueError on anything else."""
    if not text or any(c not in DIGITS and c not in MULTIPLIERS for c in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if all(c in DIGITS for c in text):          # 二〇二四 read digit by digit
        return int("".join(str(DIGITS[c]) for c in text))
    total, digit = 0, 0
    for char in text:
        if char in DIGITS:
            digit = DIGITS[char]
        else:
            total += (digit or 1) * MULTIPLIERS[char]
            digit = 0
    return total + digit


def cn_number(text: str) -> float:
    """三 → 3, 零点五 → 0.5, 二点五 → 2.5, 半 → 0.5."""
    if text == "半":
        return 0.5
    whole, _, frac = text.partition("点")
    value = float(cn_int(whole)) if whole else 0.0
    if frac:
        value += float("0." + "".join(str(DIGITS[c]) for c in frac))
    return value


def _fmt(value: float) -> str:
    return f"{value:g}"


def _percent(match: re.Match[str]) -> str:
    return _fmt(cn_number(match.group(1))) + "%"


def _before_unit(match: re.Match[str]) -> str:
    return _fmt(cn_number(match.group(1))) + match.group(2)


def normalize(text: str) -> str:
    """The text the grammar reads: full-width → ASCII, Chinese numbers before a unit → digits."""
    text = text.translate(WIDE).replace("\u3000", " ")
    text = re.sub(r"百分之([零〇一二两三四五六七八九十百点]+)", _percent, text)
    text = re.sub(r"半年", "6个月", text)
    text = re.sub(r"半个百分点", "0.5个百分点", text)
    units = "|".join(re.escape(u) for u in UNITS)
    text = text.replace("百分点", "\0").replace("百分比", "\1")    # not 百 + 分
    text = re.sub(rf"(?<![第])([{NUMERAL}]+(?:点[{NUMERAL[:-3]}]+)?)({units})", _before_unit_safe, text)
    return text.replace("\0", "百分点").replace("\1", "百分比")


def _before_unit_safe(match: re.Match[str]) -> str:
    try:
        return _before_unit(match)
    except (ValueError, KeyError):
        return match.group(0)


def to_number(text: str) -> float:
    """'0.3' → 0.3, '三' → 3 (the grammar's numbers are normalized already; this is the fallback)."""
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        return cn_number(text)
