"""Passive mode (alert channels): silence on ordinary chat with numbers, a finding on real mail failures.

tests/data/chat_with_numbers.txt holds ordinary messages (versions, IP addresses, HTTP statuses,
phone and ticket numbers, prices, dates, counts, ports, build numbers, other systems' error codes,
talk about email that is not a bounce). tests/data/alerts_single_line.txt and tests/data/alerts/
hold mail failures the way monitoring tools and people post them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from repo_paths import DATA

from bot.engine import Engine


def _lines(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def _messages(name: str) -> list[str]:
    """Multi-line messages separated by a line holding only '---'."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    body = "\n".join(line for line in lines if not line.startswith("#"))
    return [m.strip("\n") for m in re.split(r"^---$", body, flags=re.M) if m.strip()]


CHAT = _lines("chat_with_numbers.txt")
CHAT_MULTILINE = _messages("chat_multiline.txt")
ALERT_LINES = _lines("alerts_single_line.txt")
ALERT_FILES = sorted((DATA / "alerts").iterdir())


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load(extra_dir="")


def test_enough_fixtures() -> None:
    assert len(CHAT) >= 100
    assert len(ALERT_LINES) + len(ALERT_FILES) >= 30
    assert len(set(CHAT)) == len(CHAT), "duplicate chat lines"


@pytest.mark.parametrize("message", CHAT, ids=[m[:50] for m in CHAT])
def test_chat_with_numbers_is_silent(engine: Engine, message: str) -> None:
    result = engine.explain(message, "passive")
    assert result.findings == (), [
        (f.entry_id, f.reply_code, f.enhanced_code, f.matched_text) for f in result.findings
    ]
    assert result.notice is None  # passive mode never explains why it stayed quiet


@pytest.mark.parametrize("message", CHAT_MULTILINE, ids=[m.split("\n")[0][:50] for m in CHAT_MULTILINE])
def test_multiline_chat_is_silent(engine: Engine, message: str) -> None:
    """Incident updates, deploy summaries, tracebacks: 'Status:' and 'Action:' lines are not a DSN."""
    result = engine.explain(message, "passive")
    assert result.findings == (), [(result.input_kind, f.entry_id, f.matched_text) for f in result.findings]


@pytest.mark.parametrize("message", CHAT[:20], ids=[m[:50] for m in CHAT[:20]])
def test_chat_wrapped_in_slack_markup_is_silent(engine: Engine, message: str) -> None:
    """The same chat in inline code, a code block or with a mention stays quiet too."""
    for text in (f"`{message}`", f"```\n{message}\n```", f"<@U024BE7LH> {message}"):
        assert engine.explain(text, "passive").findings == (), text


def test_chat_as_one_long_paste_is_silent(engine: Engine) -> None:
    """A channel export pasted at once: many numbers, no mail failure."""
    assert engine.explain("\n".join(CHAT), "passive").findings == ()


@pytest.mark.parametrize("alert", ALERT_LINES, ids=[a[:50] for a in ALERT_LINES])
def test_single_line_alert_gives_a_finding(engine: Engine, alert: str) -> None:
    result = engine.explain(alert, "passive")
    assert result.findings, f"passive mode stayed quiet on a mail failure: {alert!r}"
    best = result.findings[0]
    assert best.bounce in ("hard", "soft")
    assert best.reply_code or best.enhanced_code


@pytest.mark.parametrize("path", ALERT_FILES, ids=[p.name for p in ALERT_FILES])
def test_multiline_alert_gives_a_finding(engine: Engine, path: Path) -> None:
    result = engine.explain(path.read_text(encoding="utf-8"), "passive")
    assert result.findings, f"passive mode stayed quiet on {path.name}"
    assert result.findings[0].bounce in ("hard", "soft")


@pytest.mark.parametrize("alert", ALERT_LINES[:10], ids=[a[:50] for a in ALERT_LINES[:10]])
def test_passive_and_explicit_agree_on_clear_failures(engine: Engine, alert: str) -> None:
    """Passive mode filters; it does not change what a clear failure is explained as."""
    passive = engine.explain(alert, "passive").findings[0]
    explicit = engine.explain(alert, "explicit").findings[0]
    assert passive.contract() == explicit.contract()


def test_alert_inside_chatter_is_found(engine: Engine) -> None:
    """A failure posted among ordinary lines is still found, and only it."""
    text = "\n\n".join([*CHAT[:5], ALERT_LINES[0], *CHAT[5:10]])
    result = engine.explain(text, "passive")
    assert len(result.findings) == 1
    assert result.findings[0].enhanced_code == "5.1.1"


def test_explicit_mode_still_answers_bare_codes(engine: Engine) -> None:
    """The other side of passive silence: someone who asks gets an answer."""
    assert engine.explain("452", "explicit").findings
    assert engine.explain("452", "passive").findings == ()


def test_a_notice_naming_the_recipient_it_failed_is_answered(engine: Engine) -> None:
    """Gmail's notice names the address in its opening sentence and the cause in a paragraph of
    its own: the recipient it names supports the cause's few mail words."""
    notice = (
        "Your message wasn't delivered to ana@example.org because the domain example.org couldn't "
        "be found. Check for typos or unnecessary spaces and try again.\n\nThe response was:\n"
        "DNS Error: DNS type 'mx' lookup of example.org responded with code NXDOMAIN "
        "Domain name not found: example.org"
    )
    (finding,) = engine.explain(notice, "passive").findings
    assert (finding.recipient, finding.bounce in ("hard", "soft")) == ("ana@example.org", True)
    # the same words with nobody named are no failure report
    assert engine.explain(notice.split("\n\n", 1)[1], "passive").findings == ()
