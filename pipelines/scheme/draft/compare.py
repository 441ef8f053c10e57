"""How far a draft agrees with a hand-written scheme: for every scorable item of the hand-written
scheme (an item with a rule), the draft item of the same code has the same rule shape and the same
parameters (every rule key but `event_kinds`, plus measure, measure_weights, target, targets; a
ranking's peer group by its size; severity_amounts by the set of amounts, their class names being
names). `event_kinds` — which ledger kinds a clause counts — are compared
separately: they name the project's ledger vocabulary, not the text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ItemComparison:
    code: str
    hand_shape: str
    draft_shape: str | None
    same_rule: bool          # shape and parameters (event_kinds aside) and target
    same_events: bool        # event_kinds too
    same_points: bool
    flagged: bool            # the draft marks it needs_review
    difference: str


def _norm(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return round(float(value), 6)
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def _params(item: dict[str, Any], peer_sizes: dict[str, int] | None = None) -> dict[str, Any]:
    """The compared parameters; a ranking's peer group by its size (its code is a name)."""
    rule = {k: v for k, v in item.get("rule", {}).items() if k != "event_kinds"}
    if "severity_amounts" in rule:
        # the class names are names (the draft quotes the text, a hand scheme abbreviates): compared
        # by what they score — the set of amounts an event can cost, the default amount included
        classes = rule.pop("severity_amounts") or {}
        rule["class_amounts"] = sorted({float(v) for v in classes.values()} | {float(rule.get("amount", 0))})
    if "peer_group" in rule:
        rule["peer_group"] = (peer_sizes or {}).get(rule["peer_group"], rule["peer_group"])
    for key in ("target", "targets", "measure", "measure_weights"):
        if key in item:
            rule[key] = item[key]
    return _norm(rule)


def _difference(hand: dict[str, Any], draft: dict[str, Any] | None, sizes_h: dict[str, int],
                sizes_d: dict[str, int]) -> str:
    if draft is None:
        return "草稿中没有此编码"
    if "rule" not in draft:
        return "草稿未读出规则"
    a, b = _params(hand, sizes_h), _params(draft, sizes_d)
    if a.get("shape") != b.get("shape"):
        return f"形状 {b.get('shape')} ≠ {a.get('shape')}"
    keys = sorted(set(a) | set(b))
    return "；".join(f"{k}: {b.get(k)!r} ≠ {a.get(k)!r}" for k in keys if a.get(k) != b.get(k))


def compare(draft: dict[str, Any], hand: dict[str, Any]) -> list[ItemComparison]:
    drafted = {i["code"]: i for i in draft["items"]}
    sizes_d = {p["code"]: p["size"] for p in draft.get("peer_groups", [])}
    sizes_h = {p["code"]: p["size"] for p in hand.get("peer_groups", [])}
    out = []
    for item in hand["items"]:
        if "rule" not in item:
            continue
        mine = drafted.get(item["code"])
        same = mine is not None and "rule" in mine and _params(mine, sizes_d) == _params(item, sizes_h)
        events = same and mine is not None and \
            sorted(mine["rule"].get("event_kinds", [])) == sorted(item["rule"].get("event_kinds", []))
        out.append(ItemComparison(
            code=item["code"], hand_shape=item["rule"]["shape"],
            draft_shape=(mine or {}).get("rule", {}).get("shape"), same_rule=same, same_events=events,
            same_points=mine is not None and float(mine["points"]) == float(item["points"]),
            flagged=bool(mine and mine.get("needs_review")),
            difference="" if same else _difference(item, mine, sizes_h, sizes_d)))
    return out


def agreement(rows: list[ItemComparison]) -> dict[str, float | int]:
    n = len(rows)
    return {"items": n, "same_rule": sum(r.same_rule for r in rows),
            "same_rule_share": round(sum(r.same_rule for r in rows) / n, 4) if n else 0.0,
            "same_events": sum(r.same_events for r in rows),
            "same_shape": sum(r.hand_shape == r.draft_shape for r in rows),
            "same_points": sum(r.same_points for r in rows)}


def report(rows: list[ItemComparison], differences_only: bool = False) -> str:
    """The comparison as a table (every item, or only those that differ) and its counts."""
    lines = ["编码\t手写形状\t草稿形状\t一致\t待审\t差异"]
    for r in rows:
        if differences_only and r.same_rule:
            continue
        lines.append(f"{r.code}\t{r.hand_shape}\t{r.draft_shape or '-'}\t{'是' if r.same_rule else '否'}\t"
                     f"{'是' if r.flagged else ''}\t{r.difference}")
    a = agreement(rows)
    flagged = sum(r.same_rule and r.flagged for r in rows)
    lines.append(f"可计分条款 {a['items']} 项：形状与参数一致 {a['same_rule']} 项"
                 f"（{a['same_rule_share']:.1%}），"
                 f"形状一致 {a['same_shape']} 项，连同事件类别一致 {a['same_events']} 项，"
                 f"分值一致 {a['same_points']} 项，一致者中待审 {flagged} 项")
    return "\n".join(lines)
