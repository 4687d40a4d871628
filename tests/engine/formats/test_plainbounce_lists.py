"""How the plain-text report reader tells a failed recipient from the other addresses a report
names: aliases it was reached through, X.400 addresses, arrows, and the returned message.

Each sample is written for this test from the layout its MTA documents or prints: Postfix's
bounce(5) "(expanded from ...)", Sun Messaging Server's "Recipient address: / Original
address:", Sendmail's "(expanded from: ...)" under a local user, Exchange 5.5's X.400 form, IBM
VM's "---->" lines, and Sendmail's and MDaemon's warning and failure texts.
"""

from __future__ import annotations

import pytest
from sample_mail import findings, message

from bot.engine.formats import plainbounce


def listed(text: str) -> list[tuple[str | None, str | None]]:
    return [(i.recipient, i.action) for i in plainbounce.parse(text, True)]


POSTFIX_ALIAS = message(
    """This is the mail system at host mx.example.org.

<maria.long-name@students.example.net> (expanded from
    <alumni@example.org>): host mx.students.example.net[203.0.113.25] said:
    550 5.2.1 <maria.long-name@students.example.net>... Mailbox disabled

<dev@example.net> (expanded from <alumni@example.org>): host
    mail.example.net[198.51.100.61] said: 452 4.2.2 Over quota
"""
)
SUN_ORIGINAL_ADDRESS = message(
    """Your message cannot be delivered to the following recipients:

  Recipient address: kv@ims.example.de
  Original address: sales@example.de
  Reason: Illegal host/domain name found

  Recipient address: buy@example.de
  Reason: Remote SMTP server has rejected address
""",
    subject="Delivery Notification: Delivery has failed",
)
SENDMAIL_LOCAL_USER = message(
    """   ----- The following addresses had permanent fatal errors -----
tkwan
    (expanded from: <tkwan@example.net>)
rb@example.net

   ----- Transcript of session follows -----
550 tkwan... User unknown
550 rb@example.net... User unknown
""",
    subject="Returned mail: User unknown",
)
EXCHANGE55_X400 = message(
    """Your message

  To:      Kate Morrow
  Subject: Order 1182

did not reach the following recipient(s):

c=US;a= ;p=Example Corp;o=Mail;dda:SMTP=kmorrow@example.net; on Thu, 19 Sep 2002 13:51:40 -0700
    The recipient name is not recognized
""",
    subject="Undeliverable: Order 1182",
)
IBM_VM = message(
    """Your mail item could not be delivered to the following users:

Unknown userid ---> KJONES@VM1.EXAMPLE.EDU
Unknown userid ---> LIBRARY@VM1.EXAMPLE.EDU

----- Unsent mail follows -----

From: Paul <paul@example.org>
To: KJONES@VM1.EXAMPLE.EDU, LIBRARY@VM1.EXAMPLE.EDU, boss@example.org
Subject: loan

Please also ask boss@example.org.
boss@example.org
""",
    subject="Undeliverable mail",
)

SMAIL_NO_SEPARATOR = message(
    """|------------------------- Failed addresses follow: ---------------------|
 <rd@uucp.example.org> ... unknown user
|------------------------- Message text follows: ------------------------|
Received: from example.net by uucp.example.org with smtp
From: tq@example.net
To: rd@uucp.example.org

Questions to my colleague:
ky@example.net
""",
    subject="mail failed, returning to sender",
)
# Active!hunter lists each recipient as a name-addr whose display name is the address again
ACTIVEHUNTER_NAME_ADDR = message(
    """  ----- The following addresses had permanent fatal errors -----

>>> ann@example.org <ann@example.org>
>>> Bo Lind <bo@example.net>

  ----- Transcript of session follows -----
550 sorry, no mailbox here by that name (#5.1.1 - chkusr)
""",
    subject="FAILURE NOTICE : minutes",
)

CASES = [
    (
        "postfix alias wrapped over two lines",
        POSTFIX_ALIAS,
        ["maria.long-name@students.example.net", "dev@example.net"],
    ),
    ("sun original address", SUN_ORIGINAL_ADDRESS, ["kv@ims.example.de", "buy@example.de"]),
    ("sendmail alias of a local user", SENDMAIL_LOCAL_USER, ["tkwan@example.net", "rb@example.net"]),
    ("exchange 5.5 x.400 address", EXCHANGE55_X400, ["kmorrow@example.net"]),
    ("ibm vm arrows, unsent mail not read", IBM_VM, ["KJONES@VM1.EXAMPLE.EDU", "LIBRARY@VM1.EXAMPLE.EDU"]),
    ("smail, the original quoted without a separator", SMAIL_NO_SEPARATOR, ["rd@uucp.example.org"]),
    ("active!hunter name-addr lines", ACTIVEHUNTER_NAME_ADDR, ["ann@example.org", "bo@example.net"]),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_only_failed_recipients_are_listed(name: str, text: str, expected: list[str]) -> None:
    assert [recipient for recipient, _ in listed(text)] == expected


def test_an_alias_keeps_its_own_diagnostic_with_its_recipient() -> None:
    first, second = plainbounce.parse(SUN_ORIGINAL_ADDRESS, True)
    assert "Illegal host/domain name" in first.text and "Illegal host" not in second.text


def test_transient_non_fatal_errors_are_a_delay_warning() -> None:
    text = message(
        """    **********************************************
    **      THIS IS A WARNING MESSAGE ONLY      **
    **********************************************

   ----- The following addresses had transient non-fatal errors -----
<mods@board.example>

   ----- Transcript of session follows -----
<mods@board.example>... Deferred: 452 4.3.1 Insufficient system storage
Warning: message still undelivered after 4 hours
""",
        subject="Warning: could not send message for past 4 hours",
    )
    assert listed(text) == [("mods@board.example", "delayed")]


def test_permanent_fatal_errors_are_final_whatever_else_is_said() -> None:
    text = message(
        """The attached message had PERMANENT fatal delivery errors!

YOU DO NOT NEED TO RESEND YOUR MESSAGE TO ALL RECIPIENTS.

d.hill@mail.example.com - no such user here.
""",
        subject="Message Delivery Failure",
    )
    assert listed(text) == [("d.hill@mail.example.com", "failed")]


def test_a_report_naming_its_recipient_only_in_the_subject() -> None:
    text = message(
        """Your message could not be delivered.

   ----- Original message follows -----

From: Hana <sender@example.org>
To: Lee Moss <lee.moss@example.org>
Subject: Slides
""",
        subject="Returned mail: Quota exceeded for user (l.moss@mail.example.org)",
    )
    (incident,) = plainbounce.parse(text, True)
    assert (incident.recipient, incident.action) == ("l.moss@mail.example.org", "failed")
    assert "Quota exceeded" in incident.text


def test_the_sender_named_in_the_subject_is_no_recipient() -> None:
    text = message("Your message could not be delivered.", subject="Delivery failure (sender@example.org)")
    assert all(i.recipient != "sender@example.org" for i in plainbounce.parse(text, True))


def test_a_delay_warning_that_lists_nobody_is_still_a_delay() -> None:
    text = message(
        """THIS IS A WARNING MESSAGE ONLY.

Delivery to the following recipients has been delayed.

       Kate Morrow
""",
        subject="Delivery Status Notification (Delay)",
    )
    assert {i.action for i in plainbounce.parse(text, True)} == {"delayed"}


NOBODY_NAMED = """Your message could not be delivered to the following person:

   John Smith

Please reply to Postmaster@mx.example.net if you feel this message to be in error.
"""


def test_a_report_that_names_nobody_and_no_cause_is_still_answered(engine) -> None:
    got = [(f.recipient, f.reason, f.bounce) for f in findings(engine, message(NOBODY_NAMED))]
    assert got == [(None, "onhold", "hard")]


def test_a_report_paragraph_that_names_a_cause_leaves_no_bare_failure(engine) -> None:
    text = message(NOBODY_NAMED.replace("John Smith", "John Smith: mailbox full"))
    assert [f.reason for f in findings(engine, text)] == ["mailboxfull"]


def test_an_address_a_failure_is_for_is_listed() -> None:
    text = message(
        "I'm afraid I could not deliver mail for kim@example.net: the mailbox is unavailable.\n",
        subject="Undeliverable mail",
    )
    assert listed(text) == [("kim@example.net", "failed")]


def test_an_html_only_report_lists_its_escaped_angle_addresses() -> None:
    text = message(
        "<html><body><p>Sorry, we were unable to deliver your message to the following address."
        "<br>\n<br>\n&lt;agnes@example.se&gt;:<br>\nRemote host said: 552 Mailbox is full<br>\n"
        "<br>\n&lt;olle@example.net&gt;:<br>\nNo MX or A records for example.net<br>\n</p></body></html>",
        subject="Failure Notice",
        Content_Type="text/html; charset=us-ascii",
        MIME_Version="1.0",
    )
    assert [r for r, _ in listed(text)] == ["agnes@example.se", "olle@example.net"]


def test_an_indented_returned_message_is_not_listed() -> None:
    indented = "\n".join(
        "  " + line if line.strip() else line for line in SMAIL_NO_SEPARATOR.split("\n\n", 1)[1].split("\n")
    )
    text = SMAIL_NO_SEPARATOR.split("\n\n", 1)[0] + "\n\n" + indented
    assert [r for r, _ in listed(text)] == ["rd@uucp.example.org"]


def test_exim_names_the_recipient_behind_a_file_or_pipe_delivery() -> None:
    text = message(
        """A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  save to /home/frank/Maildir/ generated by frank@host.example.org
    mailbox is full: retry timeout exceeded
""",
        subject="Mail delivery failed: returning message to sender",
    )
    assert listed(text) == [("frank@host.example.org", "failed")]


def test_a_report_whose_only_failure_words_are_the_servers_is_still_a_report() -> None:
    text = message(
        "------- Failure Reasons  --------\n\nUser not listed in public Name & Address Book\n"
        "kw@example.com\nUser not listed in public Name & Address Book\nmp@example.com\n",
        subject="Notification",
        From="Mail Server <server@example.com>",
    )
    assert [r for r, _ in listed(text)] == ["kw@example.com", "mp@example.com"]


def test_the_sender_a_report_names_is_no_recipient() -> None:
    text = message(
        """This message was created automatically by mail delivery software.

A message sent by

  <someone@example.com>

could not be delivered to one or more of its recipients. The following
address(es) failed:

  kim@example.org
    all hosts have been failing for a long time
""",
        subject="Mail delivery failed",
    )
    assert [r for r, _ in listed(text)] == ["kim@example.org"]


def test_a_report_naming_only_its_sender_names_nobody(engine) -> None:
    # the failed recipient is not named at all; the sender is, in the report's own words
    text = message(
        """Your message from sender@example.org could not be delivered.

The remote server answered: 550 5.7.0 Please use the smtp server of your ISP.
""",
        subject="Notification",
    )
    assert {f.recipient for f in findings(engine, text)} == {None}


def test_a_report_is_known_by_the_servers_words_under_any_headers() -> None:
    text = message(
        """Delivery to the following recipient failed permanently:

     kim@example.jp

Technical details of permanent failure:
The recipient server did not accept our requests to connect.
""",
        subject="Notification",
        From="Mail Server <server@example.com>",
    )
    assert listed(text) == [("kim@example.jp", "failed")]


def test_a_recipient_listed_by_local_part_takes_the_address_the_email_completes() -> None:
    # AOL's own report names its member by screen name; the returned message's To has the address
    body = (
        "Your mail to the following recipients could not be delivered because they are not "
        "accepting mail from pete@aol.example:\n\tgranny55\n\n"
        " ----- Original message follows -----\nFrom: pete@aol.example\nTo: granny55@aol.example\n"
        "Subject: Recipe\n\nFlour first.\n"
    )
    text = message(body, subject="Returned mail: Undeliverable Message", To="pete@aol.example")
    assert [i.recipient for i in plainbounce.parse(text, True)] == ["granny55@aol.example"]


def test_a_lone_word_no_address_completes_names_nobody() -> None:
    body = "Delivery failed for the following:\n\tgranny55\n\nSorry.\n"
    text = message(body, subject="Returned mail", To="pete@aol.example")
    assert all(i.recipient in (None, "") for i in plainbounce.parse(text, True))


def test_a_recipient_named_by_display_name_takes_the_address_the_returned_message_gives() -> None:
    # Exchange 2003 names an internal recipient by display name; no delivery-status part
    body = (
        "Your message did not reach some or all of the intended recipients.\n\n"
        "The following recipient(s) could not be reached:\n\n"
        "      Siobhan Brennan on 6/7/2007 4:40 PM\n"
        "            You do not have permission to send to this recipient.\n"
        "            <MAIL2.example.org #5.7.1>\n\n"
        "-----Original Message-----\nFrom: Aidan Kelly <ak@example.org>\n"
        "To: Siobhan Brennan <sbrennan@example.org>\nSubject: Leave\n"
    )
    text = message(body, subject="Undeliverable: Leave", To="Aidan Kelly <ak@example.org>")
    (incident,) = plainbounce.parse(text, True)
    assert (incident.recipient, incident.enhanced_code) == ("sbrennan@example.org", "5.7.1")


def test_a_display_name_listed_first_keeps_its_place_beside_listed_addresses() -> None:
    # Exchange 2007: the display name at the top, its address only in the diagnostic block
    body = (
        "Delivery has failed to these recipients or distribution lists:\n\n"
        "Marek Nowak\nThe e-mail address you entered couldn't be found.\n\n"
        "lead@contractor.example\nThe recipient's mailbox is full and can't accept messages now.\n\n"
        "Diagnostic information for administrators:\n\n"
        "mnowak@example.org\n#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##\n\n"
        "lead@contractor.example\nmx.contractor.example #<mx #5.2.2 smtp;552 5.2.2 Mailbox full> #SMTP#\n\n"
        "Original message headers:\n\nFrom: Priya <ps@example.org>\n"
        "To: Marek Nowak <mnowak@example.org>, lead@contractor.example\n"
    )
    text = message(body, subject="Undeliverable: Kickoff", To="Priya <ps@example.org>")
    got = [(i.recipient, i.enhanced_code) for i in plainbounce.parse(text, True)]
    assert got == [("mnowak@example.org", "5.1.1"), ("lead@contractor.example", "5.2.2")]


def test_another_recipients_words_do_not_explain_a_recipient_without_known_words(engine) -> None:
    body = (
        "Delivery has failed to these recipients or distribution lists:\n\n"
        "lead@contractor.example\nThe recipient's mailbox is full and can't accept messages now.\n\n"
        "pmo@client.example\nYour message wasn't delivered because of security policies.\n\n"
        "Diagnostic information for administrators:\n\n"
        "lead@contractor.example\nmx #<mx #5.2.2 smtp;552 5.2.2 Mailbox full> #SMTP#\n\n"
        "pmo@client.example\nmx #<mx #5.7.1 smtp;550 5.7.1 Sender domain refused by policy> #SMTP#\n"
    )
    got = {f.recipient: f.reason for f in findings(engine, message(body, subject="Undeliverable: Kickoff"))}
    assert got["lead@contractor.example"] == "mailboxfull"
    assert got["pmo@client.example"] != "mailboxfull"


def test_a_closing_paragraph_about_all_recipients_explains_each() -> None:
    body = (
        "The following recipients haven't received this message:\n\n"
        "   p.greco@mail.example.it\n   amministrazione@mail.example.it\n\n"
        "The recipients' mailboxes are full; please try again later.\n"
    )
    incidents = plainbounce.parse(message(body, subject="Delivery failure"), True)
    assert all("mailboxes are full" in i.context for i in incidents)


def test_a_number_in_a_recipients_summary_gives_way_to_the_reply_the_report_quotes() -> None:
    """Verizon's vtext report quotes the reply first and lists the recipient in a summary whose
    "Size (in bytes): 512" is no reply code."""
    text = message(
        """Error: 550 - Requested action not taken: no such user here

Message details:
  Subject: server down
  MAIL FROM: alerts@example.com
  RCPT TO: 5550100199@sms.example.com
  Size (in bytes): 512
""",
        subject="Undeliverable Message",
        To="alerts@example.com",
    )
    (incident,) = plainbounce.parse(text, True)
    assert (incident.recipient, incident.reply_code) == ("5550100199@sms.example.com", "550")


NOTES_FAILURE_REASONS = """------- Failure Reasons  --------

User not listed in public Name & Address Book
ana@example.com
Message has exceeded maximum hop count
ops@example.com

------- Returned Message --------
From: sender@example.org
To: ana@example.com, ops@example.com
"""


def test_a_list_with_each_cause_above_its_recipient_gives_each_its_own(engine) -> None:
    # the Lotus SMTP MTA's layout: the cause, then the address it is for
    found = findings(engine, message(NOTES_FAILURE_REASONS, subject="Undeliverable message"))
    got = [(f.recipient, f.reason) for f in found]
    assert got == [("ana@example.com", "userunknown"), ("ops@example.com", "networkerror")]


def test_a_list_with_each_cause_below_its_recipient_keeps_reading_below(engine) -> None:
    # the same lines with the causes under the addresses, and a cause after the last one
    body = "Delivery failed for:\nana@example.com\nUser unknown\nops@example.com\nMailbox is full\n"
    found = findings(engine, message(body, subject="Undeliverable message"))
    got = [(f.recipient, f.reason) for f in found]
    assert got == [("ana@example.com", "userunknown"), ("ops@example.com", "mailboxfull")]
