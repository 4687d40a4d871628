"""Questions about how mail works and mail programs' own errors: explicit-only entries.

They answer questions asked of the bot (misspelt too), never a bounce, and never speak in an
alert channel (passive mode), whatever the question or client error posted there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from knowledge_fixtures import entry_toml
from repo_paths import FIXTURES
from slack_fixtures import RunningApp, mention_event, message_event

from bot.engine import Engine, load_knowledge
from bot.engine.lint import lint

ENGINE = Engine.load(extra_dir="", use_cache=False)
EXPLICIT_ONLY = [e for e in ENGINE.entries if e.explicit_only]
TEXTS = [pytest.param(text, id=f"{e.id}#{i}") for e in EXPLICIT_ONLY for i, text in enumerate(e.examples)]
OURS = FIXTURES / "kb"


def best_id(text: str) -> str | None:
    best = ENGINE.explain(text, "explicit").best
    return best.entry_id if best else None


def test_enough_entries_in_each_family() -> None:
    families = [e.family for e in EXPLICIT_ONLY]
    assert families.count("concepts") >= 40
    assert families.count("clients") >= 30


def test_the_families_are_explicit_only_and_nothing_else_is() -> None:
    for entry in ENGINE.entries:
        assert entry.explicit_only == (entry.family in ("concepts", "clients")), entry.id


@pytest.mark.parametrize("text", TEXTS)
def test_passive_mode_is_silent_on_every_question_and_client_error(text: str) -> None:
    result = ENGINE.explain(text, "passive")
    assert result.findings == (), [(f.entry_id, f.matched_text) for f in result.findings]
    assert result.notice is None


@pytest.mark.parametrize(
    "text",
    [
        "what is greylisting",
        "hard bounce vs soft bounce?",
        "dmarc aligment",
        "Outlook error 0x800CCC0E",
        "Sending of the message failed. The message could not be sent because the connection to "
        "Outgoing server (SMTP) smtp.example.com timed out. Try again.",
        "what does 573 mean",
    ],
)
def test_an_alert_channel_gets_no_answer_to_questions(slack_app: RunningApp, text: str) -> None:
    assert slack_app.event(message_event(text)).status == 200
    assert slack_app.idle()
    assert slack_app.standin.api_calls() == []


def test_a_mention_gets_the_answer(slack_app: RunningApp) -> None:
    assert slack_app.event(mention_event("what is greylisting?")).status == 200
    assert slack_app.idle()
    posted = [c for c in slack_app.standin.api_calls() if c.method == "chat.postMessage"]
    assert len(posted) == 1 and "greylisting" in str(posted[0].params).lower()


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("what does the second digit of an smtp code mean", "concept.reply-code-digits"),
        ("hard bounce vs soft bounce?", "concept.hard-vs-soft-bounce"),
        ("what is greylisting", "concept.greylisting"),
        ("greylisting", "concept.greylisting"),
        ("what is greylistng", "concept.greylisting"),
        ("greylistng", "concept.greylisting"),
        ("dmarc aligment", "concept.alignment"),
        ("what is dmarc aligment?", "concept.alignment"),
        ("what is backscater?", "concept.backscatter"),
        ("spf", "concept.spf"),
        ("how do I stop spam", "concept.stop-spam"),
        ("how to encrypt mail", "concept.email-encryption"),
        ("Outlook error 0x800CCC0E", "outlook.0x800ccc0e"),
        ("outlook 0x800ccc0f?", "outlook.0x800ccc0f"),
        ("I cannot send mail with Thunderbird", "thunderbird.send-failed"),
    ],
)
def test_questions_find_their_entries(question: str, entry_id: str) -> None:
    assert best_id(question) == entry_id


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        # the server's own wording explains a pasted reply, even with a concept's word in it
        ("Greylisting in action, please come back later", "generic.expired.greylisted"),
        ("451 4.7.1 Greylisting in action, please come back later", "generic.expired.greylisted"),
        ("SPF check failed", "generic.authfailure.spf-fail"),
        # a code in the question: the code's own entry answers
        ("what does 550 mean?", "reply.550"),
        # a client error that quotes the server's reply: the reply explains it
        (
            "Sending reported error (0x800CCC78): The server responded: "
            "530 5.7.0 Must issue a STARTTLS command first",
            "generic.failedstarttls.tls-required",
        ),
    ],
)
def test_failures_keep_their_own_entries(text: str, entry_id: str) -> None:
    assert best_id(text) == entry_id


def test_a_pasted_bounce_paragraph_is_not_taken_for_a_question() -> None:
    notice = (
        "Hi!\n\nThis is the MAILER-DAEMON, please DO NOT REPLY to this e-mail.\n\n"
        "An error has occurred while attempting to deliver a message for\nthe following list of recipients:"
    )
    assert best_id(notice) == "opensmtpd.error-notice"


def test_a_bounce_record_never_gets_a_concept() -> None:
    dsn = (
        "Reporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; ana@example.net\n"
        "Action: delayed\nStatus: 4.7.1\nDiagnostic-Code: smtp; greylisting\n"
    )
    assert all(f.entry_id.split(".")[0] not in ("concept", "outlook") for f in ENGINE.explain(dsn).findings)


@pytest.mark.parametrize(
    ("words", "entry_id"),
    [
        ("greylisting", "concept.greylisting"),
        ("greylistng", "concept.greylisting"),
        ("0x800CCC0E", "outlook.0x800ccc0e"),
        ("dmarc aligment", "concept.alignment"),
    ],
)
def test_kb_search_finds_them(words: str, entry_id: str) -> None:
    assert entry_id in [e.id for e, _ in ENGINE.search(words, limit=5)]


def test_concept_findings_carry_reason_undefined_and_no_bounce() -> None:
    best = ENGINE.explain("what is an app password", "explicit").best
    assert best is not None and best.entry_id == "concept.app-passwords"
    assert best.contract()["reason"] == "undefined"
    assert best.bounce == "none"


# --- the loader's rule -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "extra", "expect"),
    [
        ("concepts", "", "set explicit_only = true"),
        ("clients", "", "set explicit_only = true"),
        ("org", 'explicit_only = "yes"', "explicit_only must be true or false"),
        ("org", 'explicit_only = true\nfallback_for = "failed"', "drop fallback_for"),
    ],
)
def test_loader_enforces_the_explicit_only_rule(tmp_path: Path, folder: str, extra: str, expect: str) -> None:
    path = tmp_path / folder / "x.toml"
    path.parent.mkdir()
    path.write_text(entry_toml("org.q", phrases=["org question wording"], extra=extra))
    kb = load_knowledge([(OURS, False), (tmp_path, True)])
    assert any(expect in p.message for p in kb.problems if p.file == str(path)), kb.problems
    assert "org.q" not in kb.by_id()


def test_loader_refuses_an_explicit_only_code_entry(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text(entry_toml("org.code", codes=["550"], extra="explicit_only = true"))
    kb = load_knowledge([(OURS, False), (tmp_path, True)])
    assert any("explicit_only needs phrases or patterns" in p.message for p in kb.problems)


def test_an_organisation_can_add_its_own_question(tmp_path: Path) -> None:
    path = tmp_path / "faq.toml"
    path.write_text(
        entry_toml(
            "org.vpn-mail",
            phrases=["mail over the vpn"],
            reason="undefined",
            examples=["how do I send mail over the vpn?"],
            extra="explicit_only = true",
        )
    )
    kb = load_knowledge([(OURS, False), (tmp_path, True)])
    assert [p for p in lint(kb) if not p.warning] == []
    engine = Engine(kb)
    assert engine.explain("how do I send mail over the vpn?").best.entry_id == "org.vpn-mail"
    passive = engine.explain("mail over the vpn bounced with 550 5.1.1 user unknown", "passive")
    assert "org.vpn-mail" not in [f.entry_id for f in passive.findings]
