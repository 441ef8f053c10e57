"""Cell values as people write them → one canonical text each. Nothing here rejects a row: a value
that cannot be read comes back as None and the dbt models quarantine the row, quoting the cell as
written (SPEC §5: bad rows go to quarantine with the file, row, column and reason)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

# Excel's day 0 (the 1900 system, with its phantom 29 Feb 1900 folded in).
EXCEL_EPOCH = date(1899, 12, 30)
SERIAL_RANGE = (20000, 80000)  # 1954 … 2119: a number in a date column this size is a serial
DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                          r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
NUMBER_PATTERN = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
AMOUNT_PATTERN = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*(万元|万|元)?$")
QUANTITY_PATTERN = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*[\u4e00-\u9fff]{0,3}$")
ITEM_PATTERN = re.compile(r"^([Bb]?\d+)(?:\((\d+)\)(\d+)?)?$")


def clean_text(value: object) -> str | None:
    """NFKC (full-width digits and punctuation → ASCII), stray spaces trimmed; '' → None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def parse_date(text: str | None) -> str | None:
    """ISO date from 2024-03-05, 2024/3/5, 2024年3月5日, 2024.3.5 or an Excel serial number."""
    if not text:
        return None
    if NUMBER_PATTERN.match(text):
        serial = float(text)
        if SERIAL_RANGE[0] <= serial < SERIAL_RANGE[1] and serial.is_integer():
            return (EXCEL_EPOCH + timedelta(days=int(serial))).isoformat()
        return None
    match = DATE_PATTERN.match(text)
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return None


def parse_number(text: str | None) -> str | None:
    """A plain decimal: thousands separators dropped; a short unit word after it (16台) allowed."""
    if not text:
        return None
    match = QUANTITY_PATTERN.match(text.replace(",", ""))
    if not match:
        return None
    try:
        return str(Decimal(match.group(1)))
    except InvalidOperation:
        return None


def amount_unit(text: str | None, unit_text: str | None, header_unit: str | None) -> str | None:
    """The unit an amount states — in its cell ("3.5万元"), the amount_unit column or the header
    ("金额（万元）") — as 元 or 万元; None when it states none (the row is then quarantined:
    an amount without its unit is a guess) or conflicting ones."""
    if not text:
        return None
    match = AMOUNT_PATTERN.match(text.replace(",", ""))
    units = {u.replace("万元", "万") for u in ((match.group(2) if match else None), unit_text,
                                             header_unit) if u}
    if len(units) != 1 or units - {"元", "万"}:
        return None
    return "万元" if units == {"万"} else "元"


def parse_amount(text: str | None, unit_text: str | None, header_unit: str | None) -> str | None:
    """Amount in 元 as a decimal text. The unit comes from the cell ("3.5万元"), else the
    amount_unit column, else the header ("金额（万元）"), else 元. Conflicting units → None."""
    if not text:
        return None
    match = AMOUNT_PATTERN.match(text.replace(",", ""))
    if not match:
        return None
    units = {u.replace("万元", "万") for u in (match.group(2), unit_text, header_unit) if u}
    if units - {"元", "万"} or len(units) > 1:
        return None
    factor = Decimal(10000) if units == {"万"} else Decimal(1)
    return str((Decimal(match.group(1)) * factor).quantize(Decimal("0.01")))


def normalise_item_code(text: str | None) -> str | None:
    """The seed's numbering as written (5（2）②, 5(1)) → the scheme's code (5.2.2, 5.1)."""
    if not text:
        return None
    compact = text.replace(" ", "")
    match = ITEM_PATTERN.match(compact)
    if not match:
        return compact
    parts = [p for p in match.groups() if p]
    parts[0] = parts[0].upper()
    return ".".join(parts)
