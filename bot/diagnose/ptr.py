"""`ptr`: the IP's reverse DNS, and whether its name points back at it (forward-confirmed, FCrDNS).

Many receivers (Gmail, Microsoft, most spam filters) reject or penalise mail from an IP without a
PTR record or whose PTR name does not resolve back to it.
"""

from __future__ import annotations

import ipaddress

from .lookup import Ask, addresses
from .model import CheckResult

MAX_NAMES = 5


def check_ptr(ask: Ask, ip: str) -> CheckResult:
    reverse = ipaddress.ip_address(ip).reverse_pointer
    answer = ask(reverse, "PTR")
    if answer.outcome == "error":
        return CheckResult("ptr", ip, "error", f"reverse lookup failed: {answer.error}")
    if not answer.records:
        return CheckResult("ptr", ip, "fail", f"{ip} has no reverse DNS (PTR) record", {"names": []})
    confirmed = []
    forward: dict[str, list[str]] = {}
    for name in answer.records[:MAX_NAMES]:
        found, _error = addresses(ask, name)
        forward[name] = list(found)
        if any(ipaddress.ip_address(a) == ipaddress.ip_address(ip) for a in found):
            confirmed.append(name)
    details = {"names": list(answer.records), "forward": forward, "confirmed": confirmed}
    names = ", ".join(answer.records[:MAX_NAMES])
    if confirmed:
        return CheckResult("ptr", ip, "pass", f"{ip} is {confirmed[0]}, which resolves back to it", details)
    return CheckResult(
        "ptr", ip, "warn", f"{ip} is {names}, but that name does not resolve back to {ip}", details
    )
