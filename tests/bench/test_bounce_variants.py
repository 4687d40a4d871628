"""bench/bounce_variants.py runs on a few emails and prints its table; on these emails every form
that keeps all the email says keeps smtpbot's answer (the figures over all corpora are in
bench/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from repo_paths import REPO, bench_module

from bot.engine import Engine

bounce_variants = bench_module("bounce_variants")
bounce_forms = bench_module("bounce_forms")
bounce_pastes = bench_module("bounce_pastes")

CORPUS = REPO / "bench" / "corpus-mta"
# a Postfix DSN, Exim's three recipients in one plain-text report, Exchange 2003's plain report
# quoting display names, an auto-reply and Lotus Notes' Japanese report in ISO-2022-JP
SAMPLE = (
    "postfix/01-user-unknown-rcpt.eml",
    "exim/02-three-recipients-local-full-mx.eml",
    "exchange2003/06-did-not-reach-two-quoted-names.eml",
    "autoreply/01-exchange-automatic-reply-english.eml",
    "lotus-notes/03-japanese-not-in-directory.eml",
)


@pytest.fixture(scope="module")
def checks() -> list:
    engine = Engine.load(extra_dir="")
    return bounce_variants.checks(engine, [CORPUS / name for name in SAMPLE])


def test_every_lossless_form_keeps_the_answer(checks: list) -> None:
    lossless = {name for name, form in bounce_variants.FORMS.items() if form.lossless}
    moved = [(c.email, c.form, str(c.got)) for c in checks if c.form in lossless and not c.holds]
    assert moved == []
    assert {c.form for c in checks} >= lossless - {"unfolded"}


def test_a_pasted_report_keeps_every_recipient(checks: list) -> None:
    exim = [c for c in checks if c.email.startswith("corpus-mta/exim/") and c.form == "pasted-body"]
    assert len(exim) == 1 and len(exim[0].want.findings) == 3
    assert exim[0].holds_for("recipients")


def test_the_forms_change_what_they_say_they_change() -> None:
    text = (CORPUS / SAMPLE[0]).read_bytes().decode("latin-1")
    assert bounce_forms.crlf(text).count(b"\r\n") == text.count("\n")
    assert b"Content-Transfer-Encoding: base64" in bounce_variants.FORMS["base64"].make(text)
    html_only = bounce_variants.FORMS["html-only"].make(text)
    assert b"Content-Type: text/html" in html_only and b"<br>" in html_only
    assert "&lt;" in bounce_pastes.slack_encoded("<a@example.com>")
    assert "<mailto:a@example.com|a@example.com>" in bounce_pastes.slack_encoded("a@example.com")


def test_the_script_prints_its_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in SAMPLE[:2]:
        (tmp_path / name.replace("/", "-")).write_bytes((CORPUS / name).read_bytes())
    assert bounce_variants.main([str(tmp_path), "--misses", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 emails")
    for form in ("crlf", "html-only", "forwarded", "pasted-body", "slack-fenced"):
        assert f"\n{form} " in out


def test_a_paste_is_not_held_to_values_it_does_not_show() -> None:
    Answer, Check = bounce_variants.Answer, bounce_variants.Check
    want = Answer((("ana@example.com", "mailboxfull", "5.2.2", "552", "hard"),))
    unnamed = Answer((("", "mailboxfull", "", "552", "hard"),))
    shown = "<ana@example.com>: 552 mailbox full"
    assert Check("e", "pasted-body", want, unnamed, shown.replace("ana@example.com", "")).holds_what_is_shown
    assert not Check("e", "pasted-body", want, unnamed, shown).holds_what_is_shown
    other = Answer((("bob@example.com", "mailboxfull", "", "552", "hard"),))
    assert not Check("e", "pasted-body", want, other, shown).holds_what_is_shown
    soft = Answer((("ana@example.com", "mailboxfull", "", "552", "soft"),))
    assert not Check("e", "pasted-body", want, soft, shown).holds_what_is_shown
