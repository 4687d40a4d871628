"""`smtpbot diagnose` as other tools use it: the real console script against NSD and rbldnsd.

With --json, one line per target with exactly the documented keys (issue 15 §2); other tools rely
on them, so this test pins them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from diagnose_fixtures import PASTED_BOUNCE, LoopbackDns
from dns_servers import NSD, RBLDNSD
from repo_paths import REPO

from bot.diagnose import CHECKS, STATUSES, DiagnoseConfig, Diagnoser
from bot.diagnose.cache import MemoryCache
from bot.diagnose.targets import from_argument

TARGET_KEYS = {"target", "checks"}
CHECK_KEYS = {"check", "subject", "status", "summary", "details"}


def diagnose(*args: str, env: dict[str, str], stdin: str = "", cwd: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "smtpbot"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SMTPBOT_") and k != "REDIS_URL"}
    clean.update({"PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8", "SMTPBOT_CACHE_DIR": "off", **env})
    return subprocess.run(
        [*command, "diagnose", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=clean,
        cwd=cwd,
        timeout=60,
    )


def statuses(line: dict) -> dict[str, str]:
    return {c["check"]: c["status"] for c in line["checks"]}


def assert_contract(line: dict) -> None:
    assert set(line) == TARGET_KEYS
    assert [c["check"] for c in line["checks"]] == list(CHECKS)
    for check in line["checks"]:
        assert set(check) == CHECK_KEYS
        assert check["status"] in STATUSES
        assert isinstance(check["summary"], str) and check["summary"]
        assert isinstance(check["details"], dict)


def test_json_lines_keep_their_keys(loopback_dns: LoopbackDns, tmp_path: Path) -> None:
    env = {"SMTPBOT_DNS_SERVERS": f"127.0.0.1:{loopback_dns.nsd_port}"}
    done = diagnose(
        "--json",
        "--ip",
        "192.0.2.10",
        "--selector",
        "big",
        "good.test",
        "implicit.test",
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["target"] for line in lines] == ["good.test", "implicit.test"]
    for line in lines:
        assert_contract(line)
    assert statuses(lines[0]) == {
        "mx": "pass",
        "spf": "pass",
        "dmarc": "pass",
        "dkim": "pass",
        "ptr": "pass",
        "dnsbl": "skipped",
        "mta-sts": "pass",
        "tls-rpt": "pass",
    }
    spf = lines[0]["checks"][1]
    assert (spf["subject"], spf["details"]["result"], spf["details"]["matched"]) == (
        "good.test",
        "pass",
        "mx",
    )
    assert statuses(lines[1])["mx"] == "warn"  # implicit MX


def test_a_pasted_bounce_gives_sender_recipient_and_ip(loopback_dns: LoopbackDns, tmp_path: Path) -> None:
    env = {"SMTPBOT_DNS_SERVERS": f"127.0.0.1:{loopback_dns.nsd_port}"}
    done = diagnose("--json", "-", env=env, stdin=PASTED_BOUNCE, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (line,) = [json.loads(text) for text in done.stdout.splitlines()]
    assert_contract(line)
    checks = {c["check"]: c for c in line["checks"]}
    assert line["target"] == "-"
    assert (checks["mx"]["subject"], checks["mx"]["status"]) == ("other.test", "fail")  # does not exist
    assert checks["mx"]["summary"].startswith("other.test does not exist")
    assert checks["spf"]["summary"] == "`v=spf1 ip4:192.0.2.0/29 mx -all`: 203.0.113.5 is not in it (fail)"
    assert (checks["dmarc"]["subject"], checks["dmarc"]["status"]) == ("good.test", "pass")
    assert (checks["dkim"]["subject"], checks["dkim"]["status"]) == ("revoked._domainkey.good.test", "fail")
    assert checks["ptr"]["subject"] == "203.0.113.5"


def test_dnsbl_through_the_command_line(loopback_dns: LoopbackDns, tmp_path: Path) -> None:
    env = {
        "SMTPBOT_DNS_SERVERS": f"127.0.0.1:{loopback_dns.rbldnsd_port}",
        "SMTPBOT_DNSBL_ZONES": "bl.test",
        "SMTPBOT_DIAGNOSE": "dns+dnsbl",
    }
    done = diagnose("--json", "192.0.2.66", env=env, cwd=tmp_path)
    (line,) = [json.loads(text) for text in done.stdout.splitlines()]
    dnsbl = {c["check"]: c for c in line["checks"]}["dnsbl"]
    assert (dnsbl["subject"], dnsbl["status"]) == ("192.0.2.66", "fail")
    assert dnsbl["details"]["zones"][0]["reason"].startswith("Listed for spam traps")


def test_text_output_and_a_bad_target(loopback_dns: LoopbackDns, tmp_path: Path) -> None:
    env = {"SMTPBOT_DNS_SERVERS": f"127.0.0.1:{loopback_dns.nsd_port}"}
    done = diagnose("nullmx.test", "no such thing!", env=env, cwd=tmp_path)
    assert done.returncode == 1
    assert "❌ fail    mx       nullmx.test publishes a null MX (RFC 7505): it accepts no mail" in done.stdout
    assert "'no such thing!' is not a domain" in done.stderr


def test_local_parts_are_never_looked_up(loopback_dns: LoopbackDns) -> None:
    cache = MemoryCache()
    config = DiagnoseConfig(loopback_dns.servers, mode="dns")
    Diagnoser(config, cache).run("target", from_argument("ana.secret@good.test", "192.0.2.10"))
    asked = list(cache._items)
    assert asked and not [key for key in asked if "ana" in key or "secret" in key]


@pytest.mark.skipif(NSD is None or RBLDNSD is None, reason="nsd and rbldnsd are not installed")
def test_the_benchmark_runs_and_prints_its_table() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "diagnose_bench.py"), "--runs", "3", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.splitlines()[-1])
    assert set(figures) == {"cold", "warm"} and set(figures["cold"]) == {"median_ms", "p99_ms"}
