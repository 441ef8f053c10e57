"""The one-screen summary `ecoscore run` prints when a run fails: which step or check failed,
on which file and rows, and why — in words, not a traceback."""

from __future__ import annotations

import re
from typing import Any

from pipelines.lib.settings import Settings
from pipelines.quality.report import quarantine_classes, terminal_summary

EXCEPTION_PREFIX = re.compile(r"^[\w.]+(Error|Exception): ")
BLOCKED_BY_CHECK = "Blocking check"


def innermost_message(error: Any) -> str:
    """The message of the error that started it all (Dagster wraps user errors): its first line
    that says something. plotly's ValueError starts with an empty line ("ValueError: \nThe 'rows'
    argument…"), which used to leave the console's error block with "步骤 dashboard: " and no
    cause; the exception's class stays when nothing else is left."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    text = (error.message or "").strip()
    lines = [EXCEPTION_PREFIX.sub("", line.strip()).strip() for line in text.splitlines()]
    said = [line for line in lines if line and not EXCEPTION_PREFIX.fullmatch(line + " ")]
    if said:
        return said[0]
    return getattr(error, "cls_name", None) or text


def failure_lines(settings: Settings, result: Any) -> list[str]:
    """Failed steps (with the cause's own message), then the quality gates' findings."""
    lines = []
    for event in result.all_events:
        if event.event_type_value != "STEP_FAILURE":
            continue
        error = event.step_failure_data.error
        message = innermost_message(error) if error else ""
        if message.startswith(BLOCKED_BY_CHECK) or "blocking asset check failed" in message:
            message = "数据质量检查未通过，停止发布 (a blocking quality check failed)"
        lines.append(f"  步骤 {event.step_key}: {message}")
    return lines + terminal_summary(settings, result.run_id)


def has_blocking_findings(settings: Settings, run_id: str) -> bool:
    """Whether a quality gate of the run blocked publishing (the fix is then in the data)."""
    from pipelines.quality.report import load_findings
    from pipelines.quality.suites import BLOCK

    return any(f.level == BLOCK for _, f in load_findings(settings, run_id))


def warning_items(settings: Settings, run_id: str) -> list[tuple[str, str]]:
    """(source, text) per warning finding of a published run and one for the quarantined rows,
    for the console's counted warnings."""
    from pipelines.quality.report import load_findings
    from pipelines.quality.suites import WARN

    findings = load_findings(settings, run_id)
    items = [("数据质量 quality", f"{title} · {f.column}: {f.why}（{f.unexpected} 行 rows）")
             for title, f in findings if f.level == WARN]
    classes = quarantine_classes(findings)
    if classes:
        listed = "、".join(f"{name} {count}" for name, count in classes.items())
        items.append(("数据质量 quality", f"已隔离的行 quarantined rows: {sum(classes.values())}"
                                          f"（{listed}）"))
    return items
