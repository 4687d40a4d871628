"""`Ask`: how a check asks the DNS, with the diagnosis's deadline already bound in."""

from __future__ import annotations

from collections.abc import Callable

from .resolver import Answer

Ask = Callable[[str, str], Answer]


def addresses(ask: Ask, host: str) -> tuple[tuple[str, ...], str | None]:
    """A and AAAA records of `host`, and the error text when either question failed."""
    found: list[str] = []
    error = None
    for rdtype in ("A", "AAAA"):
        answer = ask(host, rdtype)
        found.extend(answer.records)
        if answer.outcome == "error":
            error = answer.error
    return tuple(found), error
