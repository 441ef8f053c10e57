"""What the gates found, kept per run under `<data>/quality/<run id>/`: one JSON per suite and
an HTML report (index.html) that a person can act on. Publishing copies the folder into the
release beside the dashboard; a failed run keeps it there for the terminal summary."""

from __future__ import annotations

import html
import json
from pathlib import Path

from pipelines.lib.settings import Settings
from pipelines.quality.suites import BLOCK, LEVEL_ORDER, PASS, QUARANTINED, WARN, Finding, Suite

LEVEL_LABELS = {BLOCK: "阻断发布", WARN: "警告", QUARANTINED: "已隔离的行", PASS: "通过"}
LEVEL_COLOURS = {BLOCK: "#c62828", WARN: "#ef6c00", QUARANTINED: "#1565c0", PASS: "#2e7d32"}


def run_dir(settings: Settings, run_id: str) -> Path:
    return settings.quality_dir / run_id


def save_findings(settings: Settings, run_id: str, suite: Suite, findings: list[Finding]) -> Path:
    """Store one suite's findings and refresh the run's HTML report; returns the report path."""
    folder = run_dir(settings, run_id)
    folder.mkdir(parents=True, exist_ok=True)
    body = {"suite": suite.name, "title": suite.title, "suite_file": suite.path.name,
            "findings": [f.to_dict() for f in findings]}
    (folder / f"{suite.name}.json").write_text(json.dumps(body, ensure_ascii=False, indent=1),
                                               encoding="utf-8")
    return write_report(settings, run_id)


def load_findings(settings: Settings, run_id: str) -> list[tuple[str, Finding]]:
    """(suite title, finding) of every suite that ran in the run, worst first."""
    out = []
    for path in sorted(run_dir(settings, run_id).glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        out += [(body["title"], Finding(**f)) for f in body["findings"]]
    return sorted(out, key=lambda tf: (LEVEL_ORDER[tf[1].level], tf[1].suite))


def quarantine_class(title: str, finding: Finding) -> str:
    """A quarantine class: the suite's input and the expectation's reason (部门台账 · 金额有误)."""
    return f"{title.split('（')[0]} · {finding.why.split('：')[0]}"


def quarantine_classes(findings: list[tuple[str, Finding]]) -> dict[str, int]:
    """Rows quarantined per class, largest first: the console, this report and the dashboard's
    data-quality panel count the same classes (issue 31)."""
    counts: dict[str, int] = {}
    for title, f in findings:
        if f.level == QUARANTINED and f.unexpected:
            counts[quarantine_class(title, f)] = counts.get(quarantine_class(title, f), 0) + f.unexpected
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def write_report(settings: Settings, run_id: str) -> Path:
    findings = load_findings(settings, run_id)
    rows = "".join(_row(title, f) for title, f in findings)
    counts = {level: sum(1 for _, f in findings if f.level == level) for level in LEVEL_LABELS}
    summary = " · ".join(f"{LEVEL_LABELS[k]} {v}" for k, v in counts.items())
    classes = quarantine_classes(findings)
    if classes:
        summary += "。已隔离的行（按类）：" + "；".join(
            f"{html.escape(name)} {count} 行" for name, count in classes.items())
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>数据质量报告 {html.escape(run_id)}</title>
<style>body{{font-family:Noto Sans CJK SC, Microsoft YaHei, sans-serif;margin:24px;}}
table{{border-collapse:collapse;}} td,th{{border:1px solid #ccc;padding:4px 8px;vertical-align:top;}}
th{{background:#f3f3f3;}} .lvl{{color:#fff;padding:2px 6px;border-radius:3px;white-space:nowrap;}}</style>
</head><body><h1>数据质量报告</h1>
<p>运行 {html.escape(run_id)}（Great Expectations 期望集：expectations/*.yaml）。{summary}</p>
<table><tr><th>结果</th><th>检查集</th><th>检查</th><th>列</th><th>原因</th><th>不合格行数</th>
<th>位置（文件、行）</th></tr>{rows}</table></body></html>"""
    path = run_dir(settings, run_id) / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def _row(title: str, f: Finding) -> str:
    badge = (f"<span class='lvl' style='background:{LEVEL_COLOURS[f.level]}'>"
             f"{LEVEL_LABELS[f.level]}</span>")
    return (f"<tr><td>{badge}</td><td>{html.escape(title)}</td><td>{html.escape(f.expectation)}</td>"
            f"<td>{html.escape(f.column)}</td><td>{html.escape(f.why)}</td>"
            f"<td>{f.unexpected} / {f.total}</td><td>{html.escape(f.where()) if f.unexpected else ''}"
            "</td></tr>")


def terminal_summary(settings: Settings, run_id: str, limit: int = 12) -> list[str]:
    """One screen: the blocking and warning findings of a run, then where the full report is."""
    findings = [(t, f) for t, f in load_findings(settings, run_id) if f.level in (BLOCK, WARN)]
    lines = [f"  [{LEVEL_LABELS[f.level]}] {title} · {f.column}: {f.why}\n      {f.where()}"
             for title, f in findings[:limit]]
    if len(findings) > limit:
        lines.append(f"  … 另有 {len(findings) - limit} 项")
    report = run_dir(settings, run_id) / "index.html"
    if report.exists():
        lines.append(f"  数据质量报告 quality report: {report}")
    return lines
