"""The cheap pre-tests the matcher runs before any regex: they must never hide a real match."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine import Engine, incident
from bot.engine.guarded_pattern import GuardedPattern
from bot.engine.literal_index import LiteralIndex
from bot.engine.matcher import PATTERN_MAX_TEXT, Matcher
from bot.engine.model import Entry
from bot.engine.normalize import fold
from bot.engine.pattern_literals import also_required, required_literals
from bot.engine.providers import ProviderIndex

KB = Engine.load(extra_dir="").kb  # the shipped knowledge, from the engine's cache


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        (r"mailbox (?:is )?full", ("mailbox full", "mailbox is full")),
        (r"(?:infected|virus) found", ("infected found", "virus found")),
        (r"\b(?:OFR|LPN)\d{3}", ("lpn", "ofr")),
        (r"\((?:RLY|MW):[A-Z]{2}\)", ("(mw:", "(rly:")),
        (r"5\.7\.(?:139|3) denied", ("5.7.139 denied", "5.7.3 denied")),
        # syntax that RE2 and `re` read differently, or that RE2 refuses, is not read at all
        (r"(?<=blocked )reputation$", ()),
        (r"[[:alpha:]]mailbox", ()),  # a letter to RE2, the characters "[:alph" and "]" to `re`
        (r"x{,3}mailbox", ()),  # the text "x{,3}" to RE2, up to three x to `re`
        (r"\pLmailbox", ()),
        (r"rcpt \S{0,3}<[^>]+>? does not exist", (" does not exist",)),
        (r"\d+ ab", (" ab",)),
        (r"\d+ab", ()),  # nothing of three characters every match must hold
        (r"(?:abc|\d+)xy", ()),
        (r"a\sb\sc\sd", ()),  # white space in a pattern may stand for a newline or a tab
        ("(" * 600 + "deep" + ")" * 600, ()),  # too deep for the parser: runs on every text
        ("x{99999999999999}", ()),
    ],
)
def test_required_literals(pattern: str, literals: tuple[str, ...]) -> None:
    assert required_literals(pattern) == literals


def _patterns() -> list[tuple[str, str]]:
    return [(p, ex) for e in KB.entries for p in e.patterns for ex in e.examples]


def test_every_knowledge_pattern_that_matches_an_example_has_a_literal_there() -> None:
    checked = 0
    for pattern, example in _patterns():
        folded = fold(example)
        if re.search(pattern, folded, re.IGNORECASE):
            literals = required_literals(pattern)
            assert not literals or any(lit in folded for lit in literals), (pattern, example)
            checked += 1
    assert checked > 200


def test_searching_only_the_window_finds_what_the_whole_text_finds() -> None:
    """RE2 reads only the part of a text within a pattern's width of its literals, and only a
    text that holds one string of each set the pattern also requires: on every example, alone,
    padded and doubled, that gives the match a search of the whole text gives."""
    matcher = Matcher(KB.entries, KB.literals, KB.widths, also_required=KB.also_required)
    indexes: dict[str, list[int]] = {}
    for index, (source, _) in enumerate(matcher.pattern_entries):
        indexes.setdefault(source, []).append(index)
    found = 0
    for pattern, example in _patterns():
        for text in (example, "x " * 400 + example + " y" * 400, f"{example} and {example}"):
            folded = fold(text)
            by_pattern = {h.pattern: h.matched for h in matcher.phrase_hits(folded) if h.pattern is not None}
            data = folded[:PATTERN_MAX_TEXT].encode()
            for index in indexes[pattern]:
                whole = matcher._pattern(index).search(data)
                assert by_pattern.get(index) == whole, (pattern, text)
                found += whole is not None
    assert found > 600


@pytest.mark.parametrize(
    ("pattern", "also"),
    [
        (r"client host \S+ blocked using [a-z.]*bl\.spamcop\.net", (("bl.spamcop.net",), ("client host ",))),
        (r"service refuse[^\n]{0,160}?(?:OFR|LPN)\d{0,3}[_-]?104\b", (("104",), ("lpn", "ofr"))),
        (r"user (?:unknown|not found)", ()),  # one set only: the index's
        (r"mailbox (?P<core>full)", ()),  # "full" is inside the index's "mailbox full"
    ],
)
def test_also_required(pattern: str, also: tuple[tuple[str, ...], ...]) -> None:
    assert also_required(pattern) == also


def test_a_pattern_runs_only_where_every_string_it_needs_is() -> None:
    entry = Entry(
        id="test.spamcop", title="t", reason="blocked", permanence="permanent", retry="no",
        who="sender", meaning="m", sender_fix=("f",), references=("r",), examples=("x",),
        patterns=(r"client host \S+ blocked using [a-z.]*bl\.spamcop\.net",),
    )  # fmt: skip
    source = entry.patterns[0]
    matcher = Matcher([entry], also_required={source: also_required(source)})
    assert matcher.phrase_hits("client host 192.0.2.1 blocked using zen.example.org") == []
    assert matcher._compiled == {}  # the missing "bl.spamcop.net" ruled it out before RE2
    text = "client host 192.0.2.1 blocked using bl.spamcop.net"
    assert [h.matched for h in matcher.phrase_hits(text)] == [text]


@settings(deadline=None)  # shared, noisy machine: no per-example time limit
@given(st.text(alphabet="ab( )-.:5", max_size=30))
def test_literals_are_in_every_match_of_a_mixed_pattern(text: str) -> None:
    pattern = r"(?:a\(b|bab-?)\s?(?:5\.5|:a)?(?:ba)+"
    literals = required_literals(pattern)
    assert literals == ("a(b", "bab")
    m = re.search(pattern, text, re.IGNORECASE)
    if m:
        assert any(lit in m.group(0).lower() for lit in literals)


def _matcher(*phrases: str) -> Matcher:
    entries = [
        Entry(
            id=f"test.{n}", title="t", reason="userunknown", permanence="permanent", retry="no",
            who="sender", meaning="m", sender_fix=("f",), references=("r",), examples=(p,), phrases=(p,),
        )
        for n, p in enumerate(phrases)
    ]  # fmt: skip
    return Matcher(entries)


def test_phrases_count_only_at_the_start_of_a_word() -> None:
    matcher = _matcher("user unknown", "mailbox full")
    assert [h.matched for h in matcher.phrase_hits("550 user unknown; xuser unknown")] == ["user unknown"]
    assert matcher.phrase_hits("9mailbox full") == []
    assert [h.matched for h in matcher.phrase_hits("メールボックスmailbox full")] == ["mailbox full"]  # CJK
    assert LiteralIndex(["unknown"]).occurrences("xunknown") == [(0, 1, 8)]  # a plain index: anywhere


@pytest.mark.parametrize(
    ("text", "provider"),
    [
        ("host gmail-smtp-in.l.google.com[1.2.3.4] said", "Google"),
        ("relay mx.google.com.example.net refused", None),  # not Google's host
        ("mail from ana@gmail.com bounced", None),  # a mailbox domain is not the server
        ("connect to notgoogle.com failed", None),
        ("550 5.7.1 see https://support.google.com/mail/answer/1", "Google"),
        ("--D0876.1417/forward1h.mail.yandex.net--", "Yandex"),
        ("-130.smtp-out.us-west-2.amazonses.com", None),
        ("550 5.7.26 ... - gsmtp", "Google"),
        ("550 gsmtpx", None),  # a tag inside a longer word
        # a blocklist named in a reply is what the server consulted: its own tag or host names it
        (
            "550 OU-001 Mail rejected for policy reasons. See http://www.spamhaus.org/query/bl?ip=192.0.2.4",
            "Microsoft",
        ),
        (
            "554 Connection refused. This IP address is listed on the Spamhaus Block List (SBL). IB104",
            "GoDaddy",
        ),
        (
            "550 5.7.1 Client host [192.0.2.4] blocked using Spamhaus AS(1450) [DB5.protection.outlook.com]",
            "Microsoft",
        ),
        ("550 5.7.1 Client host [192.0.2.4] blocked using zen.spamhaus.org", "Spamhaus"),  # nobody else
        # a provider's own code format (providers.toml `formats`), as a whole token
        ("550 5.1.0 <a@example.org> sender rejected. AUP#IPBL0110", "Cox"),
        ("550 5.1.0 <a@example.org> sender rejected. xAUP#IPBL0110", None),
        ("550 5.1.1 Invalid recipient. LPN416", "Orange"),
        ("501 5.1.0 Invalid Sender. OFR004_405 [405]", "Orange"),
        ("550 5.7.1 blocked using Spamhaus AS(1450)", "Microsoft"),
        ("550 5.7.1 blocked using Spamhaus AS(1450x)", "Spamhaus"),
    ],
)
def test_provider_detection(text: str, provider: str | None) -> None:
    assert ProviderIndex(KB.providers).detect(text) == provider


def test_guarded_pattern_runs_only_where_its_strings_are() -> None:
    guarded = GuardedPattern(r"\bH=([\w-]+(?:\.[\w-]+)+)", re.I, needles=("h=",))
    text = "** ana@example.org R=dnslookup T=remote_smtp H=mx.example.org [192.0.2.1]"
    m = guarded.search(text, text.lower())
    assert m is not None and m.group(1) == "mx.example.org"
    assert guarded.search("no host named here", "no host named here") is None
    # the pre-test is a substring test of the lower-cased text: it never hides a real match
    upper = "H=MX.EXAMPLE.ORG"
    assert guarded.search(upper, upper.lower()) is not None
    # tried where "h=" starts, the regex still finds the first match that begins a word
    text = "OH=a.example.org, then H=mx.example.org"
    m = guarded.search(text, text.lower())
    assert m is not None and m.group(1) == "mx.example.org"


@pytest.mark.parametrize("needles", [(), ("H=",)])
def test_a_guarded_pattern_without_lower_cased_strings_is_refused(needles: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        GuardedPattern(r"\bH=([\w-]+)", re.I, needles=needles)


@pytest.mark.parametrize(
    "guarded",
    [*incident.RECIPIENT_RES, *incident.REMOTE_MTA_RES, incident.EXIT_STATUS_RE],
    ids=lambda g: g.source[:30],
)
def test_the_engines_guarded_patterns_name_the_strings_their_matches_need(guarded: GuardedPattern) -> None:
    # the strings written beside each pattern are the ones pattern_literals reads in it (two
    # characters suffice: "h=" before a host)
    assert guarded.needles == required_literals(guarded.source, min_chars=2)


WORDS = sorted({*(p for e in KB.entries for p in e.phrases), *(s for ls in KB.literals.values() for s in ls)})


@settings(deadline=None)
@given(st.text(alphabet="45.0123 lpnofrmailbx(:", max_size=20))
def test_a_short_text_is_read_as_the_automaton_reads_it(text: str) -> None:
    """Before the automaton is built, a short text is tested string by string: what it finds
    must be what the automaton finds."""
    built = LiteralIndex(WORDS)
    built.occurrences("x" * 40)  # a long text builds the automaton
    assert LiteralIndex(WORDS).occurrences(text) == built.occurrences(text)


def test_a_bare_code_builds_no_automaton() -> None:
    index = LiteralIndex(WORDS)
    assert index.occurrences("452") == [] and index.occurrences("5.7.1") == []
    assert index._automaton is None
    assert index.occurrences("ofr") == [(WORDS.index("ofr"), 0, 3)]
    assert index._automaton is not None
