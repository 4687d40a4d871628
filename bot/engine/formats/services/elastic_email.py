"""Elastic Email recipient events, as its v4 API lists them and its webhooks report them.

Fields: `To`, `EventType` (Submission, FailedAttempt, Bounce, Sent, Open, Click, Unsubscribe,
Complaint), `MessageCategory` (Elastic Email's class of a failure: NoMailbox, Spam, BlackListed,
DNSProblem, SPFProblem, Timeout, ...), `Message` (the receiving server's words) and the
`TransactionID` / `MsgID` that mark the layout:
https://elasticemail.com/developers/api-documentation/rest-api#tag/Events and the categories'
meanings at https://help.elasticemail.com/en/articles/2300650-what-are-the-bounce-error-categories-and-filters
(explained in knowledge/services/elastic-email.toml).
Read as "<Message>\nElastic Email <EventType> <MessageCategory>".
"""

from __future__ import annotations

from ...incident import Incident
from .record import ACCEPTED, ENGAGEMENT, delivered, failure, feedback, not_an_error, scalar, text_of

PROVIDER = "Elastic Email"
QUIET = {"Submission": ACCEPTED, "Open": ENGAGEMENT, "Click": ENGAGEMENT, "Unsubscribe": ENGAGEMENT}
EVENTS = frozenset({"FailedAttempt", "Bounce", "Sent", "Complaint", *QUIET})
# The categories Elastic Email retries (a 4xx, a connection that failed): a bounce of one is soft
SOFT_CATEGORIES = frozenset(
    {"GreyListed", "Throttled", "Timeout", "ConnectionProblem", "ConnectionTerminated"}
)
MARKERS = ("TransactionID", "MsgID")


def read(obj: dict) -> list[Incident] | None:
    event = scalar(obj.get("EventType"))
    if event not in EVENTS or "To" not in obj or not any(k in obj for k in MARKERS):
        return None
    to = obj.get("To")
    if event in QUIET:
        return [not_an_error(PROVIDER, event, to, QUIET[event])]
    if event == "Sent":
        return [delivered(scalar(obj.get("Message")) or "250 Elastic Email sent", to)]
    if event == "Complaint":
        return [feedback("Feedback-Type: abuse Elastic Email complaint", to)]
    category = scalar(obj.get("MessageCategory")) or ""
    text = text_of(obj.get("Message"), f"Elastic Email {event} {category}".rstrip())
    soft = event == "FailedAttempt" or category in SOFT_CATEGORIES
    return [failure(text, to, "delayed" if soft else "failed")]
