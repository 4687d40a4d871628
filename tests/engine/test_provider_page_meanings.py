"""Providers' documented replies get the meaning the provider's own page gives them.

Each case is a reply whose reason was once wrong and was corrected from the page in the comment
(bench/corpus-providers-audit holds the whole audit).
"""

from __future__ import annotations

from typing import Any

import pytest
from explain_checks import best, check

from bot.engine import Engine

PAGE_MEANINGS = [
    # mimecastsupport.zendesk.com (Mimecast SMTP Error Codes): "Internal resource temporarily
    # unavailable" is greylisting or a reputation check; real replies say "resource is"
    (
        "451 Internal resource is temporarily unavailable - "
        "https://community.mimecast.com/docs/DOC-1369#451 [Aj3QX.us32]",
        {"reason": "badreputation", "bounce": "soft", "provider": "Mimecast"},
    ),
    # community.mimecast.com/docs/DOC-1415: the Email Size Limits policy's rejection reason
    ("Message exceeds email size limit", {"reason": "mesgtoobig"}),
    # support.google.com/a/answer/3726730: "We weren't able to find the recipient domain"
    (
        "553-5.1.2 We weren't able to find the recipient domain. Please check for any spelling "
        "errors, and make sure you didn't enter any spaces. - gsmtp",
        {"reason": "hostunknown", "bounce": "hard"},
    ),
    # the same page: the session timed out; nothing gave up, the sending server retries
    (
        "451-4.4.2 Timeout - closing connection. For more information, go to "
        "https://support.google.com/a/answer/3221692 - gsmtp",
        {"reason": "networkerror", "bounce": "soft"},
    ),
    # the same page: a per-transaction limit; the recipient goes in a separate transaction
    (
        "452-4.5.3 Domain policy size per transaction exceeded, please try this recipient in a "
        "separate transaction. - gsmtp",
        {"reason": "toomanyconn", "bounce": "soft"},
    ),
    # the same page, its current wording of 5.6.0, without the link
    (
        "554 5.6.0 Email message is malformed. Not accepted. a1b2c3si1.1 - gsmtp",
        {"reason": "notcompliantrfc", "bounce": "hard"},
    ),
    # docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html: a sending rate or quota
    (
        "454 Throttling failure: Maximum sending rate exceeded",
        {"reason": "speeding", "bounce": "soft", "provider": "Amazon SES"},
    ),
    (
        "454 Throttling failure: Daily message quota exceeded",
        {"reason": "speeding", "bounce": "soft", "provider": "Amazon SES"},
    ),
    # senders.yahooinc.com/smtp-error-codes: TS* deferrals throttle the sending IP
    (
        "421 4.7.0 [TSS04] Messages from 192.0.2.25 temporarily deferred due to unexpected volume "
        "or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
        {"reason": "blocked", "bounce": "soft", "provider": "Yahoo"},
    ),
    # learn.microsoft.com, "Fix error code 451 4.7.500-699 (ASxxx)": throttling of the sending IP
    (
        "451 4.7.500 Server busy. Please try again later from [192.0.2.1]. (AS77712344)",
        {"reason": "blocked", "bounce": "soft", "provider": "Microsoft"},
    ),
    # Exchange Online Protection's S8001: the HELO name's domain is listed, not a link in the message
    (
        "550 5.7.1 Service unavailable, Helo domain is listed in Spamhaus. To request removal from "
        "this list see https://www.spamhaus.org/query/dbl?domain=example.com (S8001)",
        {"reason": "blocked", "bounce": "hard"},
    ),
    # learn.microsoft.com, "Email non-delivery reports and SMTP errors in Exchange Online": PRX8
    (
        "421 4.3.2 The maximum number of concurrent connections per resource forest has exceeded a "
        "limit, closing transmission channel. PRX8",
        {"reason": "toomanyconn", "bounce": "soft", "provider": "Microsoft"},
    ),
    # support.microsoft.com/help/3028012: Microsoft's 5.7.12 is a recipient restriction, not RFC
    # 3463's password transition
    (
        "550 5.7.12 RESOLVER.RST.SenderAuthenticated; Delivery restriction check failed as sender "
        "not authenticated",
        {"reason": "rejected", "bounce": "hard", "provider": "Microsoft"},
    ),
    # zoho.com/zeptomail/help/api/smtp-error-codes.html: a From domain the sender may not use
    (
        "553 Relaying disallowed as <sender@example.com>.",
        {"reason": "norelaying", "bounce": "hard", "provider": "Zoho"},
    ),
    # the same table: a missing Subject, not RFC 3463's "mailbox disabled" 5.2.1
    (
        "5.2.1 Subject is Mandatory.",
        {"reason": "policyviolation", "bounce": "hard", "provider": "Zoho"},
    ),
    # the same table: attachments over the account's size policy, not a mailbox problem
    (
        "5.2.0 Email size exceeded the policy.",
        {"reason": "mesgtoobig", "bounce": "hard", "provider": "Zoho"},
    ),
    # att.net block_enduser.html: the sending system asks for more than is free; it retries
    (
        "450 busy--Please try again later",
        {"reason": "toomanyconn", "bounce": "soft", "provider": "AT&T"},
    ),
    # yandex.com/support/mail/bounces/yandex.html: the recipient's mailbox is full
    ("Mailbox size exceeded", {"reason": "mailboxfull"}),
    # the same page lists Postfix's non-FQDN refusal among malformed recipient addresses
    ("Recipient address rejected: need fully-qualified address", {"reason": "syntaxerror"}),
    # help.yahoo.com SLN3436: a high volume from the IP that looks like unsolicited bulk mail
    (
        "553 5.7.2 [TSS09] All messages from 192.0.2.1 will be permanently deferred; Retrying will NOT"
        " succeed.",
        {"reason": "blocked", "bounce": "hard", "provider": "Yahoo"},
    ),
    # help.yahoo.com SLN7253: the message failed DKIM, SPF or DMARC
    (
        "554 5.7.9 Message not accepted for policy reasons.  See https://postmaster.yahooinc.com/error-codes",
        {"reason": "authfailure", "bounce": "hard", "provider": "Yahoo"},
    ),
    # postmaster.info.aol.com/errors/554hvub1.html: a content block on a domain in the message
    (
        "554 5.7.1 : (HVU:B1) http://postmaster.info.aol.com/errors/554hvub1.html",
        {"reason": "spamdetected", "bounce": "hard", "provider": "AOL"},
    ),
    # support.google.com/a/answer/168383: the sending IP is reported as a spam source
    (
        "550 5.7.1 Message rejected by Google Groups. Please visit"
        " http://support.google.com/mail/answer/188131 to review our Bulk Email Senders Guidelines.",
        {"reason": "blocked", "bounce": "hard", "provider": "Google"},
    ),
    # godaddy.com/help/fix-rejected-email-with-a-bounce-error-40685: a content bounce, not a full mailbox
    ("552 Message rejected for spam or virus content", {"reason": "spamdetected", "bounce": "hard"}),
]


@pytest.mark.parametrize(("text", "expected"), PAGE_MEANINGS)
def test_reply_has_the_meaning_its_page_gives(engine: Engine, text: str, expected: dict[str, Any]) -> None:
    check(best(engine, text), expected)
