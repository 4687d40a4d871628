"""The optional SMTP probe against a loopback SMTP server: EHLO and STARTTLS only, never MAIL or RCPT."""

from __future__ import annotations

import contextlib
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from diagnose_fixtures import LoopbackDns

from bot.diagnose import Subjects
from bot.diagnose.mx import check_mx
from bot.diagnose.probe import is_global_unicast, probe_smtp

LOOPBACK_ONLY = {"allowed": lambda address: address == "127.0.0.1"}


class SmtpStub:
    """An SMTP server on loopback that greets, answers EHLO (with or without STARTTLS) and records
    every command it receives."""

    def __init__(self, starttls: bool, cert: tuple[Path, Path] | None = None, greet: bool = True) -> None:
        self.starttls, self.cert, self.greet = starttls, cert, greet
        self.commands: list[str] = []
        self.connections = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                self._session(conn)

    def _session(self, conn: socket.socket) -> None:
        if not self.greet:
            time.sleep(3)
            return
        conn.sendall(b"220 mx.good.test ESMTP stub\r\n")
        reader = conn.makefile("rb")
        while line := reader.readline():
            command = line.decode().strip()
            self.commands.append(command)
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                offer = b"250-STARTTLS\r\n" if self.starttls else b""
                conn.sendall(b"250-mx.good.test\r\n250-PIPELINING\r\n" + offer + b"250 8BITMIME\r\n")
            elif verb == "STARTTLS" and self.cert:
                conn.sendall(b"220 ready to start TLS\r\n")
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                context.load_cert_chain(*self.cert)
                with contextlib.suppress(
                    ssl.SSLError, OSError
                ):  # the probe refuses a self-signed certificate
                    context.wrap_socket(conn, server_side=True).close()
                return
            elif verb == "QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(b"502 5.5.1 not here\r\n")

    def close(self) -> None:
        self.listener.close()


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("cert")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=mx.good.test",
            ),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture()
def stub(request: pytest.FixtureRequest) -> Iterator[SmtpStub]:
    server = SmtpStub(**request.param)
    yield server
    server.close()


@pytest.mark.parametrize("stub", [{"starttls": False}], indirect=True)
def test_a_server_without_starttls_gets_ehlo_and_quit_only(stub: SmtpStub) -> None:
    record = probe_smtp("mx.good.test", ["127.0.0.1"], time.monotonic() + 5, stub.port, **LOOPBACK_ONLY)
    assert (record["result"], record["banner"], record["starttls_offered"]) == (
        "no-starttls",
        "mx.good.test ESMTP stub",
        False,
    )
    assert stub.commands == ["EHLO smtpbot.invalid", "QUIT"]


def test_starttls_is_tried_and_the_certificate_judged(self_signed: tuple[Path, Path]) -> None:
    stub = SmtpStub(starttls=True, cert=self_signed)
    try:
        record = probe_smtp("mx.good.test", ["127.0.0.1"], time.monotonic() + 5, stub.port, **LOOPBACK_ONLY)
    finally:
        stub.close()
    assert record["result"] == "starttls" and record["starttls_offered"] is True
    assert record["certificate"].startswith("invalid: self")  # self-signed
    assert stub.commands == ["EHLO smtpbot.invalid", "STARTTLS"]  # never MAIL, never RCPT


@pytest.mark.parametrize("stub", [{"starttls": False}], indirect=True)
def test_only_global_unicast_addresses_are_probed(stub: SmtpStub) -> None:
    for address in ("127.0.0.1", "192.0.2.10", "10.0.0.1", "::1", "224.0.0.1"):
        assert not is_global_unicast(address)
        record = probe_smtp("mx.good.test", [address], time.monotonic() + 5, stub.port)
        assert record["result"] == "skipped"
    assert stub.connections == 0
    assert is_global_unicast("8.8.8.8") and is_global_unicast("2a00:1450::1")


@pytest.mark.parametrize("stub", [{"starttls": False, "greet": False}], indirect=True)
def test_a_silent_server_costs_no_more_than_the_deadline(stub: SmtpStub) -> None:
    started = time.monotonic()
    record = probe_smtp("mx.good.test", ["127.0.0.1"], started + 1, stub.port, **LOOPBACK_ONLY)
    assert record["result"] == "error" and time.monotonic() - started < 1.5


@pytest.mark.parametrize("stub", [{"starttls": False}], indirect=True)
def test_mx_warns_when_its_first_host_offers_no_starttls(loopback_dns: LoopbackDns, stub: SmtpStub) -> None:
    def probe(host: str, addresses: list[str]) -> dict:
        return probe_smtp(host, ["127.0.0.1"], time.monotonic() + 5, stub.port, **LOOPBACK_ONLY)

    result = check_mx(loopback_dns.ask(), "good.test", probe=probe)
    assert (result.status, result.summary) == (
        "warn",
        "MX 10 mx1.good.test, 20 mx2.good.test; mx1.good.test does not offer STARTTLS",
    )
    assert result.details["probe"]["host"] == "mx1.good.test"


def test_probe_mode_keeps_to_global_addresses_in_a_full_diagnosis(loopback_dns: LoopbackDns) -> None:
    diagnosis = loopback_dns.diagnoser(mode="probe").run("good.test", Subjects("good.test", "good.test"))
    mx = diagnosis.checks[0]
    assert (mx.status, mx.details["probe"]["result"]) == ("pass", "skipped")  # 192.0.2.10 is TEST-NET
