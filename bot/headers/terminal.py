"""A `HeaderReport` as plain text for the terminal: verdicts first, then the hops and the results."""

from __future__ import annotations

import textwrap

from .report import HeaderReport
from .timing import duration

WIDTH = 88
MARKS = {"fail": "FAIL", "warn": "WARN", "pass": "ok  "}


def render(report: HeaderReport) -> str:
    lines = ["Message header", "=" * 14]
    for verdict in report.verdicts:
        lines.append(_wrap(f"{MARKS[verdict.status]} {verdict.summary}", "", "     "))
        if verdict.fix and verdict.status != "pass":
            lines.append(_wrap(f"fix: {verdict.fix}", "     ", "          "))
    lines += ["", "Hops (oldest first)"]
    for hop in report.hops:
        delay = (
            ""
            if hop.delay_s is None
            else f"+{duration(hop.delay_s)}"
            if hop.delay_s >= 0
            else f"-{duration(hop.delay_s)}"
        )
        tls = {True: "TLS", False: "no TLS", None: ""}[hop.tls]
        when = hop.time.strftime("%Y-%m-%d %H:%M:%S") if hop.time else "?"
        lines.append(f"  {hop.number:>2}. {when} {delay:>10}  {hop.protocol or '-'} {tls}".rstrip())
        lines.append(f"      {hop.from_host or '-'} -> {hop.by_host or '-'}")
    auth = report.auth
    lines += ["", f"Authentication (by {auth.authserv_id or 'the receiving server'})"]
    if auth.spf:
        lines.append(f"  SPF    {auth.spf.result:<9} {auth.spf_domain or '-'}")
    for dkim in auth.dkim:
        lines.append(f"  DKIM   {dkim.result:<9} d={dkim.domain or '-'} s={dkim.selector or '-'}")
    if auth.dmarc:
        lines.append(
            f"  DMARC  {auth.dmarc.result:<9} {report.from_domain or '-'} p={auth.dmarc_policy or '-'}"
        )
    align = {True: "aligned", False: "not aligned", None: "-"}
    lines.append(
        f"  From {report.from_domain or '-'}: "
        f"SPF {align[report.spf_aligned]}, DKIM {align[report.dkim_aligned]}"
    )
    if report.sending_ip or report.domains:
        lines += ["", f"Sending IP {report.sending_ip or '-'}; domains {', '.join(report.domains) or '-'}"]
    return "\n".join(lines)


def _wrap(text: str, first: str, rest: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False)
