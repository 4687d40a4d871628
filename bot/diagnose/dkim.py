"""`dkim`: the public key at `<selector>._domainkey.<domain>` (RFC 6376 §3.6.1).

Checked only when a selector is known (from a pasted DKIM-Signature or Authentication-Results
`header.s`): an empty `p=` is a revoked key, RSA keys under 1024 bits must not be used (RFC 8301)
and under 2048 bits are weak.
"""

from __future__ import annotations

import base64
import binascii

from .dmarc import parse_tags
from .lookup import Ask
from .model import CheckResult

MIN_RSA_BITS = 1024
GOOD_RSA_BITS = 2048


def check_dkim(ask: Ask, domain: str, selector: str | None) -> CheckResult:
    if not selector:
        return CheckResult(
            "dkim", domain, "skipped", "no DKIM selector known (paste a DKIM-Signature header)"
        )
    name = f"{selector}._domainkey.{domain}"
    answer = ask(name, "TXT")
    if answer.outcome == "error":
        return CheckResult("dkim", name, "error", f"DKIM key lookup failed: {answer.error}")
    records = [r for r in answer.records if "p=" in r]
    if not records:
        return CheckResult("dkim", name, "fail", f"no DKIM key at {name}: signatures with s={selector} fail")
    record = records[0]
    tags = parse_tags(record)
    key_type = tags.get("k", "rsa").lower()
    details = {"record": record, "selector": selector, "key_type": key_type, "bits": None}
    key = "".join(tags.get("p", "").split())
    if not key:
        return CheckResult("dkim", name, "fail", f"the key s={selector} is revoked (empty p=)", details)
    try:
        der = base64.b64decode(key, validate=True)
    except binascii.Error:
        return CheckResult("dkim", name, "fail", f"the key s={selector} is not valid base64", details)
    if key_type == "ed25519":
        details["bits"] = 256
        return CheckResult("dkim", name, "pass", f"Ed25519 key s={selector}", details)
    bits = rsa_key_bits(der)
    details["bits"] = bits
    if bits is None:
        return CheckResult("dkim", name, "fail", f"the key s={selector} is not an RSA public key", details)
    if bits < MIN_RSA_BITS:
        summary = (
            f"RSA key s={selector} has {bits} bits: receivers ignore keys under {MIN_RSA_BITS} (RFC 8301)"
        )
        return CheckResult("dkim", name, "fail", summary, details)
    if bits < GOOD_RSA_BITS:
        return CheckResult("dkim", name, "warn", f"RSA key s={selector} has {bits} bits; use 2048", details)
    return CheckResult("dkim", name, "pass", f"RSA key s={selector}, {bits} bits", details)


def rsa_key_bits(der: bytes) -> int | None:
    """The modulus size of a DER SubjectPublicKeyInfo (or bare RSAPublicKey), None if it is neither."""
    try:
        body, _ = _element(der, 0x30)
        if body[:1] == b"\x30":  # SubjectPublicKeyInfo: AlgorithmIdentifier, then a BIT STRING
            _algorithm, rest = _element(body, 0x30)
            bit_string, _ = _element(rest, 0x03)
            body, _ = _element(bit_string[1:], 0x30)
        modulus, _ = _element(body, 0x02)  # an RSAPublicKey starts with its modulus
    except ValueError:
        return None
    return int.from_bytes(modulus, "big").bit_length()


def _element(data: bytes, tag: int) -> tuple[bytes, bytes]:
    """The content of the DER element `tag` at the start of `data`, and what follows it."""
    if len(data) < 2 or data[0] != tag:
        raise ValueError("unexpected DER element")
    length, offset = data[1], 2
    if length & 0x80:
        count = length & 0x7F
        length, offset = int.from_bytes(data[2 : 2 + count], "big"), 2 + count
    if offset + length > len(data):
        raise ValueError("truncated DER element")
    return data[offset : offset + length], data[offset + length :]
