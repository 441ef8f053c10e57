"""The grammar of scoring clauses: each pattern reads one way a government writes a rule and
returns the rule shape with its parameters (pipelines/scheme/scheme_schema.yaml). Patterns are
tried in order; the first that matches a sentence wins. Text is normalized first (numbers.py).

Each pattern names the seed clause it was written from (tests/test_scheme_draft.py quotes it)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipelines.scheme.draft.numbers import cn_int

N = r"(\d+(?:\.\d+)?)"
PARSED, GUESSED, UNPARSED = "parsed", "guessed", "not_parsed"


@dataclass
class Reading:
    """What one clause says: its rule, item fields (measure, target, overflow …), how sure the
    reading is, and why a person must look at it."""
    pattern: str
    rule: dict[str, Any] | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    status: str = PARSED
    reasons: list[str] = field(default_factory=list)

    def guess(self, reason: str) -> Reading:
        self.status = GUESSED if self.status == PARSED else self.status
        self.reasons.append(reason)
        return self


def num(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


# ---------------------------------------------------------------- caps and small readings

def deduction_cap(text: str) -> float | int | None:
    """最高扣3分 / 最多扣1分 / 扣完1分为止 / 扣分不超过… (001 5(1)①, 2(3)) → 3."""
    m = re.search(rf"(?:最高|最多)(?:扣|扣减){N}分|扣完{N}分为止|扣分不超过{N}分", text)
    if not m:
        return None
    return num(next(g for g in m.groups() if g))


def bonus_cap(text: str) -> float | int | None:
    """最高加1分 / 最多加1分 / 加分不超过20分 / 加分上限不超过10分 (001 加分项)."""
    m = re.search(rf"(?:最高|最多)加{N}分|加分(?:上限)?不超过{N}分", text)
    return num(next(g for g in m.groups() if g)) if m else None


def to_exhaustion(text: str) -> bool:
    """扣完为止 / 扣分扣完为止 (the item's own points are the cap)."""
    return bool(re.search(r"扣完为止", text))


def to_full(text: str) -> bool:
    return bool(re.search(r"加满为止", text))


EVENT_WORDS: tuple[tuple[str, str], ...] = (
    ("火点", "fire_point"), ("举报", "complaint"), ("投诉", "complaint"), ("信访", "complaint"),
    ("约谈", "interview"), ("督办", "supervision"), ("通报", "notice"), ("批示", "notice"),
    ("突发环境事件", "incident"), ("群体性事件", "incident"), ("污染天气", "incident"),
    ("整改", "rectification"), ("违法", "violation"), ("处罚", "violation"),
    ("漏报", "days_late"), ("迟报", "days_late"), ("未按时报送", "days_late"), ("报送材料", "days_late"),
)


def event_kinds(text: str) -> list[str]:
    """The ledger event kinds a clause counts, from its words;检查发现 when none is named."""
    kinds: list[str] = []
    for word, kind in EVENT_WORDS:
        if word in text and kind not in kinds:
            kinds.append(kind)
    return kinds or ["inspection_finding"]


MEASURES: tuple[tuple[str, str], ...] = (
    ("优良天数", "air.good_day_ratio"), ("PM2.5", "air.pm2_5_annual_mean"),
    ("PM10", "air.pm10_annual_mean"), ("细颗粒物", "air.pm2_5_annual_mean"),
    ("可吸入颗粒物", "air.pm10_annual_mean"), ("降尘", "air.dustfall_mean"),
)


def measure_of(text: str, unit: str | None) -> tuple[str | None, bool]:
    """(measure code, sure?) for a measured rule: air measures by name; else the ledger measure
    the unit of the step implies (万元 → amount, 个百分点 → completion %, 件/个 → count)."""
    for word, code in MEASURES:
        if word in text:
            return code, True
    if unit in ("万元", "万", "元"):
        return "ledger.amount_wan", True
    if unit in ("件", "个", "家", "项", "次"):
        return "ledger.count_done", False
    if unit in ("个百分点", "百分点", "%"):
        return "ledger.completion_pct", False
    return None, False


# ---------------------------------------------------------------- patterns

def veto(text: str, ctx: dict[str, Any]) -> Reading | None:
    """001 21(2) 具有以下情形之一的，考核结果为“不合格” / 一票否决 / 不得评为优秀."""
    m = re.search(r"考核结果(?:为|定为|确定为)[“\"']?([^”\"'，,。；]{2,4})[”\"']?", text)
    if m:
        return Reading("veto", {"shape": "veto", "grade": m.group(1)})
    if "一票否决" in text:
        return Reading("veto", {"shape": "veto", "grade": "不合格"}).guess(
            "一票否决：按「不合格」等次读取，请确认等次名称")
    m = re.search(r"不得(?:评|确定|定)为[“\"']?(优秀|良好|合格)", text)
    if m:
        lower = {"优秀": "良好", "良好": "合格", "合格": "不合格"}[m.group(1)]
        return Reading("grade_cap", {"shape": "grade_cap", "max_grade": lower}).guess(
            f"不得评为{m.group(1)}：最高等次读作「{lower}」，请确认")
    return None


def station_outlier(text: str, ctx: dict[str, Any]) -> Reading | None:
    """001 5(1)⑤ 单个国控站点日均值较高（高出其他站点平均值5%以上）…每出现1天，扣…1分，扣分不封顶."""
    m = re.search(rf"站点.{{0,40}}高出其他站点平均值.{{0,80}}每出现1天.{{0,20}}?扣[^,，。\d]{{0,12}}{N}分",
                  text, re.S)
    if not m:
        return None
    rule: dict[str, Any] = {"shape": "station_outlier_days", "amount_per_day": num(m.group(1))}
    cap = deduction_cap(text)
    if cap is not None:
        rule["cap"] = cap
    fields: dict[str, Any] = {"measure": "air.station_outlier_days"}
    if "不封顶" in text:
        fields["overflow_to_total"] = True
    return Reading("station_outlier_days", rule, fields)


def monthly_waiver(text: str, ctx: dict[str, Any]) -> Reading | None:
    """003 一.1 部分月份水质不达标的,每月次分别扣5分;水质反弹为劣Ⅴ类的,每月次10分 …
    年均值达到年度目标的,月度扣分免扣 … 升类的,每个断面加5分,加分不超过20分."""
    month = re.search(rf"每月次(?:分别)?扣{N}分", text)
    worst = re.search(rf"劣[ⅤV5]类的?[,，]?每月次(?:扣)?{N}分", text)
    waive = re.search(r"年均值达到.{0,10}(?:免扣|不扣)", text)
    if not (month and worst and waive):
        return None
    rule: dict[str, Any] = {"shape": "monthly_waiver", "per_month": num(month.group(1)),
                            "per_worst_month": num(worst.group(1))}
    up = re.search(rf"升类的?[,，]?每个断面加{N}分", text)
    if up:
        rule["per_class_improved"] = num(up.group(1))
        cap = bonus_cap(text)
        if cap is not None:
            rule["bonus_cap"] = cap
    if to_exhaustion(text) and ctx.get("points"):
        rule["cap"] = ctx["points"]
    return Reading("monthly_waiver", rule).guess(
        "按月扣分免扣：需指定 months_below_measure / months_worst_measure / annual_met_measure"
        "（及 improvement_measure；免扣月份也要列出时 months_below_all_measure / months_worst_all_measure）"
        "所读的断面指标")


def lateness(text: str, ctx: dict[str, Any]) -> Reading | None:
    """003 三.16(7)④ 规定时间完成得满分;推迟30天扣50%分数,推迟1-30天按比例扣分,推迟30天以上扣80%分数
    (also written 逾期1-30天的，按比例扣至50%；逾期30天以上的，扣80%)."""
    late = r"(?:逾期|推迟|延期)"
    within = re.search(rf"{late}(\d+)天(?:的)?[,，]?扣(?:至|到|减)?{N}%", text) \
        or re.search(rf"{late}\d+\s*[-—~至到]\s*(\d+)天[^;；。]{{0,12}}?扣(?:至|到|减至)?{N}%", text)
    beyond = re.search(rf"{late}\d+天以上[^;；。]{{0,6}}?扣(?:除|减)?{N}%", text)
    if not (within and beyond):
        return None
    return Reading("lateness", {"shape": "lateness", "within_days": int(within.group(1)),
                                "within_share": num(within.group(2)) / 100,
                                "beyond_share": num(beyond.group(1)) / 100},
                   {"measure": "ledger.days_late"})


def grade_points(text: str, ctx: dict[str, Any]) -> Reading | None:
    """003 一.2(1) 评定等级达到优秀、良好、合格、…五个等次,分别得基本分60、45、30、10和0分 → tiers on
    the grade number (1 = best): 1 → 0, 2 → −15, 3 → −30, 4 → −50, 5 → −60."""
    m = re.search(r"分别得(?:基本分)?((?:\d+(?:\.\d+)?[、,，])+\d+(?:\.\d+)?和\d+(?:\.\d+)?)分", text)
    if not m:
        return None
    values = [num(v) for v in re.findall(r"\d+(?:\.\d+)?", m.group(1))]
    tiers_ = [{"op": "eq", "value": k, "points": num(str(v - values[0]))} for k, v in enumerate(values, 1)]
    return Reading("grade_points", {"shape": "tiers", "tiers": tiers_}).guess(
        f"等次得分：等次按 1（最好）…{len(values)} 编号，需指定读取等次的指标（measure）")


def interpolation_around_target(text: str, ctx: dict[str, Any]) -> Reading | None:
    """003 二.3 达到考核要求,得16分;在考核目标的基础上每改善1微克/立方米,加2分,加满为止;
    每增加1微克/立方米,扣3分,扣完为止(不足1微克/立方米的,按比例加扣分) → anchors around the
    target T: T − (P−B)/A·S → P, T → B, T + B/D·S → 0."""
    base = re.search(rf"达到考核要求[,，]?得{N}分", text)
    better = re.search(rf"每改善{N}\s*(?:微克/立方米|个百分点|%)[,，]?加{N}分[,，]?加满为止", text)
    worse = re.search(rf"每增加{N}\s*(?:微克/立方米|个百分点|%)[,，]?扣{N}分[,，]?扣完为止", text)
    points = ctx.get("points")
    if not (base and better and worse and points):
        return None
    b, step_up, a = num(base.group(1)), num(better.group(1)), num(better.group(2))
    step_down, d = num(worse.group(1)), num(worse.group(2))
    up = round((points - b) / a * step_up, 4)
    down = round(b / d * step_down, 4)
    rule = {"shape": "interpolation", "below_per_unit": 0,
            "anchors": [{"points": points}, {"points": b}, {"points": 0}]}
    measure, _ = measure_of(text + ctx.get("name", ""), None)
    reading = Reading("interpolation_around_target", rule, {"measure": measure} if measure else {})
    return reading.guess(f"考核目标值 T 未载明：anchors 的 value 依次为 T−{up:g}、T、T+{down:g}")


def interpolation_targets(text: str, ctx: dict[str, Any]) -> Reading | None:
    """003 二.2 达到力争目标值,得60分;达到确保目标值,得54分;在确保值和力争值之间的,按比例得分;
    未达到确保目标值的,每差1个百分点扣2分(其中…≥90%的部分,每差1个百分点扣1分)."""
    strive = re.search(rf"达到力争(?:目标)?值[,，]?得{N}分", text)
    ensure = re.search(rf"达到确保(?:目标)?值[,，]?得{N}分", text)
    if not (strive and ensure):
        return None
    rule: dict[str, Any] = {"shape": "interpolation",
                            "anchors": [{"points": num(ensure.group(1))},
                                        {"points": num(strive.group(1))}]}
    below = re.search(rf"未达到确保(?:目标)?值的?[,，]?每差1个百分点扣{N}分", text)
    floor = re.search(rf"其中.{{0,20}}?≥\s*{N}%的部分[,，]?每差1个百分点扣{N}分", text)
    if below and floor:
        rule.update({"below_per_unit": num(floor.group(2)), "below_floor_value": num(floor.group(1)),
                     "below_per_unit_under_floor": num(below.group(1))})
    elif below:
        rule["below_per_unit"] = num(below.group(1))
    measure, _ = measure_of(text + ctx.get("name", ""), None)
    fields = {"measure": measure} if measure else {}
    reading = Reading("interpolation_targets", rule, fields)
    reading.guess("确保值、力争值的数值未载明：请填写 anchors 的 value（确保值在前）")
    if not measure:
        reading.guess("未识别考核指标（measure）")
    return reading


def interpolation_rate(text: str, ctx: dict[str, Any]) -> Reading | None:
    """003 一.4(1) 达标率达到100%,得分10分;达标率低于90%的,得0分;90%≤达标率<100%的 … 按比例."""
    top = re.search(rf"(?:达到|率){N}%[,，]?得(?:分)?{N}分", text)
    low = re.search(rf"低于{N}%的?[,，]?得0分", text)
    if not (top and low):
        return None
    rule = {"shape": "interpolation", "anchors": [
        {"value": num(low.group(1)), "points": 0},
        {"value": num(top.group(1)), "points": num(top.group(2))}]}
    fields: dict[str, Any] = {}
    measure, sure = measure_of(text + ctx.get("name", ""), "%")
    reading = Reading("interpolation_rate", rule, fields)
    if "饮用水" in text or "水源地" in text:
        fields["measure"] = "water.drinking_water_attainment_rate"
        if "备用" in text:
            fields["measure"] = "water.backup_drinking_water_attainment_rate"
        reading.guess("考核指标（measure）按「饮用水源地达标率」推断，请确认")
    elif measure:
        fields["measure"] = measure
        if not sure:
            reading.guess(f"考核指标（measure）推断为 {measure}，请确认")
    return reading


def ranking(text: str, ctx: dict[str, Any]) -> Reading | None:
    """001 5(1)④ 排名全区75个县区后10位的（含并列），每项指标扣0.3分，…后3位的…扣0.6分
    （指标同比提升达到3%以上的，该项指标不扣分）; 6(5)④ 每下降1名扣0.3分; 加分 (6)② 提高1名加0.1分."""
    if rank_places(text, ctx) is not None and len(re.split(r"[。；;]", text.strip("。；; "))) > 1:
        return None                     # points by place and a rank change: two rules (001 加分项 (7)①)
    bottom = re.findall(rf"后(\d+)位.{{0,20}}?扣{N}分", text)
    change = re.search(rf"(?:每)?(下降|提高|上升)1名[,，]?(扣|加){N}分", text)
    if not (bottom or change) or "排名" not in text:
        return None
    peers = re.search(r"全(?:区|市|省)(\d+)个(?:县区|县（市、区）|县\(市、区\)|县)", text)
    rule: dict[str, Any] = {"shape": "ranking", "peer_group": f"peers{peers.group(1) if peers else ''}",
                            "indicator": "", "direction": "higher_is_better"}
    if bottom:
        rule["mode"] = "bottom_n"
        rule["bottom"] = [{"n": int(n), "points": num(p)} for n, p in bottom]
        exempt = re.search(rf"提升(?:达到)?{N}%以上.{{0,12}}不扣分", text)
        if exempt:
            rule["exempt_improvement_pct"] = num(exempt.group(1))
    else:
        assert change is not None
        rule["mode"] = "rank_change"
        rule["per_place"] = num(change.group(3))
        cap = bonus_cap(text) if change.group(2) == "加" else deduction_cap(text)
        if cap is not None:
            rule["cap"] = cap
    reading = Reading("ranking", rule)
    named = sorted((text.find(w), code, d) for w, code, d in RANKED if w in text)
    if re.search(r"\d项指标", text) and len(named) >= 2:
        reading.fields["indicators"] = list(dict.fromkeys((c, d) for _, c, d in named))
        return reading.guess("排名：比较范围与各项指标按原文读取，请核对 peer_groups（名称、数量）")
    if len(named) == 1:
        rule["indicator"], rule["direction"] = named[0][1], named[0][2]
        return reading.guess("排名：比较范围与指标按原文读取，请核对 peer_groups")
    return reading.guess("排名：需定义 peer_groups 中的比较范围并指定排名指标 indicator 与方向")


RANK_PLACE = re.compile(rf"排名(?:全(?:区|市|省))?((?:倒数)?第[一二三四五六七八九十至、]+(?:名|位)?)"
                        rf"的[,，]?\s*再?(加|扣){N}分")


def rank_places(text: str, ctx: dict[str, Any]) -> Reading | None:
    """Points by the unit's place: 001 加分项 (7)① 水质指数排名全市第一的加3分，排名第二的加2分，
    排名第三的加1分; (9) 排名第一至三的再加0.2分，排名第四至六的再加0.1分，排名第七、八的加0.05分;
    6(5)④ 排名倒数第一的扣3分，
    排名倒数第二的扣2分，排名倒数第三的扣1分 → per_event whose classes are the places (the place is recorded
    as the event's severity), the smallest amount the default."""
    found = RANK_PLACE.findall(text)
    if len(found) < 2 or len({sign for _, sign, _ in found}) > 1:
        return None
    classes = {place: num(amount) for place, _, amount in found}
    bonus = found[0][1] == "加"
    bottom = bottom_places(classes) if not bonus else None
    if bottom is not None:
        # 倒数第一/第二/第三 … 扣: places from the bottom of a published ranking → ranking bottom_n (the
        # engine ranks the unit itself; the peer group is not printed)
        named = sorted((text.find(w), code, d) for w, code, d in RANKED if w in text)
        rule = {"shape": "ranking", "peer_group": "peers", "indicator": named[0][1] if named else "",
                "direction": named[0][2] if named else "higher_is_better", "mode": "bottom_n",
                "bottom": bottom}
        return Reading("ranking", rule).guess(
            "排名（倒数名次）：需定义 peer_groups 中的比较范围，请核对排名指标")
    rule: dict[str, Any] = {"shape": "per_event",
                            "event_kinds": ["task_completed"] if bonus else event_kinds(text),
                            "amount": min(classes.values()), "severity_amounts": classes}
    cap = bonus_cap(text) if bonus else deduction_cap(text)
    if cap is not None:
        rule["cap"] = cap
    return Reading("rank_places", rule).guess(
        "按名次加（扣）分：名次记作台账的 severity（情形名取自原文），排名范围与指标请核对")


def bottom_places(classes: dict[str, float | int]) -> list[dict[str, Any]] | None:
    """{倒数第一: 3, 倒数第二: 2} → [{n: 1, points: 3}, {n: 2, points: 2}]; None unless every place counts
    from the bottom."""
    out = []
    for place, points in classes.items():
        m = re.fullmatch(r"倒数第([一二三四五六七八九十]+)[名位]?", place)
        if not m:
            return None
        out.append({"n": cn_int(m.group(1)), "points": points})
    return out


RANKED = (("优良天数比率", "good_day_ratio", "higher_is_better"),
          ("PM10", "pm10_annual_mean", "lower_is_better"),
          ("PM2.5", "pm2_5_annual_mean", "lower_is_better"),
          ("综合指数", "comprehensive_index", "lower_is_better"),
          ("水质指数", "water_quality_index", "lower_is_better"))


TIER_OPS = {"高于": "gt", "超过": "gt", "大于": "gt", ">": "gt", "≥": "ge", "≤": "le",
            "低于": "lt", "小于": "lt", "<": "lt"}


def tiers(text: str, ctx: dict[str, Any]) -> Reading | None:
    """001 5(11)① PM2.5小时均值浓度高于75微克/立方米的，扣1分，高于115…扣2分，高于150…扣3分;
    加分项 (6)⑦ …≤35微克/立方米的，加1分."""
    if "每" in text:
        return None
    ops = "|".join(re.escape(o) for o in TIER_OPS)
    found = re.findall(rf"({ops})\s*{N}\s*(?:微克/立方米|mg/L|%)?的?[,，]\s*(扣|加){N}分", text)
    if not found or (len(found) == 1 and found[0][0] not in ("≤", "≥", "<", ">")
                     and "微克" not in text):
        return None
    tiers_ = [{"op": TIER_OPS[o], "value": num(v), "points": num(p) * (-1 if s == "扣" else 1)}
              for o, v, s, p in found]
    if all(t["op"] in ("gt", "ge") for t in tiers_):
        tiers_.sort(key=lambda t: -t["value"])
    elif all(t["op"] in ("lt", "le") for t in tiers_):
        tiers_.sort(key=lambda t: t["value"])
    reading = Reading("tiers", {"shape": "tiers", "tiers": tiers_})
    if "除夕" in text and "PM2.5" in text:
        reading.fields["measure"] = "air.fireworks_pm2_5_mean"
    else:
        measure, sure = measure_of(text + ctx.get("name", ""), None)
        if measure:
            reading.fields["measure"] = measure
        if not sure:
            reading.guess("分档：未识别考核指标（measure）")
    return reading


STEP_DOWN = ("低于", "低", "少于", "差", "降低", "下降")
STEP_UP = ("高于", "高", "增加", "超过", "提高", "升", "多")
STEP_UNITS = r"(个百分点|百分点|%|微克/立方米|万元|毫克/升)"


def step(text: str, ctx: dict[str, Any]) -> Reading | None:
    """001 5(1)① 每低0.1个百分点扣0.3分，最高扣3分; 7(5) 每低1个百分点（不到1个百分点的按1个百分点计）
    扣0.2分; 23(1) 每少于5万元扣0.1分（不足5万元的按5万元计）; 加分 (11) 每增加10万元加0.1分
    （不足10万元部分不得加分）; 003 二.3 每改善1微克/立方米,加2分 / 每增加1微克/立方米,扣3分."""
    words = "|".join(STEP_DOWN + STEP_UP + ("改善",))
    m = re.search(rf"每(?:{words})(?:于)?(?:控制)?(?:目标)?(?:水平)?{N}\s*{STEP_UNITS}"
                  rf"(?:[(（][^)）]*[)）])?[^。；;]{{0,12}}?(扣|加){N}分", text)
    if not m:
        return None
    word = re.match(rf"每({words})", m.group(0)).group(1)  # type: ignore[union-attr]
    amount_step, unit, sign, amount = num(m.group(1)), m.group(2), m.group(3), num(m.group(4))
    falls = word in STEP_DOWN or word == "改善"
    if sign == "扣":
        shape, direction = "step_shortfall", "higher_is_better" if falls else "lower_is_better"
    else:
        shape, direction = "step_surplus", "lower_is_better" if falls else "higher_is_better"
    rule: dict[str, Any] = {"shape": shape, "direction": direction, "step": amount_step,
                            "amount_per_step": amount}
    cap = deduction_cap(text) if sign == "扣" else bonus_cap(text)
    if cap is None and ((sign == "扣" and to_exhaustion(text)) or (sign == "加" and to_full(text))):
        cap = ctx.get("points") or None
    if cap is not None:
        rule["cap"] = cap
    if re.search(r"(?:不到|不足)[^)）。]{0,20}?的?按[^)）。]{0,20}?计", text):
        rule["rounding"] = "up"
    elif re.search(r"不足[^)）。]{0,12}部分不得加分|不足[^)）。]{0,12}不计", text):
        rule["rounding"] = "down"
    else:
        rule["rounding"] = "proportional" if sign == "扣" else "down"
    reading = Reading("step", rule)
    measure, sure = measure_of(text + ctx.get("name", ""), unit)
    if measure:
        reading.fields["measure"] = measure
    if not sure:
        reading.guess(f"考核指标（measure）推断为 {measure}，请确认" if measure
                      else "未识别考核指标（measure）")
    target = step_target(text, unit)
    if target is not None:
        reading.fields["target"] = target
        if sign == "扣" and "cap" not in rule and unit in ("万元", "万"):
            # 001 23(1) 安排不少于50万元…每少于5万元扣0.1分: nothing spent misses the whole target — the
            # most the clause can cost (50 / 5 × 0.1 = 1), made explicit
            rule["cap"] = num(str(round(-(-target // amount_step) * amount, 6)))
    elif unit in ("个百分点", "百分点") and re.search(r"完成[^。；,，]{0,30}任务", text) \
            and measure == "ledger.completion_pct":
        reading.fields["target"] = 100
        reading.guess("目标值按「完成任务」= 100% 读取，请确认")
    elif measure and measure.startswith("air.") and ctx.get("targets", {}).get(measure) is not None:
        reading.fields["target"] = ctx["targets"][measure]
    else:
        reading.guess("目标值（target）未载明")
    return reading


def step_target(text: str, unit: str) -> float | int | None:
    """The target a step counts from: 不少于50万元 / 完成率低于95%的 / 稳定在92%以上 / 达到95%."""
    if unit in ("万元", "万"):
        m = re.search(rf"不少于{N}万元", text)
        return num(m.group(1)) if m else None
    m = re.search(rf"以[^)）]{{0,12}}?完成{N}%进行考核", text) \
        or re.search(rf"(?:完成率|达标率|比率|比例|覆盖率)低于{N}%", text) \
        or re.search(rf"(?:达到|稳定在|不低于){N}%(?:以上)?", text)
    return num(m.group(1)) if m else None


def threshold(text: str, ctx: dict[str, Any]) -> Reading | None:
    """003 二.4 低于考核目标值得20分,高于考核目标值不得分 → a measured threshold: any excess over the
    target costs the whole item (step 1, rounding up, capped at the points)."""
    m = re.search(rf"(低于|不高于|高于|不低于|达到)(?:考核)?目标值(?:的)?[,，]?得{N}分[,，;；]\s*"
                  r"(高于|低于|未达到)(?:考核)?目标值(?:的)?[,，]?不得分", text)
    if not m:
        return None
    points = num(m.group(2))
    direction = "lower_is_better" if m.group(1) in ("低于", "不高于") else "higher_is_better"
    reading = Reading("threshold", {"shape": "step_shortfall", "direction": direction, "step": 1,
                                    "amount_per_step": points, "cap": points, "rounding": "up"})
    measure, sure = measure_of(text + ctx.get("name", ""), None)
    if measure:
        reading.fields["measure"] = measure
    if not sure:
        reading.guess("未识别考核指标（measure）")
    reading.guess("考核目标值未载明：请填写 target 或 targets；step 1 按「超出即扣」读取，请确认单位")
    return reading


def proportional(text: str, ctx: dict[str, Any]) -> Reading | None:
    """001 5(4)① 按完成比例得分; 6(2)② 未完成的按实际完成项目的比例计分，完成率低于80%的，该项不得分."""
    if not re.search(r"按(?:实际)?完成(?:[^，。；]{0,8})?比例(?:得分|计分)|按比例(?:得分|计分)", text):
        return None
    rule: dict[str, Any] = {"shape": "proportional"}
    floor = re.search(rf"完成率低于{N}%的?[,，]?该项不得分", text)
    if floor:
        rule["floor_pct"] = num(floor.group(1))
    return Reading("proportional", rule, {"measure": "ledger.completion_pct"})


def escalation(text: str, ctx: dict[str, Any]) -> Reading | None:
    """001 5(10) 同台锅炉第一次扣0.2分，第二次扣0.5分，第三次及以上扣1分。最多扣2分."""
    found = re.findall(rf"第([一二三四五1-5])次(?:及以上)?扣{N}分", text)
    if len(found) < 2:
        return None
    amounts = [num(a) for _, a in found]
    rule: dict[str, Any] = {"shape": "per_event", "event_kinds": event_kinds(text),
                            "amount": amounts[0], "escalation": amounts}
    cap = deduction_cap(text)
    if cap is not None:
        rule["cap"] = cap
    # 001 5(10) 应当整治而没有整治的，每台扣1分；…同台锅炉第一次扣0.2分…: another case of the clause, its
    # own amount each time
    cases = {re.sub(r"^[(]\d+[)]|^[①-⑳]", "", m.group(1)).strip()[-24:]: num(m.group(2))
             for m in re.finditer(rf"([^；;。，,]+?)的[,，]?\s*每[^，。；;扣加第]{{0,12}}?扣{N}分", text)}
    reading = Reading("escalation", rule)
    if cases:
        rule["severity_amounts"] = cases
        reading.guess("逐次加重之外另有按次扣分的情形：读作 severity_amounts，情形名取自原文，请与台账核对")
    return reading


def per_event(text: str, ctx: dict[str, Any]) -> Reading | None:
    """001 2(3) 每发现1起扣0.2分，扣完1分为止; 1(3) 明显应督办而未督办的，每次扣0.5分;
    5(2)① …造成空气质量当天污染的，扣2分; 加分项 (8) 每超额完成1个行政村加0.2分，最多加1分."""
    text, lighter = lighter_cases(text)
    found = re.findall(rf"(每[^，。；;扣加]{{0,40}}?|的(?:[(][^()]*[)])?[,，]?\s*|^|(?<=[)）])\d+次"
                       rf"|(?<=[,，]发现)1次)(扣|加扣|加){N}分", text)
    if not found and "扣" not in text:
        # a bonus once, no per-event wording: 001 加分项 (6)⑥ …汽车维修集中喷涂中心建设，项目成功落地加2分;
        # (9) 完成…目标任务，加0.3分 (not a cap: 最高/最多加)
        once = rf"(?:(?<=[\u4e00-\u9fff])(?<![另高多限再])|[,，])加{N}分"
        found = [("", "加", a) for a in re.findall(once, text)]
    if not found:
        return None
    signs = {s for _, s, _ in found}
    if "加" in signs and ("扣" in signs or "加扣" in signs):
        return None
    amounts = [num(a) for _, _, a in found]
    bonus = signs == {"加"}
    rule: dict[str, Any] = {"shape": "per_event",
                            "event_kinds": ["task_completed"] if bonus else event_kinds(text),
                            "amount": amounts[0]}
    cap = bonus_cap(text) if bonus else deduction_cap(text)
    if cap is None and not bonus and to_exhaustion(text) and ctx.get("points"):
        cap = ctx["points"]
    if cap is None and not bonus and ctx.get("points") and not ctx.get("pool"):
        cap = ctx["points"]
    if cap is not None:
        rule["cap"] = cap
    if re.search(r"每少(?:完成)?\d+(?:台|个|辆|家)", text) \
            or re.search(r"每(?:完成|超额完成|超过|提升)\d+", text):
        rule["per_quantity"] = True
    reading = Reading("per_event", rule)
    classes = class_amounts(text)
    if len(set(amounts)) > 1 and classes:
        rule["amount"] = min(classes.values())
        rule["severity_amounts"] = classes
        reading.guess(f"同一条款按情形有多档分值（{'、'.join(f'{a:g}' for a in classes.values())} 分）："
                      "severity_amounts 的情形名取自原文，请与台账 severity 取值核对")
    elif lighter and len(set(amounts)) == 1:
        rule["severity_amounts"] = {phrase: num(str(max(0.0, round(amounts[0] - less, 6))))
                                    for phrase, less in lighter.items()}
        reading.guess("括注的从轻情形（少扣 / 不扣分）读作 severity_amounts，情形名取自原文，请与台账核对")
    elif len(set(amounts)) > 1:
        reading.guess(f"同一条款有多档分值（{'、'.join(f'{a:g}' for a in amounts)} 分）：按第一档读取，"
                      "请拆分条款或填写 severity_amounts")
    if "另加扣" in text or "从总分中扣" in text:
        reading.fields["overflow_to_total"] = True
    if "days_late" in rule["event_kinds"] and "每次" in text \
            and not re.search(r"每(?:逾期|迟报|推迟)?\d*[天日]", text):
        # 001 26 未按…要求报送材料的，每次扣0.2分: a late submission counts once, not by its days late
        rule["per_quantity"] = False
    return reading


LIGHTER = re.compile(rf"[(]([^()]*?)的[,，]?\s*(?:每[^()扣,，]{{0,4}})?(?:少扣{N}分|不扣分)[)]")


def lighter_cases(text: str) -> tuple[str, dict[str, float]]:
    """A bracketed lighter case of the clause's deduction, and the text without it: 001 5(6)① 每项扣0.2分
    （当日开展现场整治…反馈的，每项少扣0.1分） → {当日开展现场整治…反馈: 0.1 less}; 5(6)③ 每次扣0.2分
    （自行发现并予以处罚的不扣分） → {自行发现并予以处罚: the whole amount less}. Events struck off the count
    （经自治区核实剔除的火点不扣分） are no case: no event at all."""
    cases: dict[str, float] = {}

    def cut(m: re.Match[str]) -> str:
        if "剔除" in m.group(1):
            return m.group(0)
        cases[m.group(1).strip()[-24:]] = float(m.group(2)) if m.group(2) else float("inf")
        return ""
    return LIGHTER.sub(cut, text), cases


CLASS_AMOUNT = re.compile(rf"([^；;。，,]*?)[,，]?\s*(每[^，。；;扣加]{{0,12}}?|\d+次|)(扣|加){N}分")


ADDS_POINTS = re.compile(r"(?<![扣另])加\d")


def case_phrase(text: str) -> str:
    """The phrase naming a listed case: 「①30天内未到现场核查相关情况和上报的，每起扣0.4分」→
    30天内未到现场核查相关情况和上报."""
    m = CLASS_AMOUNT.search(text)
    phrase = m.group(1) if m else text
    phrase = re.sub(r"^[(]\d+[)]|^[①-⑳]", "", phrase.split("\n")[-1]).strip(" ，,：:")
    return re.sub(r"的$", "", phrase)[-24:]


def class_amounts(text: str) -> dict[str, float | int] | None:
    """Several amounts by class in one clause, written as parallel phrases with the same per-event
    wording: 001 加分项 (1) 获中央、国家领导人批示肯定的，每有1次加2分；获自治区…批示肯定的，每有1次加1.5分;
    (6)④ 500元—1000元（含）1次加0.05分，1000元—2000元（含）1次加0.1分; (7)② 国控断面水质每提升一类加1分，
    区考断面水质每提升一类加0.5分 → {class phrase: amount}. None when the wording differs from phrase to
    phrase (separate rules, not classes), a phrase is empty, or two phrases read alike."""
    out: dict[str, float | int] = {}
    wordings = set()
    signs = set()
    once = capped = between = False
    for m in CLASS_AMOUNT.finditer(text):
        if re.search(r"(?:最高|最多|累计|以上每项)\s*$", m.group(1)) or re.search(r"最高|最多", m.group(2)):
            capped = bool(out)          # a cap after a case; it stands between them if another case follows
            continue                                                # a cap, not a class
        label = re.sub(r"^[(]\d+[)]|^[①-⑳]", "", m.group(1).split("\n")[-1]).strip(" ，,：:")
        label = re.sub(r"的$", "", label).strip()
        if not label or label in out:
            return None
        if m.group(2):
            wordings.add(m.group(2))
        else:
            once = True
        signs.add(m.group(3))
        out[label[-24:]] = num(m.group(4))
        between = between or capped
    # deductions counted each their own way in one rule are still its cases (001 5(2)② 每通报1处火点扣0.2分，
    # 未及时调查处理…的，每次扣0.5分); bonuses worded apart are separate rules (加分项 (13))
    if len(out) < 2 or not wordings or (once and between):
        # a case without a per-event wording (…的，加1分) joins the others only when no cap stands
        # between them (加分项 (2) …的，加1分 after three 每有1项; (13) 每超过1篇加0.1分，
        # 最多加0.8分；…举办地的加0.2分: two rules)
        return None
    return out if len(wordings) == 1 or signs == {"扣"} else None


COUNT_UNITS = "件|个|家|项|宗"


def count_target(text: str) -> float | int | None:
    """每年至少办理2件生态损害赔偿案件 / 不少于3个 → 2 (a count the unit must reach)."""
    m = re.search(rf"(?:至少|不少于)(?:办理|完成|开展)?{N}(?:{COUNT_UNITS})", text)
    return num(m.group(1)) if m else None


def count_step(text: str, ctx: dict[str, Any]) -> Reading | None:
    """A count against a target the text prints: 001 17 每年至少办理2件生态损害赔偿案件…每少完成一件生态损害
    赔偿案件，扣1分 (the target in the same clause) → step_shortfall from 2, capped at what missing them all
    costs; 加分项 (10) 完成生态环境损害赔偿案件办理目标任务，每超额办理一件加0.2分 (the target of the
    indicator the clause names: 17 生态环境损害赔偿案件办理) → step_surplus over it. None without a target."""
    m = re.search(rf"每(少|超额)(?:完成|办理)?{N}(?:{COUNT_UNITS})[^。；;，,]{{0,30}}?[,，]?(扣|加){N}分",
                  text)
    if not m or (m.group(1) == "少") != (m.group(3) == "扣"):
        return None
    target = count_target(text)
    if target is None:
        target = next((t for name, t in ctx.get("count_targets", {}).items()
                       if name and name != ctx.get("name") and name in text), None)
    if target is None:
        return None
    step_, amount = num(m.group(2)), num(m.group(4))
    shortfall = m.group(1) == "少"
    rule: dict[str, Any] = {"shape": "step_shortfall" if shortfall else "step_surplus",
                            "direction": "higher_is_better", "step": step_, "amount_per_step": amount,
                            "rounding": "up" if shortfall else "down"}
    cap = deduction_cap(text) if shortfall else bonus_cap(text)
    if cap is None and shortfall:
        cap = num(str(round(target / step_ * amount, 6)))      # missing every one of them
    if cap is not None:
        rule["cap"] = cap
    return Reading("count_step", rule, {"measure": "ledger.count_done", "target": target})


def once_voids(text: str, ctx: dict[str, Any]) -> Reading | None:
    """001 6(1)② 集中式饮用水水源地水质达标率100%，得1分。超标1次不得分; 1(2) 发现一个单位1次
    不达要求，该项不得分; 8(2) …得1分，超量或地下水不达标的该项不得分 → per_event of the item's points,
    capped at them (any one finding voids the item)."""
    voids = r"1次[^。；;]{0,8}?(?:该项)?不得分|(?:超标|超量|不达标)的?该项不得分"
    if not ctx.get("points") or not re.search(voids, text):
        return None
    points = ctx["points"]
    return Reading("once_voids", {"shape": "per_event", "event_kinds": event_kinds(text),
                                  "amount": points, "cap": points})


def all_or_nothing(text: str, ctx: dict[str, Any]) -> Reading | None:
    """001 2(1) 完成…目标任务，得1分，未完成不得分; 2(2)① 桂林市完成…得1分，未完成各县（市、区）均不得分."""
    m = re.search(rf"得{N}分[,，;；。]?[^。；;]{{0,30}}?不得分", text)
    if not m:
        return None
    rule: dict[str, Any] = {"shape": "all_or_nothing", "event_kinds": ["task_completed"]}
    if re.search(r"未完成各[^。；]{0,12}均不得分", text):
        rule["evaluate_on"] = "city"
    reading = Reading("all_or_nothing", rule)
    extra = re.search(rf"不得分[,，]?\s*另加扣{N}分", text)
    if extra:
        # 001 7(1)② 完成目标任务得3分，未完成不得分，另加扣2分: the extra points come off the total
        rule["extra_deduction"] = num(extra.group(1))
        reading.fields["overflow_to_total"] = True
    elif "另加扣" in text:
        reading.fields["overflow_to_total"] = True
        reading.guess("「另加扣」：未完成时另扣的分数未读出（overflow_to_total 仅表示可扣至总分）")
    return reading


def city_completed(text: str, ctx: dict[str, Any]) -> Reading | None:
    """001 4 桂林市完成自治区下达目标的，各县（市、区）均得2分 (no deduction in the sentence) → the city's
    all_or_nothing (evaluate_on city); the clause's deductions then apply only when the city has not
    completed it (draft.py links them: unless_city_completed)."""
    if "扣" in text or not re.search(rf"市完成[^。；;]{{0,30}}?的[,，]?\s*各[^。；;]{{0,12}}?均得{N}分",
                                     text):
        return None
    return Reading("city_completed", {"shape": "all_or_nothing", "event_kinds": ["task_completed"],
                                      "evaluate_on": "city"})


def earned(text: str, ctx: dict[str, Any]) -> Reading | None:
    """001 22(3) 开展环保设施向公众开放活动，得0.25分；开展…创建工作…得0.25分 (nothing deducted:
    the points are earned by doing it) → all_or_nothing."""
    if "扣" in text or not re.search(rf"得{N}分", text):
        return None
    return Reading("earned", {"shape": "all_or_nothing", "event_kinds": ["task_completed"]})


PATTERNS: tuple[Callable[[str, dict[str, Any]], Reading | None], ...] = (
    veto, station_outlier, monthly_waiver, lateness, interpolation_targets, interpolation_rate,
    interpolation_around_target, grade_points, rank_places, ranking, tiers, step, threshold, proportional,
    escalation, once_voids, count_step, per_event, city_completed, all_or_nothing, earned,
)


def read_clause(text: str, ctx: dict[str, Any]) -> Reading:
    """The first pattern that reads the clause; not_parsed (with the reason) when none does."""
    for pattern in PATTERNS:
        reading = pattern(text, ctx)
        if reading is not None:
            return reading
    return Reading("none", None, status=UNPARSED, reasons=["没有匹配的评分规则句式"])
