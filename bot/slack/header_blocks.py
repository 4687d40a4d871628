"""A message header's analysis (`bot.headers.report.HeaderReport`) as Block Kit.

Everything echoed from the header (host names, domains, selectors, a filter's rule names) is text
a stranger wrote, so none of it reaches Slack as mrkdwn: verdicts go out as `plain_text`, which
Slack neither formats nor links nor turns into mentions, and the hop table and the evidence as
code with `&`, `<` and `>` escaped and backticks replaced, so nothing can close the code span.
The blocks stay well inside Slack's limits (see block_kit.py) with room left for bounce findings.
"""

from __future__ import annotations

import json
from typing import Any

from ..headers.report import HeaderReport
from ..headers.timing import duration
from .mrkdwn import clip, escape, mask_addresses

MAX_PROBLEMS = 8  # verdicts shown one by one; the rest are summed up in a line
MAX_HOPS = 15
MAX_BUDGET_CHARS = 7000  # of the message's ~12,000: the rest is for bounce findings and buttons
MAX_PLAIN_CHARS = 1500
MAX_CODE_CHARS = 2500
MARKS = {"fail": "❌", "warn": "⚠️", "pass": "✅"}


def _plain(text: str) -> dict[str, Any]:
    return {
        "type": "section",
        "text": {"type": "plain_text", "text": clip(text, MAX_PLAIN_CHARS), "emoji": True},
    }


def _inert(text: str) -> str:
    """Text for inside a code span or block: nothing in it can end the code or mention anyone."""
    return escape(text.replace("`", "ˋ"))


def _code_block(title: str, lines: list[str]) -> dict[str, Any]:
    body = clip("\n".join(lines), MAX_CODE_CHARS)
    return {"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*\n```{_inert(body)}```"}}


def _context_code(items: list[str]) -> dict[str, Any]:
    text = " · ".join(f"`{_inert(clip(item, 200))}`" for item in items if item)
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, 2000)}]}


def header_blocks(report: HeaderReport, hide_addresses: bool = False) -> list[dict[str, Any]]:
    """The analysis, problems first; addresses masked when the answer goes to a channel."""
    private = mask_addresses if hide_addresses else str
    problems = [v for v in report.verdicts if v.status != "pass"]
    passed = [v for v in report.verdicts if v.status == "pass"]
    title = f"Message header: {len(problems)} problem{'s' * (len(problems) != 1)} found"
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": title}}]
    for verdict in problems[:MAX_PROBLEMS]:
        text = f"{MARKS[verdict.status]} {verdict.summary}"
        if verdict.fix:
            text += f"\nFix: {verdict.fix}"
        blocks.append(_plain(private(text)))
        if verdict.evidence:
            blocks.append(_context_code([private(e) for e in verdict.evidence[:4]]))
    if len(problems) > MAX_PROBLEMS:
        blocks.append(_plain(f"…and {len(problems) - MAX_PROBLEMS} more problems."))
    if passed:
        blocks.append(_plain(private("\n".join(f"{MARKS['pass']} {v.summary}" for v in passed))))
    if report.hops:
        blocks.append(_code_block("Hops, oldest first", _hop_lines(report)))
    # what a live check could look at next (DNS records, IP reputation), and whose results these are
    seam = [f"results by {report.auth.authserv_id}"] if report.auth.authserv_id else []
    seam += [f"sending IP {report.sending_ip}"] if report.sending_ip else []
    seam += [f"domain {d}" for d in report.domains[:5]]
    if seam:
        blocks.append(_context_code(seam))
    return _within_budget(blocks)


def _hop_lines(report: HeaderReport) -> list[str]:
    hops = list(report.hops)
    shown = hops if len(hops) <= MAX_HOPS else hops[:3] + hops[-(MAX_HOPS - 3) :]
    lines = []
    for hop in shown:
        if hop.number == 4 and len(hops) > MAX_HOPS:
            lines.append(f"   … {len(hops) - MAX_HOPS} hops left out …")
        delay = "" if hop.delay_s is None else ("+" if hop.delay_s >= 0 else "-") + duration(hop.delay_s)
        tls = {True: "TLS", False: "no TLS", None: ""}[hop.tls]
        route = f"{clip(hop.from_host or '-', 60)} → {clip(hop.by_host or '-', 60)}"
        lines.append(f"{hop.number:>2}. {delay:>10}  {route} {tls}".rstrip())
    return lines


def _within_budget(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop blocks from the end (the hop table and the seam go before any verdict) until it fits."""
    while len(blocks) > 2 and len(json.dumps(blocks, ensure_ascii=False)) > MAX_BUDGET_CHARS:
        blocks.pop()
    return blocks


def header_fallback(report: HeaderReport) -> str:
    """The notification text: the likeliest reason, escaped."""
    top = report.verdicts[0].summary if report.verdicts else "nothing unusual"
    text = escape(f"Message header: {top}").replace("`", "ˋ")
    for word in ("@here", "@channel", "@everyone"):  # plain words that some clients still ping on
        text = text.replace(word, "@\u2060" + word[1:])
    return clip(text, 300)
