"""Is a paste a message header someone wants explained? A cheap test on field names only.

A header paste has a Received or Authentication-Results field among at least three fields. A
bounce also has them, but it is not a question about this header: a delivery report
(multipart/report) or mail from MAILER-DAEMON is left to the bounce engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .block import field_name, header_block

if TYPE_CHECKING:
    from .report import HeaderReport

MIN_FIELDS = 3
BOUNCE_SENDERS = ("mailer-daemon", "postmaster@", "mail delivery subsystem", "mail delivery system")


def looks_like_headers(text: str) -> bool:
    block = header_block(text)
    if not block:
        return False
    names: list[str] = []
    bounce = False
    for line in block.split("\n"):
        name = field_name(line) if line[:1] not in " \t" else None
        if name is None:
            continue
        names.append(name)
        lowered = line.lower()
        if name == "content-type" and "multipart/report" in lowered:
            bounce = True
        if name == "from" and any(word in lowered for word in BOUNCE_SENDERS):
            bounce = True
    chain = "received" in names or "authentication-results" in names
    return chain and len(names) >= MIN_FIELDS and not bounce


def header_report(text: str) -> HeaderReport | None:
    """The analysis of a header paste, or None for anything else (a bounce, a question, a code)."""
    if not looks_like_headers(text):
        return None
    from .report import analyse  # loaded only for a header paste

    return analyse(text)
