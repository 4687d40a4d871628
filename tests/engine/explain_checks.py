"""What the input tests share: short ways to ask the engine about the texts in tests/data/.

The texts are written for these tests, modelled on what Postfix, Exim, Sendmail, qmail, Exchange
Online, Gmail, Amazon SES, SendGrid, Mailgun and Postmark really produce.

Assertions are on what a text says (codes, recipient, remote MTA, provider) and on the reason where
the wording or code leaves no doubt; exact entry ids are left to the knowledge base.
"""

from __future__ import annotations

from typing import Any

from bot.engine import Engine, Explanation, Finding


def explain(engine: Engine, text: str | bytes, mode: str = "explicit") -> Explanation:
    return engine.explain(text, mode)  # type: ignore[arg-type]


def best(engine: Engine, text: str | bytes, mode: str = "explicit") -> Finding:
    result = explain(engine, text, mode)
    assert result.findings, f"no finding for {text!r}; notice: {result.notice}"
    return result.findings[0]


def check(finding: Finding, expected: dict[str, Any]) -> None:
    got = {key: getattr(finding, key) for key in expected}
    assert got == expected, f"{finding.entry_id}: got {got}, expected {expected}"


def by_recipient(result: Explanation) -> dict[str | None, list[Finding]]:
    out: dict[str | None, list[Finding]] = {}
    for finding in result.findings:
        out.setdefault(finding.recipient, []).append(finding)
    return out
