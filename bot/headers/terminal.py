"""A `HeaderReport` as plain text for the terminal: verdicts first, then the hops and the results,
and last the `smtpbot diagnose` line that reads the DNS behind them."""

from __future__ import annotations

import shlex
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
    command = diagnose_command(report)
    if command:
        lines += ["", "Live checks (they read the DNS now):", f"  {command}"]
    return "\n".join(lines)


def diagnose_command(report: HeaderReport) -> str | None:
    """The `smtpbot diagnose` line for the header's domains and sending IP; None when it names none.

    A DKIM selector goes with it only when there is one domain: `--selector` applies to every target.
    The words come from a stranger's header, so they are quoted for the shell.
    """
    domains, ip = list(report.domains), report.sending_ip
    if not domains:
        return shlex.join(["smtpbot", "diagnose", ip]) if ip else None
    words = ["smtpbot", "diagnose", *domains]
    if ip:
        words += ["--ip", ip]
    selectors = {s.selector for s in report.auth.dkim if s.selector and s.domain in domains}
    if len(domains) == 1 and len(selectors) == 1:
        words += ["--selector", selectors.pop()]
    return shlex.join(words)


def _wrap(text: str, first: str, rest: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False)
