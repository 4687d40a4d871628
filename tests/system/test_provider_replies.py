"""bench/provider_replies.py scores documented provider replies and prints its tables; the catalogues
kept in bench/corpus-providers stay at the targets issue 12 sets (these are accuracy figures, not
timings, so they may fail a build)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from repo_paths import REPO, run_provider_replies

CORPUS = REPO / "bench" / "corpus-providers"
# The catalogues this test holds to the targets, per provider (other catalogues are scored but not
# asserted here).
ASSERTED = ("google", "microsoft-exchange-online", "outlook-com")


def _line(provider: str, text: str, reason: str, bounce: str) -> str:
    row = {"provider": provider, "text": text, "reason": reason, "bounce": bounce, "source": "RFC 5321"}
    return json.dumps(row)


def test_scores_each_reply_three_ways_and_lists_the_misses(tmp_path: Path) -> None:
    corpus = tmp_path / "tiny.jsonl"
    corpus.write_text(
        "\n".join(
            [
                _line(
                    "Google",
                    "550-5.1.1 The email account that you tried to reach does not exist. gsmtp",
                    "userunknown",
                    "hard",
                ),
                # a deliberately wrong documented meaning: must show up as a miss
                _line(
                    "Google",
                    "452 4.2.2 The recipient's inbox is out of storage space. gsmtp",
                    "userunknown",
                    "hard",
                ),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    proc = run_provider_replies(str(corpus), "--misses", "--json")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for heading in ("catalogue", "provider", "meaning", "named", "specific", "targets:", "Misses (1;"):
        assert heading in out, heading
    assert "tiny:2 want userunknown/hard Google; got mailboxfull/soft Google google." in out
    report = json.loads(out.strip().splitlines()[-1])
    assert report["total"] == {"replies": 2, "meaning": 50.0, "named": 100.0, "specific": 100.0}
    assert run_provider_replies(str(corpus), "--strict").returncode == 1


def test_a_malformed_line_is_reported_with_its_place(tmp_path: Path) -> None:
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text('{"provider": "Google", "text": "550 5.1.1"}\nnot json\n', encoding="utf-8")
    proc = run_provider_replies(str(corpus))
    assert proc.returncode == 2
    assert "bad.jsonl:1: missing or empty reason, bounce, source" in proc.stderr
    assert "bad.jsonl:2: not JSON" in proc.stderr


def test_documented_provider_replies_meet_the_targets() -> None:
    proc = run_provider_replies(*(str(CORPUS / f"{name}.jsonl") for name in ASSERTED), "--json", "--misses")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(report["catalogues"]) == set(ASSERTED)
    for provider, figures in report["providers"].items():
        assert figures["replies"] >= 20, provider
        assert figures["meaning"] >= 97.0, (provider, proc.stdout)
        assert figures["named"] >= 95.0, (provider, proc.stdout)
        assert figures["specific"] >= 90.0, (provider, proc.stdout)


@pytest.mark.parametrize(
    ("folder", "replies", "floor"),
    [
        ("corpus-providers-heldout", 120, 97.0),
        ("corpus-providers-heldout2", 120, 97.0),
        ("corpus-providers-heldout3", 80, 91.0),
        ("corpus-providers-heldout4", 70, 96.0),
        ("corpus-providers-heldout5", 72, 98.0),
        ("corpus-providers-heldout6", 95, 97.0),
        ("corpus-providers-heldout7", 65, 85.0),
        ("corpus-providers-heldout8", 78, 97.0),
        ("corpus-providers-heldout9", 70, 87.0),
        ("corpus-providers-heldout10", 51, 82.0),
        ("corpus-providers-heldout11", 55, 79.0),
        ("corpus-providers-heldout12", 66, 92.0),
        ("corpus-providers-heldout13", 67, 75.0),
        ("corpus-providers-heldout14", 69, 72.0),
    ],
)
def test_the_held_out_provider_replies_keep_their_documented_meaning(
    folder: str, replies: int, floor: float
) -> None:
    # Each held-out folder was written after the knowledge, from documentation the catalogue
    # used thinly or not at all; its misses were then fixed with general entries. The floor
    # keeps what the fixes won (December 2026, meaning: corpus-providers-heldout 98.4%, 67.7%
    # before its fixes; corpus-providers-heldout2 98.3%, 87.5% before; corpus-providers-heldout3,
    # the MTAs' and filters' own replies, 92.7%, 81.7% before; corpus-providers-heldout4, security
    # gateways' and sending services' own replies, 98.6%, 37.0% before; corpus-providers-heldout5,
    # mailbox providers the others left out (Seznam, Strato, Aruba, SFR, Aliyun Mail, Fastmail ...),
    # 100%, 48.5% before; corpus-providers-heldout6, on-premises servers, delivery agents and
    # policy services, 100.0%, 70.7% before; corpus-providers-heldout7, the long tail of access
    # providers, small mailbox providers and shared hosts (BT, Proximus, Bluehost, cPanel's caps
    # ...), 86.6%, 40.3% before; corpus-providers-heldout8, replies and notices not in
    # English (Exchange's NDRs and Gmail's notices in the sender's language, Seznam, QQ Mail, a
    # Chinese host, DTI), 100.0%, 25.0% before; corpus-providers-heldout9, filtering gateways, small
    # hosts and mail systems no other set names (Vade's OXSUS codes, Barricade MX, Iridis, BlueTie,
    # Titan, Coremail ...), 88.7%, 57.7% before; corpus-providers-heldout10, receivers' replies as
    # sending services and deliverability vendors classify them (Mailgun Optimize, SendGrid,
    # EmailEngine, ResponseMaster, Symantec Email Security.cloud ...), 82.4%, 64.6% before;
    # corpus-providers-heldout11, localised replies and notices of providers set 8 does not have
    # (Chinese hosts' 退信 topics, Daum, Zing Mail, GoDaddy's translated tables, Aruba's PEC, Plesk's
    # Italian notice ...), 80.0%, 34.5% before; corpus-providers-heldout12, reply texts read from
    # mail software's source (qmail's chkuser and spamcontrol, chasquid, Haraka's plugins,
    # Postfix's restrictions, Exim, Sendmail ...), 93.9%, 74.2% before; corpus-providers-heldout13,
    # mailbox providers and hosts the other sets cover thinly (Fastmail's old pages, Telstra,
    # Virgin Media, Italiaonline's DSN glossary, small European, Brazilian and Australian hosts,
    # postfwd and 3strikes reply lists ...), 76.1%, 44.8% before; corpus-providers-heldout14, what
    # the big providers document that the catalogue lacked (Gmail's and Exchange Online's tables,
    # Comcast, AT&T, Charter, Orange, Barracuda, T-Online, Zoho ...), 72.5%, 59.4% before).
    proc = run_provider_replies("--corpus", str(REPO / "bench" / folder), "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["total"]["replies"] >= replies
    assert report["total"]["meaning"] >= floor, proc.stdout
