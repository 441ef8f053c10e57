"""The checks a drafted item must pass to be written without a flag — whatever reader or grammar rule
produced it. An item goes out unflagged only when its reading is complete and consistent:

- complete: every quantity its clause prints (points 3分, a level 90% / 5个百分点 / 20微克/立方米 / 50万元,
  a count 3次, a ratio 1倍) is a parameter of its rule, its points or its target — a number the rule
  did not take is a condition the rule does not hold (「超标3次以上的扣5分」 read as 扣5分 per event);
  calendar dates and periods (2018年7月底前, 24小时), list numbers, names (PM2.5, SO2) and a count of
  one (每发现1起) are not quantities;
- consistent: its rule's amounts and caps fit its points (a cap or a per-event amount above the
  item's points, points earned on an item of 0 points, deductions off the total no words of the
  clause ask for); its sign fits its kind (a clause that only adds points in a base item, one that
  only deducts in a bonus item); its points reconcile with every total stated over it (the item's
  parts, its section, its department, the document);
- definite: nothing in its clause leaves the rule to a person or to another text (视情况, 另行,
  原则上, 参照 … — vocabulary.yaml's `hedges`).

Anything else is flagged with the reason. And nothing is missed: every line of the document holding
scoring content (points or a scoring word) that no drafted item quotes becomes a flagged item quoting
it (`sweep`), so a layout the readers do not know still reaches a person, line by line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pipelines.scheme.draft import grammar, lexicon
from pipelines.scheme.draft.numbers import BRACKETED_POINTS, normalize

MEASURE = ("PCT", "PP", "MUNIT")
EARNING = ("all_or_nothing",)


def flag(item: dict[str, Any], reason: str) -> None:
    """Mark the item for a person, with the reason (once); a reading the grammar was sure of becomes a
    guess."""
    item["needs_review"] = True
    if item.get("_status") == grammar.PARSED:
        item["_status"] = grammar.GUESSED
    if reason not in str(item.get("review_reason", "")):
        item["review_reason"] = "；".join(filter(None, [item.get("review_reason"), reason]))


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", normalize(text or ""))


# ---------------------------------------------------------------- complete: every quantity used

def quantities(text: str) -> Iterator[tuple[float, str, str]]:
    """(value, kind, the words) of each quantity a clause prints: kind is points (3分), share (得100%分:
    a share of the points), measure (90% / 5个百分点 / 20微克/立方米 / 50万元), count (3次, never 1) or
    ratio (1倍); `kind` ends in `+` when a threshold word follows (3次以上, 10%以下: a level to pass).
    Dates, periods, list numbers, names and numbers in 《》 are not quantities."""
    toks = lexicon.tokens(normalize(text))
    for n, tok in enumerate(toks):
        if tok.type != "NUM":
            continue
        before = text_before(toks, n)
        if re.search(r"[A-Za-z]$", before):          # PM2.5, SO2, GB3838: a name
            continue
        k = n + 1
        # a range 75-100%: the first number takes the unit of the second
        if k + 1 < len(toks) and toks[k].type == "RANGE_SEP" and toks[k + 1].type == "NUM":
            k += 2
        after = toks[k] if k < len(toks) else None
        if after is None:
            continue
        value = float(tok.value)
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        following = "".join(t.value for t in toks[k + 1:k + 3])
        previous = toks[n - 1] if n else None
        # 每增加500亩 / 每有100亩 / 每完成1000亩: the size of the unit a rule counts in
        unit = any(t.type == "EACH" for t in toks[max(0, n - 3):n])
        passed = following.startswith(("以上", "以下", "及以上", "及以下", "以内", "(含)以上")) or (
            previous is not None and previous.type in ("OP_GT", "OP_GE", "OP_LT", "OP_LE", "AT_LEAST"))
        threshold = "+" if passed else ""
        words = tok.value + after.value
        if after.type == "FEN":
            yield value, "points", words
        elif after.type == "PCT" and nxt is not None and nxt.type == "FEN":
            yield value, "share", words + "分"
        elif after.type in MEASURE:
            yield value, "unit" if unit else "measure" + threshold, words
        elif after.type == "COUNTER" and value != 1:
            yield value, "unit" if unit else "count" + threshold, words
        elif after.type == "TEXT" and after.value.startswith("倍"):
            yield value, "ratio", tok.value + "倍"


def text_before(toks: list[lexicon.Tok], n: int) -> str:
    return toks[n - 1].value if n and toks[n - 1].end == toks[n].start else ""


# the rule parameters that are points (amounts, caps) — the others are levels, counts, days, places
POINT_KEYS = ("amount", "cap", "amount_per_step", "points", "extra_deduction", "per_place", "per_month",
              "per_worst_month", "per_class_improved", "bonus_cap", "amount_per_day", "below_per_unit",
              "below_per_unit_under_floor", "escalation", "severity_amounts", "clause_caps")


def rule_numbers(item: dict[str, Any], context: list[float]) -> tuple[set[float], set[float]]:
    """(points, levels) the item holds: its rule's amounts and caps, its points and the points of the
    items above it; its rule's steps, thresholds, anchors, places, days (a share as a percent) and
    its target."""
    points: set[float] = {0.0, *context, abs(float(item.get("points") or 0))}
    levels: set[float] = {0.0}

    def walk(value: Any, key: str, inside_points: bool) -> None:
        if isinstance(value, bool):
            return
        is_points = inside_points or key in POINT_KEYS
        if isinstance(value, int | float):
            (points if is_points else levels).add(abs(float(value)))
            if key.endswith("share"):
                levels.add(round(abs(float(value)) * 100, 6))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, str(k), is_points and key in ("severity_amounts", "clause_caps"))
        elif isinstance(value, list):
            for v in value:
                walk(v, key, is_points)
        elif isinstance(value, str) and key == "peer_group":
            levels.update(float(d) for d in re.findall(r"\d+", value))
    walk(item.get("rule", {}), "", False)
    walk([r.get("points") for r in item.get("responsible", [])], "points", True)   # lead/cooperating
    for key in ("target", "targets"):
        walk(item.get(key), key, False)
    return points, levels


# rule shapes scored on a measure: every level the clause prints must be one of theirs
MEASURED = ("step_shortfall", "step_surplus", "tiers", "interpolation", "proportional", "ranking",
            "lateness", "monthly_waiver", "station_outlier_days")


def unused_quantities(item: dict[str, Any], context: list[float]) -> list[str]:
    """The quantities of the item's clause its rule does not hold (the words quoted). Points must be
    its amounts, caps or points (or parts adding up to its points: 得1分；…得1分 under 2), and a share
    of the points (得100%分) never is. A rule scored on a measure must hold every level, count and
    ratio printed — a proportional rule's levels and counts say what completing is (任务数16台). A rule
    scored on a record holds the conditions that say what the record is — the levels of a task done
    (建成区污水处理率达80%以上, 报道8篇以上: all_or_nothing) or of an event (未达到95%的每项扣1分, 每天
    洒水不低于6次…每少1次) — but not a threshold on how many events count (超标3次以上的扣5分)."""
    rule = item.get("rule") or {}
    shape = rule.get("shape")
    points, levels = rule_numbers(item, context)
    text = item.get("source", {}).get("text", "")
    out: list[str] = []
    parts: list[tuple[float, str]] = []
    shortfall = bool(re.search(r"(?:每|^|[^多])(?:少|缺|差)\d|每(?:少|缺|差)|少于|不足", _compact(text)))
    for value, kind, words in quantities(text):
        held = points if kind == "points" else levels
        if kind != "share" and any(abs(value - h) < 1e-9 for h in held):
            continue
        if kind == "points":
            parts.append((value, words))
        elif kind == "share":
            out.append(words)
        elif shape in MEASURED and shape != "proportional" or kind == "unit":
            out.append(words)
        elif shape == "per_event" and kind == "count+" and not shortfall:
            out.append(words)
    if parts and abs(sum(v for v, _ in parts) - float(item.get("points") or 0)) > 1e-9:
        out += [w for _, w in parts]
    return list(dict.fromkeys(out))


# phrases (phrases.lark) that leave a clause to a person: a clause holding one has no rule of its own
FOR_A_PERSON = ("JUDGED", "DELEGATED", "FORMULA", "RATIO_BONUS", "RANGE")
QUIET = ("OTHERWISE", "NO_DEDUCT", "EXCUSED", "NO_BONUS", "REACHED", "AT_LEAST")


def unread_phrases(text: str) -> list[str]:
    """The scoring phrases of a clause no rule of the clause grammar takes (a stray 不得分, 扣2分 after
    a cap), 「…的扣分」 without its amount, and phrases that leave the clause to a person (酌情, 见计算
    公式, 按…比例加分, 0~7): whatever rule was drafted from the clause, these were not read into it."""
    items = grammar.phrases(normalize(text))
    _, stray = grammar.rules_of(items)
    source = normalize(text)
    out = [p.text(source) for p in stray if p.kind not in QUIET]
    out += [p.text(source) for p in items if p.kind == "COND" and grammar.unread_sign(p)]
    out += [p.text(source) for p in items if p.kind in FOR_A_PERSON]
    return list(dict.fromkeys(out))


# words that score, which a rule must have read: a reading without them misses how points are given
UNREAD_SCORING = re.compile(r"赋分|内插|插值|折算|加权|平均分|得分率")
READS_THEM = ("proportional", "interpolation")


# ---------------------------------------------------------------- definite: no word for a person

def hedges(text: str) -> list[str]:
    """Words that leave the rule to a person or another text (vocabulary.yaml `hedges`)."""
    compact = _compact(text)
    return [word for word in lexicon.hedges() if word in compact]


# ---------------------------------------------------------------- consistent: rule against points

def _signs(text: str) -> tuple[bool, bool]:
    """(the clause adds points, the clause takes points off): 加/奖 N分 / 加分; 扣 N分 / 不得分 / 全扣
    (a heading's 加扣分 deducts nothing)."""
    toks = lexicon.tokens(normalize(text))
    adds = deducts = False
    for n, t in enumerate(toks):
        nxt = toks[n + 1] if n + 1 < len(toks) else None
        if t.type == "ADD" and nxt is not None and nxt.type in ("NUM", "FEN"):
            adds = True
        if t.type in ("DEDUCT", "EXTRA_DEDUCT") and nxt is not None and nxt.type == "NUM":
            deducts = True
        if t.type in ("DEDUCT_ALL", "VOID"):
            deducts = True
    return adds, deducts


# words that put an item's deductions on the total score
OFF_THE_TOTAL = re.compile(r"从总分中|总分中扣|倒扣|另扣|另加扣|加扣|不设基础分|不设分值|未设分值|"
                          r"扣分不封顶|不封顶")


def inconsistencies(item: dict[str, Any], pooled: bool = False, above: str = "") -> list[str]:
    """What the item's rule says against its points, kind and clause. `pooled`: the item's deductions
    come out of points held above it (a parent's points, a capped group); `above`: the clauses of the
    items above it."""
    rule = item.get("rule") or {}
    shape = rule.get("shape")
    points = float(item.get("points") or 0)
    bonus = item.get("kind") == "bonus"
    text = item.get("source", {}).get("text", "")
    out: list[str] = []
    charged = bool(item.get("charged_to")) or bool(rule.get("unless_city_completed"))
    overflow = bool(item.get("overflow_to_total"))
    if shape == "all_or_nothing" and not bonus and points <= 0 and rule.get("evaluate_on") != "city":
        out.append("完成得分的规则，但本项分值为 0：分值或未读到（如在另一行）")
    if shape in ("proportional", "interpolation", "tiers") and not bonus and points <= 0 and not overflow \
            and not charged:
        out.append("按比例或分档计分的规则，但本项分值为 0：分值或未读到")
    if shape in ("per_event", "step_shortfall") and not bonus and points > 0 and not overflow:
        amount = rule.get("amount") or rule.get("amount_per_step") or 0
        if amount and float(amount) > points + 1e-9:
            out.append(f"每次扣 {float(amount):g} 分，超过本项分值 {points:g} 分")
        cap = rule.get("cap")
        if cap is not None and float(cap) > points + 1e-9:
            out.append(f"扣分上限 {float(cap):g} 分，超过本项分值 {points:g} 分")
    if shape == "tiers" and not bonus and points > 0:
        worst = max((abs(float(t.get("points", 0))) for t in rule.get("tiers", [])), default=0)
        if worst > points + 1e-9:
            out.append(f"分档分值 {worst:g} 分，超过本项分值 {points:g} 分")
    adds, deducts = _signs(text)
    if rule and not bonus and adds and not deducts and shape in ("per_event", "step_surplus"):
        out.append("条款只加分，却在基本分条目中：应为加分项")
    if rule and bonus and deducts and not adds and shape in ("per_event", "step_shortfall"):
        out.append("条款只扣分，却在加分项中：请核对类别")
    if rule and not bonus and points <= 0 and overflow and not charged and not pooled and shape in (
            "per_event", "step_shortfall") and not item.get("_read", {}).get("no_base") \
            and not OFF_THE_TOTAL.search(_compact(text + above)):
        out.append("本项无分值，扣分从总分中扣：原文未这样说，分值或未读到")
    return out


# ---------------------------------------------------------------- a task that is no task

# a clause that says what is assessed rather than what must be done (考核…情况, 是否…, 包括：)
DESCRIBES = re.compile(r"^(?:[(（]?[一二三四五六七八九十\d]+[)）.．、]?)?(?:本条|本项|本指标)?(?:主要)?"
                       r"(?:考核|考评|评价|评估|检查)(?!组|办|工作)|情况[。.]?$|是否|包括[:：]|指标解释|数据来源|"
                       r"主要是检查|以查看.{0,12}为主")
# a clause scored by another document: 依据《…考核办法》
ELSEWHERE = re.compile(r"(?:依据|按照|根据|参照|详见|见)《[^》]*(?:考核|考评|评分|评估|计分|细则)[^》]*》")
# a title's points: in brackets (20分), or closing it in words (，共20分 / ，共计30分)
TITLE_POINTS = r"(?:[(（]\d+(?:\.\d+)?分[)）]|[,，](?:共计|合计|共|计)\d+(?:\.\d+)?分)"
SCORED = re.compile(r"[扣得加奖计]\s*\d|不得分|不计分|全扣|扣除|分值")


# a clause that opens on the one before it (不符合以上要求…, 否则…): its rule is that clause's
BACK_REFERENCE = re.compile(r"^(?:[(（]?\d{1,2}[)）.．、]?)?"
                            r"(?:不符合以上|不符合上述|以上|上述|前述|否则|同上)")
# a part opening on the points of the part before it (共计5分。未硬化巷道…): the split cut in the wrong place
LEADING_POINTS = re.compile(r"^(?:共计|合计|总计|满分|计)\s*\d+(?:\.\d+)?\s*分[，,]?(?:扣完为止)?[。；;]")
# letters and digits no clause writes (「每发31从ECSAS34公共…」): a copy's garbage, where rows may have run
# together or a scoring phrase been cut
GARBLED = re.compile(r"[A-Z]{4,}\d|\d[A-Z]{4,}")
# a title with its points closing the clause after a stop (…不得分。应急管理(3分)): the next item's heading
TITLE_AT_END = re.compile(r"[。；;][^。；;，,:：]{2,20}" + BRACKETED_POINTS + r"[。；;]?$")


def reading_doubts(item: dict[str, Any]) -> list[str]:
    """What the clause's shape says against the reading: a clause that opens on the one before it; a
    title and its points closing it (the next item's heading read as this one's points); an exception
    (…的，可不扣分) to an all-or-nothing, which has no way to hold one."""
    text = _compact(item.get("source", {}).get("text", ""))
    rule = item.get("rule") or {}
    out = []
    if BACK_REFERENCE.search(text):
        out.append("条款承接上文（以上 / 上述 / 否则…）：其规则属于上一条款，请合并核对")
    if GARBLED.search(text):
        out.append(f"条款含乱码（{GARBLED.search(text).group(0)}）：原文或有行粘连、评分用语残缺，请对照原件核对")
    if LEADING_POINTS.search(text):
        out.append("条款开头是上一部分的分值（共计N分。…）：拆分位置或有误，请核对")
    end = TITLE_AT_END.search(text)
    if end and re.search(r"[扣得加奖]\s*\d|不得分|扣完为止", text[:end.start()]) \
            and not re.search(r"[扣得加奖计]|否则|比例", re.sub(r"[(（][^)）]*[)）]", "", end.group(0))):
        # the clause's rule ends before it; the words after are a title, not a task
        out.append("条款末尾是另一标题及其分值（…。XX(N分)）：分值或属于下一项，请核对")
    if rule.get("shape") == "all_or_nothing" and re.search(r"不扣分|免于扣分|不予扣分", text):
        out.append("条款另有不扣分的例外情形：all_or_nothing 无法表达，请核对")
    return out


def bare_title(item: dict[str, Any]) -> bool:
    """The clause is only a title and its points (「免疫密度(40分)」): no word of a rule after them."""
    text = _compact(item.get("source", {}).get("text", ""))
    body = re.sub(r"^[^。:：]{0,30}?[(（]\d+(?:\.\d+)?分[)）][。:：]?$", "", text)
    return bool(text) and not body


def points_apart(item: dict[str, Any], siblings: list[dict[str, Any]]) -> list[str]:
    """An all-or-nothing read from a title and its points alone, beside deductions under the same
    heading whose points are printed nowhere (二、计分标准 1、…(60分) and 三、扣分标准 1、(1)…扣5分: the
    points in one place, their rule in another) — the points are the deductions', not a task's."""
    if (item.get("rule") or {}).get("shape") != "all_or_nothing" or not bare_title(item):
        return []
    if any((s.get("rule") or {}).get("shape") in DEDUCTING and not s.get("points") and not printed(s)
           for s in siblings if s is not item):
        return ["条款只有标题和分值，同一标题下另有未载分值的扣分条款："
                "分值或属于这些扣分（分值与扣分标准分列两处），请合并核对"]
    return []


def task_doubts(item: dict[str, Any], unscored: bool = False) -> list[str]:
    """An all-or-nothing read from a clause without a scoring word (a task and its points) that
    describes what is assessed, leaves the scoring to another document, or is only a title and its
    points — of what is measured (…达标率(6分), …空气质量(18分)), or in a draft where no clause says how
    anything scores (`unscored`: an index of indicators and their weights)."""
    rule = item.get("rule") or {}
    text = _compact(item.get("source", {}).get("text", ""))
    out = []
    if ELSEWHERE.search(text):
        out.append("评分依据另一文件（依据《…》）：请按该文件写明规则")
    # the clause after its title and points; stops a copy doubled (「…(30分)。。检查…」) are no words
    body = re.sub(rf"^[^。:：]{{0,30}}?{TITLE_POINTS}[。:：;；]?", "", text).lstrip("。.．;；:：,，")
    if rule.get("shape") == "all_or_nothing" and not SCORED.search(body) and DESCRIBES.search(body):
        out.append("条款只说明考核什么（考核…情况 / 是否…），未说明如何计分：请写明规则")
    title = re.sub(rf"{TITLE_POINTS}[。:：;；]?$", "", text)
    if rule.get("shape") == "all_or_nothing" and not re.sub(r"[\W_]", "", body) and DESCRIBES.search(title):
        # 队伍建设情况(15分) and nothing else: the heading of what is assessed, its parts not read under it
        out.append("条款只有所考核内容的标题和分值（…情况(N分)），没有任务或评分标准：请核对其下各条")
    elif rule.get("shape") == "all_or_nothing" and not re.sub(r"[\W_]", "", body) and title:
        if title.endswith(tuple(lexicon.indicator_names())):
            # 集中式饮用水源地水质达标率(6分): a measure's name — its target and its scoring not printed
            out.append("条款只有所测指标的名称和分值（…率 / …质量），目标值与计分方法未载明：请写明规则")
        elif unscored:
            out.append("全文只有指标名称和分值，没有一条评分标准：本项如何计分未载明，请写明规则")
    return out


def unscored_draft(items: list[dict[str, Any]]) -> bool:
    """No clause of the draft holds a scoring word: the document lists indicators and their points
    (an index of weights), it does not say how they score."""
    clauses = (_compact(i.get("source", {}).get("text", "")) for i in items)
    return not any(SCORED.search(re.sub(r"[(（]\d+(?:\.\d+)?分[)）]", "", c)) for c in clauses)


# ---------------------------------------------------------------- points that add up

DEDUCTING = ("per_event", "step_shortfall", "ranking")


def parent_of(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def item_sums(items: list[dict[str, Any]],
              groups: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Items whose points their parts must add up to (「（9分）」 over ①②③; a department's rows under
    二's 60, each department apart), or hold (得5分，按以下情形扣分，最高扣5分: parts that only deduct,
    each deduction within the points or the group capped at them): the totals checked, as the report
    lists them."""
    out = []
    for item in items:
        if "rule" in item or not item["points"]:
            continue
        children = [i for i in items if parent_of(i["code"]) == item["code"] and i.get("kind") != "bonus"]
        if not children:
            continue
        leaves = [i for i in items if i["code"].startswith(item["code"] + ".") and "rule" in i
                  and i.get("kind") != "bonus"]
        if leaves and all(not c["points"] and c["rule"].get("shape") in DEDUCTING for c in leaves):
            # 得5分，按以下情形扣分: its parts deduct from its points — each within them (its cap or its
            # amount, or its capped group's cap); parts the text sends to the total (从总分中扣) stand outside
            worst = 0.0
            for leaf in leaves:
                group = next((g for g in groups or [] if leaf["code"] in g.get("items", [])), None)
                above = "".join(i["source"]["text"] for i in items if _within(leaf["code"], i["code"]))
                if group and group.get("overflow_to_total") or OFF_THE_TOTAL.search(_compact(above)):
                    continue
                rule = leaf["rule"]
                worst = max(worst, float(group["deduction_cap"]) if group and group.get("deduction_cap")
                            is not None else max(float(rule.get("cap") or 0), float(rule.get("amount") or 0),
                                                  float(rule.get("amount_per_step") or 0)))
            out.append({"label": item["source"].get("item", item["code"]), "stated": item["points"],
                        "sum": item["points"] if worst <= item["points"] else worst,
                        "adds_up": worst <= item["points"] + 1e-9, "scope": "item", "code": item["code"]})
            continue
        by_unit: dict[tuple[str, ...], float] = {}
        for c in children:
            key = tuple(c.get("units", []))
            by_unit[key] = by_unit.get(key, 0.0) + c["points"]
        if len(by_unit) > 1 and () in by_unit:
            shared = by_unit.pop(())            # rows every unit answers (一 of a department table)
            by_unit = {k: v + shared for k, v in by_unit.items()}
        # a department table's 二: each department's rows add up to its points, not all of them together
        total = max(by_unit.values(), key=lambda v: abs(v - item["points"])) if len(by_unit) > 1 \
            else sum(c["points"] for c in children)
        total = round(total, 6)
        out.append({"label": item["source"].get("item", item["code"]), "stated": item["points"],
                    "sum": int(total) if float(total).is_integer() else total,
                    "adds_up": abs(total - item["points"]) <= 1e-9, "scope": "item", "code": item["code"]})
    return out


def printed(item: dict[str, Any]) -> bool:
    """The item's points are printed for it: its row's points cell, or 「N分」 in its own clause."""
    points = float(item.get("points") or 0)
    return bool(item.get("_read", {}).get("printed")) or points > 0 and any(
        kind == "points" and abs(value - points) < 1e-9
        for value, kind, _ in quantities(item.get("source", {}).get("text", "")))


def _within(code: str, scope: str) -> bool:
    return code == scope or code.startswith(scope + ".")


# ---------------------------------------------------------------- the pass

def _parents(code: str, by_code: dict[str, dict[str, Any]]) -> list[str]:
    out = []
    while "." in code:
        code = code.rsplit(".", 1)[0]
        if code in by_code:
            out.append(code)
    return out


def _ancestors(code: str, by_code: dict[str, dict[str, Any]]) -> list[float]:
    return [float(by_code[c].get("points") or 0) for c in _parents(code, by_code)]


def _awards_before(items: list[dict[str, Any]], item: dict[str, Any], most: int = 5) -> list[dict[str, Any]]:
    """The all-or-nothing parts (得N分) right before the item in the document's order, rows without a
    rule (their headings) passed over, up to the first part of another shape."""
    out: list[dict[str, Any]] = []
    for earlier in reversed(items[:items.index(item)]):
        if "rule" not in earlier:
            continue
        if earlier["rule"].get("shape") != "all_or_nothing" or len(out) >= most:
            break
        out.append(earlier)
    return out


def audit(body: dict[str, Any]) -> None:
    """Flag, with its reason, every item of the draft whose reading is not complete, consistent and
    definite (the module's docstring); totals that do not add up flag the items they sum."""
    items = body["items"]
    by_code = {i["code"]: i for i in items}
    grouped = {c for g in body.get("groups", []) for c in g.get("items", [])
               if g.get("deduction_cap") is not None or g.get("overflow_to_total")}
    totals = body.setdefault("_totals", [])
    if not any(t.get("scope") == "item" for t in totals):
        totals += item_sums(items, body.get("groups"))
    for total in totals:
        if total["adds_up"]:
            continue
        # the points stated over them do not add up. More than stated: something is counted that is
        # not there (a section row read as an item, a part twice) — every item under it is in doubt.
        # Less: a row is missing or a fragment was kept — the items whose points were worked out
        # (split, summed, inherited, not printed) are in doubt, those printed in their own row or
        # clause are not.
        scope = [total["code"]] if total.get("scope") == "item" else total.get("codes", [])
        over = float(total["sum"]) > float(total["stated"])
        why = (f"{total['label']} 载明 {total['stated']:g} 分，所含条目合计 {total['sum']:g} 分："
               "本项分值待核对")
        for item in items:
            if not any(_within(item["code"], c) for c in scope):
                continue
            if item["code"] in scope and "rule" not in item:
                flag(item, why)
            elif "rule" in item and (over or not printed(item)):
                flag(item, why)
    parents = {parent_of(i["code"]) for i in items}
    unscored = unscored_draft(items)
    for item in items:
        if BACK_REFERENCE.search(_compact(item.get("source", {}).get("text", ""))):
            # 不符合以上要求… : the awards just above it (得N分 parts) are the conditions it refers to,
            # so their rule is not complete on its own either
            for earlier in _awards_before(items, item):
                flag(earlier, "下文另有承接本条的评分（不符合以上要求 / 否则…）：本项规则不完整，请合并核对")
    for item in items:
        if "rule" not in item:
            if item["code"] not in parents and not item.get("needs_review"):
                # a row with nothing read from it (and nothing under it) is a person's to read
                flag(item, "未读出评分规则：请写明本项的评分规则，或删除本条")
            continue
        siblings = [i for i in items if parent_of(i["code"]) == parent_of(item["code"])]
        for reason in task_doubts(item, unscored) + reading_doubts(item) + points_apart(item, siblings):
            flag(item, reason)
        text = item.get("source", {}).get("text", "")
        context = _ancestors(item["code"], by_code)
        unused = unused_quantities(item, context)
        if unused:
            flag(item, f"条款中的数值未被规则用上：{'、'.join(unused)}（规则未包含这一条件）")
        leftover = unread_phrases(text)
        if leftover:
            flag(item, f"条款中有规则未读入的评分用语：{'、'.join(leftover)}")
        words = hedges(text)
        if item["rule"].get("shape") not in READS_THEM:
            words += UNREAD_SCORING.findall(_compact(text))
        if words:
            flag(item, f"条款含需人工判断或另有依据的用语：{'、'.join(words)}")
        pooled = any(float(by_code[c].get("points") or 0) > 0 for c in _parents(item["code"], by_code)) \
            or item["code"] in grouped
        above = "".join(by_code[c]["source"]["text"] for c in _parents(item["code"], by_code))
        for reason in inconsistencies(item, pooled, above):
            flag(item, reason)
    for item in items:
        # a part of a row charged to another part's points (「…得10分…未完成任务的按比例扣分」) stands or
        # falls with that part's reading
        if any(by_code.get(c, {}).get("needs_review") and parent_of(c) == parent_of(item["code"])
               for c in item.get("charged_to", [])):
            flag(item, f"扣分计入的条目（{'、'.join(item['charged_to'])}）待核对：本项随之核对")
