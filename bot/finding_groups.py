"""Findings that share one explanation, told once with the recipients they concern.

The engine keeps one finding per failed recipient; a bounce or a sending service's event array
with 300 recipients refused for the same reason would otherwise repeat one long explanation for
each. Both renderers (the terminal's and Slack's) group here, so they group by one rule: the same
entry, the same reply and enhanced codes and the same kind of bounce make the same explanation.
Groups keep the engine's order (a group stands where its first finding stood); inside a group the
findings keep theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .engine.model import Explanation, Finding
from .wording import Fact, facts

SHOWN_RECIPIENTS = 3  # addresses listed before "and N more"


@dataclass(frozen=True, slots=True)
class FindingGroup:
    """Findings with the same explanation, in the engine's order. `finding`, the first, is the
    one whose words (diagnostic, remote server, confidence) the answer shows."""

    findings: tuple[Finding, ...]

    @property
    def finding(self) -> Finding:
        return self.findings[0]

    @property
    def recipients(self) -> tuple[str, ...]:
        """The distinct recipients the group concerns, in order."""
        return tuple(dict.fromkeys(f.recipient for f in self.findings if f.recipient))


def explanation_key(finding: Finding) -> tuple[str, str | None, str | None, str]:
    """What makes two findings the same explanation for a reader."""
    return (finding.entry_id, finding.reply_code, finding.enhanced_code, finding.bounce)


def group_findings(findings: Iterable[Finding]) -> list[FindingGroup]:
    """The findings grouped by `explanation_key`, each group where its first finding was."""
    groups: dict[tuple, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(explanation_key(finding), []).append(finding)
    return [FindingGroup(tuple(members)) for members in groups.values()]


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def recipients_phrase(group: FindingGroup, show_addresses: bool, quote: Callable[[str], str] = str) -> str:
    """The group's recipients, counted and the first few listed ("10 recipients: a@x, b@x, c@x
    and 7 more"), or only counted ("10 recipients") where addresses are hidden.
    `quote` formats one address (Slack shows them as code); the rest is plain words."""
    recipients = group.recipients
    counted = plural(len(recipients), "recipient")
    if not show_addresses:
        return counted
    listed = ", ".join(quote(r) for r in recipients[:SHOWN_RECIPIENTS])
    more = len(recipients) - SHOWN_RECIPIENTS
    return f"{counted}: {listed}" + (f" and {more} more" if more > 0 else "")


def group_facts(group: FindingGroup, show_addresses: bool, quote: Callable[[str], str] = str) -> list[Fact]:
    """The facts under a group's title: its first finding's, with the one recipient replaced by
    all of them ("Affected") when the group concerns more than one. A fact its findings disagree
    on (each recipient's own remote server) is left out rather than shown for all of them."""
    shown = facts(group.finding, show_recipient=show_addresses)
    if len(group.recipients) < 2:
        return shown
    others = [set(facts(f, show_recipient=False)) for f in group.findings[1:]]
    kept = [fact for fact in shown if fact.key != "recipient" and all(fact in o for o in others)]
    affected = Fact("recipients", "Affected", recipients_phrase(group, show_addresses, quote))
    at = next((i for i, fact in enumerate(kept) if fact.key == "remote"), len(kept))
    return [*kept[:at], affected, *kept[at:]]


def _counted_noun(explanation: Explanation) -> str:
    """Findings of a report concern recipients; findings in free text are just findings."""
    every_recipient = all(f.recipient for f in explanation.findings)
    return "recipient" if every_recipient else "finding"


def not_shown_note(explanation: Explanation) -> str:
    """What the engine's cap left out ("… and 290 more recipients not shown"), or nothing."""
    more = explanation.more_findings
    if more <= 0:
        return ""
    return f"… and {plural(more, 'more ' + _counted_noun(explanation))} not shown"


def count_note(explanation: Explanation, groups: list[FindingGroup]) -> str:
    """The counts a one-line summary adds: "300 recipients", "6 recipients, 2 different problems",
    "+1 more finding"; empty for a single finding."""
    total = len(explanation.findings) + max(0, explanation.more_findings)
    others = len(groups) - 1
    if _counted_noun(explanation) == "finding":
        return f"+{plural(total - 1, 'more finding')}" if total > 1 else ""
    parts = [plural(total, "recipient")] if total > 1 else []
    if others > 0:
        parts.append(f"{others + 1} different problems")
    return ", ".join(parts)
