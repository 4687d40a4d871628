"""`mx`: can the domain receive mail? MX records, null MX, implicit MX, hosts without addresses.

RFC 5321 §5.1: with no MX, mail goes to the domain's own address (implicit MX). RFC 7505: a
single `MX 0 .` says the domain accepts no mail at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .lookup import Ask, addresses
from .model import CheckResult

# more MX hosts than this are not each resolved: the first ones by preference tell the story
MAX_HOSTS = 10


Probe = Callable[[str, list[str]], dict[str, Any]]


def check_mx(ask: Ask, domain: str, remote_mta: str | None = None, probe: Probe | None = None) -> CheckResult:
    answer = ask(domain, "MX")
    if answer.outcome == "error":
        return CheckResult("mx", domain, "error", f"MX lookup failed: {answer.error}")
    if answer.outcome == "nxdomain":
        return CheckResult(
            "mx", domain, "fail", f"{domain} does not exist (NXDOMAIN): no mail can be delivered to it"
        )
    if answer.outcome == "nodata":
        return _implicit_mx(ask, domain)
    hosts = sorted((parse_mx(record) for record in answer.records), key=lambda mx: (mx[0], mx[1]))
    records = [f"{pref} {host or '.'}" for pref, host in hosts]
    if any(host == "" for _, host in hosts):
        status = "fail" if len(hosts) == 1 else "warn"
        summary = (
            f"{domain} publishes a null MX (RFC 7505): it accepts no mail"
            if len(hosts) == 1
            else f"{domain} mixes a null MX with other MX records (RFC 7505 §3 forbids it)"
        )
        return CheckResult("mx", domain, status, summary, {"records": records, "null_mx": True})
    without = []
    resolved: dict[str, list[str]] = {}
    for _pref, host in hosts[:MAX_HOSTS]:
        found, error = addresses(ask, host)
        resolved[host] = list(found)
        if not found and error is None:
            without.append(host)
    details = {"records": records, "addresses": resolved, "hosts_without_addresses": without}
    if remote_mta:
        details["remote_mta_in_mx"] = remote_mta.lower() in resolved or any(
            remote_mta in found for found in resolved.values()
        )
    shown = ", ".join(records[:3]) + (" ..." if len(records) > 3 else "")
    first = next((host for host, found in resolved.items() if found), None)
    if probe is not None and first is not None:
        details["probe"] = probe(first, resolved[first])
        if details["probe"]["result"] == "no-starttls":
            return CheckResult("mx", domain, "warn", f"MX {shown}; {first} does not offer STARTTLS", details)
    if without and len(without) == len(resolved):
        return CheckResult("mx", domain, "fail", f"no MX host of {domain} has an address: {shown}", details)
    if without:
        summary = f"MX {shown}; {', '.join(without)} has no address"
        return CheckResult("mx", domain, "warn", summary, details)
    return CheckResult("mx", domain, "pass", f"MX {shown}", details)


def _implicit_mx(ask: Ask, domain: str) -> CheckResult:
    found, error = addresses(ask, domain)
    if found:
        return CheckResult(
            "mx",
            domain,
            "warn",
            f"{domain} has no MX record; mail goes to its address {found[0]} (implicit MX)",
            {"records": [], "implicit_mx": list(found)},
        )
    if error:
        return CheckResult("mx", domain, "error", f"no MX record, and the address lookup failed: {error}")
    return CheckResult(
        "mx",
        domain,
        "fail",
        f"{domain} has no MX record and no address: it cannot receive mail",
        {"records": []},
    )


def parse_mx(record: str) -> tuple[int, str]:
    pref, _, host = record.partition(" ")
    host = host.strip().rstrip(".")
    return (int(pref) if pref.isdigit() else 65535, host)
