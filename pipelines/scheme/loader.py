"""Scheme files: YAML → validated → rows for the warehouse's raw scheme tables.

A scheme is data, not code: adding next year's scheme means writing a file under
data/raw/schemes/. The dbt models in models/*/scoring read the tables written here."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import polars as pl
import yaml

from pipelines.lib.files import UniqueKeyLoader, read_yaml
from pipelines.scheme import registry

SCHEMA_PATH = Path(__file__).with_name("scheme_schema.yaml")
TABLES = ("schemes", "units", "items", "targets", "grades", "groups", "group_items", "pools",
          "peer_groups", "item_reads", "duties", "departments", "item_departments")
DUTY_LEDGER = "duties"  # the ledger kind (registry_event_kinds.csv) of duty completion rows
MISSING_DATA_POLICIES = ("flag", "zero", "block")


class SchemeError(ValueError):
    """A scheme file is invalid; the message names the file, the path inside it, and why."""


@dataclass(frozen=True)
class Scheme:
    path: Path
    sha256: str
    body: dict[str, Any]

    @property
    def code(self) -> str:
        return self.body["scheme"]["code"]

    @property
    def year(self) -> int:
        return self.body["scheme"]["year"]


def _location(error: jsonschema.ValidationError) -> str:
    return "/".join(str(p) for p in error.absolute_path) or "(文件顶层)"


def parent_code(item: dict[str, Any]) -> str | None:
    """The tree: `5.1.2` sits under `5.1`, `5.1` under `5`; `parent` overrides."""
    if "parent" in item:
        return item["parent"]
    code = item["code"]
    return code.rsplit(".", 1)[0] if "." in code else None


def _duplicates(codes: list[str]) -> list[str]:
    return sorted({c for c in codes if codes.count(c) > 1})


def _parse_yaml(path: Path, raw: bytes) -> Any:
    try:
        return yaml.load(raw.decode("utf-8-sig"), Loader=UniqueKeyLoader)  # noqa: S506 (safe loader)
    except yaml.constructor.ConstructorError as err:
        raise SchemeError(f"{path}: {err.problem}") from err
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise SchemeError(f"{path}: YAML 无法解析: {err}") from err


def _shape_params(schema: dict[str, Any]) -> dict[str, set[str]]:
    """Each rule shape's parameter names, read from the schema's if/then branches."""
    return {shape: set(then.get("properties", {})) for shape, then in _shape_branches(schema).items()}


def _shape_branches(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each rule shape's branch of the schema (its `then`), with $refs resolved."""
    branches: dict[str, dict[str, Any]] = {}
    defs = schema["$defs"]
    for branch in defs["rule"]["allOf"]:
        cond = branch["if"]["properties"]["shape"]
        then = branch["then"]
        if "$ref" in then:
            then = defs[then["$ref"].rsplit("/", 1)[1]]
        for shape in cond.get("enum", [cond.get("const")]):
            branches[shape] = then
    return branches


def _lowest_anchor_points(rule: dict[str, Any]) -> float:
    anchors = [a for a in rule.get("anchors", []) if isinstance(a, dict) and "value" in a]
    return float(min(anchors, key=lambda a: a["value"]).get("points", 0)) if anchors else 0.0


# When a parameter a schema branch lists under `x-required-when` is required (the schema says it
# in words for the message; tests/test_scheme_rule_parameters.py holds the two lists together).
REQUIRED_WHEN: dict[tuple[str, str], Any] = {
    ("interpolation", "below_per_unit"): lambda r: _lowest_anchor_points(r) > 0,
    ("ranking", "bottom"): lambda r: r.get("mode") == "bottom_n",
    ("ranking", "worst_share"): lambda r: r.get("mode") == "linear",
    ("ranking", "per_place"): lambda r: r.get("mode") == "rank_change",
    ("ranking", "direction"): lambda r: r.get("mode") == "rank_change" or "exempt_improvement_pct" in r,
}


def _check_rule_parameters(where: str, rule: dict[str, Any], branch: dict[str, Any]) -> None:
    """A parameter that needs another (dependentRequired) or that a mode needs (x-required-when)
    is missing: the message names the item, the parameter and why (issue 32: a partial set of
    parameters never scores silently, e.g. 003 二.2 below_floor_value without its slope)."""
    shape = rule["shape"]
    for given, needs in branch.get("dependentRequired", {}).items():
        missing = [n for n in needs if given in rule and n not in rule]
        if missing:
            raise SchemeError(f"{where}/rule/{given}: 规则 {shape} 的参数 {given} 须与 "
                              f"{'、'.join(missing)} 同时写明（缺少 {'、'.join(missing)}）")
    for param, why in branch.get("x-required-when", {}).items():
        if param not in rule and REQUIRED_WHEN[(shape, param)](rule):
            raise SchemeError(f"{where}/rule: 规则 {shape} 缺少参数 {param}（须写明的情形：{why}）")


def _check_item_keys(path: Path, body: dict[str, Any], schema: dict[str, Any]) -> None:
    """Before the JSON Schema (whose message for an unknown key is hard to read): an unknown
    item key, rule shape or rule parameter names its place and the nearest valid name; a rule
    parameter missing where the schema requires it with another or in a mode, likewise."""
    item_keys = set(schema["$defs"]["item"]["properties"])
    shapes = _shape_params(schema)
    branches = _shape_branches(schema)
    items = body.get("items") if isinstance(body, dict) else None
    for n, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            continue
        where = f"{path}: items/{n} ({item.get('code', '?')})"
        for key in item:
            if key not in item_keys:
                raise SchemeError(f"{where}/{key}: 未知的指标字段 {key}"
                                  f"{registry.did_you_mean(str(key), item_keys)}")
        rule = item.get("rule")
        if not isinstance(rule, dict) or rule.get("shape") not in shapes:
            continue  # a missing or unknown shape: the schema says so, at items/n/rule/shape
        allowed = shapes[rule["shape"]]
        for key in rule:
            if key not in allowed:
                raise SchemeError(
                    f"{where}/rule/{key}: 规则 {rule['shape']} 没有参数 {key}"
                    f"{registry.did_you_mean(str(key), allowed - {'shape'})}"
                    f"（可用参数: {', '.join(sorted(allowed - {'shape'}))}）")
        _check_rule_parameters(where, rule, branches[rule["shape"]])


def item_measures(item: dict[str, Any]) -> list[tuple[str, str]]:
    """(place inside the item, measure code) for every measure the item reads. With
    measure_weights, `measure` only names their weighted sum: the weights' measures are read."""
    found = [("measure", item["measure"])] if "measure" in item and "measure_weights" not in item else []
    found += [(f"measure_weights/{k}/measure", w["measure"])
              for k, w in enumerate(item.get("measure_weights", []))]
    found += [(f"rule/{key}", value) for key, value in item.get("rule", {}).items()
              if key.endswith("_measure")]
    return found


def duty_event_kinds() -> list[str]:
    """The completion kinds of a duty (完成 / 部分完成 / 未完成): the registry's `duties` ledger."""
    return [k.code for k in registry.event_kinds().values() if k.ledger == DUTY_LEDGER]


def duty_units(body: dict[str, Any], item: dict[str, Any]) -> list[str]:
    """The units a duty is assigned to (seed 002): the item's `units`, else every assessed unit of
    its `classes` (一、通用考核内容 → A类 and B类), else every assessed unit."""
    if "units" in item:
        return list(item["units"])
    classes = item.get("duty", {}).get("classes")
    return [u["code"] for u in body["units"] if u.get("assessed", True)
            and (classes is None or u.get("duty_class") in classes)]


def item_event_kinds(item: dict[str, Any]) -> list[str]:
    """The ledger event kinds an item reads: its rule's event_kinds, the kinds its ledger
    measure is computed from, notices for a share zeroed by notices (seed 000), every kind for
    a veto / grade cap that names none, the completion kinds of a duty (seed 002)."""
    rule = item.get("rule", {})
    kinds = list(rule.get("event_kinds", []))
    if "duty" in item:
        kinds += duty_event_kinds()
    if rule.get("shape") in ("veto", "grade_cap") and "event_kinds" not in rule:
        kinds += list(registry.event_kinds())
    measures = registry.measures()
    for _, code in item_measures(item):
        if code in measures:
            kinds += measures[code].event_kinds
    if any(r.get("zero_if_notices") for r in item.get("responsible", [])):
        kinds.append("notice")
    return sorted(set(kinds))


def _check_registry(path: Path, body: dict[str, Any]) -> None:
    """Every measure and event kind an item names is in the registries (data, not code)."""
    measures, kinds = registry.measures(), registry.event_kinds()
    for n, item in enumerate(body["items"]):
        where = f"{path}: items/{n} ({item['code']})"
        for place, code in item_measures(item):
            if code not in measures:
                raise SchemeError(f"{where}/{place}: 未知的指标数据项(measure) {code}"
                                  f"{registry.did_you_mean(code, set(measures))}"
                                  f"（登记表: {registry.MEASURES_CSV.name}）")
        for k, kind in enumerate(item.get("rule", {}).get("event_kinds", [])):
            if kind not in kinds:
                raise SchemeError(f"{where}/rule/event_kinds/{k}: 未知的台账事项类型 {kind}"
                                  f"{registry.did_you_mean(kind, set(kinds))}"
                                  f"（登记表: {registry.EVENT_KINDS_CSV.name}）")


SCOPED_WATER_PREFIXES = ("water.provincial_", "water.local_")


def _check_water_scopes(path: Path, body: dict[str, Any]) -> None:
    """An item reading a 省控 / local water measure needs the scheme's section split
    (scheme/water_section_scopes, seed 003 一.1 / 一.3): without it the measure does not exist."""
    if body["scheme"].get("water_section_scopes"):
        return
    for n, item in enumerate(body["items"]):
        for place, code in item_measures(item):
            if code.startswith(SCOPED_WATER_PREFIXES):
                raise SchemeError(
                    f"{path}: items/{n} ({item['code']})/{place}: 指标数据项 {code} 按断面级别划分，"
                    "方案须在 scheme/water_section_scopes 中写明省控断面级别(provincial_levels)和"
                    "减半计算的年均值类别(halved_at_or_better_than)（seed 003 一.1、一.3）")


def _check_units(path: Path, body: dict[str, Any]) -> None:
    known = {u["code"] for u in body["units"]}
    city = body["scheme"].get("city_unit")
    if city is not None and city not in known:
        raise SchemeError(f"{path}: scheme/city_unit: 未在 units 中定义的单位: {city}")
    for n, item in enumerate(body["items"]):
        named = (set(item.get("units", [])) | set(item.get("targets", {}))
                 | {r["unit"] for r in item.get("responsible", [])})
        unknown = sorted(named - known)
        if unknown:
            raise SchemeError(
                f"{path}: items/{n} ({item['code']}): 未在 units 中定义的单位: {', '.join(unknown)}")
        if "measure_weights" in item and "measure" not in item:
            raise SchemeError(
                f"{path}: items/{n} ({item['code']}): measure_weights 需要 measure 命名其加权和")
        duty = item.get("duty", {})
        named_by_duty = sorted(({duty.get("lead_unit")} | set(duty.get("cooperating_units", [])))
                               - known - {None})
        if named_by_duty:
            raise SchemeError(f"{path}: items/{n} ({item['code']})/duty: 未在 units 中定义的单位: "
                              f"{', '.join(named_by_duty)}")
        if duty.get("lead_unit") and duty.get("role") != "cooperating":
            raise SchemeError(
                f"{path}: items/{n} ({item['code']})/duty: lead_unit 只用于配合(cooperating)职责")
        leads = [r for r in item.get("responsible", []) if r["role"] == "lead"]
        if item.get("responsible") and len(leads) != 1:
            raise SchemeError(f"{path}: items/{n} ({item['code']}): responsible 必须恰有一个牵头单位(lead)")


def _check_pools(path: Path, body: dict[str, Any], codes: set[str]) -> None:
    """Pools (不设基础分，从第…项得分中扣分, seed 001 5(5)–(11)): named items exist, no cycle."""
    edges = {i["code"]: i.get("charged_to", []) for i in body["items"]}
    for n, item in enumerate(body["items"]):
        for target in item.get("charged_to", []):
            if target not in codes:
                raise SchemeError(f"{path}: items/{n} ({item['code']})/charged_to: 指标 {target} 不存在")
            if target == item["code"]:
                raise SchemeError(f"{path}: items/{n} ({item['code']})/charged_to: 不能从本项扣分")

    def visit(code: str, trail: list[str]) -> None:
        for nxt in edges.get(code, []):
            if nxt in trail:
                cycle = " → ".join([*trail[trail.index(nxt):], nxt])
                raise SchemeError(f"{path}: charged_to 形成循环: {cycle}")
            visit(nxt, [*trail, nxt])

    for code in edges:
        visit(code, [code])


def _check_tree(path: Path, body: dict[str, Any], codes: set[str]) -> None:
    items = body["items"]
    for n, item in enumerate(items):
        parent = parent_code(item)
        if "parent" in item and parent not in codes:
            raise SchemeError(f"{path}: items/{n} ({item['code']})/parent: 指标 {parent} 不存在")
        if "duty" in item and item.get("points") and "rule" not in item:
            raise SchemeError(f"{path}: items/{n} ({item['code']}): 职责有分值 {item['points']:g} 但没有 rule"
                              "（计分职责须写明规则，如 all_or_nothing 读取 duty_done）")
        if "rule" not in item and "duty" not in item:
            children = [i for i in items if parent_code(i) == item["code"]]
            if not children:
                raise SchemeError(f"{path}: items/{n} ({item['code']}): 既没有 rule 也没有下级指标")
            total = sum(c.get("points", 0) for c in children)
            if item["points"] and abs(total - item["points"]) > 1e-9:
                raise SchemeError(f"{path}: items/{n} ({item['code']}): 分值 {item['points']} 与下级指标"
                                  f"分值合计 {total:g} 不一致")


def _check_groups(path: Path, body: dict[str, Any], codes: set[str]) -> None:
    peer_codes = {p["code"] for p in body.get("peer_groups", [])}
    for n, group in enumerate(body.get("groups", [])):
        missing = sorted(set(group["items"]) - codes)
        if missing:
            raise SchemeError(f"{path}: groups/{n} ({group['code']})/items: 指标不存在: {', '.join(missing)}")
    for n, item in enumerate(body["items"]):
        rule = item.get("rule", {})
        if rule.get("shape") == "ranking" and rule["peer_group"] not in peer_codes:
            raise SchemeError(f"{path}: items/{n} ({item['code']})/rule/peer_group: "
                              f"peer_groups 中没有 {rule['peer_group']}")
    grades = {g["grade"] for g in body.get("grades", [])}
    for n, item in enumerate(body["items"]):
        rule = item.get("rule", {})
        named = rule.get("grade") or rule.get("max_grade")
        if named is not None and named not in grades:
            raise SchemeError(f"{path}: items/{n} ({item['code']})/rule: 等次 {named} 不在 grades 中")


# Shapes that score the item's own measure (`measure`, or the weighted sum of measure_weights);
# the others read ledger events, a peer table or the measures named in the rule.
MEASURE_SHAPES = ("step_shortfall", "step_surplus", "interpolation", "tiers", "proportional",
                  "lateness", "station_outlier_days")
RATE_UNIT = "%"


def _assessed_units(body: dict[str, Any], item: dict[str, Any]) -> list[str]:
    if item.get("responsible"):
        return [r["unit"] for r in item["responsible"]]
    if "duty" in item:
        return duty_units(body, item)
    return item.get("units") or [u["code"] for u in body["units"] if u.get("assessed", True)]


def _check_rule_inputs(path: Path, body: dict[str, Any], codes: set[str]) -> None:
    """What a rule needs from the rest of the file: a measure it scores, a target for every unit
    it compares, a rate where it counts percentage points, the city it depends on, the clauses it
    caps, the not-applicable condition and the scheme's policy for it. Each gap would otherwise
    score silently (a target missing is no shortfall; a city missing is nobody's completion)."""
    head = body["scheme"]
    measures = registry.measures()
    for n, item in enumerate(body["items"]):
        rule = item.get("rule")
        where = f"{path}: items/{n} ({item['code']})"
        if rule is None:
            if "not_applicable" in item:
                raise SchemeError(f"{where}/not_applicable: 不计分的指标（没有 rule）不需要 not_applicable")
            continue
        shape = rule["shape"]
        measure = measures.get(item.get("measure", ""))
        if shape in MEASURE_SHAPES and "measure" not in item:
            raise SchemeError(f"{where}: 规则 {shape} 按指标数据计分，须写明 measure")
        if shape not in MEASURE_SHAPES and "measure" in item and "not_applicable" not in item:
            raise SchemeError(f"{where}/measure: 规则 {shape} 不读取 measure（{item['measure']} 不会被计分）")
        if shape in ("step_shortfall", "step_surplus"):
            targets = item.get("targets", {})
            without = [u for u in _assessed_units(body, item) if u not in targets and "target" not in item]
            if without:
                raise SchemeError(f"{where}: 规则 {shape} 须有目标值：单位 {'、'.join(without)} 没有 "
                                  "target/targets（没有目标就无从计算差距）")
            unit = rule.get("step_unit", "measure_unit")
            if unit == "percentage_point" and measure is not None and measure.unit_zh != RATE_UNIT:
                raise SchemeError(
                    f"{where}/rule/step_unit: 百分点（percentage_point）只用于以 % 计的比率，"
                    f"{item['measure']}（{measure.label_zh}）的单位是「{measure.unit_zh or '无'}」")
            zero = [u for u in _assessed_units(body, item) if targets.get(u, item.get("target")) == 0]
            if unit == "percent" and zero:
                raise SchemeError(f"{where}/rule/step_unit: 按目标的百分比（percent）计差距须目标值不为 0"
                                  f"（{'、'.join(zero)} 的目标为 0）")
        if shape == "proportional" and measure is not None and measure.unit_zh != RATE_UNIT:
            raise SchemeError(f"{where}/measure: 规则 proportional 按完成比例（%）计分，"
                              f"{item['measure']} 的单位是「{measure.unit_zh or '无'}」")
        city_rule = rule.get("evaluate_on") == "city" or "unless_city_completed" in rule
        if city_rule and not head.get("city_unit"):
            raise SchemeError(f"{where}/rule: 规则按市级完成情况计分（evaluate_on: city / "
                              "unless_city_completed），方案须写明 scheme/city_unit")
        if rule.get("unless_city_completed") and rule["unless_city_completed"] not in codes:
            raise SchemeError(f"{where}/rule/unless_city_completed: "
                              f"指标 {rule['unless_city_completed']} 不存在")
        unpriced = sorted(set(rule.get("clause_caps", {})) - set(rule.get("severity_amounts", {})))
        if unpriced:
            raise SchemeError(f"{where}/rule/clause_caps: 条款 {'、'.join(unpriced)} 不是 severity_amounts "
                              "中的分档（clause_caps 以分档名称指明条款）")
        applies = item.get("not_applicable")
        if applies is not None:
            if not head.get("not_applicable"):
                raise SchemeError(f"{where}/not_applicable: 方案须在 scheme/not_applicable 写明不适用指标的"
                                  "处理（policy: exclude 不计入应得分 / convert 折算），并引用原文")
            kinds = measure.event_kinds if measure is not None else ()
            if applies["when"] == "no_task" and "count_required" not in kinds:
                raise SchemeError(f"{where}/not_applicable: no_task 以台账“任务数量”为 0 判断，指标须读取"
                                  "任务数量（measure: ledger.completion_pct 或 ledger.count_required）")


SCOPE_RANK = {"clause": 1, "item": 2, "section": 3}
SCOPE_ZH = {"clause": "条款", "item": "指标", "section": "部分"}


def _check_group_scopes(path: Path, body: dict[str, Any]) -> None:
    """Every capped group says what its cap belongs to (clause / item / section), and capped
    groups that share items nest, the inner one narrower: caps then apply innermost first."""
    capped = [g for g in body.get("groups", []) if "deduction_cap" in g or "bonus_cap" in g]
    for n, group in enumerate(body.get("groups", [])):
        if group in capped and "scope" not in group:
            raise SchemeError(f"{path}: groups/{n} ({group['code']})/scope: 分组有封顶分值，须写明封顶属于"
                              "哪一级（clause 条款 / item 指标 / section 部分），并在 note 中说明依据")
    for n, a in enumerate(capped):
        for b in capped[n + 1:]:
            shared = set(a["items"]) & set(b["items"])
            if not shared:
                continue
            inner, outer = (a, b) if set(a["items"]) <= set(b["items"]) else (b, a)
            nested = set(inner["items"]) <= set(outer["items"]) and inner["items"] != outer["items"]
            if not nested or SCOPE_RANK[inner["scope"]] >= SCOPE_RANK[outer["scope"]]:
                raise SchemeError(
                    f"{path}: groups ({a['code']}、{b['code']}): 两个封顶分组共有指标 "
                    f"{'、'.join(sorted(shared))}，须一组完全包含另一组，且内层的层级更小"
                    f"（{a['code']} 为{SCOPE_ZH[a['scope']]}级，{b['code']} 为{SCOPE_ZH[b['scope']]}级）")


def departments(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The scheme's departments (责任部门): its `departments` list, and every unit of kind
    department (seeds 000, 002: the assessed units are departments), each {code, name, aliases,
    is_unit}."""
    found = [{"code": d["code"], "name": d["name"], "aliases": list(d.get("aliases", [])),
              "is_unit": False} for d in body.get("departments", [])]
    found += [{"code": u["code"], "name": u["name"], "aliases": [], "is_unit": True}
              for u in body["units"] if u.get("kind") == "department"]
    return found


def item_departments(body: dict[str, Any]) -> dict[str, tuple[list[str], bool]]:
    """Item code → (its departments, lead first; whether they are the nearest ancestor's) for
    every item that names departments or sits under one that does."""
    own = {i["code"]: list(i["departments"]) for i in body["items"] if i.get("departments")}
    parents = {i["code"]: parent_code(i) for i in body["items"]}
    found: dict[str, tuple[list[str], bool]] = {}
    for item in body["items"]:
        code, inherited = item["code"], False
        while code is not None and code not in own:
            # a code between two levels may have no item of its own (5.1.4 of 5.1.4.1)
            code = parents[code] if code in parents else parent_code({"code": code})
            inherited = True
        if code is not None:
            found[item["code"]] = (own[code], inherited)
    return found


def _check_departments(path: Path, body: dict[str, Any]) -> None:
    """Department codes unique and apart from the units' codes (a department unit is its own
    department); a name or alias names one department only; an item names known departments."""
    listed = body.get("departments", [])
    dupes = _duplicates([d["code"] for d in listed])
    if dupes:
        raise SchemeError(f"{path}: 部门编码重复: {', '.join(dupes)}")
    clash = sorted({d["code"] for d in listed} & {u["code"] for u in body["units"]})
    if clash:
        raise SchemeError(f"{path}: departments: 部门编码与单位编码相同: {', '.join(clash)}"
                          "（部门类单位 kind: department 本身即是部门，无需在 departments 中重复）")
    names: dict[str, str] = {}
    for d in departments(body):
        for name in dict.fromkeys([d["name"], *d["aliases"]]):
            if names.setdefault(name, d["code"]) != d["code"]:
                raise SchemeError(f"{path}: departments: 名称「{name}」同时指 {names[name]} 和 "
                                  f"{d['code']} 两个部门")
    known = {d["code"] for d in departments(body)}
    for n, item in enumerate(body["items"]):
        for k, code in enumerate(item.get("departments", [])):
            if code not in known:
                raise SchemeError(f"{path}: items/{n} ({item['code']})/departments/{k}: 未定义的部门 "
                                  f"{code}{registry.did_you_mean(code, known)}（在 departments 中定义，"
                                  "或为 kind: department 的单位）")


def _check_references(path: Path, body: dict[str, Any]) -> None:
    """What a JSON Schema cannot say: codes unique, every reference exists, pools acyclic."""
    unit_codes = [u["code"] for u in body["units"]]
    item_codes = [i["code"] for i in body["items"]]
    for kind, codes in (("单位", unit_codes), ("指标", item_codes)):
        dupes = _duplicates(codes)
        if dupes:
            raise SchemeError(f"{path}: {kind}编码重复: {', '.join(dupes)}")
    _check_units(path, body)
    _check_departments(path, body)
    _check_tree(path, body, set(item_codes))
    _check_pools(path, body, set(item_codes))
    _check_groups(path, body, set(item_codes))
    _check_group_scopes(path, body)
    _check_rule_inputs(path, body, set(item_codes))


def unreviewed(body: Any) -> list[str]:
    """Where a draft (ecoscore scheme draft) still waits for a person: `needs_review: true` on the
    scheme head or on an item, each with its reason."""
    if not isinstance(body, dict):
        return []
    found = []
    head = body.get("scheme")
    if isinstance(head, dict) and head.get("needs_review"):
        found.append(f"scheme: {head.get('review_reason', '待确认')}")
    for n, item in enumerate(body.get("items") or []):
        if isinstance(item, dict) and item.get("needs_review"):
            found.append(f"items/{n} ({item.get('code')}): {item.get('review_reason', '待确认')}")
    return found


def refuse_unreviewed(path: Path, body: Any) -> None:
    """A draft with items still marked needs_review is not a scheme: refuse it, listing them."""
    found = unreviewed(body)
    if found:
        listed = "\n  ".join(found)
        raise SchemeError(f"{path}: 草稿仍有 {len(found)} 处待人工确认（needs_review: true），"
                          f"确认后删除该标记再使用:\n  {listed}")


def load_scheme(path: Path) -> Scheme:
    """Parse and validate one scheme file; raises SchemeError naming file and location."""
    raw = path.read_bytes()
    body = _parse_yaml(path, raw)
    refuse_unreviewed(path, body)
    schema = read_yaml(SCHEMA_PATH)
    _check_item_keys(path, body, schema)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        worst = jsonschema.exceptions.best_match(errors)
        raise SchemeError(f"{path}: {_location(worst)}: {worst.message}")
    _check_references(path, body)
    _check_registry(path, body)
    _check_water_scopes(path, body)
    return Scheme(path=path, sha256=hashlib.sha256(raw).hexdigest(), body=body)


def load_schemes(schemes_dir: Path, year: int | None = None) -> list[Scheme]:
    files = sorted(schemes_dir.glob("*.yaml")) + sorted(schemes_dir.glob("*.yml"))
    schemes = [load_scheme(f) for f in files]
    if year is not None:
        schemes = [s for s in schemes if s.year == year]
    dupes = _duplicates([s.code for s in schemes])
    if dupes:
        raise SchemeError(f"{schemes_dir}: 多个方案文件使用同一编码: {', '.join(dupes)}")
    return schemes


def _item_row(s: Scheme, order: int, item: dict[str, Any]) -> dict[str, Any]:
    rule = dict(item.get("rule", {"shape": "header"}))
    kind = item.get("kind", "bonus" if item["code"].startswith("B") else "base")
    return {
        "scheme_code": s.code, "item_code": item["code"], "item_order": order,
        "parent_code": parent_code(item), "item_name": item["name"], "item_kind": kind,
        "points": float(item["points"]) if "points" in item else None, "is_scored": "rule" in item,
        "rule_shape": rule.pop("shape"), "rule_params": json.dumps(rule, ensure_ascii=False),
        "measure_code": item.get("measure"),
        "measure_weights": json.dumps(item.get("measure_weights", []), ensure_ascii=False),
        "measure_window": json.dumps(item["measure_window"]) if item.get("measure_window") else None,
        "overflow_to_total": bool(item.get("overflow_to_total", False)),
        "source_seed": item["source"]["seed"], "source_item": item["source"]["item"],
        "source_text": item["source"]["text"], "item_note": item.get("note"),
        "not_applicable_when": item.get("not_applicable", {}).get("when"),
        "not_applicable_text": item.get("not_applicable", {}).get("source", {}).get("text"),
    }


def _target_rows(s: Scheme, item: dict[str, Any], assessed: list[str]) -> list[dict[str, Any]]:
    """One row per unit assessed on the item, with its target and its points (lead/cooperating
    shares of seed 000 replace the item's points; a duty with points is scored for the units it
    is assigned to)."""
    if "rule" not in item:
        return []
    if "duty" in item and not item.get("responsible"):
        assessed = duty_units(s.body, item)
    if item.get("responsible"):
        return [{"scheme_code": s.code, "item_code": item["code"], "unit_code": r["unit"],
                 "target": _target(item, r["unit"]), "unit_points": float(r["points"]),
                 "unit_role": r["role"], "zero_if_notices": r.get("zero_if_notices"),
                 "notices_within": json.dumps(r["notices_within"]) if r.get("notices_within") else None}
                for r in item["responsible"]]
    return [{"scheme_code": s.code, "item_code": item["code"], "unit_code": unit,
             "target": _target(item, unit), "unit_points": float(item["points"]),
             "unit_role": None, "zero_if_notices": None, "notices_within": None}
            for unit in item.get("units", assessed)]


def _read_rows(s: Scheme, item: dict[str, Any]) -> list[dict[str, Any]]:
    """What an item reads (measures, ledger event kinds): `ecoscore scheme check` and the ledger
    file report use it to find data no item reads."""
    reads = [("measure", code) for _, code in item_measures(item)]
    reads += [("event_kind", kind) for kind in item_event_kinds(item)]
    return [{"scheme_code": s.code, "item_code": item["code"], "read_kind": kind, "code": code}
            for kind, code in dict.fromkeys(reads)]


def _duty_rows(s: Scheme, item: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per unit a duty is assigned to (seed 002): its role, who leads, the deadline."""
    duty = item.get("duty")
    if duty is None:
        return []
    return [{"scheme_code": s.code, "item_code": item["code"], "unit_code": unit,
             "duty_role": duty.get("role"), "lead_unit": duty.get("lead_unit"),
             "lead_text": duty.get("lead_text"),
             "cooperating_units": ",".join(duty.get("cooperating_units", [])) or None,
             "cooperating_text": duty.get("cooperating_text"), "deadline": duty.get("deadline"),
             "deadline_basis": duty.get("deadline_basis")}
            for unit in duty_units(s.body, item)]


def _target(item: dict[str, Any], unit: str) -> float | None:
    target = item.get("targets", {}).get(unit, item.get("target"))
    return None if target is None else float(target)


# Every table typed: a column no scheme of the run fills (city_unit, bonus_cap in a year whose
# only scheme sets neither) must still be VARCHAR / DOUBLE, not polars' Null type.
SCHEMAS: dict[str, dict[str, Any]] = {
    "schemes": {"scheme_code": pl.String, "scheme_name": pl.String, "government": pl.String,
                "scheme_year": pl.Int64, "scheme_version": pl.String, "source": pl.String,
                "standard_code": pl.String, "scheme_file": pl.String, "scheme_sha256": pl.String,
                "city_unit": pl.String, "bonus_cap": pl.Float64, "missing_data": pl.String,
                "water_section_scopes": pl.String, "report": pl.String,
                "air_convention": pl.String, "not_applicable_policy": pl.String,
                "not_applicable_source_item": pl.String, "not_applicable_source_text": pl.String},
    "units": {"scheme_code": pl.String, "unit_code": pl.String, "unit_name": pl.String,
              "unit_kind": pl.String, "is_assessed": pl.Boolean, "duty_class": pl.String},
    "items": {"scheme_code": pl.String, "item_code": pl.String, "item_order": pl.Int64,
              "parent_code": pl.String, "item_name": pl.String, "item_kind": pl.String,
              "points": pl.Float64, "is_scored": pl.Boolean, "rule_shape": pl.String,
              "rule_params": pl.String, "measure_code": pl.String, "measure_weights": pl.String,
              "measure_window": pl.String, "overflow_to_total": pl.Boolean, "source_seed": pl.String,
              "source_item": pl.String, "source_text": pl.String, "item_note": pl.String,
              "not_applicable_when": pl.String, "not_applicable_text": pl.String},
    "targets": {"scheme_code": pl.String, "item_code": pl.String, "unit_code": pl.String,
                "target": pl.Float64, "unit_points": pl.Float64, "unit_role": pl.String,
                "zero_if_notices": pl.Int64, "notices_within": pl.String},
    "grades": {"scheme_code": pl.String, "grade": pl.String, "min_score": pl.Float64},
    "groups": {"scheme_code": pl.String, "group_code": pl.String, "group_name": pl.String,
               "deduction_cap": pl.Float64, "bonus_cap": pl.Float64, "highest_only": pl.Boolean,
               "overflow_to_total": pl.Boolean, "source_item": pl.String, "source_text": pl.String,
               "cap_scope": pl.String, "group_note": pl.String},
    "group_items": {"scheme_code": pl.String, "group_code": pl.String, "item_code": pl.String},
    "pools": {"scheme_code": pl.String, "item_code": pl.String, "charged_to": pl.String},
    "peer_groups": {"scheme_code": pl.String, "peer_group": pl.String, "peer_group_name": pl.String,
                    "peer_group_size": pl.Int64},
    "item_reads": {"scheme_code": pl.String, "item_code": pl.String, "read_kind": pl.String,
                   "code": pl.String},
    "duties": {"scheme_code": pl.String, "item_code": pl.String, "unit_code": pl.String,
               "duty_role": pl.String, "lead_unit": pl.String, "lead_text": pl.String,
               "cooperating_units": pl.String, "cooperating_text": pl.String,
               "deadline": pl.String, "deadline_basis": pl.String},
    "departments": {"scheme_code": pl.String, "department_code": pl.String,
                    "department_name": pl.String, "aliases": pl.String, "is_unit": pl.Boolean},
    "item_departments": {"scheme_code": pl.String, "item_code": pl.String,
                         "department_code": pl.String, "department_order": pl.Int64,
                         "is_inherited": pl.Boolean},
}


def scheme_tables(schemes: list[Scheme], root: Path) -> dict[str, pl.DataFrame]:
    """The raw scheme tables (rule parameters as JSON), one list of rows per table."""
    rows: dict[str, list[dict[str, Any]]] = {k: [] for k in TABLES}
    for s in schemes:
        head = s.body["scheme"]
        file_name = str(s.path.relative_to(root)) if s.path.is_relative_to(root) else str(s.path)
        rows["schemes"].append({
            "scheme_code": s.code, "scheme_name": head["name"],
            "government": head.get("government"), "scheme_year": s.year,
            "scheme_version": head.get("version", s.sha256[:12]), "source": head["source"],
            "standard_code": head.get("standard"), "scheme_file": file_name,
            "scheme_sha256": s.sha256, "city_unit": head.get("city_unit"),
            "bonus_cap": head.get("bonus_cap"),
            "missing_data": head.get("missing_data", "flag"),
            "water_section_scopes": json.dumps(head["water_section_scopes"], ensure_ascii=False)
            if head.get("water_section_scopes") else None,
            # how the office issues the results (the 通报's authority, 文号, 主送; decimals)
            "report": json.dumps(head["report"], ensure_ascii=False) if head.get("report") else None,
            "air_convention": head.get("air_convention"),
            "not_applicable_policy": head.get("not_applicable", {}).get("policy"),
            "not_applicable_source_item": head.get("not_applicable", {}).get("source", {}).get("item"),
            "not_applicable_source_text": head.get("not_applicable", {}).get("source", {}).get("text"),
        })
        for u in s.body["units"]:
            rows["units"].append({"scheme_code": s.code, "unit_code": u["code"], "unit_name": u["name"],
                                  "unit_kind": u.get("kind"), "is_assessed": u.get("assessed", True),
                                  "duty_class": u.get("duty_class")})
        for g in s.body.get("grades", []):
            rows["grades"].append({"scheme_code": s.code, "grade": g["grade"],
                                   "min_score": float(g["min_score"])})
        for g in s.body.get("groups", []):
            rows["groups"].append({
                "scheme_code": s.code, "group_code": g["code"], "group_name": g["name"],
                "deduction_cap": g.get("deduction_cap"), "bonus_cap": g.get("bonus_cap"),
                "highest_only": g.get("highest_only", False),
                "overflow_to_total": g.get("overflow_to_total", False),
                "source_item": g.get("source", {}).get("item"),
                "source_text": g.get("source", {}).get("text"),
                "cap_scope": g.get("scope"), "group_note": g.get("note")})
            rows["group_items"] += [{"scheme_code": s.code, "group_code": g["code"], "item_code": c}
                                    for c in g["items"]]
        for p in s.body.get("peer_groups", []):
            rows["peer_groups"].append({"scheme_code": s.code, "peer_group": p["code"],
                                        "peer_group_name": p["name"], "peer_group_size": p["size"]})
        rows["departments"] += [
            {"scheme_code": s.code, "department_code": d["code"], "department_name": d["name"],
             "aliases": json.dumps(d["aliases"], ensure_ascii=False), "is_unit": d["is_unit"]}
            for d in departments(s.body)]
        rows["item_departments"] += [
            {"scheme_code": s.code, "item_code": code, "department_code": department,
             "department_order": order, "is_inherited": inherited}
            for code, (named, inherited) in item_departments(s.body).items()
            for order, department in enumerate(named, start=1)]
        assessed = [u["code"] for u in s.body["units"] if u.get("assessed", True)]
        for order, item in enumerate(s.body["items"]):
            rows["items"].append(_item_row(s, order, item))
            rows["targets"] += _target_rows(s, item, assessed)
            rows["pools"] += [{"scheme_code": s.code, "item_code": item["code"], "charged_to": c}
                              for c in item.get("charged_to", [])]
            rows["item_reads"] += _read_rows(s, item)
            rows["duties"] += _duty_rows(s, item)
    return {name: pl.DataFrame(r, schema=SCHEMAS.get(name), infer_schema_length=None)
            for name, r in rows.items()}
