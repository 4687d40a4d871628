"""One JSON line of either tool's batch output read into an Answer (used by compare_sisimai.py).

smtpbot (`smtpbot explain --json --files`) and bench/sisimai_dump.pl both print one object per file,
`{"source": path, "findings": [...]}`; they differ only in field names and in how hard/soft is told.
"""

from __future__ import annotations

from collections.abc import Callable

from labelled_corpus import Answer, Row


def _answer(
    obj: dict, status: str, replycode: str, is_hard: Callable[[dict], bool | None], detail: str = ""
) -> tuple[str, Answer] | None:
    """One JSON line of either tool: its source, the first finding's fields, every finding's fields."""
    source = obj.get("source")
    if not isinstance(source, str):
        return None
    findings = [f for f in obj.get("findings") or [] if isinstance(f, dict)]
    if not findings:
        return source, Answer(error=str(obj.get("error") or ""))
    rows = tuple(
        Row(
            recipient=r.strip().lower() if isinstance(r := f.get("recipient"), str) else "",
            reason=f.get("reason") or "",
            status=f.get(status) or "",
            replycode=str(f.get(replycode) or ""),
            hard=is_hard(f),
        )
        for f in findings
    )
    first = rows[0]
    return source, Answer(
        reason=first.reason,
        status=first.status,
        replycode=first.replycode,
        hard=first.hard,
        recipients=frozenset(row.recipient for row in rows if row.recipient),
        detail=(findings[0].get(detail) or "") if detail else "",
        findings=rows,
    )


def _smtpbot_hard(finding: dict) -> bool | None:
    """smtpbot's `bounce` is hard, soft or none (not a failure)."""
    bounce = finding.get("bounce")
    return bounce == "hard" if bounce in ("hard", "soft", "none") else None


def _sisimai_hard(finding: dict) -> bool | None:
    """Sisimai's `softbounce` is 0 for hard, 1 for soft, -1 when neither applies (delivered, feedback)."""
    soft = finding.get("softbounce")
    return soft == 0 if soft in (0, 1, -1) else None


def parse_smtpbot(obj: dict) -> tuple[str, Answer] | None:
    return _answer(obj, "enhanced_code", "reply_code", _smtpbot_hard, detail="entry_id")


def parse_sisimai(obj: dict) -> tuple[str, Answer] | None:
    return _answer(obj, "status", "replycode", _sisimai_hard)
