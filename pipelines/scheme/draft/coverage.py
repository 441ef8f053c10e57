"""Nothing missed: every line of the document that holds scoring content — points (3分, （20分）) or a
scoring word (扣, 加/奖 N分, 得N分, 不得分, 一票否决, 扣完为止 …) — is quoted by some drafted item or was
read as the table's frame (a header, a section row, a total). What no reader took becomes an item of
its own, flagged, quoting the line: a person decides what it is. A document whose layout no reader
knows is drafted this way line by line; only a document with no scoring content at all is refused."""

from __future__ import annotations

import re
from typing import Any

from pipelines.scheme.draft.numbers import normalize
from pipelines.scheme.draft.tables import Document

SCORING = re.compile(r"\d+(?:\.\d+)?\s*分|[扣加奖得减]\s*\d|[扣加减]分|不得分|不计分|一票否决|扣完为止|"
                     r"全扣|倒扣|酌情[扣加]")
# a line that only heads or frames a table (序号 分值 评分标准; 总分100分)
FRAME = re.compile(r"^(?:[(（]?\s*\d+(?:\.\d+)?\s*分?\s*[)）]?|总分|合计|满分)$")
REASON = ("原文此句含评分内容（分值或评分用语），但没有读入任何条目（版式未能识别，或在表格之外）："
          "请确认是否为考核条目并写明规则，或删除本条")


# what separates cells on a line: box rules, |, tabs, runs of spaces (a table kept as text)
SEPARATORS = re.compile(r"[│┃├┤┼┬┴╋┣┫┳┻┌┐└┘─━═|\t]+|\s{2,}|\u3000{2,}")


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", normalize(text or "")).replace("“", '"').replace("”", '"')


def sentences(line: str) -> list[str]:
    """A line cut after each 。；; (the cut kept with the sentence before it)."""
    return [s.strip() for s in re.findall(r"[^。；;]*[。；;]?", line) if s.strip()]


def _held(sentence: str, seen: str) -> bool:
    """Every scoring match of the sentence (compact) lies inside a run of it that some item or table
    cell holds, the run at least 8 characters long (or the whole sentence): 「5每缺一项扣0.5分。」 is held
    by the item 每缺一项扣0.5分 (the 5 is a run-together row's points), a box cell's wrapped piece by its
    cell — a bare 「扣2分」 found elsewhere holds nothing."""
    least = min(8, len(sentence))
    for m in SCORING.finditer(sentence):
        if not _within_seen(sentence, m.start(), m.end(), least, seen):
            return False
    return True


def _within_seen(text: str, start: int, end: int, least: int, seen: str) -> bool:
    for a in range(start, max(-1, start - 60), -1):
        if text[a:end] not in seen:
            if end - a >= least:
                return False        # longer runs from further left cannot be held either
            continue
        # the longest run from a that is held, found by halving (a held run's prefixes are held)
        lo, hi = end, len(text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if text[a:mid] in seen:
                lo = mid
            else:
                hi = mid - 1
        if lo - a >= least:
            return True
    return False


def _frame(sentence: str) -> str:
    """The sentence without what only frames a table: 百分制, a bonus part's heading (附加分)."""
    return re.sub(r"100分制|百分制|^(?:附加分|加分项目?|奖励加分|加分)(?:[(（][^)）]{0,12}[)）])?$", "",
                  sentence)


def uncovered(doc: Document, body: dict[str, Any]) -> list[str]:
    """The sentences of the document holding scoring content that no item and no table cell read
    holds (in document order, each once): each line cut at its cell separators and stops."""
    seen_parts = [i.get("source", {}).get("text", "") for i in body["items"]]
    seen_parts += [i.get("name", "") for i in body["items"]]
    for record in doc.records:
        seen_parts += list(record.cells.values())
        seen_parts.append("".join(record.cells.values()))     # a row run together, as a copy glues it
    seen = "\u0000".join(_compact(p) for p in seen_parts if p)
    out: list[str] = []
    for line in doc.lines:
        for segment in SEPARATORS.split(line):
            for sentence in sentences(segment):
                key = _frame(_compact(sentence).strip("\"'“”‘’。；;，,"))
                if not key or not SCORING.search(key) or FRAME.match(key) or _held(key, seen):
                    continue
                if sentence not in out:
                    out.append(sentence)
    return out


def sweep(doc: Document, body: dict[str, Any], seed: str) -> int:
    """Append a flagged item for every uncovered sentence (codes X1, X2 …); returns how many."""
    found = uncovered(doc, body)
    codes = {i["code"] for i in body["items"]}
    n = 0
    for sentence in found:
        n += 1
        while f"X{n}" in codes:
            n += 1
        points = re.search(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]", normalize(sentence))
        body["items"].append({
            "code": f"X{n}", "name": re.sub(r"\s+", "", sentence)[:20], "points": 0,
            "source": {"seed": seed, "item": "未识别", "text": sentence},
            "needs_review": True,
            "review_reason": REASON + (f"（句中载明 {points.group(1)} 分）" if points else ""),
            "_status": "not_parsed"})
    return len(found)
