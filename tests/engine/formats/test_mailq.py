"""Queue listings (`mailq` of Postfix and Sendmail): each deferred message's reason, read as a
delayed delivery to each recipient listed under it; a message without a reason reports nothing."""

from __future__ import annotations

from bot.engine import Engine
from bot.engine.formats import mailq
from bot.slack.mrkdwn import plain_text

POSTFIX = """-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------
3E4F5A6B7C     4213 Mon Dec  7 09:12:01  alerts@example.net
(host mx.example.com[192.0.2.41] said: 452 4.2.2 <ana@example.com>: Mailbox full (in reply to RCPT
    TO command))
                                         ana@example.com
                                         bo@example.com
7C8D9E0F1A*    2311 Mon Dec  7 16:05:01  reports@example.net
                                         dee@example.org

-- 7 Kbytes in 2 Requests.
"""

SENDMAIL = """\t\t/var/spool/mqueue (1 request)
-----Q-ID----- --Size-- -----Q-Time----- ------------Sender/Recipient-----------
0B7EF1aB007711     2048 Mon Dec  7 09:40 <ops@example.net>
                 (Deferred: Connection timed out with mx.example.org.)
\t\t\t\t\t <sol@example.org>
\t\tTotal requests: 1
"""


def test_a_deferred_message_is_a_delayed_delivery_to_each_of_its_recipients() -> None:
    assert mailq.detect(POSTFIX)
    found = mailq.parse(POSTFIX, True)
    assert [(i.recipient, i.action, i.reply_code, i.enhanced_code) for i in found] == [
        ("ana@example.com", "delayed", "452", "4.2.2"),
        ("bo@example.com", "delayed", "452", "4.2.2"),
    ]
    assert found[0].text.endswith("(in reply to RCPT TO command)")  # a wrapped reason is one text


def test_sendmails_listing_and_the_engine_answer_soft() -> None:
    (incident,) = mailq.parse(SENDMAIL, True)
    assert (incident.recipient, incident.action) == ("sol@example.org", "delayed")
    best = Engine.load(extra_dir="").explain(SENDMAIL).best
    assert best is not None and best.bounce == "soft" and best.recipient == "sol@example.org"


def test_a_listing_without_reasons_reports_nothing_even_to_an_alert_channel() -> None:
    quiet = POSTFIX.split("3E4F5A6B7C")[0] + "7C8D9E0F1A*" + POSTFIX.split("7C8D9E0F1A*")[1]
    assert mailq.parse(quiet, True) == []
    assert Engine.load(extra_dir="").explain(quiet, "passive").findings == ()


def test_a_listing_a_cron_job_posts_to_slack_is_read_as_one() -> None:
    posted = "cron@mx1: mailq\n```" + POSTFIX.replace("<", "&lt;").replace(">", "&gt;") + "```"
    explanation = Engine.load(extra_dir="").explain(plain_text(posted), "passive")
    assert explanation.input_kind == "log"
    assert [f.recipient for f in explanation.findings] == ["ana@example.com", "bo@example.com"]
    assert not mailq.detect("Queue ID: 3E4F5A6B7C was sent to ana@example.com")


def test_a_listed_line_that_is_no_mailbox_names_no_recipient() -> None:
    # a local part RFC 5321 does not allow ("..") is skipped, as every reader skips it
    listing = POSTFIX.replace("bo@example.com", "bo..x@example.com")
    assert [i.recipient for i in mailq.parse(listing, True)] == ["ana@example.com"]
