"""A list server's notice that names its cause only in its own headers (fml's Subject) is read
from them; the same words in another sender's mail are not a list's refusal."""

from __future__ import annotations

from bot.engine import Engine

FML_NOTICE = """\
From: team-admin@lists.example.jp
To: ana@example.org
Subject: {subject}
Date: Mon, 7 Dec 2026 10:00:00 +0900
Message-Id: <202612071000.AAA00001{marker}@lists.example.jp>
{server}MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Your mail to the list was not processed.

Original mail as follows:

From: ana@example.org
To: team-ctl@lists.example.jp
Subject: get 1-10

get 1-10
"""
FML = {"marker": ".FML", "server": "X-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]\n"}


def test_fmls_security_alert_is_read_from_its_subject(engine: Engine) -> None:
    finding = engine.explain(FML_NOTICE.format(subject="Security Alert (team ML)", **FML)).best
    assert finding is not None
    assert (finding.entry_id, finding.reason) == ("fml.security-alert", "securityerror")


def test_a_security_alert_from_anyone_else_is_not_a_list_refusal(engine: Engine) -> None:
    text = FML_NOTICE.format(subject="Security Alert: new sign-in to your account", marker="", server="")
    finding = engine.explain(text).best
    assert finding is None or finding.entry_id != "fml.security-alert"


def test_the_headers_do_not_outrank_the_notices_own_words(engine: Engine) -> None:
    text = FML_NOTICE.format(subject="Security Alert (team ML)", **FML).replace(
        "Your mail to the list was not processed.",
        "You are not a member of this mailing list <team@lists.example.jp>.",
    )
    finding = engine.explain(text).best
    assert finding is not None and finding.entry_id == "mailinglist.not-a-member"
