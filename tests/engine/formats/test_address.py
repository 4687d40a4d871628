"""Recipients are RFC 5321 mailboxes: nothing else with an `@` in it is ever named."""

from __future__ import annotations

import time

import pytest

from bot.engine.address import find_mailboxes, mailbox
from bot.engine.incident import find_recipient
from bot.engine.partial_names import complete_display_names, complete_local_parts, lines_naming_local_part

VALID = [
    ("<ana@example.com>", "ana@example.com"),
    ("ana.b+tag@mail.example.co.jp.", "ana.b+tag@mail.example.co.jp"),
    ("=?utf-8?b?8j+qipcfkig=?=@example.org", "=?utf-8?b?8j+qipcfkig=?=@example.org"),
    ("srs0=ab12=xy=example.org=bob@example.net", "srs0=ab12=xy=example.org=bob@example.net"),
    ("postmaster@[192.0.2.1]", "postmaster@[192.0.2.1]"),
    # RFC 6531 (SMTPUTF8) local parts in scripts written with spaces between words
    ("<josé.garcía@ayuntamiento.example.es>", "josé.garcía@ayuntamiento.example.es"),
    ("müller@baeckerei.example.de", "müller@baeckerei.example.de"),
    ("иван@pochta.example", "иван@pochta.example"),
    ("σοφία@example.gr", "σοφία@example.gr"),
    # RFC 5890 U-labels in the same scripts
    ("info@bäckerei-müller.example.de", "info@bäckerei-müller.example.de"),
    ("почта@пример.рф", "почта@пример.рф"),
    # a mistyped domain whose label ends with a hyphen: why the mail bounced, named as typed
    ("<clerk@county-.example>", "clerk@county-.example"),
]
INVALID = [
    "ana@localhost",  # a domain of one label
    "a..b@example.com",  # an empty atom
    "/var/mail/ana@example.com",  # a path
    "Maildir/new/1709633700.H123P45@host.example.com",  # a maildir file name
    '{"emailAddress":"ana@example.com"}',  # a fragment of JSON
    "x&Endpoint=ana@example.com",  # a URL's query
    "@example.com",
    "ana@-example.com",  # a label never starts with a hyphen
    "ana@-example.com",
]


@pytest.mark.parametrize(("text", "expected"), VALID)
def test_valid_mailbox(text: str, expected: str) -> None:
    assert mailbox(text) == expected


@pytest.mark.parametrize("text", INVALID)
def test_not_a_mailbox(text: str) -> None:
    assert mailbox(text) is None


def test_a_long_path_yields_no_address() -> None:
    text = "delivered to /home/ana/" + "x" * 70 + "/Maildir/new/1709633700.H123P45@host.example.com"
    assert find_mailboxes(text) == []


def test_addresses_found_in_running_text_skip_urls() -> None:
    text = 'see https://sns.example/unsub?x=1&email=a@example.org; {"emailAddress":"b@example.com"}'
    assert [a for _, a in find_mailboxes(text)] == ["b@example.com"]


UTF8_IN_TEXT = [
    # the whole local part, not the ASCII tail after its last accented letter
    ("<josé.garcía@example.es>: host said: 550 5.1.1", ["josé.garcía@example.es"]),
    ("Адресат: иван.петров@example.ru не найден", ["иван.петров@example.ru"]),
    # a script written without spaces stays the sentence around the address
    ("收件人：zhang.wei@example.cn", ["zhang.wei@example.cn"]),
    ("宛先taro@example.jp に届きませんでした", ["taro@example.jp"]),
    # the multiplication sign is no letter
    ("3×ana@example.com", ["ana@example.com"]),
    ("<info@bäckerei-müller.example.de>: host said: 550", ["info@bäckerei-müller.example.de"]),
    # a domain in a script written without spaces is not read: the ASCII labels before it are none
    ("收件人：wang@例子.example.cn", []),
    # a word of another script glued to either end is the sentence, not the address
    ("ana@example.orgпользователь не найден", ["ana@example.org"]),
    ("адресатana@example.org не найден", ["ana@example.org"]),
    ("ошибкаmüller@beispiel.de", ["müller@beispiel.de"]),
    ("Ελένη@παράδειγμα.ελ δεν υπάρχει", ["Ελένη@παράδειγμα.ελ"]),
]


@pytest.mark.parametrize(("text", "expected"), UTF8_IN_TEXT)
def test_utf8_local_parts_in_running_text(text: str, expected: list[str]) -> None:
    assert [a for _, a in find_mailboxes(text)] == expected


HOSTILE = [
    "a" * 40000,
    "a@" * 20000,
    "a." * 20000 + "@",
    "<" + "a@b " * 10000,
    "\n".join(["x@y z"] * 8000),
    # the same in the letters SMTPUTF8 addresses may hold, and scripts changing at every letter
    "я" * 40000,
    "я@" * 20000,
    "я." * 20000 + "@",
    "a@" + "я" * 40000,
    "яaé" * 13000 + "@" + "aяé" * 13000,
]


HOSTILE_IDS = ["letters", "ats", "dots", "brackets", "lines"]
HOSTILE_IDS += ["cyrillic", "cyrillic-ats", "cyrillic-dots", "long-domain", "mixed-scripts"]


@pytest.mark.parametrize("text", HOSTILE, ids=HOSTILE_IDS)
def test_finding_a_recipient_is_linear(text: str) -> None:
    started = time.perf_counter()
    find_recipient(text[:40000])
    find_mailboxes(text[:40000])
    # a hang guard, not a speed target (those live in bench/): work that grows with the square
    # of a 40 KB text takes minutes, linear work milliseconds, so a loaded machine cannot fail it
    assert time.perf_counter() - started < 2.0


def test_an_x400_address_gives_its_internet_address() -> None:
    # Exchange 5.5's Internet Mail Service names a recipient by its X.400 O/R address, whose
    # domain-defined attribute SMTP= (RFC-822= in RFC 2156) holds the Internet address
    text = "c=US;a= ;p=Example Corp;o=Mail;dda:SMTP=kmorrow@example.net; on Thu, 19 Sep 2002"
    assert [a for _, a in find_mailboxes(text)] == ["kmorrow@example.net"]
    assert [a for _, a in find_mailboxes("c=FR;o=Example;RFC-822=ana@example.org;")] == ["ana@example.org"]
    assert mailbox("SMTP=kmorrow@example.net") == "kmorrow@example.net"


def test_lines_naming_a_local_part_alone() -> None:
    text = "undeliverable to the following:\n\tjwalker (user not found)\n\tmjwalker (user not found)\n"
    assert lines_naming_local_part(text, "jwalker@example.com") == ["\tjwalker (user not found)"]
    assert lines_naming_local_part("al (user not found)", "al@example.com") == []  # too short to tell


def test_local_parts_are_completed_only_by_one_address() -> None:
    report = "not delivered to:\n\tjwalker (user not found)\n\tops\nSorry.\n"
    email = f"{report}To: jwalker@example.com, ops@example.com, ops@example.net\nFrom: me@example.org"
    found = complete_local_parts(report, email, {"me@example.org"})
    assert found == [(report.index("jwalker"), "jwalker@example.com")]  # "ops" is ambiguous


def test_display_names_are_completed_from_the_address_the_email_gives_them() -> None:
    report = "could not be reached:\n\n      Siobhan Brennan on 6/7/2007 4:40 PM\n      No permission\n"
    email = (
        f"{report}\nFrom: Aidan Kelly <ak@example.org>\n"
        'To: Siobhan Brennan <sb@example.org>, "Lee, Ann" <al@example.org>'
    )
    assert complete_display_names(report, email, {"ak@example.org"}) == [
        (report.index("      Siobhan"), "sb@example.org")
    ]


def test_the_sender_a_reply_refuses_is_no_recipient() -> None:
    # Postfix's sender restrictions put the tested address, and the login it should belong to,
    # in the reply: a pasted reply of that kind names no recipient
    nullmx = "550 5.7.27 <ana@example.org>: Sender address rejected: Domain example.org does not accept mail"
    assert find_recipient(nullmx) is None
    login = "553 5.7.1 <ana@example.org>: Sender address rejected: not owned by user bob@example.org"
    assert find_recipient(login) is None
    unknown = "550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown in virtual mailbox table"
    assert find_recipient(unknown) == "bob@example.net"
