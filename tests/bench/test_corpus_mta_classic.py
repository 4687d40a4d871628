"""The classic on-premise MTA families of bench/corpus-mta are well formed: every email parses, every
labels line names an existing email and carries the fields bench/compare_sisimai.py reads, and every
labelled recipient is written somewhere in its bounce (a typo in a label would otherwise score as an
engine miss)."""

from __future__ import annotations

import email
import json
import re
from email import policy
from pathlib import Path

import pytest
from repo_paths import REPO

from bot.engine.model import REASONS  # Sisimai's reason taxonomy, as knowledge/README.md lists it

CORPUS = REPO / "bench" / "corpus-mta"
FAMILIES = (
    "postfix",
    "exim",
    "sendmail",
    "qmail",
    "courier",
    "opensmtpd",
    "exchange2003",
    "exchange2007",
    "lotus-notes",
    "groupwise",
    "messagingserver",
    "smtp32",
    "mdaemon",
    "kerio",
    "zimbra",
    "icewarp",
    "legacy",
)
ROW_KEYS = {"status", "replycode", "reason", "hardbounce", "recipient"}


def _labels(family: str) -> list[dict]:
    lines = (CORPUS / family / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _bounce_text(path: Path) -> str:
    """Every text part, decoded, plus the raw bytes: a recipient may sit in either."""
    raw = path.read_bytes()
    message = email.message_from_bytes(raw, policy=policy.compat32)
    texts = [raw.decode("utf-8", "replace")]
    for part in message.walk():
        payload = part.get_payload(decode=True)
        if payload:
            texts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    return "\n".join(texts).lower()


@pytest.mark.parametrize("family", FAMILIES)
def test_labels_name_every_email_once(family: str) -> None:
    rows = _labels(family)
    files = {row["file"] for row in rows}
    on_disk = {f"{family}/{p.name}" for p in (CORPUS / family).glob("*.eml")}
    assert files == on_disk
    assert len(files) == len(rows)
    assert [row["id"] for row in rows] == [f"{family}-{p[len(family) + 1 :][:2]}" for p in sorted(files)]


@pytest.mark.parametrize("family", FAMILIES)
def test_label_rows_use_the_shared_fields(family: str) -> None:
    for row in _labels(family):
        assert set(row) == {"id", "file", "engine", "expected"}, row["id"]
        assert row["expected"], row["id"]
        for want in row["expected"]:
            assert set(want) == ROW_KEYS, row["id"]
            assert want["reason"] in REASONS, row["id"]
            assert isinstance(want["hardbounce"], bool), row["id"]
            assert want["status"] is None or re.fullmatch(r"[245]\.\d{1,3}\.\d{1,3}", want["status"]), row[
                "id"
            ]
            assert want["replycode"] is None or re.fullmatch(r"[245]\d\d", want["replycode"]), row["id"]
            if want["hardbounce"] is False:
                assert want["status"] is None or want["status"].startswith("4"), row["id"]


@pytest.mark.parametrize("family", FAMILIES)
def test_emails_parse_and_name_their_failed_recipients(family: str) -> None:
    for row in _labels(family):
        path = CORPUS / row["file"]
        message = email.message_from_bytes(path.read_bytes(), policy=policy.compat32)
        assert message["From"] and message["Subject"] and message["Date"], row["id"]
        assert not [d for part in message.walk() for d in part.defects], row["id"]
        text = _bounce_text(path)
        for want in row["expected"]:
            assert want["recipient"].lower() in text, (row["id"], want["recipient"])
