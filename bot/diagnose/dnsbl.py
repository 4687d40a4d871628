"""`dnsbl`: is the IP on the configured DNS blocklists, and why (RFC 5782)?

A list is trusted only after its test points answer as RFC 5782 §5 says: 127.0.0.2 listed and
127.0.0.1 not. A list that refuses the resolver answers with codes that look like listings;
Spamhaus's 127.255.255.252/254/255 are read as the errors they are, never as listings.
"""

from __future__ import annotations

import ipaddress

from .lookup import Ask
from .model import CheckResult

# https://www.spamhaus.org/faqs/domain-blocklist/#291 (return codes that mean an error)
ERROR_CODES = {
    "127.255.255.252": "the list name is misspelled",
    "127.255.255.254": "the list refuses queries through public or open resolvers",
    "127.255.255.255": "the list refuses queries over its free-use limit",
}
SPAMHAUS_DQS_ZONE = "zen.dq.spamhaus.net"


def dqs_zone(key: str) -> str:
    return f"{key}.{SPAMHAUS_DQS_ZONE}"


def shown_zone(zone: str) -> str:
    """The zone as it may be shown or logged: a Spamhaus DQS key is a secret."""
    return SPAMHAUS_DQS_ZONE if zone.endswith("." + SPAMHAUS_DQS_ZONE) else zone


def check_dnsbl(ask: Ask, ip: str, zones: tuple[str, ...]) -> CheckResult:
    if not zones:
        return CheckResult("dnsbl", ip, "skipped", "no DNSBL zones configured (SMTPBOT_DNSBL_ZONES)")
    results = [_one_zone(ask, ip, zone) for zone in zones]
    listed = [r for r in results if r["status"] == "listed"]
    failed = [r for r in results if r["status"] == "error"]
    details = {"zones": results}
    if listed:
        first = listed[0]
        reason = f": {first['reason']}" if first.get("reason") else ""
        summary = f"{ip} is listed on {', '.join(r['zone'] for r in listed)}{reason}"
        return CheckResult("dnsbl", ip, "fail", summary, details)
    if failed and len(failed) == len(results):
        return CheckResult("dnsbl", ip, "error", f"no list could be checked: {failed[0]['error']}", details)
    checked = ", ".join(r["zone"] for r in results if r["status"] == "not listed")
    if failed:
        summary = f"{ip} is not on {checked}; {failed[0]['zone']} could not be checked: {failed[0]['error']}"
        return CheckResult("dnsbl", ip, "warn", summary, details)
    return CheckResult("dnsbl", ip, "pass", f"{ip} is not on {checked}", details)


def _one_zone(ask: Ask, ip: str, zone: str) -> dict:
    name = shown_zone(zone)
    trouble = _test_points(ask, zone)
    if trouble:
        return {"zone": name, "status": "error", "error": trouble}
    answer = ask(f"{_reversed(ip)}.{zone}", "A")
    if answer.outcome == "error":
        return {"zone": name, "status": "error", "error": answer.error}
    if not answer.records:
        return {"zone": name, "status": "not listed"}
    codes = sorted(answer.records)
    problem = _error_code(codes)
    if problem:
        return {"zone": name, "status": "error", "error": problem, "codes": codes}
    reasons = ask(f"{_reversed(ip)}.{zone}", "TXT").records
    return {"zone": name, "status": "listed", "codes": codes, "reason": reasons[0] if reasons else None}


def _test_points(ask: Ask, zone: str) -> str | None:
    """Why the list cannot be trusted now, or None when both RFC 5782 test points answer right."""
    listed = ask(f"2.0.0.127.{zone}", "A")
    if listed.outcome == "error":
        return listed.error
    problem = _error_code(listed.records)
    if problem:
        return problem
    if not listed.records:
        return "its test point 127.0.0.2 is not listed: the list is not answering as a DNSBL"
    clean = ask(f"1.0.0.127.{zone}", "A")
    if clean.outcome == "error":
        return clean.error
    if clean.records:
        return "its test point 127.0.0.1 is listed: the list answers yes to everything"
    return None


def _error_code(codes: list[str] | tuple[str, ...]) -> str | None:
    for code in codes:
        if code in ERROR_CODES:
            return f"{ERROR_CODES[code]} ({code})"
        try:
            if ipaddress.ip_address(code) not in ipaddress.ip_network("127.0.0.0/8"):
                return f"answered {code}, outside 127.0.0.0/8 (not a DNSBL answer)"
        except ValueError:
            return f"answered {code!r}"
    return None


def _reversed(ip: str) -> str:
    pointer = ipaddress.ip_address(ip).reverse_pointer
    return pointer.rsplit(".", 2)[0]  # drop in-addr.arpa / ip6.arpa
