"""Nothing missed: every line of the document that holds scoring content — points (3分, （20分）, a
signed score -5/项, a bare number under a 分值 header), or a scoring word (扣, 加/奖 N分, 得N分, 不得分,
一票否决, 扣完为止 …) — is quoted by some drafted item or was read as the table's frame (a header, a
section row, a total). What no reader took becomes an item of its own, flagged, quoting it: a person
decides what it is. A document whose layout no reader knows is drafted line by line — every cell of
text, grouped up to its points, a flagged item; only a document with no scoring content at all is
refused."""

from __future__ import annotations

import re
from typing import Any

from pipelines.scheme.draft.numbers import normalize
from pipelines.scheme.draft.tables import Document, role_of

SCORING = re.compile(r"\d+(?:\.\d+)?\s*分|[扣加奖得减]\s*\d|[扣加减]分|不得分|不计分|一票否决|扣完为止|"
                     r"全扣|倒扣|酌情[扣加]")
# a line that only heads or frames a table (序号 分值 评分标准; 总分100分)
FRAME = re.compile(r"^(?:[(（]?\s*\d+(?:\.\d+)?\s*分?\s*[)）]?|总分|合计|满分)$")
# a cell that is a score by itself: signed (-5, +2分, -5/项, -2分/次) — or bare (10) under a points header
SIGNED = re.compile(r"^[-－+＋]\s*\d+(?:\.\d+)?\s*分?(?:\s*/\s*[项次个处起件户人家篇条])?$")
BARE = re.compile(r"^\d{1,3}(?:\.\d+)?\s*分?$")
POINTS_HEADER = re.compile(r"分值|权重|标准分|分数|加减分|应得分|满分")
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


def _seen(doc: Document, body: dict[str, Any]) -> str:
    parts = [i.get("source", {}).get("text", "") for i in body["items"]]
    parts += [i.get("name", "") for i in body["items"]]
    for record in doc.records:
        parts += list(record.cells.values())
        parts.append("".join(record.cells.values()))     # a row run together, as a copy glues it
        for k in range(1, len(record.groups) + 1):
            # the merged cells a copy ran into the row (「厕所12分7公共厕所…」), as the copy has them
            heads = "".join(f"{label}{points:g}分" for label, points in record.groups[-k:])
            parts.append(heads + "".join(record.cells.values()))
    return "\u0000".join(_compact(p) for p in parts if p)


def cells(doc: Document) -> list[str]:
    """The document's text cut into cells: each line at its cell separators."""
    return [c.strip() for line in doc.lines for c in SEPARATORS.split(line) if c.strip()]


def points_cells(doc: Document) -> re.Pattern[str]:
    """What a score standing alone in a cell looks like in this document: signed always; a bare number
    only where a points header (分值, 权重, 加减分 …) says the table has a points column."""
    headed = any(POINTS_HEADER.search(c) and len(_compact(c)) <= 8 for c in cells(doc))
    return re.compile(f"{SIGNED.pattern}|{BARE.pattern}") if headed else SIGNED


def has_scoring_content(doc: Document) -> bool:
    scores = points_cells(doc)
    return any(SCORING.search(_frame(_compact(c))) or scores.match(_compact(c)) for c in cells(doc))


def uncovered(doc: Document, body: dict[str, Any]) -> list[str]:
    """What of the document holds scoring content that no item and no table cell read holds (in
    document order, each once): each cell's sentences where they score; a score alone in a cell
    (-5/项, or 10 under 分值) with the text before it; a scoring phrase a line break cut (…方案得 | 1分)
    with its sentence."""
    seen = _seen(doc, body)
    out: list[str] = []
    scores = points_cells(doc)
    before = ""
    for cell in cells(doc):
        key_cell = _compact(cell)
        if scores.match(key_cell) and not FRAME.match(key_cell.lstrip("+＋")) or SIGNED.match(key_cell):
            # a score standing alone: the row it belongs to is the text before it
            if before and not _held_text(before, seen):
                quote = f"{before} ｜ {cell}"
                if quote not in out:
                    out.append(quote)
            continue
        for sentence in sentences(cell):
            key = _frame(_compact(sentence).strip("\"'“”‘’。；;，,"))
            if not key or not SCORING.search(key) or FRAME.match(key) or _held(key, seen):
                continue
            if sentence not in out:
                out.append(sentence)
        if len(key_cell) >= 2 and not re.fullmatch(r"[\d.、．()（）]+", key_cell):
            before = cell
    out += [s for s in _broken(doc, seen) if s not in out]
    return out


def _held_text(text: str, seen: str) -> bool:
    key = _compact(text)
    return key in seen or len(key) > 8 and _within_seen(key, 0, len(key), len(key), seen)


def _broken(doc: Document, seen: str) -> list[str]:
    """Scoring phrases a line break cuts (「…制定年度考核工作方案得」 / 「1 分,否则不得分.」, a PDF's text):
    read over the lines joined, each checked in its sentence."""
    lines = [_compact(line) for line in doc.lines]
    joined = "".join(lines)
    ends, at = [], 0
    for line in lines:
        at += len(line)
        ends.append(at)
    out = []
    for m in SCORING.finditer(joined):
        first = next(n for n, end in enumerate(ends) if m.start() < end)
        if m.end() <= ends[first] or joined[ends[first] - 1] not in "扣加奖得减":
            continue            # within one line (read with its line), or cells that only sit side by side
        start = max(joined.rfind(stop, 0, m.start()) for stop in "。；;") + 1
        stops = [p for p in (joined.find(stop, m.end()) for stop in "。；;") if p >= 0]
        end = min(stops) + 1 if stops else len(joined)
        sentence = joined[start:end]
        if not _within_seen(sentence, m.start() - start, m.end() - start, min(8, len(sentence)), seen):
            out.append(sentence)
    return out


def line_items(doc: Document) -> list[str]:
    """A document no reader could read, as a person would go through it: every cell of text, the cells
    up to a score (or a sentence's end) together — one quote each."""
    scores = points_cells(doc)
    out: list[str] = []
    group: list[str] = []
    for cell in cells(doc):
        key = _compact(cell)
        group.append(cell)
        if scores.match(key) or SIGNED.match(key) or re.search(r"[。；;]$", key):
            out.append(" ｜ ".join(group))
            group = []
    if group:
        out.append(" ｜ ".join(group))
    title = _compact(doc.title)
    return [q for q in out if len(_compact(q)) >= 4 and _compact(q) != title]


# a section's name on a line of its own, its points on the next (「社区」「(50分)」: a table kept one cell
# a line)
LABEL = re.compile(r"^[\u4e00-\u9fff、“”\"]{2,12}$")
# a total of the document by its word, its points right after it (not 共计, a part's cap: 共计5分，扣完为止)
STATED_TOTAL = re.compile(r"(?:^|(?<=[\d。；;，,:：|｜]))(合计|总计|总分)[:：|｜]?(\d{2,4})(?:分)?(?![\d.])")
POINTS_ONLY = re.compile(r"^[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]$")


def unchecked_totals(doc: Document, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The section totals the document states (a name on its line, its points on the next) that no
    total of the draft checks and no item holds: each one is reported as not reconciled (the draft
    could not tell which items it covers), never passed over."""
    known = [str(t["label"]) for t in body.get("_totals", [])] + [i.get("name", "") for i in body["items"]]
    stated = {float(t["stated"]) for t in body.get("_totals", [])}
    out: list[dict[str, Any]] = []
    lines = [_compact(line) for line in doc.lines]
    for label, nxt in zip(lines, lines[1:], strict=False):
        m = POINTS_ONLY.match(nxt)
        if m is None or not LABEL.match(label) or SCORING.search(label) or role_of(label) \
                or float(m.group(1)) in stated:
            continue        # a header's word (得分 (100分)), or a total the draft checks already
        if any(label == k or label in k and k.startswith(label) for k in known if k):
            continue
        out.append({"label": label, "stated": float(m.group(1)), "sum": 0, "adds_up": False,
                    "scope": "section", "codes": [], "unchecked": True})
    # the document's total written beside its word (「…5合计100龙田镇…」, 「合计 | 100」): checked by the
    # draft's document total, else reported as not checked
    checked = {str(t["label"]) for t in body.get("_totals", []) if t.get("scope") == "document"}
    for line in lines:
        for m in STATED_TOTAL.finditer(line):
            label = m.group(1)
            if label in checked or any(t["label"] == label for t in out):
                continue
            out.append({"label": label, "stated": float(m.group(2)), "sum": 0, "adds_up": False,
                        "scope": "document", "codes": [], "unchecked": True})
    return out


def sweep(doc: Document, body: dict[str, Any], seed: str) -> int:
    """Append a flagged item for every uncovered sentence (codes X1, X2 …) — for a document no reader
    could read, for every cell of text (line_items); returns how many."""
    if not body["items"] and doc.form == "lines":
        found = line_items(doc) if has_scoring_content(doc) else []
    else:
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
