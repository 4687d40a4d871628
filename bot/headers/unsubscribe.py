"""Bulk mail's unsubscribe headers: what Gmail and Yahoo require of bulk senders since 2024.

Sources: RFC 2369 (List-Unsubscribe), RFC 8058 (one-click: List-Unsubscribe-Post, an https URI,
both fields covered by a DKIM signature), Google's "Email sender guidelines" and Yahoo's "Sender
Best Practices" (one-click unsubscribe for bulk senders). A message counts as bulk when it says
so (Precedence: bulk, a Feedback-ID) or offers List-Unsubscribe outside a discussion list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .fields import Field, first
from .verdict import Verdict

if TYPE_CHECKING:
    from .report import HeaderReport


def _signed_without_unsubscribe(fields: list[Field]) -> bool:
    """True when the paste has DKIM signatures and none lists both unsubscribe fields in `h=`."""
    signed = [f.value for f in fields if f.name == "dkim-signature"]
    if not signed:
        return False  # nothing to tell from: the paste may have left them out
    for value in signed:
        tags = {k.strip().lower(): v for k, _, v in (t.partition("=") for t in value.split(";"))}
        covered = {h.strip().lower() for h in tags.get("h", "").replace(" ", "").split(":")}
        if {"list-unsubscribe", "list-unsubscribe-post"} <= covered:
            return False
    return True


def unsubscribe_verdicts(report: HeaderReport) -> list[Verdict]:
    fields = list(report.fields)
    unsubscribe = first(fields, "list-unsubscribe")
    post = first(fields, "list-unsubscribe-post")
    precedence = (first(fields, "precedence").value.lower() if first(fields, "precedence") else "").strip()
    discussion_list = first(fields, "list-id") is not None and precedence != "bulk"
    bulk = (
        precedence == "bulk"
        or first(fields, "feedback-id") is not None
        or (unsubscribe is not None and not discussion_list)
    )
    if not bulk:
        return []
    fix = (
        "add List-Unsubscribe with an https link and List-Unsubscribe-Post: List-Unsubscribe=One-Click "
        "(RFC 8058), both covered by the DKIM signature"
    )
    if unsubscribe is None:
        return [
            Verdict(
                "unsubscribe",
                "fail",
                "No List-Unsubscribe header for a bulk sender: Gmail and "
                "Yahoo require one-click unsubscribe from bulk senders.",
                (),
                fix,
            )
        ]
    one_click = post is not None and "list-unsubscribe=one-click" in post.value.lower().replace(" ", "")
    https = "https://" in unsubscribe.value.lower()
    evidence = (f"List-Unsubscribe: {unsubscribe.value[:200]}",) + (
        (f"List-Unsubscribe-Post: {post.value}",) if post else ()
    )
    if one_click and https and not _signed_without_unsubscribe(fields):
        return [Verdict("unsubscribe", "pass", "One-click unsubscribe (RFC 8058) is offered.", evidence)]
    if one_click and https:
        return [
            Verdict(
                "unsubscribe",
                "warn",
                "One-click unsubscribe is offered, but no DKIM signature covers List-Unsubscribe and "
                "List-Unsubscribe-Post, so receivers may ignore it (RFC 8058 section 4).",
                evidence,
                fix,
            )
        ]
    missing = "List-Unsubscribe-Post: List-Unsubscribe=One-Click" if not one_click else "an https link"
    return [
        Verdict(
            "unsubscribe",
            "warn",
            f"No one-click unsubscribe for a bulk sender: {missing} is missing.",
            evidence,
            fix,
        )
    ]
