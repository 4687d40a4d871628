"""bench/corpus-mta's and bench/corpus-heldout's labels are well formed and match their files one to
one (bench/corpus-mta/README.md; the held-out corpus uses the same layout).

Files are raw emails (`.eml`), sending services' event payloads pasted as they are, JSON (`.json`),
or a paste as a chat delivers it (`.txt`: words and code fences around a payload, Slack's `&lt;`
escapes and `<mailto:..|..>` links); the email checks apply to the emails.

Checked for every family folder present, so both halves of the corpus are covered as they are added.
"""

from __future__ import annotations

import email
import json
import re
from email import policy
from pathlib import Path

import pytest
from repo_paths import REPO

from bot.engine.model import REASONS

CORPORA = (REPO / "bench" / "corpus-mta", REPO / "bench" / "corpus-heldout")
FAMILY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# a held-out set written later may prefix its numbers with the set's own ("s14-03-..."), so that
# two sets written at once never take the same number in a folder
FILE_RE = re.compile(
    r"^(?P<family>[a-z0-9-]+)/(?:(?P<set>s\d{2})-)?(?P<nn>\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*\.(?:eml|json|txt)$"
)
STATUS_RE = re.compile(r"^[245]\.\d{1,3}\.\d{1,3}$")
REPLY_RE = re.compile(r"^[2-5]\d\d$")
# an address as a bounce reports it: local part, one @, a dotted domain; no brackets or spaces
ADDRESS_RE = re.compile(r"^[^@\s<>()\[\],;:\"]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+$", re.IGNORECASE)
ROW_KEYS = {"status", "replycode", "reason", "hardbounce", "recipient"}
# not failures at all, so never hard (a 4.x.x status can be hard: a message given up on is failed)
NOT_FAILURES = {"feedback", "vacation", "delivered"}


def _families(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.iterdir() if p.is_dir()) if corpus.is_dir() else []


def _labels(corpus: Path) -> list[tuple[str, int, dict]]:
    """(labels file relative to the corpus, line number, parsed line) for every line of every family."""
    rows = []
    for family in _families(corpus):
        path = family / "labels.jsonl"
        if not path.is_file():
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                rows.append((f"{family.name}/labels.jsonl", n, json.loads(line)))
    return rows


@pytest.fixture(params=CORPORA, ids=lambda corpus: corpus.name)
def corpus(request: pytest.FixtureRequest) -> Path:
    return request.param


def test_the_corpus_has_families_with_labels(corpus: Path) -> None:
    families = _families(corpus)
    assert families, f"no family folders in {corpus}"
    for family in families:
        assert FAMILY_RE.match(family.name), family.name
        assert (family / "labels.jsonl").is_file(), f"{family.name} has no labels.jsonl"


@pytest.mark.parametrize(
    ("corpus_dir", "where", "line", "label"),
    [
        pytest.param(corpus, *row, id=f"{corpus.name}:{row[2].get('id')}")
        for corpus in CORPORA
        for row in _labels(corpus)
    ],
)
def test_each_label_is_well_formed_and_names_its_file(
    corpus_dir: Path, where: str, line: int, label: dict
) -> None:
    at = f"{where}:{line}"
    assert set(label) == {"id", "file", "engine", "expected"}, at
    family = where.split("/")[0]
    m = FILE_RE.match(label["file"])
    assert m, f"{at}: file {label['file']!r} is not <family>/[sNN-]<NN>-<description>.eml, .json or .txt"
    assert m["family"] == family, f"{at}: file is outside its family folder"
    number = f"{m['set']}-{m['nn']}" if m["set"] else m["nn"]
    assert label["id"] == f"{family}-{number}", f"{at}: id {label['id']!r} does not match the file"
    assert (corpus_dir / label["file"]).is_file(), f"{at}: {label['file']} does not exist"
    assert isinstance(label["engine"], str) and label["engine"], at
    assert isinstance(label["expected"], list) and 1 <= len(label["expected"]) <= 4, at
    recipients = set()
    for row in label["expected"]:
        assert set(row) == ROW_KEYS, f"{at}: keys {sorted(row)}"
        assert row["reason"] in REASONS, f"{at}: unknown reason {row['reason']!r}"
        assert row["status"] is None or STATUS_RE.match(row["status"]), f"{at}: status {row['status']!r}"
        assert row["replycode"] is None or REPLY_RE.match(row["replycode"]), f"{at}: {row['replycode']!r}"
        assert isinstance(row["hardbounce"], bool), at
        assert isinstance(row["recipient"], str) and ADDRESS_RE.match(row["recipient"]), at
        assert row["recipient"].lower() not in recipients, f"{at}: {row['recipient']} twice"
        recipients.add(row["recipient"].lower())
        if row["reason"] in NOT_FAILURES:
            assert row["hardbounce"] is False, f"{at}: {row['reason']} is not a failure, so never hard"


def test_every_email_has_exactly_one_label_and_ids_are_unique(corpus: Path) -> None:
    labels = [label for _, _, label in _labels(corpus)]
    ids = [label["id"] for label in labels]
    files = [label["file"] for label in labels]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert len(files) == len(set(files)), sorted(f for f in files if files.count(f) > 1)
    emails = sorted(
        str(p.relative_to(corpus)) for ext in ("eml", "json", "txt") for p in corpus.glob(f"*/*.{ext}")
    )
    assert sorted(files) == emails, {
        "unlabelled": set(emails) - set(files),
        "missing": set(files) - set(emails),
    }


def test_every_email_is_a_whole_raw_message(corpus: Path) -> None:
    for path in sorted(corpus.glob("*/*.eml")):
        # a report may be stored with CRLF line ends, as it crossed the wire
        raw = path.read_bytes().replace(b"\r\n", b"\n")
        head, sep, body = raw.partition(b"\n\n")
        assert sep and body.strip(), f"{path.name}: no header/body separator or empty body"
        fields = {line.split(b":", 1)[0].lower() for line in head.splitlines() if line[:1] not in b" \t"}
        assert {b"from", b"date"} <= fields, f"{path.name}: From or Date missing"


def _decoded_text(path: Path) -> str:
    """The raw email and every part decoded, lower-cased: a recipient may sit in either."""
    raw = path.read_bytes()
    texts = [raw.decode("utf-8", "replace")]
    for part in email.message_from_bytes(raw, policy=policy.compat32).walk():
        payload = part.get_payload(decode=True)
        if payload:
            texts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    return "\n".join(texts).lower()


def test_every_json_payload_is_json(corpus: Path) -> None:
    for path in sorted(corpus.glob("*/*.json")):
        decoder = json.JSONDecoder()
        text = path.read_text(encoding="utf-8").strip()
        document, end = decoder.raw_decode(text)
        assert isinstance(document, (dict, list)) and end == len(text), path.name


def test_every_labelled_recipient_is_written_in_its_email(corpus: Path) -> None:
    """A typo in a label would otherwise count as an engine miss."""
    for where, line, label in _labels(corpus):
        text = _decoded_text(corpus / label["file"])
        for row in label["expected"]:
            assert row["recipient"].lower() in text, f"{where}:{line}: {row['recipient']} not in the email"


def test_every_email_parses_without_mime_defects(corpus: Path) -> None:
    for path in sorted(corpus.glob("*/*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.compat32)
        assert message["Subject"], f"{path.name}: no Subject"
        assert not [d for part in message.walk() for d in part.defects], path.name
