"""`mta-sts` and `tls-rpt`: the TXT records that ask senders to require TLS and report failures.

MTA-STS (RFC 8461) is announced by `_mta-sts.<domain>` "v=STSv1; id=..."; SMTP TLS reporting
(RFC 8460) by `_smtp._tls.<domain>` "v=TLSRPTv1; rua=...". Both are optional hardening, so a
missing record is a warning. The HTTPS policy fetch is not made: only DNS is read.
"""

from __future__ import annotations

from .dmarc import parse_tags
from .lookup import Ask
from .model import CheckResult


def check_mta_sts(ask: Ask, domain: str) -> CheckResult:
    return _check(ask, "mta-sts", f"_mta-sts.{domain}", domain, "v=stsv1", ("id",))


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
