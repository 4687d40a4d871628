"""`mta-sts` and `tls-rpt`: the TXT records that ask senders to require TLS and report failures.

MTA-STS (RFC 8461) is announced by `_mta-sts.<domain>` "v=STSv1; id=..."; SMTP TLS reporting
(RFC 8460) by `_smtp._tls.<domain>` "v=TLSRPTv1; rua=...". Both are optional hardening, so a
missing record is a warning. With SMTPBOT_DIAGNOSE=probe the record's policy is fetched over
HTTPS (sts_policy.py) and the domain's MX hosts are checked against its `mx:` patterns: in enforce
mode a sender refuses to deliver to an MX host the policy does not cover.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .dmarc import parse_tags
from .lookup import Ask
from .model import CheckResult, Status
from .mx import parse_mx
from .sts_policy import mx_covered

FetchPolicy = Callable[[str], dict[str, Any]]


def check_mta_sts(ask: Ask, domain: str, fetch: FetchPolicy | None = None) -> CheckResult:
    result = _check(ask, "mta-sts", f"_mta-sts.{domain}", domain, "v=stsv1", ("id",))
    if fetch is None or result.status != "pass":
        return result
    return _with_policy(ask, domain, result, fetch(domain))


def _with_policy(ask: Ask, domain: str, result: CheckResult, policy: dict[str, Any]) -> CheckResult:
    """The TXT record's result judged again with the fetched policy in its details."""
    details = {**result.details, "policy": policy}

    def judged(status: Status, why: str) -> CheckResult:
        return CheckResult("mta-sts", domain, status, f"{result.summary}; {why}", details)

    if policy["result"] == "skipped":
        return judged("pass", f"policy not fetched: {policy['error']}")
    if policy["result"] == "error":
        return judged("warn", f"policy could not be fetched: {policy['error']}")
    if policy["result"] == "invalid":
        return judged("fail", f"policy refused: {policy['error']}")
    if policy["mode"] == "none":
        return judged("warn", "policy mode none: senders are told to drop their MTA-STS policy")
    answer = ask(domain, "MX")
    hosts = [host for _, host in map(parse_mx, answer.records) if host]
    uncovered = [host for host in hosts if not mx_covered(host, tuple(policy["mx"]))]
    details["mx_not_covered"] = uncovered
    if uncovered and policy["mode"] == "enforce":
        return judged("fail", f"mode enforce, and {', '.join(uncovered)} is not in the policy's mx")
    if uncovered:
        return judged("warn", f"mode testing, and {', '.join(uncovered)} is not in the policy's mx")
    if policy["mode"] == "testing":
        return judged("warn", "policy mode testing: failures are reported, not enforced")
    return judged("pass", f"policy mode enforce covers every MX (max_age {policy['max_age']})")


def check_tls_rpt(ask: Ask, domain: str) -> CheckResult:
    return _check(ask, "tls-rpt", f"_smtp._tls.{domain}", domain, "v=tlsrptv1", ("rua",))


def _check(
    ask: Ask, check: str, name: str, domain: str, version: str, required: tuple[str, ...]
) -> CheckResult:
    answer = ask(name, "TXT")
    if answer.outcome == "error":
        return CheckResult(check, domain, "error", f"lookup of {name} failed: {answer.error}")
    records = [r for r in answer.records if r.lower().replace(" ", "").startswith(version)]
    if not records:
        return CheckResult(check, domain, "warn", f"no {check.upper()} record at {name}", {"record": None})
    if len(records) > 1:
        summary = f"{name} has {len(records)} {check.upper()} records; senders then ignore them"
        return CheckResult(check, domain, "fail", summary, {"records": records})
    tags = parse_tags(records[0])
    details = {"record": records[0], **{tag: tags.get(tag) for tag in required}}
    missing = [tag for tag in required if not tags.get(tag)]
    if missing:
        return CheckResult(check, domain, "fail", f"`{records[0]}` lacks {', '.join(missing)}=", details)
    return CheckResult(check, domain, "pass", f"`{records[0]}`", details)
