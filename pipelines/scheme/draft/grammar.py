"""The grammar of scoring clauses: a clause (normalized by numbers.py) → its rules, each a rule shape
with its parameters (pipelines/scheme/scheme_schema.yaml), how sure the reading is and why.

Three layers, each a thing of its own:
- words (vocabulary.yaml, lexicon.py): 扣 is DEDUCT, 每 EACH, 扣完为止 EXHAUST …; a new document's way
  of saying a known thing is a new word there;
- phrases (phrases.lark, LALR): 每发现1起扣0.2分 is a per-unit deduction, 最高扣3分 a cap, 得2分 points
  earned; read left to right, the longest phrase at each place, the rest plain words (conditions);
- rules (rules.lark, LALR over the phrases): an award, deductions and their cap make one deduction
  rule; an award and 不得分 an all-or-nothing; 达到力争目标值得60分…确保目标值得54分 an interpolation ….
The builders below turn each rule the grammar names into a rule shape. A phrase no rule takes (a
scoring word left unread), a rule read with a guess (a class name, a target not printed, a measure
inferred) or a rule that lives in another document flags the reading: never a silent wrong rule."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from pipelines.scheme.draft import lexicon
from pipelines.scheme.draft.lexicon import Tok
from pipelines.scheme.draft.numbers import cn_int

PARSED, GUESSED, UNPARSED = "parsed", "guessed", "not_parsed"
HERE = Path(__file__).parent


@dataclass
class Reading:
    """What one rule of a clause says: its rule, item fields (measure, target, overflow …), how sure
    the reading is, and why a person must look at it."""
    pattern: str
    rule: dict[str, Any] | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    status: str = PARSED
    reasons: list[str] = field(default_factory=list)
    points: float | int | None = None     # the points the rule's own words award (得2分 / …问题5分)

    def guess(self, reason: str) -> Reading:
        self.status = GUESSED if self.status == PARSED else self.status
        if reason not in self.reasons:
            self.reasons.append(reason)
        return self


def num(text: str | float) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


# ---------------------------------------------------------------- parsing

class _SymbolLexer(lexicon.Lexer):
    """The rules grammar's tokens are the phrases' kinds; they are fed one by one."""

    def __init__(self, lexer_conf: Any) -> None:
        pass

    def lex(self, data: Any, parser_state: Any = None) -> Any:  # type: ignore[override]
        return iter(())


@cache
def _phrase_parser() -> Lark:
    return Lark((HERE / "phrases.lark").read_text(encoding="utf-8"), parser="lalr",
                lexer=lexicon.ClauseLexer, start="phrase")


@cache
def _rule_parser() -> Lark:
    return Lark((HERE / "rules.lark").read_text(encoding="utf-8"), parser="lalr", lexer=_SymbolLexer,
                start="rule")


def _longest(parser: Lark, tokens: list[Token], start: int, trailing: str = "") -> tuple[int, Tree] | None:
    """The longest run of tokens from `start` the parser reads as one whole (its start symbol), with
    its tree; None when none does. A run ending in a `trailing` token (a condition) is not taken when a
    shorter one ends on something else: the condition leads what follows."""
    ip = parser.parse_interactive(None)
    accepted: list[tuple[int, Any]] = []
    for n in range(start, len(tokens)):
        if tokens[n].type not in ip.choices():
            break
        try:
            ip.feed_token(tokens[n])
        except UnexpectedInput:
            break
        if "$END" in ip.choices() and (tokens[n].type != trailing or not accepted):
            accepted.append((n + 1, ip.copy()))
    for end, state in reversed(accepted):
        try:
            return end, state.feed_eof()
        except UnexpectedInput:
            continue
    return None


@dataclass
class Phrase:
    """A phrase (kind from phrases.lark, refined by its words) or a run of plain words (COND)."""
    kind: str
    toks: list[Tok]
    tree: Tree | None = None

    @property
    def start(self) -> int:
        return self.toks[0].start

    @property
    def end(self) -> int:
        return self.toks[-1].end

    def text(self, source: str) -> str:
        return source[self.start:self.end]

    def types(self) -> list[str]:
        return [t.type for t in self.toks]

    def has(self, *types: str) -> bool:
        return any(t.type in types for t in self.toks)

    def words(self) -> str:
        return "".join(t.value for t in self.toks)

    def amounts(self) -> list[float | int]:
        """The points the phrase names: every NUM followed by 分 (or in an amount list)."""
        if self.tree is None:
            return []
        out: list[float | int] = []
        for sub in self.tree.iter_subtrees_topdown():
            if sub.data == "amount":
                out.append(num(sub.children[0]))
            elif sub.data == "amount_list":
                out += [num(c) for c in sub.children if isinstance(c, Token) and c.type == "NUM"]
        return out

    @property
    def amount(self) -> float | int:
        values = self.amounts()
        return values[-1] if values else 0

    def numbers(self) -> list[float | int]:
        return [num(t.value) for t in self.toks if t.type == "NUM"]

    def sign(self) -> str:
        """'+' for a bonus, '-' for a deduction: the last sign word of the phrase."""
        for t in reversed(self.toks):
            if t.type in ("DEDUCT", "EXTRA_DEDUCT"):
                return "-"
            if t.type == "ADD":
                return "+"
        return ""


def _tree_tokens(tree: Tree) -> list[Token]:
    return [t for t in tree.scan_values(lambda v: isinstance(v, Token))]


def phrases(text: str) -> list[Phrase]:
    """The clause as phrases and conditions (runs of plain words), in order (read once per text: the
    phrases are not changed by their readers)."""
    return list(_phrases(text))


@lru_cache(maxsize=8192)
def _phrases(text: str) -> tuple[Phrase, ...]:
    toks = lexicon.tokens(text)
    lark_tokens = [Token(t.type, t.value, start_pos=t.start, end_pos=t.end) for t in toks]
    by_start = {t.start: n for n, t in enumerate(toks)}
    out: list[Phrase] = []
    n = 0
    while n < len(toks):
        found = _longest(_phrase_parser(), lark_tokens, n) if toks[n].type != "STOP" else None
        if found is not None and str(found[1].data) == "range_points" and found[0] < len(toks) \
                and toks[found[0]].type == "COUNTER" and all(t.type != "FEN" for t in toks[n:found[0]]):
            found = None        # 「1-2个乡镇」: a range of a count, not of points
        if found is None:
            if out and out[-1].kind == "COND":
                out[-1].toks.append(toks[n])
            else:
                out.append(Phrase("COND", [toks[n]]))
            n += 1
            continue
        end, tree = found
        inner = _tree_tokens(tree)
        first = by_start.get(inner[0].start_pos, n) if inner else n
        out.append(Phrase(tree.data if isinstance(tree.data, str) else str(tree.data), toks[first:end], tree))
        n = end
    for k, phrase in enumerate(out):
        if phrase.kind != "COND":
            phrase.kind = _kind(phrase, out[k - 1] if k else None)
        if phrase.kind == "DELEGATED" and phrase.toks[0].type == "BY" \
                and not re.search(r"考核|考评|评分|评估|计分|细则", phrase.words()):
            phrase.kind = "COND"              # 按《…工作方案》要求完成: the task's standard, not its scoring
    kinds = [p.kind for p in out]
    for k, phrase in enumerate(out):
        # a form's first half without its second is plain points: 达到80%以上，得2分，否则不得分
        pairs = {"RATE_AWARD": "RATE_VOID", "STRIVE_AWARD": "ENSURE_AWARD", "REQUIREMENT_AWARD": "STEP",
                 "TARGET_AWARD": "TARGET_VOID"}
        if phrase.kind in pairs and pairs[phrase.kind] not in kinds[k + 1:]:
            phrase.kind = "AWARD"
        # 每月次扣10分 without the annual waiver is a plain per-event deduction (003 一.3)
        if phrase.kind in ("MONTHLY", "WORST_MONTH") and "ANNUAL_WAIVER" not in kinds:
            phrase.kind = "DEDUCT_EACH"
        # 第二轮…，扣2分 is no place (a place follows 排名…第一)
        if phrase.kind == "RANK_PLACE" and phrase.toks[0].type == "ORD" and "RANK_PLACE" not in kinds[:k]:
            phrase.kind = "DEDUCT_ONCE" if phrase.sign() == "-" else "BONUS_ONCE"
    # 无河长牌不得分；…缺一项扣1分: among deductions and no points earned, 不得分 after a condition is
    # one more case — the item's whole points lost
    kinds = [p.kind for p in out]
    if any(k in DEDUCTION_CASES for k in kinds) and not any(k in EARNING for k in kinds):
        for k, phrase in enumerate(out):
            if phrase.kind == "VOID" and k and out[k - 1].kind == "COND":
                phrase.kind = "DEDUCT_ALL"
    return tuple(out)


DEDUCTION_CASES = ("DEDUCT_EACH", "DEDUCT_COUNT", "DEDUCT_ONCE", "DEDUCT_LIST", "DEDUCT_ALL")
EARNING = ("AWARD", "AWARD_FULL", "AWARD_LIST", "REACHED", "RATE_AWARD", "STRIVE_AWARD", "ENSURE_AWARD",
           "REQUIREMENT_AWARD", "TARGET_AWARD", "STEP", "TIER", "RATIO", "CITY_AWARD", "BONUS_EACH",
           "BONUS_COUNT", "BONUS_ONCE", "BONUS_LIST")


MEASURE_UNITS = ("PP", "PCT", "MUNIT")
NEUTRAL_GAP = ("差",)                  # 每差1…: the distance from the target, either way
DIRECTIONS = ("SHORT", "MORE", "IMPROVE", "OP_LT", "OP_GT")


def _is_step(p: Phrase) -> bool:
    """A direction word, then a number of a measure unit (个百分点, %, 微克/立方米, 万元): a step."""
    types = p.types()
    for n, t in enumerate(types):
        if t in DIRECTIONS:
            rest = [x for x in types[n + 1:] if x not in ("TEXT", "TARGET")]
            if len(rest) >= 2 and rest[0] == "NUM" and rest[1] in MEASURE_UNITS:
                return True
    return False


def _kind(p: Phrase, before: Phrase | None) -> str:
    """The phrase's meaning, from the grammar rule it was read by and the words inside it."""
    sign = p.sign()
    k = p.kind
    if k == "points_earned":
        return "AWARD_FULL" if p.has("POINTS_WORD") else "AWARD"
    if k == "points_by_grade":
        return "AWARD_LIST"
    if k == "voided":
        return "NO_BONUS" if p.has("NO_BONUS") else "VOID"
    if k == "no_deduct":
        return "NO_DEDUCT"
    if k == "otherwise":
        return "OTHERWISE"
    if k in ("per_unit", "per_count"):
        if p.toks[0].type == "MONTH_COUNT":
            return "MONTHLY"
        types = p.types()
        if "PLACE" in types and ("SHORT" in types or "MORE" in types):
            return "RANK_CHANGE"
        if _is_step(p):
            # 提高20%的加2分 (no 每, a condition 的): those that reach the level — a tier, not a step
            if k == "per_count" and "的" in p.words() and p.toks[0].type in DIRECTIONS:
                return "TIER"
            return "STEP"
        if k == "per_count" and p.has("PCT") and before is not None and before.kind == "COND" \
                and before.toks[-1].type == "RANGE_SEP" and "的" in p.words():
            return "TIER"                     # 提高20%-50%的加3分: the tier between two levels
        if sign == "+":
            if before is not None and before.kind == "COND" and before.has("IMPROVE_CLASS"):
                return "CLASS_BONUS"
            return "BONUS_EACH" if k == "per_unit" else "BONUS_COUNT"
        return "DEDUCT_EACH" if k == "per_unit" else "DEDUCT_COUNT"
    if k == "once":
        listed = len(p.amounts()) > 1
        if sign == "+":
            return "BONUS_LIST" if listed else "BONUS_ONCE"
        return "DEDUCT_LIST" if listed else "DEDUCT_ONCE"
    if k == "cap":
        first = p.toks[0].type
        if first == "EACH_ITEM":
            return "EACH_CAP"
        if first == "THIS_ITEM" and sign == "+":
            return "ITEM_BCAP"
        return "BCAP" if sign == "+" else "CAP"
    if k == "reached":
        if not p.amounts():
            return "REACHED"
        for word, kind in (("STRIVE", "STRIVE_AWARD"), ("ENSURE", "ENSURE_AWARD"),
                           ("REQUIREMENT", "REQUIREMENT_AWARD")):
            if p.has(word):
                return kind
        return "RATE_AWARD" if p.has("PCT") else "AWARD"      # 完成目标任务得3分: points for doing it
    if k == "threshold":
        if p.has("VOID"):
            return "TARGET_VOID" if p.has("TARGET") else "RATE_VOID"
        if p.has("EARN"):
            return "TARGET_AWARD" if p.has("TARGET") else "AWARD"
        return "TIER"
    if k == "by_ratio":
        if p.sign() == "+":
            return "RATIO_BONUS"              # 按2：1：0.5比例加分: a ratio, not an article's points
        return "FORMULA" if p.types().count("TIMES") > 1 else "RATIO"
    if k == "lighter":
        words = p.words()
        if "剔除" in words:
            return "EXCUSED"
        if p.has("MORE") and p.has("PCT") and p.has("NO_DEDUCT"):
            return "EXEMPT"
        return "LIGHTER"
    if k == "range_points":
        return "RANGE"
    return k.upper()


@dataclass
class Rule:
    """A rule the rules grammar names, its phrases and conditions in order."""
    kind: str
    items: list[Phrase]

    def of(self, *kinds: str) -> list[Phrase]:
        return [p for p in self.items if p.kind in kinds]

    def first(self, *kinds: str) -> Phrase | None:
        found = self.of(*kinds)
        return found[0] if found else None

    def text(self, source: str) -> str:
        return source[self.items[0].start:self.items[-1].end]


def rules_of(items: list[Phrase]) -> tuple[list[Rule], list[Phrase]]:
    """The rules the phrases make (the longest from each place) and the phrases no rule took (a
    condition no rule took is left out: it holds no scoring word)."""
    symbols = [Token(p.kind, str(n)) for n, p in enumerate(items)]
    rules: list[Rule] = []
    stray: list[Phrase] = []
    n = 0
    while n < len(items):
        found = _longest(_rule_parser(), symbols, n, trailing="COND")
        if found is None:
            if items[n].kind != "COND":
                stray.append(items[n])
            n += 1
            continue
        end, tree = found
        kind = tree.data if isinstance(tree.data, str) else str(tree.data)
        rules.append(Rule(kind, items[n:end]))
        n = end
    return rules, stray


# ---------------------------------------------------------------- what the words point at

def event_kinds(text: str) -> list[str]:
    """The ledger event kinds a clause counts, from its words; 检查发现 when none is named."""
    kinds: list[str] = []
    for word, kind in lexicon.events().items():
        if word in text and kind not in kinds:
            kinds.append(kind)
    return kinds or ["inspection_finding"]


def measure_of(text: str, unit: str | None) -> tuple[str | None, bool]:
    """(measure code, sure?) for a measured rule: air measures by name; else the ledger measure the
    unit of the step implies (万元 → amount, 个百分点 → completion %, 件/个 → count)."""
    for word, code in lexicon.measures().items():
        if word in text:
            return code, True
    if unit in ("万元", "万", "元"):
        return "ledger.amount_wan", True
    if unit in ("件", "个", "家", "项", "次"):
        return "ledger.count_done", False
    if unit in ("个百分点", "百分点", "%"):
        return "ledger.completion_pct", False
    return None, False


def _phrase_of(text: str, kinds: tuple[str, ...]) -> Phrase | None:
    return next((p for p in phrases(text) if p.kind in kinds), None)


def deduction_cap(text: str) -> float | int | None:
    """最高扣3分 / 最多扣1分 / 扣完1分为止 / 扣分不超过… → 3."""
    found = _phrase_of(text, ("CAP",))
    return found.amount if found is not None else None


def bonus_cap(text: str) -> float | int | None:
    """最高加1分 / 最多加1分 / 加分不超过20分 / 加分上限不超过10分 (001 加分项)."""
    found = _phrase_of(text, ("BCAP", "ITEM_BCAP"))
    return found.amount if found is not None else None


def count_target(text: str) -> float | int | None:
    """每年至少办理2件生态损害赔偿案件 / 不少于3个 → 2 (a count the unit must reach)."""
    found = next((p for p in phrases(text) if p.kind == "AT_LEAST" and p.has("COUNTER")), None)
    return found.numbers()[0] if found is not None else None


def adds_points(text: str) -> bool:
    """The clause adds points (加N分 / 奖N分 / 每…加N分), a bonus."""
    return any(p.sign() == "+" and p.kind in ("BONUS_EACH", "BONUS_COUNT", "BONUS_ONCE", "BONUS_LIST",
                                              "CLASS_BONUS", "STEP", "RANK_PLACE", "RANK_CHANGE")
               for p in phrases(text))


def deducts_points(text: str) -> bool:
    """The clause takes points off (扣N分 / 每…扣N分 / 全扣): a word like 加扣分 in a heading is not."""
    return any(p.sign() == "-" and p.kind in (*DEDUCTION_CASES, "STEP", "TIER", "RANK_CHANGE", "MONTHLY",
                                              "ESCALATION", "RANK_BOTTOM")
               or p.kind == "DEDUCT_ALL" for p in phrases(text))


def veto_of(text: str) -> Reading | None:
    """The veto (or grade cap) a clause states: 考核结果为“不合格” / 一票否决 / 不得评为优秀."""
    items = phrases(text)
    for rule in rules_of(items)[0]:
        if rule.kind in ("veto", "grade_result", "grade_cap"):
            return BUILDERS[rule.kind](rule, text, {})
    return None


# ---------------------------------------------------------------- the rules, built

Ctx = dict[str, Any]


def _clean(text: str) -> str:
    text = re.sub(r"^[(]\d+[)]|^[①-⑳]", "", text.split("\n")[-1]).strip(" ，,：:。;；")
    return re.sub(r"的$", "", text).strip()


def _case_name(rule: Rule, case: Phrase, source: str) -> str:
    """The phrase naming a case: the condition just before it (「30天内未到现场核查…的」), else the
    case's own words up to its sign (「联合检查每少一次」 → 联合检查)."""
    head = _clean(re.split(r"每|\d+(?:次|处|起|个|家|项|台|张)|扣|加|分别|各", case.text(source),
                           maxsplit=1)[0])
    if head and case.kind != "DEDUCT_ALL":
        return head[-24:]                     # 500元—1000元（含）1次加0.05分: the case names itself
    n = rule.items.index(case)
    before = rule.items[n - 1] if n and rule.items[n - 1].kind == "COND" else None
    if before is not None:
        parts = [_clean(part) for part in re.split(r"[。;；,，]", before.text(source))]
        name = next((part for part in reversed(parts) if part), "")
        if name:
            return name[-24:]
    # 每发现1个行政村农村生活污水治理未达到“三基本”要求的扣0.5分: what is found is the case
    body = re.split(r"扣|加", case.text(source), maxsplit=1)[0]
    body = re.sub(r"^每[^\d]{0,4}\d+(?:\.\d+)?[个条处起家项次台张]?", "", body)
    return _clean(body)[-24:]


def _distributed_names(cond_text: str, count: int) -> list[str] | None:
    """「被省、市、县督查组巡查发现的火点」 with three amounts → 省, 市, 县 (the listed words a 分别
    reads in turn)."""
    m = re.search(r"([\u4e00-\u9fff]{1,4}(?:、[\u4e00-\u9fff]{1,4})+)", cond_text)
    if not m:
        return None
    names = m.group(1).split("、")
    return names if len(names) == count else None


def _values(case: Phrase, points: float | int) -> list[float | int]:
    """The points a case names; 全扣 / 不得分 among deductions: the item's points."""
    return [points] if case.kind == "DEDUCT_ALL" else case.amounts()


def _classes(rule: Rule, cases: list[Phrase], source: str, points: float | int = 0) -> dict[str, float | int]:
    out: dict[str, float | int] = {}
    for case in cases:
        values = _values(case, points)
        if len(values) > 1:
            n = rule.items.index(case)
            cond = rule.items[n - 1].text(source) if n and rule.items[n - 1].kind == "COND" else ""
            names = _distributed_names(cond + case.text(source), len(values)) or [f"第{k}档" for k in
                                                                                   range(1, len(values) + 1)]
            base = _case_name(rule, case, source)
            for name, value in zip(names, values, strict=True):
                out[f"{base}：{name}" if base and name not in base[:4] else name] = value
            continue
        name = _case_name(rule, case, source) or f"情形{len(out) + 1}"
        while name in out:
            name += "＇"
        out[name] = values[-1] if values else 0
    return out


def _lighter(rule: Rule, source: str, amount: float | int) -> dict[str, float | int]:
    """（当日开展现场整治…反馈的，每项少扣0.1分） → {当日开展现场整治…反馈: amount − 0.1}; （自行发现并予以
    处罚的不扣分） → {自行发现并予以处罚: 0}."""
    out: dict[str, float | int] = {}
    for p in rule.of("LIGHTER"):
        words = p.text(source).strip("()（）")
        less = p.amounts()
        phrase = _clean(re.split(r"[,，]\s*(?:每项)?少扣|不扣分", words)[0])[-24:]
        out[phrase] = num(str(max(0.0, round(amount - less[0], 6)))) if less else 0
    return out


def _per_quantity(cases: list[Phrase]) -> bool:
    """每少1台 / 每超额完成1个行政村 / 每提升1类: the quantity the event is counted in (台, 个, 类) counts;
    每少1次 counts the missed time itself, once."""
    for case in cases:
        toks = case.toks
        for n, t in enumerate(toks[:-2]):
            if t.type != "EACH" or toks[n + 2].type != "NUM":
                continue
            if case.sign() == "+" and toks[n + 1].type in ("MORE", "COMPLETE", "OP_GT"):
                # 每超额完成1个行政村加0.2分 / 每超过1篇加0.1分 / 每完成1家次加0.1分
                return True
            if toks[n + 1].type == "SHORT" and n + 3 < len(toks) and toks[n + 3].type == "COUNTER" \
                    and toks[n + 3].value != "次":
                return True                   # 每少1台扣0.1分
    return False


def _deduction(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """Points lost per event (每发现1起扣0.2分), per occurrence (发现1处扣2分) or once (…的，扣2分), its
    cases (amounts by class), its cap (最高扣N分, 扣完为止 — the points it holds)."""
    text = rule.text(source)
    cases = rule.of(*DEDUCTION_CASES)
    points = ctx.get("points") or 0
    amounts = [a for c in cases for a in (_values(c, points) or [0])]
    kinds = event_kinds("".join(p.text(source) for p in rule.items
                                if p.kind not in ("LIGHTER", "EXCUSED", "EXEMPT")))
    out: dict[str, Any] = {"shape": "per_event", "event_kinds": kinds, "amount": amounts[0]}
    award = rule.first("AWARD")
    cap_phrase = rule.first("CAP")
    if cap_phrase is not None:
        out["cap"] = cap_phrase.amount
    elif award is not None and (rule.first("EXHAUST") or award.amount < points or not points):
        out["cap"] = award.amount             # the deductions take no more than the points they stand on
    elif rule.first("EXHAUST") and points:
        out["cap"] = points
    elif points and not ctx.get("pool") and not rule.first("UNCAPPED"):
        out["cap"] = points
    if _per_quantity(cases):
        out["per_quantity"] = True
    reading = Reading("per_event", out)
    classes = _classes(rule, cases, source, points)
    lighter = _lighter(rule, source, amounts[0])
    if rule.first("DEDUCT_ALL") and not points:
        reading.guess("「全扣 / 不得分」扣去本项全部分值，但本项分值未载明：请写明扣分")
    if len(set(amounts)) > 1:
        out["amount"] = min(classes.values())
        out["severity_amounts"] = classes
        reading.guess(f"同一条款按情形有多档分值（{'、'.join(f'{a:g}' for a in classes.values())} 分）："
                      "severity_amounts 的情形名取自原文，请与台账 severity 取值核对")
    elif lighter:
        out["severity_amounts"] = lighter
        reading.guess("括注的从轻情形（少扣 / 不扣分）读作 severity_amounts，情形名取自原文，请与台账核对")
    if rule.first("EXTRA_DEDUCT") or "从总分中扣" in text or rule.first("UNCAPPED"):
        reading.fields["overflow_to_total"] = True
    if "days_late" in kinds and "每次" in text and not re.search(r"每(?:逾期|迟报|推迟)?\d*[天日]", text):
        out["per_quantity"] = False           # 001 26 …报送材料的，每次扣0.2分: a late submission counts once
    return _count_step(rule, source, ctx, reading) or reading


def _count_step(rule: Rule, source: str, ctx: Ctx, reading: Reading) -> Reading | None:
    """A count against a target the text prints: 001 17 每年至少办理2件…每少完成一件…扣1分 → step_shortfall
    from 2, capped at missing them all; 加分项 (10) 完成<indicator>目标任务，每超额办理一件加0.2分 →
    step_surplus
    over the target the named indicator prints. None without such a target."""
    cases = rule.of("DEDUCT_EACH", "BONUS_EACH")
    if len(cases) != 1 or not re.search(r"每(?:少|超额)(?:完成|办理)?\d+(?:件|个|家|项|宗)",
                                        cases[0].text(source)):
        return None
    text = source
    target = count_target(text)
    if target is None:
        target = next((t for name, t in ctx.get("count_targets", {}).items()
                       if name and name != ctx.get("name") and name in text), None)
    if target is None:
        return None
    case = cases[0]
    step_ = next((n for n in case.numbers()), 1)
    amount = case.amount
    shortfall = case.sign() == "-"
    rule_: dict[str, Any] = {"shape": "step_shortfall" if shortfall else "step_surplus",
                             "direction": "higher_is_better", "step": step_, "amount_per_step": amount,
                             "rounding": "up" if shortfall else "down"}
    cap = rule.first("CAP") if shortfall else rule.first("BCAP")
    if cap is not None:
        rule_["cap"] = cap.amount
    elif shortfall:
        rule_["cap"] = num(str(round(target / step_ * amount, 6)))      # missing every one of them
    return Reading("count_step", rule_, {"measure": "ledger.count_done", "target": target})


def _bonus(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """Points added per event (每有1次加2分), per quantity (每超额完成1个行政村加0.2分) or once (项目成功
    落地加2分); several amounts by class; the cap (最高加N分 / 本项最高加N分)."""
    cases = rule.of("BONUS_EACH", "BONUS_COUNT", "BONUS_ONCE", "BONUS_LIST", "CLASS_BONUS")
    amounts = [a for c in cases for a in (c.amounts() or [0])]
    out: dict[str, Any] = {"shape": "per_event", "event_kinds": ["task_completed"], "amount": amounts[0]}
    cap = rule.first("BCAP", "ITEM_BCAP")
    if cap is not None:
        out["cap"] = cap.amount
    if _per_quantity(cases):
        out["per_quantity"] = True
    reading = Reading("per_event", out)
    if len(set(amounts)) > 1:
        classes = _classes(rule, cases, source)
        out["amount"] = min(classes.values())
        out["severity_amounts"] = classes
        reading.guess(f"同一条款按情形有多档分值（{'、'.join(f'{a:g}' for a in classes.values())} 分）："
                      "severity_amounts 的情形名取自原文，请与台账 severity 取值核对")
    return _count_step(rule, source, ctx, reading) or reading


def _each_capped(rule: Rule, source: str, ctx: Ctx) -> list[tuple[str, Reading]]:
    """001 5(7) …每家（次）扣0.5分；…每家（次）扣0.2分。每项最高扣1分。 → one rule per case, each capped."""
    cap = rule.first("EACH_CAP")
    assert cap is not None
    cap_text = cap.text(source)
    out = []
    start = rule.items[0].start
    for case in rule.of("DEDUCT_EACH", "DEDUCT_COUNT", "DEDUCT_ONCE", "DEDUCT_LIST"):
        piece = source[start:case.end]
        sub = Rule("deduction", [p for p in rule.items if start <= p.start < case.end])
        reading = _deduction(sub, source, {**ctx, "points": 0, "pool": True})
        if reading.rule is not None:
            reading.rule["cap"] = cap.amount
        out.append((piece + ("" if cap_text in piece else cap_text), reading))
        start = case.end
    return out


def _all_or_nothing(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """001 2(1) 完成…得1分，未完成不得分; 7(1)② …未完成不得分，另加扣2分 (extra_deduction)."""
    out: dict[str, Any] = {"shape": "all_or_nothing", "event_kinds": ["task_completed"]}
    reading = Reading("all_or_nothing", out)
    extra = rule.first("EXTRA_DEDUCT")
    if extra is not None:
        out["extra_deduction"] = extra.amount
        reading.fields["overflow_to_total"] = True
    return reading


def _city_all_or_nothing(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """001 2(2)① 桂林市完成…得1分，未完成各县（市、区）均不得分 → evaluated on the city."""
    return Reading("all_or_nothing", {"shape": "all_or_nothing", "event_kinds": ["task_completed"],
                                      "evaluate_on": "city"})


def _city_completed(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """001 4 桂林市完成自治区下达目标的，各县（市、区）均得2分 → the city's all_or_nothing; the clause's
    deductions then apply only when the city has not completed it (draft.py links them)."""
    return Reading("city_completed", {"shape": "all_or_nothing", "event_kinds": ["task_completed"],
                                      "evaluate_on": "city"})


def _earned(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """001 22(3) 开展环保设施向公众开放活动，得0.25分 (nothing deducted: earned by doing it)."""
    return Reading("earned", {"shape": "all_or_nothing", "event_kinds": ["task_completed"]})


def _once_voids(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """001 6(1)② …得1分。超标1次不得分; 8(2) 超量或地下水不达标的该项不得分 → per_event of the item's
    points, capped at them (any one finding voids the item)."""
    points = ctx.get("points") or (rule.first("AWARD").amount if rule.first("AWARD") else 0)
    if not points:
        return Reading("once_voids", None, status=UNPARSED,
                       reasons=["「一次…不得分」：本项分值未载明，无法换算"])
    return Reading("once_voids", {"shape": "per_event", "event_kinds": event_kinds(rule.text(source)),
                                  "amount": points, "cap": points})


def _step_target(rule: Rule, source: str, unit: str) -> float | int | None:
    """The target a step counts from: 不少于50万元 / 以…完成91%进行考核 / 完成率低于95% / 稳定在92%以上."""
    if unit in ("万元", "万"):
        found = next((p for p in rule.items if p.kind == "AT_LEAST" and p.has("MUNIT")), None)
        return found.numbers()[0] if found is not None else None
    text = rule.text(source)
    assessed = re.search(r"以[^)）]{0,12}?完成(\d+(?:\.\d+)?)%进行考核", text)
    if assessed:
        return num(assessed.group(1))
    rate = re.search(r"(?:完成率|达标率|比率|比例|覆盖率)低于(\d+(?:\.\d+)?)%", text)
    if rate:
        return num(rate.group(1))
    reached = [p for p in rule.items if p.kind == "REACHED" and p.has("PCT")]
    if reached:
        return reached[0].numbers()[0]
    level = re.search(r"(\d+(?:\.\d+)?)%(?:以上)?得\d", text)
    return num(level.group(1)) if level else None


def _step(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """001 5(1)① 每低0.1个百分点扣0.3分，最高扣3分; 7(5) 每低1个百分点（不到1个百分点的按1个百分点计）扣0.2分;
    23(1) 每少于5万元扣0.1分（不足5万元的按5万元计）; 加分 (11) 每增加10万元加0.1分（不足10万元部分不得加分）;
    a forest's 少一个百分点扣1分，直至扣完为止."""
    step_phrase = rule.first("STEP")
    assert step_phrase is not None
    toks = step_phrase.toks
    direction = next(t for t in toks if t.type in DIRECTIONS)
    at = toks.index(direction)
    number = next(t for t in toks[at:] if t.type == "NUM")
    unit = next(t for t in toks[toks.index(number):] if t.type in MEASURE_UNITS).value
    sign = step_phrase.sign()
    falls = direction.type in ("SHORT", "OP_LT", "IMPROVE")
    amount = step_phrase.amount
    amount_step = num(number.value)
    if sign == "-":
        shape, way = "step_shortfall", "higher_is_better" if falls else "lower_is_better"
    else:
        shape, way = "step_surplus", "lower_is_better" if falls else "higher_is_better"
    measure, sure = measure_of(rule.text(source) + ctx.get("name", ""), unit)
    if direction.value in NEUTRAL_GAP and measure in lexicon.directions():
        # 每差1微克/立方米扣0.5分: 差 says how far from the target, the measure says which way is worse
        way = lexicon.directions()[measure]
        if sign == "+":
            way = "higher_is_better" if way == "lower_is_better" else "lower_is_better"
    out: dict[str, Any] = {"shape": shape, "direction": way, "step": amount_step, "amount_per_step": amount}
    cap = rule.first("CAP") if sign == "-" else rule.first("BCAP")
    award = rule.first("AWARD")
    if cap is not None:
        out["cap"] = cap.amount
    elif (sign == "-" and rule.first("EXHAUST")) or (sign == "+" and rule.first("FILL")):
        if award is not None:
            out["cap"] = award.amount
        elif ctx.get("points"):
            out["cap"] = ctx["points"]
    # the rounding is said in brackets in the step or right after it: （不到1个百分点的按1个百分点计）
    after = re.split(r"[。;；]", source[step_phrase.end:], maxsplit=1)[0]
    brackets = " ".join(re.findall(r"[(]([^()]*)[)]", step_phrase.text(source) + after))
    if re.search(r"(?:不到|不足).{0,20}?按.{0,20}?计", brackets):
        out["rounding"] = "up"
    elif re.search(r"不足.{0,12}(?:部分不得加分|不计)", brackets):
        out["rounding"] = "down"
    else:
        out["rounding"] = "proportional" if sign == "-" else "down"
    reading = Reading("step", out)
    text = rule.text(source)
    if measure:
        reading.fields["measure"] = measure
    if not sure:
        reading.guess(f"考核指标（measure）推断为 {measure}，请确认" if measure
                      else "未识别考核指标（measure）")
    target = _step_target(rule, source, unit)
    if target is not None:
        reading.fields["target"] = target
        if sign == "-" and "cap" not in out and unit in ("万元", "万"):
            # 001 23(1) 安排不少于50万元…每少于5万元扣0.1分: nothing spent misses the whole target — the most
            # the clause can cost (50 / 5 × 0.1 = 1), made explicit
            out["cap"] = num(str(round(-(-target // amount_step) * amount, 6)))
    elif unit in ("个百分点", "百分点") and re.search(r"完成[^。；,，]{0,30}任务", text) \
            and measure == "ledger.completion_pct":
        reading.fields["target"] = 100
        reading.guess("目标值按「完成任务」= 100% 读取，请确认")
    elif measure and measure.startswith("air.") and ctx.get("targets", {}).get(measure) is not None:
        reading.fields["target"] = ctx["targets"][measure]
    else:
        reading.guess("目标值（target）未载明")
    return reading


def _tiers(rule: Rule, source: str, ctx: Ctx) -> Reading | None:
    """001 5(11)① PM2.5小时均值浓度高于75微克/立方米的，扣1分，高于115…扣2分，高于150…扣3分;
    加分项 (6)⑦ …≤35微克/立方米的，加1分. One plain 「低于80%的，扣2分」 is no tier: None."""
    text = rule.text(source)
    found = rule.of("TIER")
    ops = {"OP_GT": "gt", "OP_GE": "ge", "OP_LT": "lt", "OP_LE": "le"}
    out = []
    for p in found:
        op = next((t for t in p.toks if t.type in ops), None)
        value = p.numbers()[0]
        if op is None:                        # 提高20%的 / 下降5%的: at least that much
            out.append({"op": "ge", "value": value,
                        "points": num(str(p.amount * (-1 if p.sign() == "-" else 1)))})
            continue
        out.append({"op": ops[op.type], "value": value,
                    "points": num(str(p.amount * (-1 if p.sign() == "-" else 1)))})
    if len(found) == 1 and found[0].toks[0].value not in ("≤", "≥", "<", ">") and "微克" not in text:
        return None
    if found and found[0].toks[0].type not in ops and len(found) == 1:
        return None
    if "每" in text:
        return None
    if all(t["op"] in ("gt", "ge") for t in out):
        out.sort(key=lambda t: -t["value"])
    elif all(t["op"] in ("lt", "le") for t in out):
        out.sort(key=lambda t: t["value"])
    reading = Reading("tiers", {"shape": "tiers", "tiers": out})
    if "除夕" in text and "PM2.5" in text:
        reading.fields["measure"] = "air.fireworks_pm2_5_mean"
    else:
        measure, sure = measure_of(text + ctx.get("name", ""), None)
        if measure:
            reading.fields["measure"] = measure
        if not sure:
            reading.guess("分档：未识别考核指标（measure）")
    return reading


def _after(p: Phrase, kind: str) -> float | int:
    """The first number after a word of the phrase (后10位 → 10)."""
    at = next(n for n, t in enumerate(p.toks) if t.type == kind)
    return num(next(t.value for t in p.toks[at:] if t.type == "NUM"))


def _ranked(text: str) -> list[tuple[int, str, str]]:
    return sorted((text.find(w), code, d) for w, (code, d) in lexicon.ranked().items() if w in text)


def _peers(text: str) -> str:
    peers = re.search(r"全(?:区|市|省)(\d+)个(?:县区|县（市、区）|县\(市、区\)|县)", text)
    return f"peers{peers.group(1) if peers else ''}"


def _ranking(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """001 5(1)④ 排名全区75个县区后10位的（含并列），每项指标扣0.3分，…后3位的…扣0.6分
    （指标同比提升达到3%以上的，该项指标不扣分）."""
    text = rule.text(source)
    out: dict[str, Any] = {"shape": "ranking", "peer_group": _peers(text), "indicator": "",
                           "direction": "higher_is_better", "mode": "bottom_n"}
    out["bottom"] = [{"n": int(_after(p, "BOTTOM")), "points": p.amount} for p in rule.of("RANK_BOTTOM")]
    exempt = rule.first("EXEMPT")
    if exempt is not None:
        out["exempt_improvement_pct"] = next(n for n in exempt.numbers())
    return _ranked_indicator(Reading("ranking", out), text)


def _ranked_indicator(reading: Reading, text: str) -> Reading:
    rule = reading.rule
    assert rule is not None
    named = _ranked(text)
    if re.search(r"\d项指标", text) and len(named) >= 2:
        reading.fields["indicators"] = list(dict.fromkeys((c, d) for _, c, d in named))
        return reading.guess("排名：比较范围与各项指标按原文读取，请核对 peer_groups（名称、数量）")
    if len(named) == 1:
        rule["indicator"], rule["direction"] = named[0][1], named[0][2]
        return reading.guess("排名：比较范围与指标按原文读取，请核对 peer_groups")
    return reading.guess("排名：需定义 peer_groups 中的比较范围并指定排名指标 indicator 与方向")


def _rank_change(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """001 6(5)④ 每下降1名扣0.3分，最高扣3分; 加分 (6)② 提高1名加0.1分."""
    text = rule.text(source)
    change = rule.first("RANK_CHANGE")
    assert change is not None
    out: dict[str, Any] = {"shape": "ranking", "peer_group": _peers(text), "indicator": "",
                           "direction": "higher_is_better", "mode": "rank_change", "per_place": change.amount}
    cap = rule.first("BCAP", "ITEM_BCAP") if change.sign() == "+" else rule.first("CAP")
    if cap is not None:
        out["cap"] = cap.amount
    return _ranked_indicator(Reading("ranking", out), text)


def _rank_places(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """Points by the unit's place: 加分项 (7)① 排名全市第一的加3分，排名第二的加2分…;
    6(5)④ 排名倒数第一的扣3分… → per_event whose classes are the places; places from the bottom →
    ranking bottom_n."""
    text = rule.text(source)
    classes: dict[str, float | int] = {}
    for p in rule.of("RANK_PLACE"):
        place = next(t.value for t in p.toks if t.type == "ORD")
        bottom = any(t.type == "BOTTOM" for t in p.toks)
        name = ("倒数" if bottom else "") + place
        if p.has("PLACE") and not bottom and False:
            name += "名"
        classes[name] = p.amount
    bonus = rule.of("RANK_PLACE")[0].sign() == "+"
    places = [re.fullmatch(r"倒数第([一二三四五六七八九十]+)", k) for k in classes]
    if not bonus and all(places):
        named = _ranked(text)
        out = {"shape": "ranking", "peer_group": "peers", "indicator": named[0][1] if named else "",
               "direction": named[0][2] if named else "higher_is_better", "mode": "bottom_n",
               "bottom": [{"n": cn_int(m.group(1)), "points": v}
                          for m, v in zip(places, classes.values(), strict=True) if m]}
        return Reading("ranking", out).guess(
            "排名（倒数名次）：需定义 peer_groups 中的比较范围，请核对排名指标")
    out2: dict[str, Any] = {"shape": "per_event",
                            "event_kinds": ["task_completed"] if bonus else event_kinds(text),
                            "amount": min(classes.values()), "severity_amounts": classes}
    cap = rule.first("BCAP") if bonus else rule.first("CAP")
    if cap is not None:
        out2["cap"] = cap.amount
    return Reading("rank_places", out2).guess(
        "按名次加（扣）分：名次记作台账的 severity（情形名取自原文），排名范围与指标请核对")


def _escalation(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """001 5(10) 同台锅炉第一次扣0.2分，第二次扣0.5分，第三次及以上扣1分。最多扣2分; another case of the
    clause (应当整治而没有整治的，每台扣1分) is a class of its own."""
    text = rule.text(source)
    steps = [p.amount for p in rule.of("ESCALATION")]
    out: dict[str, Any] = {"shape": "per_event", "event_kinds": event_kinds(text), "amount": steps[0],
                           "escalation": steps}
    cap = rule.first("CAP")
    if cap is not None:
        out["cap"] = cap.amount
    reading = Reading("escalation", out)
    cases = rule.of("DEDUCT_EACH")
    if cases:
        out["severity_amounts"] = {_case_name(rule, c, source): c.amount for c in cases}
        reading.guess("逐次加重之外另有按次扣分的情形：读作 severity_amounts，情形名取自原文，请与台账核对")
    return reading


def _lateness(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """003 三.16(7)④ 推迟30天扣50%分数，…推迟30天以上扣80%分数 (or 逾期1-30天的，按比例扣至50%)."""
    within = beyond = None
    for p in rule.of("LATE"):
        values = p.numbers()
        share = num(values[-1]) / 100
        if p.has("OP_GE"):
            beyond = share
        else:
            days = int(values[1] if p.has("RANGE_SEP") else values[0])
            within = (days, share)
    if within is None or beyond is None:
        return Reading("lateness", None, status=UNPARSED,
                       reasons=["逾期扣分：未读全期限内与期限外的扣分比例"])
    return Reading("lateness", {"shape": "lateness", "within_days": within[0], "within_share": within[1],
                                "beyond_share": beyond}, {"measure": "ledger.days_late"})


def _monthly_waiver(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """003 一.1 部分月份水质不达标的,每月次分别扣5分;水质反弹为劣Ⅴ类的,每月次10分 … 年均值达到年度目标的,
    月度扣分免扣 … 升类的,每个断面加5分,加分不超过20分."""
    monthly = rule.first("MONTHLY")
    worst = rule.first("WORST_MONTH")
    assert monthly is not None and worst is not None
    out: dict[str, Any] = {"shape": "monthly_waiver", "per_month": monthly.amount,
                           "per_worst_month": worst.amount}
    up = rule.first("CLASS_BONUS")
    if up is not None:
        out["per_class_improved"] = up.amount
        cap = rule.first("BCAP")
        if cap is not None:
            out["bonus_cap"] = cap.amount
    if rule.first("EXHAUST") and ctx.get("points"):
        out["cap"] = ctx["points"]
    return Reading("monthly_waiver", out).guess(
        "按月扣分免扣：需指定 months_below_measure / months_worst_measure / annual_met_measure"
        "（及 improvement_measure；免扣月份也要列出时 months_below_all_measure / months_worst_all_measure）"
        "所读的断面指标")


def _station_outlier(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """001 5(1)⑤ 单个国控站点日均值较高（高出其他站点平均值5%以上）…每出现1天，扣…1分，扣分不封顶."""
    day = rule.first("OUTLIER_DAY")
    assert day is not None
    out: dict[str, Any] = {"shape": "station_outlier_days", "amount_per_day": day.amount}
    cap = rule.first("CAP")
    if cap is not None:
        out["cap"] = cap.amount
    fields: dict[str, Any] = {"measure": "air.station_outlier_days"}
    if rule.first("UNCAPPED"):
        fields["overflow_to_total"] = True
    return Reading("station_outlier_days", out, fields)


def _interpolation_targets(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """003 二.2 达到力争目标值,得60分;达到确保目标值,得54分;在确保值和力争值之间的,按比例得分;
    未达到确保目标值的,每差1个百分点扣2分(其中…≥90%的部分,每差1个百分点扣1分)."""
    strive, ensure = rule.first("STRIVE_AWARD"), rule.first("ENSURE_AWARD")
    assert strive is not None and ensure is not None
    out: dict[str, Any] = {"shape": "interpolation", "anchors": [{"points": ensure.amount},
                                                                 {"points": strive.amount}]}
    steps = rule.of("STEP")
    text = rule.text(source)
    floor = re.search(r"≥\s*(\d+(?:\.\d+)?)%的部分", text)
    if steps and floor and len(steps) >= 2:
        out.update({"below_per_unit": steps[1].amount, "below_floor_value": num(floor.group(1)),
                    "below_per_unit_under_floor": steps[0].amount})
    elif steps:
        out["below_per_unit"] = steps[0].amount
    measure, _ = measure_of(text + ctx.get("name", ""), None)
    reading = Reading("interpolation_targets", out, {"measure": measure} if measure else {})
    reading.guess("确保值、力争值的数值未载明：请填写 anchors 的 value（确保值在前）")
    if not measure:
        reading.guess("未识别考核指标（measure）")
    return reading


def _interpolation_rate(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """003 一.4(1) 达标率达到100%,得分10分;达标率低于90%的,得0分;90%≤达标率<100%的 … 按比例."""
    top, low = rule.first("RATE_AWARD"), rule.first("RATE_VOID")
    assert top is not None and low is not None
    out = {"shape": "interpolation", "anchors": [{"value": low.numbers()[0], "points": 0},
                                                 {"value": top.numbers()[0], "points": top.amount}]}
    text = rule.text(source)
    reading = Reading("interpolation_rate", out)
    measure, sure = measure_of(text + ctx.get("name", ""), "%")
    if "饮用水" in text or "水源地" in text:
        reading.fields["measure"] = "water.drinking_water_attainment_rate"
        if "备用" in text:
            reading.fields["measure"] = "water.backup_drinking_water_attainment_rate"
        reading.guess("考核指标（measure）按「饮用水源地达标率」推断，请确认")
    elif measure:
        reading.fields["measure"] = measure
        if not sure:
            reading.guess(f"考核指标（measure）推断为 {measure}，请确认")
    return reading


def _interpolation_around_target(rule: Rule, source: str, ctx: Ctx) -> Reading | None:
    """003 二.3 达到考核要求,得16分;…每改善1微克/立方米,加2分,加满为止;每增加1微克/立方米,扣3分,扣完为止
    → anchors around the target T: T − (P−B)/A·S → P, T → B, T + B/D·S → 0."""
    points = ctx.get("points")
    base = rule.first("REQUIREMENT_AWARD")
    better, worse = rule.of("STEP")[:2]
    if not points or base is None:
        return None
    b = base.amount
    step_up, a = next(n for n in better.numbers()), better.amount
    step_down, d = next(n for n in worse.numbers()), worse.amount
    up = round((points - b) / a * step_up, 4)
    down = round(b / d * step_down, 4)
    out = {"shape": "interpolation", "below_per_unit": 0,
           "anchors": [{"points": points}, {"points": b}, {"points": 0}]}
    measure, _ = measure_of(rule.text(source) + ctx.get("name", ""), None)
    reading = Reading("interpolation_around_target", out, {"measure": measure} if measure else {})
    return reading.guess(f"考核目标值 T 未载明：anchors 的 value 依次为 T−{up:g}、T、T+{down:g}")


def _grade_points(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """003 一.2(1) 评定等级达到优秀、良好、合格、…五个等次,分别得基本分60、45、30、10和0分 → tiers on the
    grade number (1 = best)."""
    listed = rule.first("AWARD_LIST")
    assert listed is not None
    values = listed.amounts()
    tiers_ = [{"op": "eq", "value": k, "points": num(str(v - values[0]))} for k, v in enumerate(values, 1)]
    return Reading("grade_points", {"shape": "tiers", "tiers": tiers_}).guess(
        f"等次得分：等次按 1（最好）…{len(values)} 编号，需指定读取等次的指标（measure）")


def _target_threshold(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """003 二.4 低于考核目标值得20分,高于考核目标值不得分 → any excess over the target costs the whole
    item."""
    award = rule.first("TARGET_AWARD")
    assert award is not None
    points = award.amount
    lower = award.toks[0].type in ("OP_LT", "OP_LE")
    reading = Reading("threshold", {"shape": "step_shortfall", "direction": "lower_is_better" if lower
                                    else "higher_is_better", "step": 1, "amount_per_step": points,
                                    "cap": points, "rounding": "up"})
    measure, sure = measure_of(rule.text(source) + ctx.get("name", ""), None)
    if measure:
        reading.fields["measure"] = measure
    if not sure:
        reading.guess("未识别考核指标（measure）")
    return reading.guess("考核目标值未载明：请填写 target 或 targets；step 1 按「超出即扣」读取，请确认单位")


def _proportional(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """001 5(4)① 按完成比例得分; 6(2)② 未完成的按实际完成项目的比例计分，完成率低于80%的，该项不得分;
    a forest's 低于100%，得分=任务完成率×10分."""
    out: dict[str, Any] = {"shape": "proportional"}
    floor = rule.first("RATE_VOID")
    if floor is not None:
        out["floor_pct"] = floor.numbers()[0]
    reading = Reading("proportional", out, {"measure": "ledger.completion_pct"})
    # full points at a level below 100 % (造林成活率达95%，得10分，低于95%，得分=造林成活率×10分) is not
    # points × rate: the rate-proportional reading would take points off at 96 %
    levels = [n for p in rule.items if p.kind in ("REACHED", "RATE_AWARD") for n in p.numbers()[:1]]
    levels += [num(m) for m in re.findall(r"(\d+(?:\.\d+)?)%", rule.text(source))]
    if any(level not in (100,) for level in levels if level > 50) and floor is None:
        reading.guess("满分所需的完成率不是100%：按比例得分（分值×完成率）与原文的起点不同，请核对")
    return reading


def _veto(rule: Rule, source: str, ctx: Ctx) -> Reading:
    return Reading("veto", {"shape": "veto", "grade": "不合格"}).guess(
        "一票否决：按「不合格」等次读取，请确认等次名称")


def _grade_result(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """001 21(2) 具有以下情形之一的，考核结果为“不合格”."""
    found = rule.first("GRADE_RESULT")
    assert found is not None
    grade = next(t.value for t in found.toks if t.type == "QUOTED").strip("“”\"'")
    return Reading("veto", {"shape": "veto", "grade": grade})


def _grade_cap(rule: Rule, source: str, ctx: Ctx) -> Reading:
    found = rule.first("GRADE_CAP")
    assert found is not None
    grade = next(t.value for t in found.toks if t.type == "GRADE")
    lower = {"优秀": "良好", "良好": "合格", "合格": "不合格"}.get(grade, "不合格")
    return Reading("grade_cap", {"shape": "grade_cap", "max_grade": lower}).guess(
        f"不得评为{grade}：最高等次读作「{lower}」，请确认")


def _for_a_person(why: str) -> Callable[[Rule, str, Ctx], Reading]:
    def build(rule: Rule, source: str, ctx: Ctx) -> Reading:
        return Reading(rule.kind, None, status=UNPARSED, reasons=[why])
    return build


BUILDERS: dict[str, Callable[[Rule, str, Ctx], Any]] = {
    "veto": _veto, "grade_result": _grade_result, "grade_cap": _grade_cap,
    "monthly_waiver": _monthly_waiver, "station_outlier": _station_outlier, "lateness": _lateness,
    "interpolation_targets": _interpolation_targets, "interpolation_rate": _interpolation_rate,
    "interpolation_around_target": _interpolation_around_target, "grade_points": _grade_points,
    "target_threshold": _target_threshold, "tiers": _tiers, "ranking": _ranking, "rank_places": _rank_places,
    "rank_change": _rank_change, "escalation": _escalation, "step_rule": _step,
    "proportional_rule": _proportional, "deduction": _deduction, "bonus": _bonus,
    "all_or_nothing": _all_or_nothing, "city_completed": _city_completed,
    "city_all_or_nothing": _city_all_or_nothing, "once_voids": _once_voids, "earned": _earned,
    "judged": _for_a_person("评分需人工判定（酌情 / 按实际情况 / 分值区间）：请写明规则"),
    "delegated": _for_a_person("评分标准在另一文件中（详见…）：请按该文件写明规则"),
    "formula": _for_a_person("按公式或比例换算计分（=、×、按…比例加分）："
                             "ecoscore 没有对应的规则形状，请人工确定"),
}
FOR_A_PERSON = ("judged", "delegated", "formula")
# a rule of these kinds reads the whole clause (its other sentences are its details)
WHOLE = ("monthly_waiver", "station_outlier", "lateness", "interpolation_targets", "interpolation_rate",
         "interpolation_around_target", "grade_points", "target_threshold", "tiers", "ranking", "escalation")
DELEGATION = re.compile(r"按照[^。;；]{0,40}(?:标准|办法|细则|规定)(?:进行|执行)|详见《")
# a clause that says what is assessed rather than what must be done (考核…情况 / 主要考核…)
DESCRIBES = re.compile(r"^(?:主要)?(?:考核|考评|评价|评估|检查)(?!组|办|工作)|情况[。.]?$")
# a clause that names no rule but holds one of these says something about points: flagged, not a task
SCORING_WORD = re.compile(r"扣\s*\d|[加奖]\s*\d|得\s*\d|不得分|不计分|一票否决|折算|[得计评加扣]分|"
                          r"平均数|加权")


def read_rules(text: str, ctx: Ctx) -> list[tuple[str, Reading]]:
    """A clause (normalized) → [(the words of one rule, its reading)]: one reading per rule the grammar
    finds; a clause that names no rule but holds scoring words → not parsed; a clause with no scoring
    word at all and points of its own (a task: 「建立…台帐（5分）」) → done or not (all_or_nothing)."""
    items = phrases(text)
    rules, stray = rules_of(items)
    rules = [part for rule in rules for part in _split_awards(rule)]
    for k in range(len(rules) - 1, 0, -1):
        if rules[k].kind == "escalation" and rules[k - 1].kind == "deduction":
            # 001 5(10) 应当整治而没有整治的，每台扣1分；…同台锅炉第一次扣0.2分…: another case of the
            # escalation
            rules[k - 1:k + 1] = [Rule("escalation", rules[k - 1].items + rules[k].items)]
    out: list[tuple[str, Reading]] = []
    whole: list[Reading] = []
    titled: list[tuple[str, Reading]] = []
    for rule in rules:
        if rule.kind == "each_capped":
            out += _each_capped(rule, text, ctx)
            continue
        reading = BUILDERS[rule.kind](rule, text, ctx)
        if reading is None:                    # a form that does not hold here: read its cases plainly
            reading = _fallback(rule, text, ctx)
        awards = [p.amount for p in rule.of("AWARD")]
        if awards and reading.points is None:
            reading.points = num(str(round(sum(awards), 6)))
        out.append((rule.text(text), reading))
        if rule.kind in WHOLE:
            whole.append(reading)
        award = rule.first("AWARD")
        if rule.kind == "earned" and award is not None and award.toks[0].type in ("LPAR", "NUM"):
            titled.append(out[-1])
    # 「用水总量（1分）…」「…设立工作，1分。」: points stated for the clause, not a rule, when it has rules
    if titled and len(out) > len(titled):
        out = [piece for piece in out if piece not in titled]
    elif titled:
        # 「扬尘治理(9分)。考核建筑施工…落实情况。」: its points, and what is assessed — no rule
        body = re.sub(r"^[^。:：]{0,30}?[(]\d+(?:\.\d+)?分[)][。:：]?", "", text).strip()
        if DESCRIBES.search(body):
            return [(text, Reading("none", None, status=UNPARSED,
                                   reasons=["条款只说明考核什么（考核…情况），未说明如何计分：请写明规则"]))]
    if whole:
        # the clause is this rule; its other sentences are its details (003 二.2 …，扣完为止)
        reading = whole[0]
        others = [r for _, r in out if r is not reading]
        if any(r.rule and r.pattern not in ("earned",) for r in others):
            reading.guess("条款中另有评分规则，已按整条读作一种规则，请核对")
        out = [(text, reading)]
    if not out:
        # a condition left over (达到…目标, 至少…) holds no points: not a scoring word by itself
        pointed = [p for p in stray
                   if p.kind not in ("REACHED", "AT_LEAST", "OTHERWISE", "NO_DEDUCT", "EXCUSED")]
        if SCORING_WORD.search(text) or pointed:
            return [(text, Reading("none", None, status=UNPARSED, reasons=["没有读出的评分规则句式"]))]
        body = re.sub(r"^[^。:：]{0,30}?[(]\d+(?:\.\d+)?分[)][。:：]?", "", text).strip()
        if DESCRIBES.search(body):
            # 「考核建筑施工…等扬尘防治措施落实情况」: what is assessed, not a task done or not
            return [(text, Reading("none", None, status=UNPARSED,
                                   reasons=["条款只说明考核什么（考核…情况），未说明如何计分：请写明规则"]))]
        if ctx.get("points"):
            return [(text, Reading("task", {"shape": "all_or_nothing", "event_kinds": ["task_completed"]}))]
        return [(text, Reading("none", None, status=UNPARSED, reasons=["没有评分规则，也没有分值"]))]
    # 以上每项最高加1分 after rules of its own sign: each rule's cap
    for cap in [p for p in stray if p.kind == "EACH_CAP"]:
        capped = [r for _, r in out if r.rule and r.rule.get("shape") in ("per_event", "step_shortfall",
                  "step_surplus") and ("+" if r.rule.get("shape") == "step_surplus"
                  or "task_completed" in r.rule.get("event_kinds", []) else "-") == cap.sign()]
        for reading in capped:
            reading.rule.setdefault("cap", cap.amount)      # type: ignore[union-attr]
        if capped:
            stray.remove(cap)
    # what was left unread is said: a scoring word no rule took flags every rule of the clause — a
    # stray phrase, or 扣分 / 加分 without its points inside a condition (超年度控制目标要求的扣分)
    loose = [p.text(text) for p in stray if p.kind not in ("OTHERWISE", "NO_DEDUCT", "EXCUSED", "NO_BONUS")]
    loose += [p.text(text) for p in items if p.kind == "COND" and unread_sign(p)]
    if loose:
        words = "、".join(dict.fromkeys(loose))
        for _, reading in out:
            reading.guess(f"条款中有未读出的评分用语：{words}")
    if any(rule.kind in FOR_A_PERSON for rule in rules) and len(out) > 1:
        for _, reading in out:
            if reading.rule is not None:
                reading.guess("同一条款另有需人工判定的部分（公式、比例换算或酌情）：本规则或只适用于部分情形，请核对")
    if DELEGATION.search(text):
        for _, reading in out:
            if reading.rule is not None:
                reading.guess("评分标准引用其他文件（按照…进行 / 详见…）：请按该文件核对规则")
    return out


def unread_sign(p: Phrase) -> bool:
    """「…的扣分」 / 「…的，加分」 ending a sentence among plain words: points taken or added for a case,
    the amount not said (超年度控制目标要求的扣分;) — not 被…扣分的, 在原扣分基础上, 从…得分中扣分."""
    toks = p.toks
    for n, t in enumerate(toks[:-1]):
        if t.type not in ("DEDUCT", "ADD") or toks[n + 1].type != "FEN":
            continue
        ends = n + 2 == len(toks) or toks[n + 2].type in ("STOP", "COMMA")
        before = [x for x in toks[:n] if x.type != "COMMA"]
        if ends and before and before[-1].value.endswith("的"):
            return True
    return False


def _split_awards(rule: Rule) -> list[Rule]:
    """Awards then 不得分: in a sentence of its own the void takes every award before it (001 7(2)①
    …得1分；…得1分。未完成不得分); run on after the last award (…，得10分，没有中转站不得分) it is that
    award's, and the awards before it are points earned of their own."""
    awards = [n for n, p in enumerate(rule.items)
              if p.kind == "AWARD" and p.toks[0].type in ("EARN", "DEFEN")]
    void = next((n for n, p in enumerate(rule.items) if p.kind == "VOID"), None)
    if rule.kind != "all_or_nothing" or len(awards) < 2 or void is None or void < awards[-1]:
        return [rule]
    between = rule.items[awards[-1] + 1:void]
    if any(t.type == "STOP" for p in between for t in p.toks):
        return [rule]
    out, start = [], 0
    for n in awards[:-1]:
        out.append(Rule("earned", rule.items[start:n + 1]))
        start = n + 1
    return [*out, Rule("all_or_nothing", rule.items[start:])]


def _fallback(rule: Rule, source: str, ctx: Ctx) -> Reading:
    """A tier of one (「低于80%的，扣2分」) or an interpolation without its points read as the plain
    deduction or points it states."""
    sign = next((p.sign() for p in rule.items if p.sign()), "-")
    cases = [Phrase("DEDUCT_ONCE" if sign == "-" else "BONUS_ONCE", p.toks, p.tree)
             for p in rule.items if p.kind in ("TIER", "STEP")]
    items = [Phrase("DEDUCT_ONCE" if sign == "-" else "BONUS_ONCE", p.toks, p.tree)
             if p.kind in ("TIER",) else p for p in rule.items]
    if cases:
        plain = Rule("deduction" if sign == "-" else "bonus", items)
        return (_deduction if sign == "-" else _bonus)(plain, source, ctx)
    return Reading(rule.kind, None, status=UNPARSED, reasons=["没有读出的评分规则句式"])


def read_clause(text: str, ctx: Ctx) -> Reading:
    """The clause's first rule (the clause read as one)."""
    return read_rules(text, ctx)[0][1]


def case_phrase(text: str) -> str:
    """The phrase naming a listed case: 「①30天内未到现场核查相关情况和上报的，每起扣0.4分」→
    30天内未到现场核查相关情况和上报."""
    items = phrases(text)
    for rule in rules_of(items)[0]:
        for case in rule.items:
            if case.kind in ("DEDUCT_EACH", "DEDUCT_COUNT", "DEDUCT_ONCE", "BONUS_EACH", "BONUS_ONCE"):
                return _case_name(rule, case, text)
    return _clean(text)[-24:]
