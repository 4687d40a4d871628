"""The MTA-STS policy fetch against an HTTPS server on loopback: one domain per way a server behaves."""

from __future__ import annotations

import http.server
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from diagnose_fixtures import LoopbackDns
from diagnose_zones import STS_POLICY_DOMAINS

from bot.diagnose import Subjects
from bot.diagnose.mta_sts import check_mta_sts
from bot.diagnose.probe import is_global_unicast
from bot.diagnose.sts_policy import MAX_POLICY_BYTES, fetch_policy, mx_covered, parse_policy

LOOPBACK_ONLY = {"allowed": lambda address: address == "127.0.0.1"}


def policy(mode: str, *mx: str) -> bytes:
    lines = ["version: STSv1", f"mode: {mode}", *(f"mx: {host}" for host in mx), "max_age: 86400"]
    return ("\r\n".join(lines) + "\r\n").encode()


# what each policy host answers: (status, headers, body)
ANSWERS = {
    "stsenforce": (200, {}, policy("enforce", "*.good.test")),
    "ststesting": (200, {}, policy("testing", "mx1.good.test")),
    "stsnone": (200, {}, policy("none")),
    "stsother": (200, {}, policy("enforce", "mail.elsewhere.test")),
    "stsredirect": (301, {"Location": "https://mta-sts.stsenforce.test/.well-known/mta-sts.txt"}, b""),
    "stsbig": (200, {}, policy("enforce", "*.good.test") + b"#" * MAX_POLICY_BYTES),
}


class PolicyServer:
    """HTTPS on loopback answering by Host header; `stsslow` answers after 3 s. Counts requests."""

    def __init__(self, cert: tuple[Path, Path]) -> None:
        self.requests: list[str] = []
        served = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                name = (
                    self.headers.get("Host", "").split(":")[0].removeprefix("mta-sts.").removesuffix(".test")
                )
                served.requests.append(f"{name} {self.path}")
                if name == "stsslow":
                    time.sleep(3)
                status, headers, body = ANSWERS.get(name, (404, {}, b""))
                self.send_response(status)
                for key, value in {"Content-Type": "text/plain", **headers}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*cert)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def policy_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("sts-cert")
    cert, key = folder / "cert.pem", folder / "key.pem"
    names = ",".join(f"DNS:mta-sts.{name}.test" for name in STS_POLICY_DOMAINS)
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=mta-sts.stsenforce.test", "-addext", f"subjectAltName={names}"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture(scope="module")
def server(policy_cert: tuple[Path, Path]) -> Iterator[PolicyServer]:
    running = PolicyServer(policy_cert)
    yield running
    running.close()


def fetcher(dns: LoopbackDns, server: PolicyServer, cert: Path | None, seconds: float = 5.0, **allowed):
    """The fetch as the runner binds it, with the test's server port, trust and address seam."""
    context = ssl.create_default_context(cafile=str(cert)) if cert else None
    ask = dns.ask()
    return lambda domain: fetch_policy(
        ask, domain, time.monotonic() + seconds, server.port, context=context, **(allowed or LOOPBACK_ONLY)
    )


def test_an_enforced_policy_covering_every_mx_passes(
    loopback_dns: LoopbackDns, server: PolicyServer, policy_cert: tuple[Path, Path]
) -> None:
    result = check_mta_sts(
        loopback_dns.ask(), "stsenforce.test", fetcher(loopback_dns, server, policy_cert[0])
    )
    fetched = result.details["policy"]
    assert result.status == "pass", result.summary
    assert (fetched["result"], fetched["mode"], fetched["mx"], fetched["max_age"]) == (
        "fetched",
        "enforce",
        ["*.good.test"],
        86400,
    )
    assert fetched["url"] == "https://mta-sts.stsenforce.test/.well-known/mta-sts.txt"
    assert result.details["mx_not_covered"] == []


@pytest.mark.parametrize(
    ("domain", "status", "words"),
    [
        ("ststesting.test", "warn", "policy mode testing"),
        ("stsnone.test", "warn", "policy mode none"),
        ("stsother.test", "fail", "mode enforce, and mx1.good.test is not in the policy's mx"),
    ],
)
def test_policy_modes_and_uncovered_mx_hosts(
    loopback_dns: LoopbackDns,
    server: PolicyServer,
    policy_cert: tuple[Path, Path],
    domain: str,
    status: str,
    words: str,
) -> None:
    result = check_mta_sts(loopback_dns.ask(), domain, fetcher(loopback_dns, server, policy_cert[0]))
    assert (result.status, result.details["policy"]["result"]) == (status, "fetched")
    assert words in result.summary


def test_a_redirect_is_refused_not_followed(
    loopback_dns: LoopbackDns, server: PolicyServer, policy_cert: tuple[Path, Path]
) -> None:
    before = list(server.requests)
    result = check_mta_sts(
        loopback_dns.ask(), "stsredirect.test", fetcher(loopback_dns, server, policy_cert[0])
    )
    assert (result.status, result.details["policy"]["result"]) == ("fail", "invalid")
    assert "redirect (301) to https://mta-sts.stsenforce.test/" in result.summary
    assert server.requests[len(before) :] == ["stsredirect /.well-known/mta-sts.txt"]


def test_an_oversized_policy_is_refused(
    loopback_dns: LoopbackDns, server: PolicyServer, policy_cert: tuple[Path, Path]
) -> None:
    result = check_mta_sts(loopback_dns.ask(), "stsbig.test", fetcher(loopback_dns, server, policy_cert[0]))
    assert (result.status, result.details["policy"]["error"]) == ("fail", "policy larger than 64 KB refused")


def test_a_certificate_that_does_not_verify_is_refused(
    loopback_dns: LoopbackDns, server: PolicyServer
) -> None:
    result = check_mta_sts(loopback_dns.ask(), "stsenforce.test", fetcher(loopback_dns, server, None))
    assert (result.status, result.details["policy"]["result"]) == ("fail", "invalid")
    assert "certificate not valid: self" in result.summary  # self-signed, judged by the system's CAs


def test_a_slow_server_costs_no_more_than_the_deadline(
    loopback_dns: LoopbackDns, server: PolicyServer, policy_cert: tuple[Path, Path]
) -> None:
    started = time.monotonic()
    fetch = fetcher(loopback_dns, server, policy_cert[0], seconds=1.0)
    result = check_mta_sts(loopback_dns.ask(), "stsslow.test", fetch)
    assert (result.status, result.details["policy"]["result"]) == ("warn", "error")
    assert time.monotonic() - started < 1.6


def test_only_global_unicast_addresses_are_fetched_from(
    loopback_dns: LoopbackDns, server: PolicyServer
) -> None:
    before = len(server.requests)
    global_only = {"allowed": is_global_unicast}  # fetch_policy's default
    for domain in ("stsenforce.test", "good.test"):  # 127.0.0.1; 192.0.2.10 and 2001:db8::10
        result = check_mta_sts(loopback_dns.ask(), domain, fetcher(loopback_dns, server, None, **global_only))
        assert (result.status, result.details["policy"]["result"]) == ("pass", "skipped")
        assert result.details["policy"]["error"] == "no global unicast address to fetch from"
    assert len(server.requests) == before


def test_a_policy_host_without_an_address_is_an_error(loopback_dns: LoopbackDns) -> None:
    record = fetch_policy(loopback_dns.ask(), "implicit.test", time.monotonic() + 5)
    assert (record["result"], record["error"]) == ("error", "mta-sts.implicit.test has no address")


def test_probe_mode_fetches_the_policy_in_a_full_diagnosis(loopback_dns: LoopbackDns) -> None:
    diagnosis = loopback_dns.diagnoser(mode="probe").run("good.test", Subjects("good.test", "good.test"))
    sts = next(c for c in diagnosis.checks if c.check == "mta-sts")
    assert (sts.status, sts.details["policy"]["result"]) == ("pass", "skipped")  # TEST-NET only
    dns_only = loopback_dns.diagnoser(mode="dns").run("good.test", Subjects("good.test", "good.test"))
    assert "policy" not in next(c for c in dns_only.checks if c.check == "mta-sts").details


def test_a_cached_only_diagnosis_fetches_nothing(loopback_dns: LoopbackDns) -> None:
    diagnoser, subjects = loopback_dns.diagnoser(mode="probe"), Subjects("good.test", "good.test")
    diagnoser.run("good.test", subjects)  # fills the cache
    cached = diagnoser.run("good.test", subjects, cached_only=True).checks
    sts, mx = next(c for c in cached if c.check == "mta-sts"), cached[0]
    assert sts.status == "pass" and "policy" not in sts.details and "probe" not in mx.details


def test_policy_parsing_and_mx_patterns() -> None:
    parsed = parse_policy("version: STSv1\nmode: enforce\nmx: MX1.Good.test.\nmx: *.b.test\nmax_age: x\n")
    assert parsed.mx == ("mx1.good.test", "*.b.test") and parsed.max_age is None
    assert parsed.problems() == ["max_age is missing or not a number"]
    assert parse_policy("version: STSv2\nmode: strict\nmax_age: 1").problems() == [
        "version is 'STSv2', not STSv1",
        "mode is 'strict', not one of enforce, testing, none",
    ]
    patterns = ("*.b.test", "mx1.good.test")
    assert mx_covered("a.b.test", patterns) and mx_covered("MX1.good.test.", patterns)
    assert not mx_covered("x.a.b.test", patterns) and not mx_covered("b.test", patterns)
