"""Records of the government's table → a draft scheme (the body of a scheme YAML file).

Numbering: indicator `5．` → "5", `（1）` → "5.1", `①` → "5.1.1"; a clause holding several rules
(得1分，否则不得分。每发现一例…扣0.1分) becomes one item per rule ("3.1.1", "3.1.2"); bonus
section items are "B<k>". Every item quotes its clause (`source.text`). An item read with a guess,
or not read, carries `needs_review: true` and `review_reason`; load_scheme refuses such a file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.scheme.draft import grammar, lexicon
from pipelines.scheme.draft.audit import audit, item_sums
from pipelines.scheme.draft.coverage import sweep, unchecked_totals
from pipelines.scheme.draft.indicators import Indicator, Outline, outline
from pipelines.scheme.draft.numbers import BRACKETED_POINTS, normalize
from pipelines.scheme.draft.tables import Document, TableError

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
LEVEL1 = re.compile(r"(^|[\n。；;：:])([ \t]*)([（(](\d{1,2})[）)])(?![ \t]*[—\-－~至、]|[ \t]*项|[（(])")
LEVEL2 = re.compile(rf"([{CIRCLED}])(?![ \t]*项)")
# 1.推进APP巡河…得2分。\n2.按制度要求… : clauses numbered 1. 2. at a line's start (or after a stop)
LEVEL0 = re.compile(r"(^|[\n。；;])([ \t]*)((\d{1,2})[.．、](?!\d))")
# 补偿资金落实(4分)。… 公益林保护管理(4分)。…: parts of a row titled with their own points
TITLED_CLAUSE = re.compile(r"(^|[\n。；;]|\s)\s*([^\s。，,；;:：、]{2,30}?"
                           r"[（(]\s*\d+(?:\.\d+)?\s*分\s*[)）])\s*[。.:：]")


@dataclass
class Clause:
    """A numbered piece of a criteria cell: its number, its own text (lead-in for a parent), its
    children, and the item fields the draft gives it."""
    number: str
    text: str
    children: list[Clause] = field(default_factory=list)
    marker: str = ""


# ---------------------------------------------------------------- segmentation

def split_level(text: str, pattern: re.Pattern[str], group: int) -> tuple[str, list[tuple[str, str]]]:
    """(lead-in, [(number, text)]) split at the markers of one level."""
    cuts = [(m.start(group), m.group(group)) for m in pattern.finditer(text)]
    if not cuts:
        return text.strip(), []
    parts = []
    for n, (start, marker) in enumerate(cuts):
        end = cuts[n + 1][0] if n + 1 < len(cuts) else len(text)
        parts.append((marker, text[start:end].strip()))
    return text[:cuts[0][0]].strip(), parts


def level1_number(marker: str) -> str:
    return re.sub(r"\D", "", marker)


def level2_number(marker: str) -> str:
    return str(CIRCLED.index(marker) + 1)


def segment(criteria: str) -> Clause:
    titled = list(TITLED_CLAUSE.finditer(criteria))
    if len(titled) >= 2 and not LEVEL0.search(criteria) and not LEVEL1.search(criteria):
        # 「补偿资金落实(4分)。… 公益林保护管理(4分)。…」: the row's parts, each titled with its points
        root = Clause("", criteria[:titled[0].start(2)].strip())
        for n, m in enumerate(titled, start=1):
            end = titled[n].start(2) if n < len(titled) else len(criteria)
            root.children.append(Clause(str(n), criteria[m.start(2):end].strip(), marker=f"({n})"))
        return root
    ending = _parts_ending_with_points(criteria)
    if ending is not None:
        return ending
    lead0, parts0 = split_level(criteria, LEVEL0, 3)
    numbers = [re.sub(r"\D", "", m) for m, _ in parts0]
    if len(parts0) >= 2 and numbers == [str(n) for n in range(1, len(numbers) + 1)]:
        root = Clause("", lead0)
        for marker, text in parts0:
            number = re.sub(r"\D", "", marker)
            child = segment(text[len(marker):])
            root.children.append(Clause(number, text, child.children, marker=marker))
            if child.children:
                root.children[-1].text = marker + child.text
        return root
    lead, parts = split_level(criteria, LEVEL1, 3)
    root = Clause("", lead)
    if not parts:
        lead2, subs = split_level(criteria, LEVEL2, 1)
        if subs:
            root.text = lead2
            root.children = [Clause(level2_number(m), t, marker=m) for m, t in subs]
        return root
    for marker, text in parts:
        number = level1_number(marker)
        if root.children and root.children[-1].number == number:   # a clause continued in a later row
            root.children[-1].text += "\n" + text
            continue
        root.children.append(Clause(number, text, marker=f"({number})"))
    for child in root.children:
        lead2, subs = split_level(child.text, LEVEL2, 1)
        if subs:
            child.text = lead2
            child.children = [Clause(level2_number(m), t, marker=m) for m, t in subs]
    return root


ENDS_WITH_POINTS = re.compile(BRACKETED_POINTS + r"\s*[。;；]?\s*$")


def _parts_ending_with_points(criteria: str) -> Clause | None:
    """「…选用良种壮苗，不带病虫害(3分)；树苗浸泡3天以上(3分)；…；一项不达标扣3分；…加3分。」: sentences
    that end with their points are the row's parts (words before the first belong to it); sentences
    after the last part that hold no points of their own are parts too, marked `+` — a rule about
    the parts above or a bonus, which a person places."""
    if LEVEL0.search(criteria) or LEVEL1.search(criteria):
        return None
    sentences = [s for s in re.findall(r"[^。;；\n]*[。;；\n]?", criteria) if s.strip()]
    own_title = r"\s*[^，,]{1,20}" + BRACKETED_POINTS + r"\s*[。:：]?\s*"
    if sentences and re.fullmatch(own_title, sentences[0]):
        sentences = sentences[1:]               # 「造林(25分)。」: the row's own title
    ends = [n for n, s in enumerate(sentences) if ENDS_WITH_POINTS.search(s)]
    if len(ends) < 2 or len(ends) < (len(sentences) + 1) // 2:
        return None
    root = Clause("", "")
    start = 0
    for k, n in enumerate(ends, start=1):
        root.children.append(Clause(str(k), "".join(sentences[start:n + 1]).strip(), marker=f"({k})"))
        start = n + 1
    for k, sentence in enumerate(sentences[start:], start=len(ends) + 1):
        root.children.append(Clause(str(k), sentence.strip(), marker="+"))
    return root


# ---------------------------------------------------------------- reading

# a clause's title and points before its rules: 「林区道路建设(1分)。按建设标准…」
LEADING_TITLE = re.compile(r"^\s*(?:[(（]\d{1,2}[)）]|\d{1,2}[.．、])?[^\s。，,；;:：]{2,30}?"
                           r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*[。.:：]")
# the clause's points in brackets at its end (its text wrapped over lines; 「（20）」 without 分)
TRAILING_POINTS = re.compile(r"[(]\s*(\d+(?:\.\d+)?)\s*分?\s*[)][\s;；。.,，]*$")


def points_of(text: str, bare: bool = True) -> float | int | None:
    """(9分) in a clause title, else「…，3分。」(bare), else the 得N分 of the clause added up."""
    norm = normalize(text)
    first_line = norm.split("\n", 1)[0]
    parts = titled_points(norm)
    if len(parts) >= 2 and not LEVEL1.search(norm) and not re.search(r"[①-⑳]", norm):
        # 成立…领导小组（1分）；落实…加入县河长制工作群（3分）: the clause is its parts
        return grammar.num(str(round(sum(parts), 6)))
    # （3分，少一次扣1分）: the clause's points and a rule in one bracket
    found = list(re.finditer(r"[(]\s*(\d+(?:\.\d+)?)\s*分\s*[,，;；][^()]*[)]?", norm))
    if len(found) == 1:
        # …得5分，每少一次扣0.5分…，参加…会议（2分，少一次扣0.5分）: the awards outside it count too
        rest = norm[:found[0].start()] + norm[found[0].end():]
        others = [float(v) for v in re.findall(r"(?<!均)得(?:分)?\s*(\d+(?:\.\d+)?)\s*分", rest)]
        return grammar.num(str(round(float(found[0].group(1)) + sum(others), 6)))
    if m := re.search(r"[(]\s*(\d+(?:\.\d+)?)\s*分\s*[,，;；]", first_line):
        return grammar.num(m.group(1))
    m = re.search(r"[(]\s*(\d+(?:\.\d+)?)\s*分\s*[)]", first_line) \
        or TRAILING_POINTS.search(norm)      # …的审核工作（30分） on the clause's last line / …监测（20）
    if m:
        return grammar.num(m.group(1))
    # …，3分。(001 6(4)②) / 1.节能目标逐级分解,1分; (a part ending on ；)
    m = re.match(r"^[^。；;]*?[,，]\s*(\d+(?:\.\d+)?)\s*分(?:[。.；;]|\s*$)", norm)
    if m and bare:
        return grammar.num(m.group(1))
    m = re.search(r"分别得(?:基本分)?\s*(\d+(?:\.\d+)?)[、,，]", norm)      # 003 一.2(1)
    if m:
        return grammar.num(m.group(1))
    found = [float(v) for v in EARNED.findall(norm)]
    if not found:
        return None
    # 得1分；…得2分 add up (001 5(2)①); 力争 得60分 / 确保 得54分 are alternatives (003 二.2)
    return grammar.num(str(max(found) if "力争" in norm or "确保" in norm else round(sum(found), 6)))


# a level of government a part of a clause names (省级, 市级, 县级, 乡镇级, 村级; 所在县(市、区))
GOVERNMENT_LEVEL = re.compile(r"(?:^|[，,；;。])[^，,；;。]{0,6}?(?:所在)?(省|市|县|乡镇|村)"
                              r"(?:级|[(（]市、区[)）])")
# points earned, in any of the vocabulary's words for it (得10分, 记10分, 计5分, 赋3分), not an average
# (均得) nor a sum (合计10分, 共计, 累计, 总计)
EARNED = re.compile(r"(?<![均合共累总])(?:" + "|".join(
    sorted((re.escape(str(w)) for w in lexicon.vocabulary()["EARN"]), key=len, reverse=True))
    + r")(?:分)?\s*(\d+(?:\.\d+)?)\s*分(?!钟)")
TITLED = re.compile(r"(?<![扣得加奖计减])[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")


def titled_points(text: str) -> list[float | int]:
    """The points a clause states for itself in brackets (「…跟踪整改情况每季度上报区河长办。（20分）」),
    not the points of a rule (「扣（2分）」)."""
    return [grammar.num(m.group(1)) for m in TITLED.finditer(normalize(text))]


def column_points(text: str) -> float | int | None:
    text = normalize(text).strip()
    if re.search(r"不设基础分|未设分值|不设分值", text):
        return 0
    m = re.match(r"^(\d+(?:\.\d+)?)", text)
    return grammar.num(m.group(1)) if m else None


def read_pieces(text: str, ctx: dict[str, Any]) -> list[tuple[str, grammar.Reading]]:
    """A leaf clause → [(text, reading)], one per rule the clause grammar reads in it
    (grammar.read_rules). Two deductions each capped at the item's own points score as one rule (001
    6(5)② 得2分。…每次每个断面扣0.5分，最高扣2分；…每次每个断面扣0.5分，最高扣2分, as ziyuan_2024.yaml keeps
    it); below the item's points, or out of a pool (不设基础分), each cap is a rule's own (001 5(9)②)."""
    norm = normalize(text)
    pieces = [(t.strip(" ，,；;。\n") or t, r) for t, r in grammar.read_rules(norm, ctx)]
    points = ctx.get("points") or 0
    merged: list[tuple[str, grammar.Reading]] = []
    for piece, reading in pieces:
        if merged and points and _capped_at(merged[-1][1], points) and _capped_at(reading, points):
            before_text, before = merged[-1]
            assert before.rule is not None and reading.rule is not None
            if before.rule["amount"] != reading.rule["amount"]:
                before.rule["severity_amounts"] = {
                    **(before.rule.get("severity_amounts") or {grammar.case_phrase(before_text):
                                                               before.rule["amount"]}),
                    **(reading.rule.get("severity_amounts") or {grammar.case_phrase(piece):
                                                                reading.rule["amount"]})}
                before.rule["amount"] = min(before.rule["severity_amounts"].values())
                before.guess("同一条款按情形有多档分值：severity_amounts 的情形名取自原文，"
                             "请与台账 severity 取值核对")
            kinds = list(dict.fromkeys(before.rule["event_kinds"] + reading.rule["event_kinds"]))
            before.rule["event_kinds"] = [k for k in kinds if k != "inspection_finding"] or kinds
            merged[-1] = (before_text + piece, before)
            continue
        merged.append((piece, reading))
    return merged


def _capped_at(reading: grammar.Reading, points: float | int) -> bool:
    rule = reading.rule
    return bool(rule) and reading.pattern == "per_event" and rule.get("cap") == points \
        and "task_completed" not in rule.get("event_kinds", []) and not rule.get("escalation")


@dataclass
class Drafter:
    seed: str
    targets: dict[str, float] = field(default_factory=dict)
    count_targets: dict[str, float | int] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    bonus_cap: float | int | None = None
    unit_map: dict[str, list[str]] = field(default_factory=dict)
    indicator: str = ""

    def item(self, code: str, name: str, points: float | int, label: str, text: str,
             bonus: bool, units: list[str]) -> dict[str, Any]:
        item: dict[str, Any] = {"code": code, "name": name or code, "points": points}
        if bonus:
            item["kind"] = "bonus"
        item["source"] = {"seed": self.seed, "item": label, "text": re.sub(r"\s*\n\s*", "", text).strip()}
        if units:
            item["responsible_units"] = units
        self.items.append(item)
        return item

    def leaf(self, code: str, name: str, label: str, text: str, points: float | int | None,
             bonus: bool, units: list[str], inherited: dict[str, Any]) -> None:
        ctx = {"points": points or 0, "targets": self.targets, "pool": not points, "name": name,
               "count_targets": self.count_targets}
        title = LEADING_TITLE.match(text)
        if title and points is not None and grammar.num(title.group(1)) == points \
                and text[title.end():].strip():
            # 「国有林场改革与基础设施建设(1分)。按照…」: the title's points are the clause's, not a rule's
            # (the items still quote it)
            pieces = read_pieces(text[title.end():], ctx)
            pieces[0] = (text[:title.end()] + pieces[0][0], pieces[0][1])
        else:
            pieces = read_pieces(text, ctx)
        clause_cap = None
        if len(pieces) == 1 and pieces[0][1].pattern == "ranking" and pieces[0][1].fields.get("indicators"):
            pieces = ranking_pieces(pieces[0][0], pieces[0][1])
            # 001 加分项(6)② 4项指标…分别…提高1名加0.1分，最多加1分 (no 每项, unlike (6)① 以上每项最高加1分):
            # the cap is the clause's, over its indicators together — a group, not each item's (issue 32)
            if "每项" not in normalize(text) and all("cap" in r.rule for _, r in pieces if r.rule):
                caps = {r.rule.pop("cap") for _, r in pieces if r.rule}
                clause_cap = caps.pop() if len(caps) == 1 else None
        if inherited.get("veto") and all(r.rule is None for _, r in pieces):
            pieces = [(text, grammar.Reading("veto", dict(inherited["veto"])))]
        if len(pieces) == 1:
            self.place(code, name, label, text, points if points is not None else 0, bonus, units,
                       pieces[0][1], inherited)
            return
        self.item(code, name, points or 0, label, text, bonus, units)
        levels = [r.points for _, r in pieces if r.pattern in ("earned", "all_or_nothing") and r.points]
        if len(levels) == len(pieces) >= 3 and all(a > b for a, b in zip(levels, levels[1:], strict=False)):
            # 省级媒体…得3分；市级…得2分；县级…得1分: points falling level by level read as one level
            # reached, not as tasks added up — for a person to say
            for _, reading in pieces:
                shown = "、".join(f"{v:g}" for v in levels)
                reading.guess(f"各条得分逐档递减（{shown} 分）：或为按达到的档次取其一，"
                              "而非逐条相加：请核对")
        named = [set(GOVERNMENT_LEVEL.findall(normalize(piece))) for piece, _ in pieces]
        if len(pieces) >= 2 and all(len(n) == 1 for n in named) and len(set().union(*named)) > 1:
            # 市级已建立…领导小组，记0.5分，示范区所在县(市、区)已建立…，记0.5分: the same task at two levels
            # of government — which the assessed unit answers for is not said
            shown = "、".join(f"{next(iter(n))}级" for n in named)
            for _, reading in pieces:
                reading.guess(f"各部分分属不同层级（{shown}）：被考核单位负责哪一部分，请核对")
        base = []
        city = city_link(code, pieces)
        for j, (piece, reading) in enumerate(pieces, start=1):
            # the clause's own title points (「国有林场改革…(1分)。」) are not its first rule's
            own = points_of(TITLED.sub("", normalize(piece)) if titled_points(piece) == [points] else piece,
                            bare=False)
            if not own and reading.points:
                own = reading.points          # …解决困难和问题5分。有一项未落实扣1分: its points
            if city and reading.pattern == "city_completed":
                own = 0                     # the county's points stand or fall with the deductions
            elif city and reading.rule and reading.rule["shape"] == "per_event":
                own = points
                reading.rule["unless_city_completed"] = city
            elif reading.rule and reading.rule["shape"] == "all_or_nothing":
                base.append(f"{code}.{j}")
            adds = not bonus and reading.rule is not None and not grammar.deducts_points(normalize(piece)) \
                and grammar.adds_points(normalize(piece))
            # a bonus rule inside a base indicator is a bonus item (001 24 …每自主超额完成1家加0.25分，
            # 最多加1分)
            self.place(f"{code}.{j}", name, label, piece, own or 0, bonus or adds, units, reading, inherited)
        for n in range(1, len(pieces) + 1):
            child = self.items[-len(pieces) + n - 1]
            if city and child["code"] == city:
                # as 001 4 is kept by hand: the city's item holds no points of its own
                child.pop("overflow_to_total", None)
                child["charged_to"] = [i["code"] for i in self.items[-len(pieces):]
                                       if i.get("rule", {}).get("unless_city_completed") == city]
            elif not child["points"] and base and f"{code}.{n}" not in base and not bonus:
                child["charged_to"] = base
        # a rule charged to another that a person must check puts the points it comes out of in doubt
        children = self.items[-len(pieces):]
        doubtful = [c for c in children if c.get("charged_to") and c.get("needs_review")]
        for child in children:
            if "rule" in child and not child.get("needs_review") \
                    and any(child["code"] in c["charged_to"] for c in doubtful):
                flag(child, "同一条款中从本项扣分的规则待审，本项得分随之待定：请核对")
        total = sum(self.items[-k]["points"] for k in range(1, len(pieces) + 1))
        parent = next(i for i in self.items if i["code"] == code)
        if points and abs(total - points) > 1e-9:
            flag(parent, f"分值 {points:g} 与拆出的各条规则分值合计 {total:g} 不一致")
            # the row's points were not divided by the document: every rule split from it is a guess
            for child in self.items[-len(pieces):]:
                if "rule" in child:
                    flag(child, f"本项 {points:g} 分由多条规则分担，原文未分配各条分值：请核对")
        if clause_cap is not None:
            most = f"最{'多加' if bonus else '高扣'}{clause_cap:g}分"
            self.groups.append({"code": code, "name": f"{name}（{most}）",
                                "items": [i["code"] for i in self.items[-len(pieces):]],
                                "bonus_cap" if bonus else "deduction_cap": clause_cap, "scope": "clause",
                                "source": {"seed": self.seed, "item": label, "text": normalize(text)}})
        item_cap = re.search(r"本项最(?:高|多)加(\d+(?:\.\d+)?)分", normalize(text))
        if bonus and item_cap:
            # 本项最高加N分 over the clause's rules together (001 加分项 (6)⑤, (7)①): a group's bonus cap
            self.groups.append({"code": code, "name": f"{name}（本项最高加{item_cap.group(1)}分）",
                                "items": [i["code"] for i in self.items[-len(pieces):]],
                                "bonus_cap": grammar.num(item_cap.group(1)), "scope": "clause",
                                "source": {"seed": self.seed, "item": label, "text": item_cap.group(0)}})

    def place(self, code: str, name: str, label: str, text: str, points: float | int, bonus: bool,
              units: list[str], reading: grammar.Reading, inherited: dict[str, Any]) -> None:
        item = self.item(code, name, points, label, text, bonus, units)
        for key in ("measure", "target"):
            if key in reading.fields:
                item[key] = reading.fields[key]
        if reading.fields.get("overflow_to_total") or inherited.get("overflow"):
            item["overflow_to_total"] = True
        elif not points and not bonus and not inherited.get("pooled") and reading.rule \
                and reading.rule["shape"] not in ("veto", "grade_cap"):
            item["overflow_to_total"] = True        # 不设基础分: deductions come off the total
        if reading.rule is not None:
            rule = dict(reading.rule)
            if "cap" in inherited and "cap" not in rule and rule["shape"] in ("per_event", "step_shortfall"):
                rule["cap"] = inherited["cap"]
            if rule["shape"] == "ranking":
                rule.pop("_size", None)
            if "bonus_cap" in inherited and "cap" not in rule \
                    and rule["shape"] in ("per_event", "step_surplus"):
                rule["cap"] = inherited["bonus_cap"]
            item["rule"] = rule
        if reading.status != grammar.PARSED:
            flag(item, "；".join(reading.reasons))
        item["_status"] = reading.status

    def clause(self, node: Clause, code: str, name: str, label: str, points: float | int | None,
               bonus: bool, units: list[str], inherited: dict[str, Any]) -> None:
        if not node.children:
            self.leaf(code, name, label, node.text, points, bonus, units, inherited)
            return
        lead = normalize(node.text)
        cases = listed_cases(node, points)
        if cases is not None:
            text = "\n".join([node.text] + [c.text for c in node.children])
            self.place(code, name, label, text, points or 0, bonus, units, cases, inherited)
            return
        inherited = dict(inherited)
        veto = grammar.veto_of(lead)
        if veto is not None and veto.rule:
            inherited["veto"] = veto.rule
        if re.search(r"从总分中(?:予以)?扣", lead):
            inherited["overflow"] = True
        cap = grammar.deduction_cap(lead)
        if bonus and grammar.bonus_cap(lead) is not None and code == "B":
            self.bonus_cap = grammar.bonus_cap(lead)
        pools = pool_notes(node)
        # 以上每项最高扣/加N分 after the last case caps every case (001 5(6)); inside one case it is that
        # case's own (加分项 (6)① …以上每项最高加1分, not ⑥'s 项目成功落地加2分)
        own_cap: dict[str, tuple[str, float | int]] = {}
        for n, child in enumerate(node.children):
            found = re.search(r"以上每项最高(扣|加)(\d+(?:\.\d+)?)分", normalize(child.text))
            if found and n == len(node.children) - 1:
                inherited["cap" if found.group(1) == "扣" else "bonus_cap"] = grammar.num(found.group(2))
            elif found:
                own_cap[child.number] = ("cap" if found.group(1) == "扣" else "bonus_cap",
                                         grammar.num(found.group(2)))
        if code != "B":
            self.item(code, name, points or 0, label, node.text or name, bonus, units)
        first = len(self.items)
        for child in node.children:
            child_code = f"{code}{child.number}" if code == "B" else f"{code}.{child.number}"
            child_label = f"{label}.{child.number}" if re.fullmatch(r"\d+[.．、]", child.marker) \
                else f"{label}{child.marker}"
            child_units = units_for(units, self.unit_map if code == self.indicator else {}, child.number)
            child_points = points_of(child.text.split("\n", 1)[0] if child.children else child.text)
            if child.number in pools:
                child_points = 0
            child_inherited = dict(inherited)
            if child.number in own_cap:
                child_inherited[own_cap[child.number][0]] = own_cap[child.number][1]
            if child.number in pools:
                child_inherited["pooled"] = True
            first_child = len(self.items)
            self.clause(child, child_code, _title(child.text) or name, child_label, child_points, bonus,
                        child_units, child_inherited)
            if child.marker == "+":
                for placed in self.items[first_child:]:
                    flag(placed, "本句在各分项之后、未载明分值：或是对上列各项的扣分，或是加分，请核对其归属")
                each = re.match(r"^(?:有)?(?:[一每]|1)项[^。;；]*?扣\s*(\d+(?:\.\d+)?)\s*分",
                                normalize(child.text))
                if each:
                    # 「一项不达标扣3分」 after parts of 3, 3, 3, 3 and 13: a part whose points differ
                    amount = grammar.num(each.group(1))
                    for part in self.items[first:first_child]:
                        if "rule" in part and part["points"] != amount:
                            flag(part, f"「{each.group(0)}」与本项 {part['points']:g} 分不一致：请核对扣分")
        placed = {i["code"]: i for i in self.items[first:]}
        for number, targets in pools.items():
            child_code = f"{code}.{number}"
            target_codes = [f"{code}.{t}" for t in targets if placed.get(f"{code}.{t}", {}).get("points")]
            for item in self.items[first:]:
                pooled = item["code"] == child_code or item["code"].startswith(child_code + ".")
                if pooled:
                    item["points"] = 0
                if pooled and "rule" in item:
                    item["charged_to"] = target_codes
                    item.pop("overflow_to_total", None)
        if re.search(r"按以下情形扣分", lead) and points:
            # which points each case comes out of is the reader's guess: the cases are in doubt with it
            for placed in [self.items[first - 1]] + [i for i in self.items[first:] if "rule" in i]:
                flag(placed, f"「按以下情形扣分」：{points:g} 分由下列情形扣减，"
                             "请确定各情形从哪一项扣分（charged_to / groups）")
        if cap is not None and code != "B":
            children = [i["code"] for i in self.items[first:] if parent_of(i["code"]) == code]
            # the heading's own cap: an indicator's (N) or a clause's within one (N(k))
            group: dict[str, Any] = {"code": code, "name": f"{name}（最高扣{cap:g}分）", "items": children,
                                     "deduction_cap": cap, "scope": "clause" if "." in code else "item"}
            if "按最高分项扣分" in lead or "按最高分项扣分" in normalize(node.children[-1].text):
                group["highest_only"] = True
            if inherited.get("overflow") or "从总分中扣减" in lead:
                group["overflow_to_total"] = True
            group["source"] = {"seed": self.seed, "item": label, "text": re.sub(r"\s*\n\s*", "", node.text)}
            self.groups.append(group)


LISTED_CASES = re.compile(r"按以下(?:情形)?扣分")


def listed_cases(node: Clause, points: float | int | None) -> grammar.Reading | None:
    """001 12(1) 得2分。违法违规破坏发生后未及时处置的按以下情形扣分，最高扣2分。
    ①30天内未到现场核查…的，每起扣0.4分。…④违法违规行为被国家或自治区督办的，每起扣0.8分。
    → one per_event item: the lead owns the points and the cap, the listed cases are its classes
    (severity_amounts by the case's phrase, the smallest amount the default). Only when every case is
    one per-event deduction (001 10: (2) 100吨及以上扣1分，100吨以下扣0.5分 without a per-event wording
    of its own, (4) a step — cases kept apart and flagged); else None."""
    lead = normalize(node.text)
    if not LISTED_CASES.search(lead) or any(c.children for c in node.children):
        return None
    classes: dict[str, float | int] = {}
    kinds: list[str] = []
    per_quantity = False
    for child in node.children:
        text = normalize(child.text)
        pieces = read_pieces(child.text, {"points": 0, "pool": True})
        reading = pieces[0][1]
        if len(pieces) != 1 or reading.pattern != "per_event" or reading.rule is None \
                or grammar.adds_points(text) or any("按第一档" in r for r in reading.reasons):
            return None                                  # a case that is not one per-event deduction
        own = reading.rule.get("severity_amounts") or {grammar.case_phrase(text): reading.rule["amount"]}
        for phrase, amount in own.items():
            key = phrase if phrase.startswith(grammar.case_phrase(text)) or len(own) == 1 \
                else f"{grammar.case_phrase(text)}：{phrase}"
            classes[f"{child.marker}{key}"] = amount
        kinds += [k for k in reading.rule["event_kinds"] if k not in kinds]
        per_quantity = per_quantity or bool(reading.rule.get("per_quantity"))
    rule: dict[str, Any] = {"shape": "per_event", "event_kinds": kinds, "amount": min(classes.values())}
    if len(set(classes.values())) > 1:
        rule["severity_amounts"] = classes
    cap = grammar.deduction_cap(lead) or points or None
    if cap:
        rule["cap"] = cap
    if per_quantity:
        rule["per_quantity"] = True
    return grammar.Reading("listed_cases", rule).guess(
        "按以下情形扣分：各情形合为本项的一条扣分规则，"
        "severity_amounts 的情形名取自原文，请与台账 severity 取值核对")


def city_link(code: str, pieces: list[tuple[str, grammar.Reading]]) -> str | None:
    """001 4 桂林市完成自治区下达目标的，各县（市、区）均得2分。桂林市未完成…情况下，…每项扣0.5分…最高扣2分
    → the code of the city's piece when the clause also deducts: the county holds the points, its
    deductions are waived when the city completed (unless_city_completed)."""
    cities = [j for j, (_, r) in enumerate(pieces, start=1) if r.pattern == "city_completed"]
    deducts = any(r.rule and r.rule["shape"] == "per_event" for _, r in pieces)
    return f"{code}.{cities[0]}" if len(cities) == 1 and deducts else None


def ranking_pieces(text: str, reading: grammar.Reading) -> list[tuple[str, grammar.Reading]]:
    """001 5(1)④ 全年优良天数比率，PM10、PM2.5年均浓度，年度综合指数4项指标分别排名… → one
    ranking item per indicator (each with its own direction)."""
    out = []
    for indicator, direction in reading.fields.pop("indicators"):
        rule = dict(reading.rule or {}, indicator=indicator, direction=direction)
        piece = grammar.Reading("ranking", rule, dict(reading.fields), reading.status, list(reading.reasons))
        out.append((text, piece))
    return out


def parent_of(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def flag(item: dict[str, Any], reason: str) -> None:
    item["needs_review"] = True
    item["review_reason"] = "；".join(filter(None, [item.get("review_reason"), reason]))


def _title(text: str) -> str:
    first = normalize(text).split("\n", 1)[0]
    first = re.sub(r"^[(]\d+[)]\s*|^[①-⑳]\s*", "", first)
    m = re.match(r"^([^。，,；;(]{2,30}?)\s*(?:[(]\d+(?:\.\d+)?分[)])?\s*$", first)
    return m.group(1).strip() if m else ""


def pool_notes(node: Clause) -> dict[str, list[str]]:
    """第（5）—（11）项不设基础分，…从第（1）—（4）项得分中扣分 (001 5) → {"5": [1..4], …};
    ④项不设基础分，…从第（5）项得分中扣分 (001 6(5)) → the other clauses of (5)."""
    text = normalize("\n".join([node.text] + [c.text for c in node.children]
                               + [g.text for c in node.children for g in c.children]))
    own = normalize("\n".join([node.text] + [c.text for c in node.children]))
    pools: dict[str, list[str]] = {}
    rng = r"[(]?(\d+)[)]?(?:\s*[—\-－~至]\s*[(]?(\d+)[)]?)?"
    refs = r"((?:[(]\d+[)]\s*[—\-－~、至]?\s*)+)"
    for m in re.finditer(rf"第?{rng}\s*项(?:不设基础分|未设分值)[^。]*?从(?:第)?\s*{refs}项?得分中扣", text):
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        refs = [int(x) for x in re.findall(r"\d+", m.group(3))]
        if re.search(r"[—\-－~至]", m.group(3)) and len(refs) == 2:
            refs = list(range(refs[0], refs[1] + 1))
        for k in range(first, last + 1):
            pools[str(k)] = [str(r) for r in refs]
    for m in re.finditer(r"([①-⑳])项(?:不设基础分|未设分值)", own):
        number = str(CIRCLED.index(m.group(1)) + 1)
        siblings = [c.number for c in node.children if c.number != number]
        if any(c.number == number for c in node.children):
            pools[number] = siblings
    return pools


def unit_map(cell: str) -> dict[str, list[str]]:
    """「（1）县督效办（2）（4）资源生态环境局」→ {"1": [县督效办], "2": [资源生态环境局], "4": [...]}:
    markers with no text between them share the text after them (circled markers count with the
    clause before them)."""
    out: dict[str, list[str]] = {}
    pending: list[str] = []
    for part in re.split(r"([（(]\s*\d{1,2}\s*[）)])", cell):
        m = re.fullmatch(r"[（(]\s*(\d{1,2})\s*[）)]", part)
        if m:
            pending.append(m.group(1))
        elif unit_names(part):
            for number in pending:
                out.setdefault(number, [])
                out[number] += [n for n in unit_names(part) if n not in out[number]]
            pending = []
    return out


def units_for(units: list[str], mapping: dict[str, list[str]], number: str) -> list[str]:
    return mapping.get(number, units)


def unit_names(cell: str) -> list[str]:
    """县水利局、县科工商贸局 … from the 责任单位 cell, numbering removed."""
    text = re.sub(r"[（(]\d+[）)]|[①-⑳]", "\n", cell)
    names = [n.strip(" 　") for n in re.split(r"[、，,；;\n]", text)]
    out: list[str] = []
    for name in names:
        if name and name not in out and len(name) <= 30 and re.search(r"\w", name):
            out.append(name)
    return out


def document_targets(text: str) -> dict[str, float]:
    """001 5(1) 城市环境空气质量优良天数比率控制目标：资源县96.5% … PM2.5控制目标：资源县26.5."""
    targets: dict[str, float] = {}
    for m in re.finditer(r"([^\n。]{0,30}?)控制目标[:：]\s*[^\d\n]{0,12}?(\d+(?:\.\d+)?)", normalize(text)):
        measure, _ = grammar.measure_of(m.group(1), None)
        if measure and measure not in targets:
            targets[measure] = grammar.num(m.group(2))
    return targets


def indicator_count_targets(inds: list[Indicator]) -> dict[str, float | int]:
    """{indicator name: the count its criteria print} (001 17 生态环境损害赔偿案件办理: 每年至少办理2件)
    — the target a clause elsewhere names by the indicator's title
    (加分项 (10) 完成生态环境损害赔偿案件办理目标任务)."""
    out: dict[str, float | int] = {}
    for ind in inds:
        target = grammar.count_target(normalize(ind.criteria))
        if target is not None and not ind.bonus and len(ind.name) >= 4:
            out[ind.name] = target
    return out


def lead_coop(ind: Indicator, points: float | int | None) -> list[dict[str, Any]]:
    """seed 000: 牵头部门 (its share from (3.2分) in the task text, else the rest) and 配合部门
    with 配合分值."""
    shares = []
    for name, share in ind.coop:
        value = re.match(r"^\s*(\d+(?:\.\d+)?)", normalize(share))
        shares.append({"unit": re.sub(r"\s+", "", name), "role": "cooperating",
                       "points": grammar.num(value.group(1)) if value else None})
    lead_points = None
    m = re.findall(r"[(]\s*(\d+(?:\.\d+)?)\s*分\s*[)]", normalize(ind.criteria))
    if m:
        lead_points = grammar.num(m[-1])
    elif points is not None:
        lead_points = points - sum(s["points"] or 0 for s in shares)
    return [{"unit": re.sub(r"\s+", "", ind.lead), "role": "lead", "points": lead_points}] + shares


def draft_scheme(doc: Document, seed: str, code: str, units: list[dict[str, str]],
                 year: int | None = None, name: str | None = None) -> dict[str, Any]:
    """The draft scheme body (items flagged needs_review where a person must decide); its `_totals`
    (not written out) say which stated totals add up (report.py)."""
    plan = outline(doc)
    inds = plan.indicators
    drafter = Drafter(seed=seed, targets=document_targets("\n".join(i.criteria for i in inds)),
                      count_targets=indicator_count_targets(inds))
    _section_items(plan, drafter)
    taken = {i["code"] for i in drafter.items}
    for ind in inds:
        if ind.code in taken and not ind.parent:
            # rows numbered 1, 2 … outside the sections that are items 1, 2 (「三、考核办法」's list of the
            # parts before 「四、考核内容」's parts): every item its own code
            k = 2
            while f"{ind.code}n{k}" in taken:
                k += 1
            ind.code = f"{ind.code}n{k}"
        taken.add(ind.code)
    assessed = {u: f"u{n:02d}" for n, u in enumerate(dict.fromkeys(i.unit for i in inds if i.unit), start=1)}
    placed: dict[str, int] = {}
    for ind in inds:
        if ind.parent and ind.parent not in placed:
            title, unit, _ = plan.containers[ind.parent]
            container = drafter.item(ind.parent, title, 0, ind.label.rsplit("-", 1)[0], title, False, [])
            if unit:
                container["units"] = [assessed[unit]]
            placed[ind.parent] = len(drafter.items) - 1
        first = len(drafter.items)
        _draft_indicator(drafter, ind)
        if ind.unit:
            for item in drafter.items[first:]:
                item["units"] = [assessed[ind.unit]]
    for parent, at in placed.items():
        children = [i for i in drafter.items if parent_of(i["code"]) == parent]
        drafter.items[at]["points"] = grammar.num(str(round(sum(c["points"] for c in children), 6)))
    totals = item_sums(drafter.items, drafter.groups) + reconcile(plan, drafter.items, assessed)
    scheme: dict[str, Any] = {"code": code, "name": name or doc.title, "year": year or _year(doc.title),
                              "source": f"seed {seed} ({doc.path.name})" if seed else doc.path.name}
    if drafter.bonus_cap is not None:
        scheme["bonus_cap"] = drafter.bonus_cap
    body: dict[str, Any] = {"scheme": scheme}
    unit_list, reasons = _units(units, drafter.items, assessed)
    body["units"] = unit_list
    vetoes = {i["rule"].get("grade") or i["rule"].get("max_grade") for i in drafter.items
              if i.get("rule", {}).get("shape") in ("veto", "grade_cap")}
    if vetoes:
        body["grades"] = [{"grade": g, "min_score": 0} for g in sorted(vetoes)]
        reasons.append("等次门槛（grades）未载明：已列出条款提到的等次，min_score 需填写")
    if not scheme["year"]:
        reasons.append("年度未载明：请用 --year 指定")
    reasons += plan.notes
    wrong = [t for t in totals if not t["adds_up"] and t["scope"] != "item"]
    if wrong:
        reasons.append("合计不符：" + "；".join(
            f"{t['label']} 载明 {t['stated']:g} 分，条目合计 {t['sum']:g} 分" for t in wrong))
    if reasons:
        scheme["needs_review"] = True
        scheme["review_reason"] = "；".join(reasons)
    if drafter.groups:
        body["groups"] = drafter.groups
    peers = {i["rule"]["peer_group"] for i in drafter.items if i.get("rule", {}).get("shape") == "ranking"}
    if peers:
        body["peer_groups"] = [{"code": p, "name": f"全区{p[5:]}个县区" if p[5:] else "待填写：排名比较范围",
                                "size": int(p[5:]) if p[5:] else 2} for p in sorted(peers)]
    body["items"] = drafter.items
    body["_totals"] = totals
    audit(body)
    unchecked = unchecked_totals(doc, body)
    if unchecked:
        body["_totals"] += unchecked
        scheme["needs_review"] = True
        stated = "；".join(f"{t['label']} 载明 {t['stated']:g} 分" for t in unchecked)
        scheme["review_reason"] = "；".join(filter(None, [scheme.get("review_reason"),
                                                          f"合计未能核对（所含条目未读出）：{stated}"]))
    if sweep(doc, body, seed):
        scheme["needs_review"] = True
        missed = sum(1 for i in body["items"] if i["code"].startswith("X"))
        scheme["review_reason"] = "；".join(filter(None, [
            scheme.get("review_reason"),
            f"{missed} 句评分内容未能按表格读取，已逐句列为待确认条目（X1…）" if doc.form != "lines" else
            f"未能识别评分表的版式：已逐句列出含评分内容的 {missed} 句（X1…），均待确认"]))
    if not body["items"]:
        raise TableError(f"{doc.path}: 没有找到评分内容：既无带分值或评分标准的表格行，"
                         "也无含分值或评分用语的文字")
    return body


SCORING_NOTE = re.compile(r"[扣加奖得减]\s*\d|\d\s*分|不得分|不计分|[扣加]分|一票否决|折算|=|×")
NO_BASE = re.compile(r"不设基础分|未设分值|不设分值")
RANGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[~～\-—至]\s*(\d+(?:\.\d+)?)\s*分?\s*$")


def _draft_indicator(drafter: Drafter, ind: Indicator) -> None:
    """One indicator (a table row, or the rows the document merged) → its items."""
    span = RANGE.match(normalize(ind.points_text))
    points = None if ind.bonus else grammar.num(span.group(2)) if span else column_points(ind.points_text)
    if points is None and not ind.bonus:
        points = points_of(ind.raw_name) or points_of(ind.criteria.split("\n", 1)[0])
    root = segment(ind.criteria)
    units_ = unit_names(ind.units)
    drafter.unit_map, drafter.indicator = unit_map(ind.units), ind.code
    if ind.lead and ind.coop and any(p for _, p in ind.coop):
        _lead_coop_item(drafter, ind, points)
        return
    if ind.lead:
        units_ = unit_names(ind.lead) + [u for u in units_ if u not in unit_names(ind.lead)]
    if ind.bonus and ind.code == "B":
        drafter.clause(root, "B", "加分项", "加分项", 0, True, units_, {})
        return
    if ind.bonus:
        # a bonus row of its own: 0 points, what it states is the most it adds
        stated = column_points(ind.points_text)
        drafter.clause(root, ind.code, ind.name, ind.label, 0, True, units_,
                       {"bonus_cap": stated} if stated else {})
        return
    first = len(drafter.items)
    if not ind.criteria.strip():
        # a row with points and no scoring text: the text may sit in a merged cell above (anhui 2.SO2)
        item = drafter.item(ind.code, ind.name, points or 0, ind.label, ind.raw_name or ind.name, False,
                            units_)
        flag(item, "评分标准为空（可能与上一行合并）：请写明本项的评分规则")
        item["_status"] = grammar.UNPARSED
        return
    if not root.children:
        drafter.leaf(ind.code, ind.name, ind.label, ind.criteria, points, False, units_, {})
    else:
        drafter.clause(root, ind.code, ind.name, ind.label, points, False, units_, {})
    item = drafter.items[first]
    rules = [i for i in drafter.items[first:] if "rule" in i]
    if len(rules) == 1 and span is None and points is not None and rules[0]["points"] == points:
        rules[0]["_read"] = {"printed": True}   # the row's own points (its cell, 「制度建设(9分)」)
    if NO_BASE.search(normalize(ind.points_text)):
        for placed in drafter.items[first:]:    # 不设基础分: the row's deductions come off the total
            placed.setdefault("_read", {})["no_base"] = True
    if SCORING_NOTE.search(normalize(ind.notes)):
        # 备注: 「未按时报送的另扣1分」 in a column no reader takes: the row's rule may not be all of it
        note = re.sub(r"\s+", " ", ind.notes).strip()[:60]
        for placed in drafter.items[first:]:
            flag(placed, f"未读取的栏目（备注、说明等）另有评分内容：「{note}」：请核对本项规则")
    stated = titled_points(ind.criteria)
    if len(stated) == 1 and points and stated[0] != points:
        # 「…（20分）」 in the clause, 5 in the points column: which is meant is for a person
        for placed in drafter.items[first:]:
            flag(placed, f"条款载明 {'、'.join(f'{v:g}' for v in stated)} 分，分值栏为 {points:g} 分：请核对")
    if span:
        # 0~7: the points are the assessor's judgement within a range — no rule to encode
        item.pop("rule", None)
        flag(item, f"分值为区间（{span.group(1)}～{span.group(2)}分）：按上限读取，"
                   "得分由考核人员判定，请写明规则")
        item["_status"] = grammar.UNPARSED
    if points is None:
        item["points"] = 0
        flag(item, "分值未载明：按 0 分（只扣分）读取")
        item["_status"] = grammar.GUESSED if item.get("_status") == grammar.PARSED else item.get("_status")


def _section_items(plan: Outline, drafter: Drafter) -> None:
    """Sections as items when codes carry their numbers (seed 003 一 200 → `1`; a department table's
    一 40 → `1`): each with its stated points, its indicators under it."""
    if not plan.prefixed:
        return
    if plan.sections:
        for section in plan.sections:
            if section.code and not section.code.startswith("S") and section.parent is None \
                    and not section.as_item:        # a section that is an item itself is drafted as one
                drafter.item(section.code, section.title, section.points or 0, section.label,
                             f"{section.label}、{section.title}", False, [])
        return
    for number, (title, _) in plan.column_sections.items():
        pts = re.search(r"(\d+)\s*分", normalize(title))
        drafter.item(number, re.sub(r"^[一二三四五六七八九十]+[、.．]\s*|[(（].*$", "", title).strip(),
                     grammar.num(pts.group(1)) if pts else 0, _zh(number), title, False, [])


def _zh(section: str | None) -> str:
    digits = "一二三四五六七八九十"
    if section and section.isdigit() and 0 < int(section) <= 10:
        return digits[int(section) - 1]
    return str(section)


def reconcile(plan: Outline, items: list[dict[str, Any]], assessed: dict[str, str]) -> list[dict[str, Any]]:
    """The totals the document states, checked against what was drafted: each section's points (per
    assessed unit where its rows belong to units: a department's rows add up to 二's 60), and the
    document's total (总分 / 合计) against its base sections' points (奖扣分 / 加分 sections stand outside
    the base) or its top-level items."""
    by_code = {i["code"]: i for i in items}
    out: list[dict[str, Any]] = []

    def points_of_indicator(ind: Indicator, parts: bool = False) -> float:
        item = by_code.get(ind.parent or ind.code)
        if not item or item.get("kind") == "bonus":
            return 0.0
        return leaf_points(item["code"]) if parts else float(item["points"])

    def leaf_points(code: str) -> float:
        """What an item can score: its parts' points where it has parts (县矿管局 20 + 10 + 20, under
        a stated 60), else its own."""
        children = [i for i in items if parent_of(i["code"]) == code and i.get("kind") != "bonus"
                    and not i.get("charged_to")]
        if not children or "rule" in by_code[code]:
            return float(by_code[code]["points"])
        return sum(leaf_points(c["code"]) for c in children)

    def members(section: Any) -> list[Indicator]:
        seen: set[str] = set()
        found = []
        for ind in plan.indicators:
            key = ind.parent or ind.code
            if ind.section is section and key not in seen and not ind.bonus:
                seen.add(key)
                found.append(ind)
        return found

    def codes(inds: list[Indicator]) -> list[str]:
        """The items a total sums: its indicators' (a container's for a department's rows)."""
        return list(dict.fromkeys(i.parent or i.code for i in inds if not i.bonus))

    def inside(section: Any) -> list[Indicator]:
        return [i for i in plan.indicators if _in_section(i.section, section)]

    for section in plan.sections:
        if section.points is None or section.as_item:
            continue
        inds = members(section)
        subs = [s for s in plan.sections if s.parent is section and not s.outside_base]
        units = sorted({i.unit for i in inds if i.unit})
        if units:
            for unit in units:
                # what the department can score: its rows' parts (县矿管局 20 + 10 + 20 under 60)
                mine = [i for i in inds if i.unit in ("", unit)]
                total = sum(points_of_indicator(i, parts=bool(i.unit)) for i in mine)
                out.append({**_total(unit, section.points, total, "unit"), "codes": codes(mine)})
            adds = all(t["adds_up"] for t in out if t["scope"] == "unit" and t["label"] in units)
            worst = next((t["sum"] for t in out if t["scope"] == "unit" and t["label"] in units
                          and not t["adds_up"]), section.points)
            out.append({"label": section.label or section.title, "title": section.title,
                        "stated": section.points, "sum": worst, "adds_up": adds, "scope": "section"})
            continue
        total = sum(points_of_indicator(i) for i in inds) + sum(float(s.points or 0) for s in subs)
        out.append({**_total(section.label or section.title, section.points, total, "section"),
                    "title": section.title, "codes": codes(inside(section))})
    # groups a column states (「城镇建设（650分）」 over its rows, 「（100分）」 in 类别)
    groups: dict[str, tuple[float | int, list[Indicator]]] = {}
    for ind in plan.indicators:
        for label, stated in ind.groups:
            groups.setdefault(label, (stated, []))[1].append(ind)
    for label, (stated, inds) in groups.items():
        # the rows themselves where a container holds them (rows sharing a number), else their items
        keys = list(dict.fromkeys(i.code if i.code in by_code else i.parent or i.code for i in inds))
        total = sum(float(by_code[k]["points"]) for k in keys
                    if k in by_code and by_code[k].get("kind") != "bonus")
        out.append({**_total(label, stated, total, "section"), "codes": codes(inds)})
    if plan.total is not None:
        base = [s for s in plan.sections if s.parent is None and not s.outside_base and not s.as_item]
        loose = [i for i in members(None) if not i.outside_base]
        total = sum(float(s.points or 0) for s in base) + sum(points_of_indicator(i) for i in loose)
        if not base and plan.column_sections:
            total = sum(points_of_indicator(i) for i in plan.indicators if not i.bonus)
        out.append({**_total(plan.total_label, plan.total, total, "document"),
                    "codes": codes([i for i in plan.indicators if not i.outside_base])})
    return out


def _in_section(section: Any, outer: Any) -> bool:
    while section is not None:
        if section is outer:
            return True
        section = section.parent
    return False


def _total(label: str, stated: float | int, total: float, scope: str) -> dict[str, Any]:
    return {"label": label, "stated": stated, "sum": grammar.num(str(round(total, 6))),
            "adds_up": abs(float(stated) - total) < 1e-6, "scope": scope}


def _lead_coop_item(drafter: Drafter, ind: Indicator, points: float | int | None) -> None:
    item = drafter.item(ind.code, ind.name, points or 0, ind.label, ind.criteria, False, [])
    item["responsible"] = lead_coop(ind, points)
    item["rule"] = {"shape": "all_or_nothing", "event_kinds": ["task_completed"]}
    item["_status"] = grammar.PARSED
    if any(r["points"] is None for r in item["responsible"]):
        flag(item, "牵头/配合分值未全部载明")
        item["_status"] = grammar.GUESSED
    total = sum(r["points"] or 0 for r in item["responsible"])
    if points and abs(total - points) > 1e-6:
        flag(item, f"牵头与配合分值合计 {total:g} 与分值 {points:g} 不一致")
        item["_status"] = grammar.GUESSED


def _units(units: list[dict[str, str]], items: list[dict[str, Any]],
           assessed: dict[str, str] | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    reasons = []
    out: list[dict[str, Any]] = [dict(u) for u in units]
    if assessed:                    # a department table: the departments its rows name are the units
        out += [{"code": c, "name": n, "kind": "department"} for n, c in assessed.items()]
        reasons.append("部门编码为自动生成（u01…）：请改为简短英文编码；各部门共有的条目适用于全部部门")
    named = [r["unit"] for i in items for r in i.get("responsible", [])]
    if named:                        # seed 000: the departments are the assessed units
        codes: dict[str, str] = {}
        for n, name in enumerate(dict.fromkeys(named), start=1):
            codes[name] = f"u{n:02d}"
            out.append({"code": f"u{n:02d}", "name": name, "kind": "department"})
        for item in items:
            for r in item.get("responsible", []):
                r["unit"] = codes[r["unit"]]
                if r["points"] is None:
                    r["points"] = 0
        reasons.append("部门编码为自动生成（u01…），请改为简短英文编码")
    if not out:
        out = [{"code": "unit", "name": "待填写：被考核单位"}]
        reasons.append("被考核单位未载明：请用 --unit CODE=名称 指定")
    return out, reasons


def _year(title: str) -> int:
    m = re.search(r"(20\d\d)\s*年", title)
    return int(m.group(1)) if m else 0


def summary(body: dict[str, Any]) -> dict[str, int]:
    """Rule items by how they were read: parsed / guessed / not_parsed."""
    counts = {grammar.PARSED: 0, grammar.GUESSED: 0, grammar.UNPARSED: 0}
    for item in body["items"]:
        status = item.get("_status")
        if status:
            counts[status] += 1
    return counts


def finish(body: dict[str, Any]) -> dict[str, Any]:
    """The body as written to YAML: internal keys dropped."""
    body.pop("_totals", None)
    for item in body["items"]:
        item.pop("_status", None)
        item.pop("_read", None)
    return body


def draft_file(path: Path, seed: str, code: str, units: list[dict[str, str]],
               year: int | None = None, name: str | None = None) -> dict[str, Any]:
    from pipelines.scheme.draft.tables import read_document

    return draft_scheme(read_document(path), seed, code, units, year, name)
