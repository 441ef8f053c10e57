"""How published papers write numbers and dates (issue 34): one home, so the dashboard, the
workbook, the 通报, the province page and the console agree to the last digit.

- Scores carry the scheme's precision (`report.decimals`, default 2) everywhere: a total shown
  is computed from the parts as shown (`shown_total`), so "100.00 − 21.18 + 0.00 = 78.82" adds
  up on paper as it reads.
- Dates inside sentences are written the Chinese way (2024年7月2日); the 成文日期 of an official
  document with Chinese numerals (二〇二四年十二月三十一日, GB/T 9704-2012 7.3.5.1)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

DEFAULT_DECIMALS = 2
DIGITS = "〇一二三四五六七八九"


def rounded(value, decimals: int = DEFAULT_DECIMALS) -> Decimal:
    """`value` rounded half up to `decimals` places, exactly (a Decimal, never a float's
    binary approximation: 1.125 → 1.13)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def points(value, decimals: int = DEFAULT_DECIMALS, signed: bool = False) -> str:
    """A score as printed: 78.83, or +1.13 / −1.13 with `signed` (a true minus sign)."""
    if value is None:
        return "—"
    number = rounded(value, decimals)
    text = f"{abs(number):.{decimals}f}"
    if number < 0:
        return f"−{text}"
    return f"+{text}" if signed and number > 0 else text


def shown_total(parts: list, decimals: int = DEFAULT_DECIMALS) -> Decimal:
    """The sum of parts as each is shown (rounded first): what a reader adding up the printed
    figures gets."""
    return sum((rounded(p, decimals) for p in parts), Decimal(0))


def date_zh(day: dt.date | None) -> str:
    """2024年7月2日 (no leading zeros, as Chinese prose writes dates)."""
    return "—" if day is None else f"{day.year}年{day.month}月{day.day}日"


def _numerals(number: int) -> str:
    """1–31 in Chinese numerals as dates write them: 十、十二、二十、三十一."""
    tens, ones = divmod(number, 10)
    if tens == 0:
        return DIGITS[ones]
    head = "" if tens == 1 else DIGITS[tens]
    return f"{head}十{DIGITS[ones] if ones else ''}"


def date_numerals(day: dt.date) -> str:
    """成文日期 in Chinese numerals: 二〇二四年十二月三十一日 (GB/T 9704-2012 7.3.5.1)."""
    year = "".join(DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{_numerals(day.month)}月{_numerals(day.day)}日"


def beijing(moment: dt.datetime | str | None) -> str:
    """A UTC (or offset-carrying) timestamp as Beijing time, 2024-12-31 10:00（北京时间）."""
    if moment is None or moment == "":
        return "—"
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(dt.timezone(dt.timedelta(hours=8)))
    return f"{local:%Y-%m-%d %H:%M}（北京时间）"


def width(text: str) -> int:
    """Terminal columns `text` takes: a Chinese (wide or full-width) character two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else
               0 if unicodedata.combining(ch) else 1 for ch in text)


def ljust(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def rjust(text: str, columns: int) -> str:
    return " " * max(0, columns - width(text)) + text


def balanced(base, deductions, bonuses, total, decimals: int = DEFAULT_DECIMALS,
             missing=0, conversion=0) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal]:
    """(分值, 扣分, 未计分, 加分, 总分) rounded so that, as printed, 分值 − 扣分 − 未计分 + 加分 = 总分
    (+ 折算: a scheme converting for items that do not apply, issue 32, prints it apart).
    The total is the published one (it decides grade and rank); rounding each part on its own
    can leave a last-digit gap (100 − 21.175 = 78.825: 100.00 − 21.18 ≠ 78.83), so the deduction
    takes the rounding difference (尾差), never more than one unit of the last place."""
    base_r, bonus_r, total_r = (rounded(v or 0, decimals) for v in (base, bonuses, total))
    missing_r, conversion_r = rounded(missing or 0, decimals), rounded(conversion or 0, decimals)
    deductions_r = base_r - missing_r + bonus_r + conversion_r - total_r
    assert abs(deductions_r - Decimal(str(deductions or 0))) <= Decimal(1).scaleb(-decimals), (
        f"扣分 {deductions} 与 分值 {base} − 未计分 {missing} + 加分 {bonuses} − 总分 {total} 不符")
    return base_r, deductions_r, missing_r, bonus_r, total_r


ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def chinese_dates(text: str | None) -> str:
    """ISO dates inside a sentence written the Chinese way: 2024-07-02 一般突发环境事件 →
    2024年7月2日 一般突发环境事件 (the marts' explanations keep ISO dates: they are data too)."""
    if not text:
        return ""
    return ISO_DATE.sub(lambda m: f"{int(m[1])}年{int(m[2])}月{int(m[3])}日", text)


CODE_NOTE = re.compile(r"\s*[（(][a-z][a-z0-9_]*(?:\s*[/、,，]\s*[a-z][a-z0-9_]*)*[）)]")


def no_codes(text: str | None) -> str:
    """A title without the model names a developer put in brackets: 部门台账（int_ledgers__events /
    int_ledgers__quarantine） → 部门台账."""
    return CODE_NOTE.sub("", text or "")
