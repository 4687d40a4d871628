"""Sending services' JSON event payloads, pasted or mailed: Amazon SES (and SNS or EventBridge
around it), Azure Communication Services, SparkPost, Mandrill, Postmark, Resend, Postal, Mailgun,
Elastic Email, SMTP2GO, Mailjet, Brevo, Mailtrap and SendGrid (services/).

A paste may hold one JSON document, an array of events, or several documents one after another
(a webhook log, a relay that mails each event); it may start with a line of words or a code
fence before the JSON, or be the body of an email (SNS mails SES notifications so). Containers
are opened wherever services put their events: SNS's `Message` and Mandrill's `mandrill_events`
(JSON as a string), EventBridge's `detail` (an object), and any list of objects under a key of an
object no service claims (an API listing's `items`, `results` or `Bounces`). Each event becomes
one record per recipient; events that report no failure become quiet delivery records. A document
no service claims is read for strings under diagnostic-looking keys, but only when the paste is
the JSON itself. A payload copied in part (members without their braces, an object cut off before
its end) is read once json_fragment.py has given it its missing ends.
"""

from __future__ import annotations

import functools
import json
import re
from typing import TYPE_CHECKING

from ..incident import Incident, incident_from_text
from ..normalize import without_surrogates
from . import bounce_email, json_fragment
from .services import READERS
from .services.record import is_quiet

if TYPE_CHECKING:
    from typing import Any

MAX_JSON_CHARS = 2_000_000
MAX_DOCUMENTS = 200
MAX_EVENTS = 400
MAX_DEPTH = 4
MAX_VISITS = 2000  # objects and lists looked at per document
# Where a paste's JSON may start after some words: the first line that opens an object or array,
# perhaps quoted (Slack and mail quote a line with "> ", which no line of JSON starts with).
# Sources compiled on first use by re (which keeps them): an email seldom holds JSON.
JSON_START = r"(?m)^[ \t>]*[\[{]"
QUOTE_MARK = r"(?m)^[ \t]*> ?"
# Sendmail's break of an over-long line; a copy may add blanks before the line break
SENDMAIL_BREAK = r"![ \t]*\n[ \t]?"
MAX_PREFIX = 2000
DIAGNOSTIC_KEYS = ("diagnostic", "reason", "message", "description", "details", "response", "error", "status")
# A JSON escape of half a surrogate pair (\ud800) decodes to a string no UTF-8 writer accepts.
# A source too, searched in each JSON document a text holds.
SURROGATE_ESCAPE = r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}"
NUMBER = r"^\s*\d+\s*$"
# Envelope keys whose string value is itself a JSON document of events
WRAPPER_KEYS = ("Message", "mandrill_events")
# Envelopes whose object under the first key is the service's event, told by the second key:
# Amazon EventBridge's (https://docs.aws.amazon.com/ses/latest/dg/monitoring-eventbridge.html)
ENVELOPE_KEYS = (("detail", "detail-type"),)
KIND = "json"


def detect(text: str) -> bool:
    """JSON documents, pasted (perhaps after a line of words) or as the body of an email."""
    return _documents(text) is not None


def parse(text: str, explicit: bool) -> list[Incident]:
    documents = _documents(text) or []
    found = _service_incidents(documents)
    if found or not _bare(text):
        return found
    words = "\n".join(s for doc in documents for s in _generic(doc))
    return [incident_from_text(words, "json", explicit)] if words.strip() else []


def provider_hint(text: str) -> str:
    """The names of the services whose events the text holds: the provider of every record that
    names none itself."""
    names = {
        getattr(module, "HINT", module.PROVIDER)
        for doc in _documents(text) or []
        for module, _ in _events(doc)
    }
    return " ".join(sorted(names))


def _bare(text: str) -> bool:
    """The paste is the JSON itself, not an email or words around it."""
    return text.lstrip()[:1] in ("{", "[")


@functools.lru_cache(maxsize=2)
def _documents(text: str) -> tuple[Any, ...] | None:
    """The JSON documents of the text, or None when it has none a reader could use."""
    if _bare(text):
        documents = decode_all(text.lstrip())
        return documents or _completed(text)
    if bounce_email.looks_like_email(text):
        body = bounce_email.read(text).body.strip()
        documents = decode_all(body) if body[:1] in ("{", "[") else ()
        if not documents and body[:1] == "{" and "!" in body:
            # Sendmail breaks a line longer than SMTP allows with "!", a line break and a space
            # (a raw line break is never part of a JSON document, so "!" before one is no value)
            documents = decode_all(re.sub(SENDMAIL_BREAK, "", body))
    else:
        m = re.compile(JSON_START).search(text, 0, MAX_PREFIX)
        documents = decode_all(re.sub(QUOTE_MARK, "", text[m.start() :]).lstrip()) if m else ()
        if not (documents and _service_incidents(documents)):
            # members copied without their braces, or an event cut off: perhaps its inner
            # objects were all that decoded
            return _completed(text) or (_completed(text[m.start() :]) if m else None)
    # an email or words that happen to hold JSON are events only when a service reads them as such
    return documents if documents and _service_incidents(documents) else None


def _completed(text: str) -> tuple[Any, ...] | None:
    """The documents of a payload copied in part, when a service reads them as its events."""
    whole = json_fragment.completed(text)
    documents = decode_all(whole) if whole else ()
    return documents if documents and _service_incidents(documents) else None


def decode_all(text: str) -> tuple[Any, ...]:
    """Every JSON document at the start of the text, one after another; text after them is left."""
    if len(text) > MAX_JSON_CHARS:
        return ()
    decoder = json.JSONDecoder()
    documents: list[Any] = []
    pos = 0
    while pos < len(text) and len(documents) < MAX_DOCUMENTS:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] not in "{[":
            break
        try:
            obj, end = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):
            if text[pos] == "[":
                # an array cut short (a paste cut at the chat's limit): its whole elements
                elements = _leading_elements(decoder, text, pos + 1)
                if elements:
                    documents.append(elements)
            break
        if re.compile(SURROGATE_ESCAPE).search(text, pos, end):
            # a lone surrogate becomes U+FFFD (a pair of escapes decoded to one character already)
            obj = json.loads(without_surrogates(json.dumps(obj, ensure_ascii=False)))
        documents.append(obj)
        pos = end
    return tuple(documents)


def _leading_elements(decoder: json.JSONDecoder, text: str, pos: int) -> list[Any]:
    """The complete elements at the start of an array whose end is missing or broken."""
    elements: list[Any] = []
    start = pos
    while pos < len(text) and len(elements) < MAX_EVENTS:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] != "{":
            break
        try:
            obj, pos = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):
            break
        elements.append(obj)
    if elements and re.compile(SURROGATE_ESCAPE).search(text, start, pos):
        return json.loads(without_surrogates(json.dumps(elements, ensure_ascii=False)))
    return elements


def parse_json(text: str) -> Any | None:
    """One JSON document that is the whole text, or None."""
    documents = decode_all(text.strip())
    return documents[0] if len(documents) == 1 else None


def _service_incidents(documents: tuple[Any, ...] | list[Any]) -> list[Incident]:
    found: list[Incident] = []
    for doc in documents:
        for _, records in _events(doc):
            found.extend(records)
    return _without_redundant_quiet(found[:MAX_EVENTS])


def _without_redundant_quiet(found: list[Incident]) -> list[Incident]:
    """The failures of a payload, when it has any: deliveries, accepted, opened and clicked events
    beside them are no problem to explain. A payload of such events only is answered as such,
    once per recipient (a delivery rather than the `processed` before it or the `open` after it)."""
    failures = [i for i in found if i.report != "delivery"]
    if failures:
        return failures
    delivered = {i.recipient for i in found if not is_quiet(i)}
    kept: list[Incident] = []
    seen: set[str | None] = set()
    for incident in found:
        if is_quiet(incident) and (incident.recipient in delivered or incident.recipient in seen):
            continue
        seen.add(incident.recipient)
        kept.append(incident)
    return kept


def _events(document: Any) -> list[tuple[Any, list[Incident]]]:
    """(service module, its records) for every event in the document, in order. At most
    MAX_VISITS objects are looked at, so a hostile document costs no more than a long payload."""
    found: list[tuple[Any, list[Incident]]] = []
    budget = [MAX_VISITS]
    _visit(document, 0, found, budget)
    return found


def _visit(obj: Any, depth: int, found: list, budget: list[int]) -> None:
    if depth > MAX_DEPTH or budget[0] <= 0 or len(found) >= MAX_EVENTS:
        return
    budget[0] -= 1
    if isinstance(obj, list):
        for item in obj[:MAX_EVENTS]:
            _visit(item, depth + 1, found, budget)
        return
    if not isinstance(obj, dict):
        return
    for key in WRAPPER_KEYS:
        if isinstance(obj.get(key), str):
            inner = parse_json(obj[key])
            if inner is not None:
                _visit(inner, depth + 1, found, budget)
                return
    for key, marker in ENVELOPE_KEYS:
        if marker in obj and isinstance(obj.get(key), dict):
            _visit(obj[key], depth + 1, found, budget)
            return
    for module in READERS:
        records = module.read(obj)
        if records is not None:
            found.append((module, records))
            return
    # a listing no service claims as a whole: its lists of objects may be events
    for value in list(obj.values())[:50]:
        if isinstance(value, list) and value and isinstance(value[0], dict):
            _visit(value, depth + 1, found, budget)


def _generic(obj: Any, depth: int = 0) -> list[str]:
    """Strings under diagnostic-looking keys anywhere in the document."""
    found: list[str] = []
    if depth > 8:
        return found
    if isinstance(obj, dict):
        for key, value in list(obj.items())[:200]:
            name = str(key).lower()
            if isinstance(value, (str, int)) and any(k in name for k in DIAGNOSTIC_KEYS):
                # a bare number under "ErrorCode" or "status" is an API's or HTTP's code, not SMTP's,
                # unless the key says it is
                if isinstance(value, bool) or (re.match(NUMBER, str(value)) and "smtp" not in name):
                    continue
                found.append(str(value))
            elif isinstance(value, (dict, list)):
                found.extend(_generic(value, depth + 1))
    elif isinstance(obj, list):
        for item in obj[:200]:
            found.extend(_generic(item, depth + 1))
    return found[:50]
