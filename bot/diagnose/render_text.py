"""A diagnosis for the terminal: one line per check, the record it read in the summary."""

from __future__ import annotations

from .model import CheckResult, Diagnosis

ICONS = {"pass": "✅", "warn": "⚠️ ", "fail": "❌", "error": "❗", "skipped": "➖"}


def render(diagnosis: Diagnosis) -> str:
    lines = [f"Live checks for {diagnosis.target}"]
    subjects = diagnosis.subjects
    found = [
        f"{label} {value}"
        for label, value in (
            ("sender domain", subjects.sender_domain),
            ("recipient domain", subjects.recipient_domain),
            ("IP", subjects.ip),
            ("remote MTA", subjects.remote_mta),
            ("DKIM selector", subjects.dkim_selector),
        )
        if value and not (label == "recipient domain" and value == subjects.sender_domain)
    ]
    if found:
        lines.append("  (" + "; ".join(found) + ")")
    lines.extend(_line(check) for check in diagnosis.checks)
    return "\n".join(lines)


def _line(check: CheckResult) -> str:
    return f"  {ICONS[check.status]} {check.status:<7} {check.check:<8} {check.summary}"
