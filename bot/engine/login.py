"""A reply to the sender's own login (SMTP AUTH, RFC 4954) is about the sender's account.

A submission server answers AUTH with codes of its own (530 authentication required, 534
mechanism too weak, 535 credentials invalid, 538 encryption required; 5.7.8, 5.7.9, 5.7.11, and
Microsoft's 5.7.139), and the words after them describe the account that tried to log in: "535
5.7.8 Account is locked" is the sender's account, locked by its own provider. The same words in
a reply to RCPT TO ("550 5.2.1 account disabled") describe the recipient's mailbox. So where the
codes say the login was refused, a statement of an account's state is the sender's locked or
disabled login (ahead of a generic "authentication failed", not of a provider's own login
wording), and any other reading that blames the recipient's mailbox yields to the best one about
the sender's side (the login's own words, else the codes).
"""

from __future__ import annotations

from collections.abc import Callable

from .matcher import Match
from .model import Entry

# Reply codes RFC 4954 §6 gives the AUTH exchange, and the statuses it registers for it
# (X.7.8 credentials invalid, X.7.9 mechanism too weak, X.7.11 encryption required) with
# Microsoft 365's 5.7.139 "Authentication unsuccessful".
LOGIN_REPLIES = frozenset({"530", "534", "535", "538"})
LOGIN_STATUSES = frozenset({"4.7.8", "5.7.8", "5.7.9", "5.7.11", "5.7.139"})
# Readings that put the fault in the recipient's mailbox: its person, or its address's state.
RECIPIENT_REASONS = frozenset({"userunknown", "suspend", "mailboxfull", "hasmoved", "vacation", "filtered"})
# The entry that reads an account's state (locked, disabled, suspended) as the sender's login.
LOGIN_ACCOUNT_ENTRY = "generic.securityerror.login-account-locked"


def answers_login(reply: str | None, status: str | None) -> bool:
    """Whether a reply's codes say it refused the sender's login."""
    return reply in LOGIN_REPLIES or status in LOGIN_STATUSES


def blames_recipient(match: Match) -> bool:
    entry = match.entry
    return entry.who == "recipient" or entry.reason in RECIPIENT_REASONS


def login_before_recipient(
    matches: list[Match],
    reply: str | None,
    status: str | None,
    login_account: Entry | None,
    code_matches: Callable[[], list[Match]],
) -> list[Match]:
    """Matches with the login reading first when the codes answer a login and the best words
    blame the recipient's mailbox (see the module's docstring). `login_account` is the entry of
    LOGIN_ACCOUNT_ENTRY; `code_matches` gives the codes' own entries, asked only when no words
    will do."""
    if not matches or not answers_login(reply, status):
        return matches
    best = matches[0]
    stated = next((m for m in matches if m.entry.reason == "suspend"), None)
    if stated and login_account and (blames_recipient(best) or not best.entry.provider):
        # the account's state, said of the account that tried to log in: more than a generic
        # "authentication failed" tells, though a provider's own login wording tells more
        return [Match(login_account, stated.rank, stated.confidence, stated.matched), *matches]
    if not blames_recipient(best):
        return matches
    sender_side = next((m for m in matches if not blames_recipient(m)), None)
    if sender_side is None:
        sender_side = next((m for m in code_matches() if not blames_recipient(m)), None)
    return [sender_side, *matches] if sender_side is not None else matches
