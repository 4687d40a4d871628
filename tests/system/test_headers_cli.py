"""`smtpbot headers [--json] FILE|-`: the JSON contract other tools rely on, and the terminal answer."""

from __future__ import annotations

import json
import subprocess
import sys

from repo_paths import DATA

HEADERS = DATA / "headers"
TOP_KEYS = ["hops", "auth", "alignment", "verdicts"]
HOP_KEYS = ["from", "by", "with", "time", "delay_s", "tls"]


def smtpbot(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=60,
        env={"SMTPBOT_CACHE_DIR": "off", "PATH": "/usr/bin:/bin"},
    )


def test_json_has_exactly_the_documented_keys_and_types() -> None:
    proc = smtpbot("headers", "--json", str(HEADERS / "gmail-esp-misaligned.eml"))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert list(out) == TOP_KEYS
    assert all(list(hop) == HOP_KEYS for hop in out["hops"]) and out["hops"]
    for hop in out["hops"]:
        assert isinstance(hop["delay_s"], int | None) and hop["tls"] in (True, False, None)
    assert list(out["auth"]) == ["spf", "dkim", "dmarc"]
    assert list(out["auth"]["spf"]) == ["result", "domain"]
    assert all(list(d) == ["result", "domain", "selector"] for d in out["auth"]["dkim"])
    assert list(out["auth"]["dmarc"]) == ["result", "policy", "from_domain"]
    assert list(out["alignment"]) == ["from_domain", "spf_aligned", "dkim_aligned"]
    assert all(list(v) == ["check", "status", "summary"] for v in out["verdicts"])
    assert {v["status"] for v in out["verdicts"]} <= {"pass", "warn", "fail"}
    assert out["verdicts"][0] == {
        "check": "dmarc",
        "status": "fail",
        "summary": "DMARC failed for example.com (policy p=quarantine): neither SPF (mailer.example.net) "
        "nor DKIM (d=esp.example.net) is aligned with From: example.com. The receiver quarantined it "
        "(the spam folder).",
    }


def test_json_keys_are_all_there_when_the_header_says_little() -> None:
    header = (
        b"Received: from a.example.com (a.example.com [192.0.2.1]) by b.example.org with ESMTP;"
        b" Tue, 3 Nov 2026 10:00:00 +0000\nSubject: hi\nTo: x@example.org\n"
    )
    out = json.loads(smtpbot("headers", "--json", "-", stdin=header).stdout)
    assert out["auth"] == {
        "spf": {"result": None, "domain": None},
        "dkim": [],
        "dmarc": {"result": None, "policy": None, "from_domain": None},
    }
    assert out["alignment"] == {"from_domain": None, "spf_aligned": None, "dkim_aligned": None}
    assert out["hops"][0]["from"] == "a.example.com" and out["hops"][0]["tls"] is False


def test_terminal_answer_puts_the_likeliest_reason_first() -> None:
    proc = smtpbot("headers", str(HEADERS / "microsoft365-junk-scl5.eml"))
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert lines[2].startswith("FAIL Microsoft scored it SCL 5 (spam)")
    assert "Hops (oldest first)" in proc.stdout and "Sending IP 203.0.113.70" in proc.stdout


def test_terminal_answer_ends_with_the_live_checks_to_run() -> None:
    lines = smtpbot("headers", str(HEADERS / "gmail-esp-misaligned.eml")).stdout.splitlines()
    # From, the envelope (SPF) and the DKIM d= domains, and the sending IP
    assert lines[-1] == "  smtpbot diagnose example.com mailer.example.net esp.example.net --ip 192.0.2.25"
    # one domain: its DKIM selector goes with it
    lines = smtpbot("headers", str(HEADERS / "exim-pass.eml")).stdout.splitlines()
    assert lines[-1] == "  smtpbot diagnose example.com --ip 192.0.2.10 --selector s1"


def test_not_a_header_and_a_missing_file_exit_non_zero() -> None:
    proc = smtpbot("headers", "-", stdin=b"550 5.1.1 user unknown\n")
    assert proc.returncode == 1 and "No message header found" in proc.stderr and not proc.stdout
    proc = smtpbot("headers", str(HEADERS / "no-such-file.eml"))
    assert proc.returncode == 1 and "no-such-file.eml" in proc.stderr


def test_explain_json_contract_is_unchanged_by_a_header_paste() -> None:
    proc = smtpbot("explain", "--json", "--files", str(HEADERS / "exim-pass.eml"))
    assert list(json.loads(proc.stdout)) == ["source", "findings"]
