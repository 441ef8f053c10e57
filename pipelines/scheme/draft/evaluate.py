"""How right a draft is, item by item, against a hand-written expected encoding of the same document
(tests/data/drafting/expected/*.yaml, the format is described in shicheng_2018_township.yaml).

Every expected item is one of:
- right: the draft has it (its source quotes the item's words), unflagged, with the same points,
  kind (bonus or base), unit and rule (the shape and every parameter the expected file lists, or one
  of its `alternatives`);
- flagged: the draft has it and marks it needs_review — a person will look, whatever the draft says;
- silently wrong: the draft has it unflagged but with another rule, points, kind or unit, or with a
  rule where the document gives none ecoscore can encode (`flag: true`) — the worst outcome;
- missed: no draft item quotes it.
Draft items that quote no expected item and carry an unflagged rule are `extra` (counted with the
silently wrong: a rule the document does not hold). The stated totals (`totals`) are checked too:
the draft must report a total that does not add up, and must not report one that does."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipelines.scheme.draft.numbers import cn_int, normalize

RIGHT, FLAGGED, SILENT, MISSED = "right", "flagged", "silently wrong", "missed"


def _text(value: str) -> str:
    return re.sub(r"\s+", "", normalize(value or "")).replace("“", '"').replace("”", '"')


@dataclass
class ItemResult:
    quote: str
    status: str
    code: str = ""
    why: str = ""


@dataclass
class DocumentResult:
    name: str
    items: list[ItemResult] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)          # codes of unflagged rules no expected item holds
    totals_checked: int = 0
    totals_wrong: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def silent(self) -> int:
        return self.count(SILENT) + len(self.extra)


def _rule_matches(draft_rule: dict[str, Any] | None, expected: dict[str, Any]) -> str:
    """'' when the draft rule holds every listed parameter of the expected one, else what differs."""
    if draft_rule is None:
        return "草稿无规则"
    if draft_rule.get("shape") != expected["shape"]:
        return f"形状 {draft_rule.get('shape')} ≠ {expected['shape']}"
    for key, want in expected.items():
        if key == "shape":
            continue
        if key == "severity_amounts":
            got = {float(v) for v in (draft_rule.get("severity_amounts") or {}).values()}
            got.add(float(draft_rule.get("amount", 0)))
            if got != {float(v) for v in want}:
                return f"分档金额 {sorted(got)} ≠ {sorted(float(v) for v in want)}"
            continue
        have = draft_rule.get(key)
        if isinstance(want, int | float) and not isinstance(want, bool):
            if have is None or abs(float(have) - float(want)) > 1e-9:
                return f"{key}: {have!r} ≠ {want!r}"
        elif have != want:
            return f"{key}: {have!r} ≠ {want!r}"
    return ""


def _unit_names(draft: dict[str, Any], item: dict[str, Any]) -> set[str]:
    names = {u["code"]: u["name"] for u in draft.get("units", [])}
    return {names.get(code, code) for code in item.get("units", [])} | set(item.get("responsible_units", []))


# a list marker opening a quote: 「(1)未按时完成普扫」 is quoted by an item holding 未按时完成普扫
MARKER = re.compile(r"^(?:[(（]\d{1,2}[)）]|[①-⑳]|\d{1,2}[、.．](?!\d)|[一二三四五六七八九十]+、)")


def _candidates(draft: dict[str, Any], quote: str, name: str | None) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for want in dict.fromkeys([_text(quote), MARKER.sub("", _text(quote))]):
        # the items whose clause holds the words (with or without their list marker); only when none
        # does, those named by them
        found = [i for i in draft["items"] if want in _text(i.get("source", {}).get("text", ""))] \
            or [i for i in draft["items"] if want in _text(i.get("name", ""))]
        if found:
            break
    if name:
        found = [i for i in found if _text(name) in _text(i.get("name", ""))
                 or _text(name) in _text(i.get("source", {}).get("text", ""))]
    codes = {i["code"] for i in draft["items"]}

    def has_children(item: dict[str, Any]) -> bool:
        return any(c.startswith(item["code"] + ".") for c in codes)

    # the most specific: an item with a rule (or flagged), without children, the shortest text
    return sorted(found, key=lambda i: ("rule" not in i and not i.get("needs_review"), has_children(i),
                                        len(_text(i.get("source", {}).get("text", ""))), -len(i["code"])))


def evaluate(draft: dict[str, Any], expected: dict[str, Any], name: str = "") -> DocumentResult:
    result = DocumentResult(name or expected.get("document", ""))
    claimed: dict[str, int] = {}
    codes = {i["code"] for i in draft["items"]}
    for n, want in enumerate(expected.get("items", [])):
        # an item already claimed is found again only when it holds a rule (a second rule merged into
        # it was lost) or a person reads it anyway (flagged: each row it quotes reaches that person)
        found = [i for i in _candidates(draft, want["quote"], want.get("name"))
                 if i["code"] not in claimed or "rule" in i or i.get("needs_review")]
        if not found:
            result.items.append(ItemResult(want["quote"], MISSED, why="草稿中没有引用这段原文的条目"))
            continue
        item = found[0]
        container = "rule" not in item and any(c.startswith(item["code"] + ".") for c in codes)
        if item["code"] in claimed:
            # two expected items in one draft item: the second rule was lost (merged)
            status = FLAGGED if item.get("needs_review") else SILENT
            result.items.append(ItemResult(want["quote"], status, item["code"], "与另一条合并为一项"))
            continue
        claimed[item["code"]] = n
        if item.get("needs_review"):
            result.items.append(ItemResult(want["quote"], FLAGGED, item["code"],
                                           item.get("review_reason", "")))
            continue
        if container:
            result.items.append(ItemResult(want["quote"], MISSED, item["code"], "只有上级条目，未拆出规则"))
            continue
        why = ""
        if want.get("flag"):
            why = "原文没有可编码的规则，草稿却未标记待审"
        elif abs(float(item.get("points", 0)) - float(want.get("points", 0))) > 1e-9:
            why = f"分值 {item.get('points')} ≠ {want.get('points')}"
        elif (item.get("kind") == "bonus") != (want.get("kind") == "bonus"):
            why = f"类别 {item.get('kind', 'base')} ≠ {want.get('kind', 'base')}"
        elif want.get("unit") and want["unit"] not in _unit_names(draft, item):
            why = f"考核对象 {sorted(_unit_names(draft, item))} 不含 {want['unit']}"
        else:
            rules = [want["rule"], *want.get("alternatives", [])]
            differences = [_rule_matches(item.get("rule"), r) for r in rules]
            why = "" if "" in differences else differences[0]
        result.items.append(ItemResult(want["quote"], SILENT if why else RIGHT, item["code"], why))
    for item in draft["items"]:
        if "rule" in item and not item.get("needs_review") and item["code"] not in claimed:
            result.extra.append(item["code"])
    for bad in expected.get("not_items", []):
        for item in _candidates(draft, bad["quote"], bad.get("name")):
            if "rule" in item and not item.get("needs_review") and item["code"] not in result.extra:
                result.extra.append(item["code"])
    reported = {t["label"]: t for t in draft.get("_totals", [])}
    for total in expected.get("totals", []):
        if "adds_up" not in total:
            continue
        result.totals_checked += 1
        same_points = [t for t in reported.values()
                       if abs(float(t["stated"]) - float(total["points"])) < 1e-9]
        # the document's mark and the draft's code name one total: 「(五)」 is the draft's 5
        marked = [t for t in same_points if _mark(str(total["label"])) and
                  _mark(str(t["label"])) == _mark(str(total["label"]))]
        mine = reported.get(str(total["label"])) or next(
            (t for t in same_points
             if str(total["label"]) in t["label"] or t["label"] in str(total["label"])),
            None) or (marked[0] if len(marked) == 1 else None) \
            or (same_points[0] if len(same_points) == 1 else None)
        if mine is None:
            result.totals_wrong.append(f"{total['label']}: 草稿未核对此合计")
        elif bool(mine["adds_up"]) != bool(total["adds_up"]):
            verdict = "认为相符" if mine["adds_up"] else "认为不符"
            result.totals_wrong.append(f"{total['label']}: 草稿{verdict}")
    return result


def _mark(label: str) -> str:
    """The number a section mark stands for (「(五)」, 「五、」, 「5」 → "5"); "" for a name."""
    m = re.fullmatch(r"\s*[(（]?\s*([一二三四五六七八九十]+|\d{1,2})\s*[)）]?\s*[、.．]?\s*", label)
    if not m:
        return ""
    return m.group(1) if m.group(1).isdigit() else str(cn_int(m.group(1)))


def figures(results: list[DocumentResult]) -> dict[str, float | int]:
    """Counts and shares over documents: items, right / flagged / silently wrong / missed (the
    silently wrong include the extra rules), their shares of the expected items."""
    items = sum(len(r.items) for r in results)
    out: dict[str, float | int] = {"documents": len(results), "items": items}
    for status in (RIGHT, FLAGGED, MISSED):
        out[status] = sum(r.count(status) for r in results)
    out[SILENT] = sum(r.silent for r in results)
    out["extra"] = sum(len(r.extra) for r in results)
    out["totals checked"] = sum(r.totals_checked for r in results)
    out["totals wrong"] = sum(len(r.totals_wrong) for r in results)
    for status in (RIGHT, FLAGGED, SILENT, MISSED):
        out[f"{status} %"] = round(100 * out[status] / items, 1) if items else 0.0
    return out
