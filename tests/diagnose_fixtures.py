"""Fixtures for the diagnosis tests: NSD and rbldnsd on loopback, and a way to ask them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from diagnose_zones import DNSBL_IP6_ZONES, DNSBL_ZONES, ZONES
from dns_servers import LOOPBACK, NSD, RBLDNSD, Nsd, Rbldnsd

from bot.diagnose import DiagnoseConfig, Diagnoser
from bot.diagnose.lookup import Ask
from bot.diagnose.resolver import DnsClient

__all__ = ["PASTED_BOUNCE", "LoopbackDns", "loopback_dns"]

# A Gmail DMARC bounce with the returned message's Authentication-Results: the sender domain, the
# sending IP and the DKIM selector are in the headers, the recipient and remote MTA in the bounce.
PASTED_BOUNCE = """\
From: MAILER-DAEMON@relay.good.test
Subject: Undelivered Mail Returned to Sender

<ana@other.test>: host mx.other.test[198.51.100.25] said:
    550-5.7.26 Unauthenticated email from good.test is not accepted due to
    domain's DMARC policy. Please contact the administrator of good.test
    domain if this was a legitimate mail. - gsmtp (in reply to end of DATA command)

--- original message headers
Authentication-Results: mx.other.test;
       dkim=fail header.i=@good.test header.s=revoked;
       spf=fail (other.test: domain of bob@good.test does not designate 203.0.113.5 as
       permitted sender) smtp.mailfrom=bob@good.test;
       dmarc=fail (p=REJECT) header.from=good.test
From: Bob <bob@good.test>
"""


@dataclass(frozen=True, slots=True)
class LoopbackDns:
    nsd_port: int
    rbldnsd_port: int

    @property
    def servers(self) -> tuple[tuple[str, int], ...]:
        return ((LOOPBACK, self.nsd_port),)

    @property
    def dnsbl_servers(self) -> tuple[tuple[str, int], ...]:
        return ((LOOPBACK, self.rbldnsd_port),)

    def ask(self, dnsbl: bool = False) -> Ask:
        client = DnsClient(self.dnsbl_servers if dnsbl else self.servers)
        deadline = time.monotonic() + 5
        return lambda name, rdtype: client.query(name, rdtype, deadline)

    def diagnoser(self, mode: str = "dns+dnsbl", zones: tuple[str, ...] = ("bl.test",)) -> Diagnoser:
        config = DiagnoseConfig(self.servers, self.dnsbl_servers, zones, mode)  # type: ignore[arg-type]
        return Diagnoser(config)


@pytest.fixture(scope="session")
def loopback_dns(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackDns]:
    if NSD is None or RBLDNSD is None:
        pytest.skip("nsd and rbldnsd are not installed (apt-get install nsd rbldnsd; .ci/run does)")
    nsd = Nsd(tmp_path_factory.mktemp("nsd"), {origin: make() for origin, make in ZONES.items()})
    try:
        rbldnsd = Rbldnsd(DNSBL_ZONES, DNSBL_IP6_ZONES)
    except BaseException:
        nsd.stop()
        raise
    try:
        yield LoopbackDns(nsd.port, rbldnsd.port)
    finally:
        nsd.stop()
        rbldnsd.stop()
