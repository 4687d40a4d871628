"""The optional SMTP probe of an MX host (SMTPBOT_DIAGNOSE=probe): banner, EHLO and STARTTLS only.

It never sends MAIL or RCPT, so no mail is ever attempted, and it connects only to global unicast
addresses: a paste must not be able to point smtpbot at a private network or at itself. It ends
with QUIT, inside the diagnosis's deadline.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Callable
from typing import Any

PROBE_TIMEOUT = 3.0
EHLO_NAME = "smtpbot.invalid"
MAX_REPLY_LINES = 100


def is_global_unicast(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast


def probe_smtp(
    host: str,
    addresses: list[str],
    deadline: float,
    port: int = 25,
    allowed: Callable[[str], bool] = is_global_unicast,
) -> dict[str, Any]:
    """What `host` says to EHLO and whether STARTTLS works, as a record for the mx check's details."""
    address = next((a for a in addresses if allowed(a)), None)
    if address is None:
        return {"host": host, "result": "skipped", "error": "no global unicast address to probe"}
    timeout = min(PROBE_TIMEOUT, deadline - time.monotonic())
    if timeout <= 0:
        return {"host": host, "address": address, "result": "error", "error": "out of time"}
    record: dict[str, Any] = {"host": host, "address": address, "commands": []}
    try:
        with socket.create_connection((address, port), timeout=timeout) as raw:
            _session(raw.makefile("rb"), raw, host, record)
    except (OSError, ValueError) as exc:
        record.update(result="error", error=str(exc) or type(exc).__name__)
    return record


def _session(reader: Any, sock: socket.socket, host: str, record: dict[str, Any]) -> None:
    code, banner = _reply(reader)
    record["banner"] = banner[0] if banner else ""
    if code != 220:
        record.update(result="error", error=f"the server greeted with {code}")
        return
    code, lines = _command(reader, sock, f"EHLO {EHLO_NAME}", record)
    extensions = [line.split(" ", 1)[0].upper() for line in lines[1:]]
    record["starttls_offered"] = code == 250 and "STARTTLS" in extensions
    if not record["starttls_offered"]:
        _command(reader, sock, "QUIT", record)
        record["result"] = "no-starttls"
        return
    code, _ = _command(reader, sock, "STARTTLS", record)
    if code != 220:
        record.update(result="error", error=f"STARTTLS was answered {code}")
        return
    context = ssl.create_default_context()
    try:
        with context.wrap_socket(sock, server_hostname=host) as tls:
            record.update(tls_version=tls.version(), certificate="valid")
            _command(tls.makefile("rb"), tls, "QUIT", record)
    except ssl.SSLCertVerificationError as exc:
        record.update(certificate=f"invalid: {exc.verify_message}")
    record["result"] = "starttls"


def _command(reader: Any, sock: Any, line: str, record: dict[str, Any]) -> tuple[int, list[str]]:
    record["commands"].append(line)
    sock.sendall(line.encode("ascii") + b"\r\n")
    return _reply(reader)


def _reply(reader: Any) -> tuple[int, list[str]]:
    """One SMTP reply (RFC 5321 §4.2): lines `NNN-text` until `NNN text`."""
    lines = []
    for _ in range(MAX_REPLY_LINES):
        raw = reader.readline(1024)
        if not raw:
            raise ValueError("the server closed the connection")
        text = raw.decode("utf-8", "replace").rstrip("\r\n")
        if len(text) < 3 or not text[:3].isdigit():
            raise ValueError(f"not an SMTP reply: {text[:80]!r}")
        lines.append(text[4:])
        if text[3:4] != "-":
            return int(text[:3]), lines
    raise ValueError("an SMTP reply of too many lines")
