"""Writing a draft (YAML with a header saying what was read and what a person must decide) and
applying a person's answers (a resolution file) to it."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import yaml

from pipelines.lib.files import read_yaml
from pipelines.scheme.draft.draft import finish, summary


class ResolutionError(ValueError):
    """A resolution file names an item the draft does not have, or is malformed."""


class _NoAliases(yaml.SafeDumper):
    """Every list written out in full (no &id001 / *id001 anchors a person would not follow)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def review_items(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for i in body["items"] if i.get("needs_review")]


def summary_text(body: dict[str, Any]) -> str:
    """The report of a draft: what was encoded, what is flagged and why (reasons counted, then item by
    item), and every total the document states, checked against what was drafted."""
    counts = summary(body)
    flagged = review_items(body)
    head = body["scheme"]
    rules = [i for i in body["items"] if "rule" in i]
    lines = [f"条款 {sum(counts.values())} 项：已解析 {counts['parsed']}，推测（待确认）{counts['guessed']}，"
             f"未能解析 {counts['not_parsed']}；待人工确认的指标 {len(flagged)} 项"
             + ("，方案信息待确认 1 处" if head.get("needs_review") else "")]
    lines.append(f"已编码且无需确认 {sum(1 for i in rules if not i.get('needs_review'))} 项；"
                 f"待确认 {len(flagged)} 项，按原因：")
    reasons: dict[str, int] = {}
    for item in flagged:
        for reason in str(item.get("review_reason", "")).split("；"):
            key = re.sub(r"\d+(?:\.\d+)?", "N", reason.split("：")[0].split("，请")[0].strip())[:40]
            reasons[key] = reasons.get(key, 0) + 1
    lines += [f"  {n:3} × {key}" for key, n in sorted(reasons.items(), key=lambda kv: -kv[1])]
    lines += _totals_text(body.get("_totals", []))
    if head.get("needs_review"):
        lines.append(f"  scheme: {head['review_reason']}")
    lines += [f"  {i['code']} ({i['source']['item']}): {i['review_reason']}" for i in flagged]
    return "\n".join(lines)


def _totals_text(totals: list[dict[str, Any]]) -> list[str]:
    """载明的合计: the document's, its sections', each department's (counted when there are many) and
    the items whose parts must add up (only those that do not)."""
    if not totals:
        return ["合计核对：文件未载明可核对的合计"]
    wrong = [t for t in totals if not t["adds_up"]]
    lines = [f"合计核对：载明的合计 {len(totals)} 处，相符 {len(totals) - len(wrong)}，不符 {len(wrong)}"]

    def line(t: dict[str, Any]) -> str:
        verdict = "相符" if t["adds_up"] else "未能核对（所含条目未读出）" if t.get("unchecked") \
            else f"不符（条目合计 {t['sum']:g} 分）"
        return f"  {t['label']}：载明 {t['stated']:g} 分，{verdict}"

    units = [t for t in totals if t["scope"] == "unit"]
    for t in totals:
        if t["scope"] in ("document", "section"):
            lines.append(line(t))
    if units:
        lines.append(f"  各考核对象：{len(units)} 个中 {sum(t['adds_up'] for t in units)} 个相符")
        lines += [line(t) for t in units if not t["adds_up"]]
    lines += [line(t) for t in totals if t["scope"] == "item" and not t["adds_up"]]
    return lines


def dump(body: dict[str, Any], path: Path | None = None) -> str:
    """The YAML text; written to path when given."""
    counts = summary(body)
    text = yaml.dump(finish(copy.deepcopy(body)), Dumper=_NoAliases, allow_unicode=True, sort_keys=False,
                     width=100)
    header = (f"# 草稿 — ecoscore scheme draft 由 {body['scheme']['source']} 生成。\n"
              f"# 已解析 {counts['parsed']}，推测 {counts['guessed']}，未能解析 {counts['not_parsed']}。"
              "标有 needs_review: true 的条目须人工确认后删除该标记（或用 --resolve 应答文件），\n"
              "# 否则 ecoscore scheme check / 运行都会拒绝本文件。\n")
    out = header + text
    if path is not None:
        path.write_text(out, encoding="utf-8")
    return out


def _merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    for key, value in patch.items():
        if value is None:
            base.pop(key, None)
        elif isinstance(value, dict) and isinstance(base.get(key), dict) and key != "rule":
            _merge(base[key], value)
        elif key == "rule" and isinstance(value, dict) and isinstance(base.get("rule"), dict) \
                and "shape" not in value:
            _merge(base["rule"], value)
        else:
            base[key] = copy.deepcopy(value)
    return base


def apply_resolutions(body: dict[str, Any], answers: dict[str, Any],
                      source: str = "应答文件") -> dict[str, Any]:
    """A person's answers → the resolved body. `scheme:` merges into the head; `units`, `grades`,
    `groups`, `peer_groups` replace; `items: {code: {field: value}}` merges into that item
    (`rule` without `shape` merges into the drafted rule; a field set to null is removed;
    `drop: true` removes the item) and clears its needs_review. Raises ResolutionError."""
    body = copy.deepcopy(body)
    if "scheme" in answers:
        _merge(body["scheme"], answers["scheme"])
        body["scheme"].pop("needs_review", None)
        body["scheme"].pop("review_reason", None)
    for key in ("units", "grades", "groups", "peer_groups"):
        if key in answers:
            body[key] = copy.deepcopy(answers[key])
    items = {i["code"]: i for i in body["items"]}
    for code, patch in (answers.get("items") or {}).items():
        code = str(code)
        if code not in items:
            raise ResolutionError(f"{source}: items/{code}: 草稿中没有编码为 {code} 的指标")
        if not isinstance(patch, dict):
            raise ResolutionError(f"{source}: items/{code}: 应为字段映射")
        if patch.get("drop"):
            body["items"] = [i for i in body["items"] if i["code"] != code]
            continue
        item = _merge(items[code], {k: v for k, v in patch.items() if k != "drop"})
        item.pop("needs_review", None)
        item.pop("review_reason", None)
    for item in answers.get("add_items") or []:
        body["items"].append(copy.deepcopy(item))
    return body


def load_answers(path: Path) -> dict[str, Any]:
    try:
        answers = read_yaml(path) or {}
    except (OSError, yaml.YAMLError) as err:
        raise ResolutionError(f"{path}: 无法读取应答文件: {err}") from err
    if not isinstance(answers, dict):
        raise ResolutionError(f"{path}: 应答文件应为映射（scheme / units / items …）")
    return answers
