"""Property-based tests: no input crashes the engine or hangs it, and every result keeps its invariants.

The wall-clock guard below is a hang detector only (generous, 10 s per explanation); speed is
measured by the benchmarks in bench/, not asserted here.
"""

from __future__ import annotations

import json
import random
import re
import threading
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from repo_paths import DATA

from bot.engine import REASONS, Engine, Explanation
from bot.engine.code_structure import STRUCTURE_IDS
from bot.engine.normalize import SLACK_MARKERS

HANG_GUARD_SECONDS = 10.0
REPLY_RE = re.compile(r"^[2-5]\d\d$")
ENHANCED_RE = re.compile(r"^[245]\.\d\.\d{1,3}$")  # RFC 3463: a one-digit subject
INPUT_KINDS = {"empty", "code", "text", "smtp", "log", "dsn", "email", "json"}
CONTRACT_KEYS = {
    "reply_code",
    "enhanced_code",
    "reason",
    "bounce",
    "title",
    "provider",
    "recipient",
    "confidence",
    "entry_id",
}

ENGINE = Engine.load(extra_dir="")

# Pieces of every input format, so random combinations reach deep into each parser.
FRAGMENTS = [
    "550",
    "452",
    "421-",
    "5.1.1",
    "4.2.2",
    "5.7.26",
    "2.0.0",
    "550-5.7.1 ",
    "550 5.7.1 ",
    "-",
    " ",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    "said:",
    "host mx.example.com[203.0.113.5] said: ",
    "<bob@example.com>",
    "bob@example.com",
    "user unknown",
    "mailbox full",
    "Mailbox is full",
    "relay access denied",
    " - gsmtp",
    "S3150",
    "[TSS04]",
    "https://support.google.com/mail/?p=NoSuchUser",
    "Final-Recipient: rfc822; a@b.example",
    "Original-Recipient: rfc822; a@b.example",
    "Action: failed",
    "Action: delayed",
    "Status: 5.7.1",
    "Status: 4.4.7",
    "Diagnostic-Code: smtp; 554 ",
    "Remote-MTA: dns; mx.example.net",
    "Reporting-MTA: dns; relay.example.org",
    "to=<a@b.example>, relay=mx.b.example[198.51.100.1]:25, ",
    "dsn=5.1.1, status=bounced (",
    "dsn=4.4.1, status=deferred (",
    "stat=Deferred: ",
    ")",
    " ** ",
    " == ",
    "R=dnslookup T=remote_smtp H=mx.example.net [203.0.113.7]: ",
    "&lt;",
    "&gt;",
    "&amp;",
    "<mailto:a@b.example|a@b.example>",
    "<https://support.google.com/mail/?p=X|x>",
    "<@U024BE7LH>",
    "```",
    "`",
    "{",
    "}",
    "[",
    "]",
    '"',
    ":",
    ",",
    "From: MAILER-DAEMON@x.example",
    "To: a@b.example",
    "Subject: Undelivered Mail Returned to Sender",
    "MIME-Version: 1.0",
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    "Content-Type: multipart/mixed; boundary=b",
    "--b",
    "--b--",
    "Content-Type: message/delivery-status",
    "Content-Type: message/rfc822",
    "Content-Type: text/plain; charset=iso-2022-jp",
    "Content-Type: text/html",
    "Content-Transfer-Encoding: base64",
    "Content-Transfer-Encoding: quoted-printable",
    "=3D",
    "=\n",
    "=ZZ",
    "PGh0bWw+",
    "\x00",
    "\x1b$B",
    "\ud800",
    "\udcff",
    "é",
    "😀",
    "\u202e",
    "\ufeff",
]
JSON_KEYS = [
    "notificationType",
    "eventType",
    "bounce",
    "bounceType",
    "bounceSubType",
    "bouncedRecipients",
    "emailAddress",
    "status",
    "diagnosticCode",
    "remoteMtaIp",
    "deliveryDelay",
    "delayedRecipients",
    "complaint",
    "complainedRecipients",
    "Message",
    "Type",
    "event",
    "email",
    "reason",
    "response",
    "type",
    "event-data",
    "delivery-status",
    "code",
    "enhanced-code",
    "message",
    "description",
    "mx-host",
    "severity",
    "recipient",
    "RecordType",
    "TypeCode",
    "Details",
    "Description",
    "Email",
]
JSON_STRINGS = [
    "Bounce",
    "DeliveryDelay",
    "Complaint",
    "Permanent",
    "Transient",
    "bounce",
    "deferred",
    "dropped",
    "failed",
    "temporary",
    "HardBounce",
    "SpamNotification",
    "5.1.1",
    "550 5.1.1 user unknown",
    "smtp; 452 4.2.2 mailbox full",
]

smtpish_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=80).map("".join)
any_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=2000)
json_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(JSON_STRINGS)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_leaves,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.sampled_from(JSON_KEYS) | st.text(max_size=8), children, max_size=6)
    ),
    max_leaves=40,
)


def run_bounded(text: str | bytes, mode: str) -> Explanation:
    """explain() in a daemon thread: an exception is re-raised, a hang fails the test."""
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = ENGINE.explain(text, mode)  # type: ignore[arg-type]
        except BaseException as exc:  # report anything, including RecursionError
            outcome["error"] = exc

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(HANG_GUARD_SECONDS)
    if thread.is_alive():
        pytest.fail(f"explain() did not finish within {HANG_GUARD_SECONDS} s (hang) on {len(text)} chars")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def check_invariants(result: Explanation, mode: str) -> None:
    assert isinstance(result, Explanation)
    assert result.mode == mode
    assert result.input_kind in INPUT_KINDS
    assert len(result.findings) <= 10
    if mode == "passive":
        assert result.notice is None
    else:
        # a header analysis answers a pasted header that holds no bounce in place of a notice
        assert (result.notice is None) == bool(result.findings or result.headers)
    for finding in result.findings:
        assert 0.0 <= finding.confidence <= 1.0
        assert finding.bounce in ("hard", "soft", "none")
        assert finding.reason in REASONS
        assert finding.entry_id in ENGINE.by_id or finding.entry_id in STRUCTURE_IDS
        assert finding.title
        assert finding.reply_code is None or REPLY_RE.match(finding.reply_code), finding.reply_code
        assert finding.enhanced_code is None or ENHANCED_RE.match(finding.enhanced_code), (
            finding.enhanced_code
        )
        first = finding.reply_code or finding.enhanced_code
        if first and first[0] == "5":
            # a 5xx is a failure: final, or soft only in a delay warning that quotes the last
            # attempt's reply while the MTA keeps the message (tests/engine/test_delay_reason.py);
            # a 4xx reply stays temporary whatever status its text carries (RFC 5321 §4.2.1)
            assert finding.bounce in ("hard", "soft")
    contract = result.contract()
    assert set(contract) == {"findings"}
    for item in contract["findings"]:
        assert set(item) == CONTRACT_KEYS
    json.dumps(contract)
    json.dumps(result.to_dict())


PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,  # shared, noisy machine: no per-example time limit
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@PROPERTY_SETTINGS
@given(text=any_text, mode=st.sampled_from(["explicit", "passive"]))
@example(text="\ud800 550 5.1.1 user unknown", mode="explicit")
@example(text="", mode="explicit")
def test_any_unicode_text(text: str, mode: str) -> None:
    check_invariants(run_bounded(text, mode), mode)


@PROPERTY_SETTINGS
@given(data=st.binary(max_size=4000), mode=st.sampled_from(["explicit", "passive"]))
def test_any_bytes(data: bytes, mode: str) -> None:
    check_invariants(run_bounded(data, mode), mode)


@PROPERTY_SETTINGS
@given(text=smtpish_text, mode=st.sampled_from(["explicit", "passive"]))
@example(
    # a lone surrogate (possible after json.loads of a Slack event) in a quoted-printable body
    text="From: a@b.example\nTo: c@d.example\nSubject: x\nContent-Transfer-Encoding: quoted-printable\n\n"
    "550 5.1.1 user unknown \ud800 =3D\n",
    mode="explicit",
)
def test_mail_shaped_text(text: str, mode: str) -> None:
    check_invariants(run_bounded(text, mode), mode)


@PROPERTY_SETTINGS
@given(value=json_values, mode=st.sampled_from(["explicit", "passive"]))
@example(value={"notificationType": "Bounce", "bounce": {"bouncedRecipients": 5}}, mode="explicit")
@example(value={"eventType": "DeliveryDelay", "deliveryDelay": {"delayedRecipients": 7}}, mode="explicit")
@example(value={"notificationType": "Complaint", "complaint": {"complainedRecipients": True}}, mode="passive")
@example(value={"event-data": {"event": "failed", "delivery-status": {"code": [550]}}}, mode="explicit")
@example(value=[{"event": "bounce", "email": {}, "reason": [], "status": {}}], mode="explicit")
def test_any_json(value: Any, mode: str) -> None:
    check_invariants(run_bounded(json.dumps(value), mode), mode)


@PROPERTY_SETTINGS
@given(value=json_values, mode=st.sampled_from(["explicit", "passive"]))
def test_any_json_wrapped_in_sns(value: Any, mode: str) -> None:
    envelope = {"Type": "Notification", "Message": json.dumps(value), "TopicArn": "arn:aws:sns:x"}
    check_invariants(run_bounded(json.dumps(envelope), mode), mode)


FIXTURE_FILES = sorted(
    p for sub in ("bounces", "json", "logs", "alerts") for p in (DATA / sub).iterdir() if p.is_file()
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(0, len(FIXTURE_FILES) - 1),
    cut=st.floats(0, 1),
    junk=st.text(max_size=40),
    mode=st.sampled_from(["explicit", "passive"]),
)
def test_truncated_and_spliced_fixtures(index: int, cut: float, junk: str, mode: str) -> None:
    """Real bounces cut off mid-way, with junk spliced in: malformed MIME, half a JSON document."""
    text = FIXTURE_FILES[index].read_text(encoding="utf-8")
    at = int(len(text) * cut)
    check_invariants(run_bounded(text[:at] + junk + text[at : at + at // 2], mode), mode)


# --- large and pathological inputs (hang detector) -------------------------------------------


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), mode=st.sampled_from(["explicit", "passive"]))
def test_100kb_random_bytes(seed: int, mode: str) -> None:
    data = random.Random(seed).randbytes(100_000)
    check_invariants(run_bounded(data, mode), mode)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), mode=st.sampled_from(["explicit", "passive"]))
def test_100kb_random_unicode(seed: int, mode: str) -> None:
    rng = random.Random(seed)
    text = "".join(chr(rng.randrange(1, 0x30000)) for _ in range(100_000))
    check_invariants(run_bounded(text, mode), mode)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), mode=st.sampled_from(["explicit", "passive"]))
def test_100kb_of_mail_fragments(seed: int, mode: str) -> None:
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < 100_000:
        piece = rng.choice(FRAGMENTS)
        parts.append(piece)
        size += len(piece)
    check_invariants(run_bounded("".join(parts), mode), mode)


def _deep_mime(depth: int) -> str:
    head = "From: a@b.example\nTo: c@d.example\nSubject: x\nMIME-Version: 1.0\n"
    return (
        head
        + "Content-Type: multipart/mixed; boundary=x\n\n"
        + ("--x\nContent-Type: multipart/mixed; boundary=x\n\n" * depth)
    )


PATHOLOGICAL = {
    "repeated reply": "550 5.1.1 " * 10_000,
    "repeated multiline reply": "550-5.7.26 x\n" * 8_000,
    "repeated enhanced codes": "5.5.5." * 20_000,
    "digits only": "5" * 100_000,
    "one huge line of mail words": "mailbox full user unknown relay denied " * 2_500,
    "postfix to= without end": "to=<a> " * 15_000 + "dsn=5.1.1, status=bounced (x)",
    "sendmail to= without end": "to=<" * 30_000 + " dsn=5.1.1, stat=x",
    "exim flags": "2024 ** " + "a@b " * 25_000,
    "deep json list": "[" * 50_000 + "]" * 50_000,
    "deep json object": '{"a":' * 5_000 + "1" + "}" * 5_000,
    "unclosed json": '{"notificationType": "Bounce", "bounce": {' * 3_000,
    "deep multipart": _deep_mime(2_000),
    "nested message/rfc822": "From: a\nTo: b\nSubject: c\nContent-Type: message/rfc822\n\n" * 3_000,
    "many headers": "From: a\nTo: b\n" + "X-A: b\n" * 20_000 + "\n550 5.1.1 user unknown",
    "header continuation": "From: a\nTo: b\nSubject: x\n" + " y\n" * 40_000,
    "base64 garbage": (
        "From: a\nTo: b\nSubject: c\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
        + "!!!!====" * 12_000
    ),
    "quoted-printable garbage": (
        "From: a\nTo: b\nSubject: c\nContent-Type: text/plain\n"
        "Content-Transfer-Encoding: quoted-printable\n\n" + "=ZZ=\n" * 20_000
    ),
    "boundary everywhere": (
        'From: a\nTo: b\nContent-Type: multipart/report; boundary="--"\n\n' + "----\n" * 20_000
    ),
    "many dsn records": "Final-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.1.1\n" * 1_400,
    "dsn continuation lines": "Diagnostic-Code: smtp; 550 x\nStatus: 5.1.1\n" + " y\n" * 40_000,
    "many postfix lines": "\n".join(
        f"postfix/smtp[1]: A: to=<u{i}@x.example>, relay=mx.x.example[192.0.2.1]:25, dsn=5.1.1, "
        "status=bounced (host mx.x.example[192.0.2.1] said: 550 5.1.1 user unknown)"
        for i in range(600)
    ),
    "many paragraphs": "\n\n".join(f"550 5.1.1 <u{i}@x.example>: user unknown" for i in range(2_500)),
    "long host name": "550 5.1.1 user unknown " + "a." * 50_000,
    "long address": "550 5.1.1 user unknown " + "a" * 60_000 + "@" + "b" * 40_000,
    "slack links": "<mailto:" * 20_000,
    "backticks": "`" * 100_000,
    "control characters": "\x00\x01\x02\x1b[31m" * 20_000,
    "many ses recipients": json.dumps(
        {
            "notificationType": "Bounce",
            "bounce": {
                "bounceType": "Permanent",
                "bouncedRecipients": [
                    {
                        "emailAddress": f"u{i}@x.example",
                        "status": "5.1.1",
                        "diagnosticCode": "smtp; 550 5.1.1",
                    }
                    for i in range(1_500)
                ],
            },
        }
    ),
}


@pytest.mark.parametrize("mode", ["explicit", "passive"])
@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_input(name: str, mode: str) -> None:
    check_invariants(run_bounded(PATHOLOGICAL[name], mode), mode)


def test_oversized_input_is_truncated_not_refused() -> None:
    text = "550 5.1.1 <bob@example.com>: user unknown\n" + "filler line\n" * 40_000
    result = run_bounded(text, "explicit")
    assert result.truncated
    assert result.findings and result.findings[0].enhanced_code == "5.1.1"


# --- explanation invariants on known inputs ---------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "\n\n\t  ", b"", b"   \r\n"])
def test_empty_text_gives_the_notice(text: str | bytes) -> None:
    result = ENGINE.explain(text, "explicit")
    assert result.input_kind == "empty"
    assert result.findings == ()
    assert result.notice and "nothing to explain" in result.notice.lower()
    assert ENGINE.explain(text, "passive").notice is None


def test_no_finding_gives_a_notice_in_explicit_mode_only() -> None:
    text = "the weather is nice today"
    assert ENGINE.explain(text, "explicit").notice
    assert ENGINE.explain(text, "passive").notice is None


@settings(max_examples=80, deadline=None)
@given(text=smtpish_text, mode=st.sampled_from(["explicit", "passive"]))
def test_explain_is_deterministic(text: str, mode: str) -> None:
    assert ENGINE.explain(text, mode).contract() == ENGINE.explain(text, mode).contract()


@settings(max_examples=80, deadline=None)
@given(text=smtpish_text)
@example(text="550550-5.7.1 host mx.example.com[203.0.113.5] said: 550")  # a status beside a reply
@example(text="{4.2.2Diagnostic-Code: smtp; 554 ")  # a stray status of another class than the reply
@example(text="Subject: Undelivered Mail Returned to Sender```to=<a@b.example>, relay=mx.b.example, 550")
@example(text="4.2.20Remote-MTA: dns; mx.example.net")  # a detail the registry does not hold
@example(text="host mx.example.com[203.0.113.5] said: Status: 4.4.70")  # the same, after a host
def test_passive_findings_are_a_subset_of_explicit(text: str) -> None:
    """Passive mode only ever drops findings; it never invents one explicit mode would not give.

    One difference is by design: explicit mode reads a code written loosely (a bare trailing
    "550"), passive mode reads only codes written the SMTP way; where explicit mode's code then
    replaces the notice's no-code framing ("a delivery failed"), passive mode keeps that framing.
    It is the same failure said with less detail, never a cause explicit mode would not state.
    Another: a code outside the registry ("4.2.20") explicit mode reads by its digits (a
    `structure.` finding), passive mode by the registry's entry for its class and subject."""
    explicit_findings = ENGINE.explain(text, "explicit").findings
    explicit = {f.entry_id for f in explicit_findings}
    read_by_digits = {f.enhanced_code for f in explicit_findings if f.entry_id.startswith("structure.")}
    passive_findings = ENGINE.explain(text, "passive").findings
    passive = {
        f.entry_id for f in passive_findings if f.enhanced_code not in read_by_digits or not f.enhanced_code
    }
    framing = {e for e in passive - explicit if ENGINE.by_id[e].when_no_code or ENGINE.by_id[e].fallback_for}
    assert passive - framing <= explicit
    assert not framing or explicit


@settings(max_examples=80, deadline=None)
@given(text=smtpish_text)
def test_bytes_and_text_agree(text: str) -> None:
    """A UTF-8 file explains the same as the text it holds, when that text carries nothing only a
    chat message has (Slack's escapes and links, code fences): a file's bytes are not unescaped."""
    assume(not re.search(SLACK_MARKERS, text) and "`" not in text)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return  # lone surrogates have no UTF-8 form
    assert ENGINE.explain(data).contract() == ENGINE.explain(text).contract()


def test_a_file_is_not_unescaped_as_a_chat_message() -> None:
    text = "550 5.1.1 &lt;ana@example.com&gt;: Recipient address rejected: User unknown"
    from_chat = ENGINE.explain(text).findings[0]
    from_file = ENGINE.explain(text.encode()).findings[0]
    assert from_chat.recipient == "ana@example.com"
    assert from_file.diagnostic.startswith("550 5.1.1 &lt;ana@example.com&gt;")


code_text = st.lists(
    st.sampled_from(["550", "452", "421-", "250", "354", "5500", "$550", "1/550", "550.00", " ", "\n", ":"])
    | st.text(alphabet="0123456789 .-:\n#$/aA", max_size=12),
    max_size=40,
).map("".join)


# the regex at_line_start() replaced, kept here as its specification
LINE_START_SPEC = re.compile(r"(?:^|\n)[ \t>#'\"(\[*-]*(?:<<<[ \t]*)?$")


@PROPERTY_SETTINGS
@given(before=st.text(alphabet=" \t\n>#'\"([*-<ab5", max_size=24) | any_text.map(lambda t: t[-24:]))
def test_at_line_start_says_what_the_regex_said(before: str) -> None:
    from bot.engine.codes import at_line_start

    assert at_line_start(before) == bool(LINE_START_SPEC.search(before))
