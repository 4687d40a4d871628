"""The MTA-STS policy over HTTPS (RFC 8461 §3.2-3.3), fetched only when SMTPBOT_DIAGNOSE=probe.

`https://mta-sts.<domain>/.well-known/mta-sts.txt` is fetched from an address resolved first and
judged before connecting, as the SMTP probe does: only global unicast addresses, so a paste cannot
point smtpbot at a private network or at itself. Redirects are refused (RFC 8461 §3.3 forbids
following them), bodies over 64 KB are refused, the certificate must verify for the policy host,
and every socket operation waits at most the query timeout, inside the diagnosis's deadline.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .lookup import Ask, addresses
from .probe import is_global_unicast
from .resolver import QUERY_TIMEOUT

POLICY_PATH = "/.well-known/mta-sts.txt"
MAX_POLICY_BYTES = 64 * 1024
MODES = ("enforce", "testing", "none")


@dataclass(frozen=True, slots=True)
class Policy:
    version: str | None
    mode: str | None
    mx: tuple[str, ...]
    max_age: int | None

    def problems(self) -> list[str]:
        """What RFC 8461 §3.2 requires and the policy lacks."""
        found = []
        if self.version != "STSv1":
            found.append(f"version is {self.version!r}, not STSv1")
        if self.mode not in MODES:
            found.append(f"mode is {self.mode!r}, not one of {', '.join(MODES)}")
        if self.max_age is None:
            found.append("max_age is missing or not a number")
        if self.mode in ("enforce", "testing") and not self.mx:
            found.append("no mx: line")
        return found


def parse_policy(text: str) -> Policy:
    """`key: value` lines; `mx` may repeat, every other key counts once (its first value)."""
    fields: dict[str, str] = {}
    mx: list[str] = []
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "mx":
            mx.append(value.lower().rstrip("."))
        else:
            fields.setdefault(key, value)
    age = fields.get("max_age", "")
    return Policy(fields.get("version"), fields.get("mode"), tuple(mx), int(age) if age.isdigit() else None)


def mx_covered(host: str, patterns: tuple[str, ...]) -> bool:
    """RFC 8461 §4.1: a pattern names the host, or `*.` stands for exactly one leftmost label."""
    host = host.lower().rstrip(".")
    for pattern in patterns:
        if pattern.startswith("*."):
            label, _, rest = host.partition(".")
            if label and rest == pattern[2:]:
                return True
        elif host == pattern:
            return True
    return False


def fetch_policy(
    ask: Ask,
    domain: str,
    deadline: float,
    port: int = 443,
    allowed: Callable[[str], bool] = is_global_unicast,
    context: ssl.SSLContext | None = None,
) -> dict[str, Any]:
    """The policy record for the mta-sts check's details: `result` is fetched, invalid, error or skipped."""
    host = f"mta-sts.{domain}"
    record: dict[str, Any] = {"url": f"https://{host}{POLICY_PATH}"}
    found, error = addresses(ask, host)
    address = next((a for a in found if allowed(a)), None)
    if found and address is None:
        return {**record, "result": "skipped", "error": "no global unicast address to fetch from"}
    if address is None:
        return {**record, "result": "error", "error": error or f"{host} has no address"}
    record["address"] = address
    try:
        body = _get(host, address, port, deadline, context or ssl.create_default_context())
    except _Refused as exc:
        return {**record, "result": "invalid", "error": str(exc)}
    except ssl.SSLCertVerificationError as exc:
        return {**record, "result": "invalid", "error": f"certificate not valid: {exc.verify_message}"}
    except (OSError, http.client.HTTPException) as exc:
        return {**record, "result": "error", "error": str(exc) or type(exc).__name__}
    policy = parse_policy(body.decode("utf-8", "replace"))
    record.update(version=policy.version, mode=policy.mode, mx=list(policy.mx), max_age=policy.max_age)
    problems = policy.problems()
    if problems:
        return {**record, "result": "invalid", "error": "; ".join(problems)}
    return {**record, "result": "fetched"}


class _Refused(Exception):
    """The server answered, but with something RFC 8461 says not to use as a policy."""


def _get(host: str, address: str, port: int, deadline: float, context: ssl.SSLContext) -> bytes:
    def timeout() -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("out of time")
        return min(QUERY_TIMEOUT, left)

    with (
        socket.create_connection((address, port), timeout=timeout()) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        connection = http.client.HTTPSConnection(host, port, context=context)
        connection.sock = tls  # already connected to the address judged above
        connection.request("GET", POLICY_PATH, headers={"Connection": "close"})
        tls.settimeout(timeout())
        response = connection.getresponse()
        if 300 <= response.status < 400:
            raise _Refused(f"redirect ({response.status}) to {response.getheader('Location')} refused")
        if response.status != 200:
            raise _Refused(f"HTTP {response.status} {response.reason}")
        kind = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
        if kind != "text/plain":
            raise _Refused(f"Content-Type is {kind or 'missing'}, not text/plain")
        body = b""
        while chunk := response.read1(16384):
            body += chunk
            if len(body) > MAX_POLICY_BYTES:
                raise _Refused(f"policy larger than {MAX_POLICY_BYTES // 1024} KB refused")
            tls.settimeout(timeout())
        return body
