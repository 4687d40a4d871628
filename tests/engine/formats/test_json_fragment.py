"""Payloads copied in part: members without braces, objects cut off, read as the event."""

from __future__ import annotations

import json
import time

import pytest

from bot.engine import Engine
from bot.engine.formats import json_fragment, read

SES_PART = (
    '"bounceType": "Permanent",\n"bounceSubType": "General",\n"bouncedRecipients": [\n'
    '  {"emailAddress": "ana@example.net", "action": "failed", "status": "5.1.1",\n'
    '   "diagnosticCode": "smtp; 550 5.1.1 user unknown"}\n]'
)


@pytest.mark.parametrize(
    ("fragment", "whole"),
    [
        ('"event": "bounce", "email": "a@example.net",', {"event": "bounce", "email": "a@example.net"}),
        ('{"a": [1, {"b": "x}"', {"a": [1, {"b": "x}"}]}),
        ('[{"a": 1}, {"b": "\\"q\\""', [{"a": 1}, {"b": '"q"'}]),
    ],
    ids=["members", "cut-object", "cut-array"],
)
def test_the_missing_ends_are_added(fragment: str, whole: object) -> None:
    completed = json_fragment.completed(fragment)
    assert completed is not None and json.loads(completed) == whole


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1}',  # whole already
        '{"a": "cut in a string',
        '{"a": ',  # a value cut off
        '{"a": 1]',  # broken inside
        "550 5.1.1 user unknown",  # no JSON at all
        "the event was bounce, see {logs}",
    ],
)
def test_what_cannot_be_completed_is_none(text: str) -> None:
    assert json_fragment.completed(text) is None


def test_an_ses_bounce_object_copied_alone_is_the_ses_event() -> None:
    reading = read(SES_PART, True)
    assert reading.kind == "json" and reading.hint_text == "Amazon SES"
    (incident,) = reading.incidents
    assert (incident.recipient, incident.action) == ("ana@example.net", "failed")


def test_a_transient_bounce_cut_off_inside_its_key_is_still_read(engine: Engine) -> None:
    text = '"bounce": {"bounceType": "Transient", "bounceSubType": "MailboxFull", ' + (
        '"bouncedRecipients": [{"emailAddress": "bo@example.net", "diagnosticCode": "smtp; 452 4.2.2 full"}]'
    )
    best = engine.explain(text, "explicit").best
    assert best is not None and (best.reason, best.bounce, best.recipient, best.provider) == (
        "mailboxfull",
        "soft",
        "bo@example.net",
        "Amazon SES",
    )


def test_members_no_service_claims_stay_free_text() -> None:
    assert read('"temperature": 21, "unit": "C"', True).kind == "text"


def test_deep_nesting_and_long_fragments_cost_one_pass() -> None:
    assert json_fragment.completed('{"a":' + "[" * 10_000) is None  # more open than any payload
    start = time.perf_counter()
    json_fragment.completed('"k": "' + "x" * 150_000 + '", "n": [1,')
    assert time.perf_counter() - start < 0.5
