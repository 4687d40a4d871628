"""Header samples written from the providers' documented formats, each with its expected JSON.

Each `tests/data/headers/<provider>-<case>.eml` is answered by `smtpbot headers --json` with the
object in the `.json` beside it. The labels were written by reading each sample: which hop is
the receiver's, which results it wrote, what aligns with From and what a mail admin should hear.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from repo_paths import DATA

from bot.engine.normalize import clean_file
from bot.headers.report import analyse

HEADERS = DATA / "headers"
SAMPLES = sorted(HEADERS.glob("*.eml"))
PROVIDERS = {
    "gmail": "Gmail",
    "microsoft365": "Microsoft 365",
    "outlookcom": "Outlook.com",
    "yahoo": "Yahoo",
    "apple": "Apple iCloud",
    "proofpoint": "Proofpoint",
    "mimecast": "Mimecast",
    "postfix": "Postfix",
    "exim": "Exim",
}
TEST_NETS = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]
PRIVATE = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "127.0.0.0/8", "192.168.0.0/16", "2001:db8::/32")]
DOMAIN_RE = re.compile(r"\b(?:[a-z0-9-]+\.)+([a-z]{2,})\b", re.I)
IPV4_RE = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")
IPV6_RE = re.compile(r"(?<![\w:])[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){3,}", re.I)  # not a time: 3+ colons


def provider(path: Path) -> str:
    return PROVIDERS[path.stem.split("-", 1)[0]]


def report_for(path: Path):
    text, _ = clean_file(path.read_bytes())
    return analyse(text)


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_sample_gives_its_labelled_json(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text())
    report = report_for(path)
    assert report is not None
    assert report.contract() == expected


def test_at_least_forty_samples_from_every_provider() -> None:
    counts = Counter(provider(p) for p in SAMPLES)
    assert len(SAMPLES) >= 40
    assert set(counts) == set(PROVIDERS.values())
    assert all(n >= 2 for n in counts.values()), counts
    assert all(p.with_suffix(".json").exists() for p in SAMPLES)


def test_samples_cover_the_cases_the_issue_names() -> None:
    verdicts = {
        p.stem: {
            (v["check"], v["status"]) for v in json.loads(p.with_suffix(".json").read_text())["verdicts"]
        }
        for p in SAMPLES
    }
    everything = set().union(*verdicts.values())
    for case in [
        ("dmarc", "fail"),  # misaligned DKIM, a mailing list, forwarding
        ("dkim", "fail"),
        ("spf", "warn"),  # softfail
        ("arc", "warn"),  # forwarded with ARC
        ("clock", "warn"),
        ("delay", "warn"),
        ("unsubscribe", "fail"),
        ("unsubscribe", "warn"),
        ("unsubscribe", "pass"),
        ("forged_results", "warn"),
        ("microsoft_scl", "fail"),
        ("compauth", "fail"),
        ("gmail_label", "fail"),
        ("yahoo_bulk", "fail"),
        ("proofpoint", "fail"),
        ("spamassassin", "fail"),
    ]:
        assert case in everything, case


def test_samples_use_only_example_domains_and_documentation_addresses() -> None:
    for path in SAMPLES:
        text = path.read_text()
        for match in DOMAIN_RE.finditer(text):
            name = match.group(0).lower()
            if IPV4_RE.fullmatch(name) or match.group(1).lower() not in (
                "com",
                "net",
                "org",
                "example",
                "test",
            ):
                continue  # a version number, a cipher name, or a reserved top-level domain
            if match.group(1).lower() in ("example", "test"):
                continue
            assert re.search(r"(^|\.)example\.(com|net|org)$", name), f"{path.name}: {name}"
        for ip in IPV4_RE.findall(text):
            address = ipaddress.ip_address(ip)
            assert any(address in n for n in TEST_NETS + PRIVATE), f"{path.name}: {ip}"
        for ip in IPV6_RE.findall(text):
            assert ipaddress.ip_address(ip.rstrip(":")) in PRIVATE[-1], f"{path.name}: {ip}"
