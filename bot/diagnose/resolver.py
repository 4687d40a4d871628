"""DNS lookups for the checks: dnspython against the configured servers, bounded in time, cached.

Every query has one second and the whole diagnosis five: a dead or slow resolver turns into
`error` answers in bounded time, never a hang. Answers are plain records (`Answer`) so they can be
cached in memory or in Redis and read by checks that never see dnspython's types.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import dns.exception
import dns.message
import dns.name
import dns.rdatatype
import dns.resolver
from dns.nameserver import Do53Nameserver

from .cache import AnswerCache, MemoryCache

QUERY_TIMEOUT = 1.0
DIAGNOSIS_TIMEOUT = 5.0
# how long a negative answer is kept when the server sends no SOA to say (RFC 2308 §5 wants one)
DEFAULT_NEGATIVE_TTL = 60

Outcome = Literal["ok", "nxdomain", "nodata", "error"]


@dataclass(frozen=True, slots=True)
class Answer:
    """One question's answer: records as text (TXT strings joined), or why there are none."""

    outcome: Outcome
    records: tuple[str, ...] = ()
    error: str = ""

    @property
    def void(self) -> bool:
        """No records and no error: the name or the type does not exist (RFC 7208 §4.6.4's void)."""
        return self.outcome in ("nxdomain", "nodata")


class NotCached(LookupError):
    """A cache-only lookup missed: the check that asked is skipped, not failed."""


class DnsClient:
    """Asks the configured servers (or the system's) and remembers the answers for their TTL."""

    def __init__(
        self,
        servers: tuple[tuple[str, int], ...] = (),
        cache: AnswerCache | None = None,
        timeout: float = QUERY_TIMEOUT,
    ) -> None:
        self.servers = servers
        self.cache = cache if cache is not None else MemoryCache()
        self.timeout = timeout

    def _resolver(self, lifetime: float) -> dns.resolver.Resolver:
        if self.servers:
            resolver = dns.resolver.Resolver(configure=False)
            resolver.nameservers = [Do53Nameserver(host, port) for host, port in self.servers]
        else:
            resolver = dns.resolver.Resolver()
        resolver.timeout = min(self.timeout, lifetime)
        resolver.lifetime = lifetime
        resolver.cache = None
        return resolver

    def query(self, name: str, rdtype: str, deadline: float, cached_only: bool = False) -> Answer:
        """The answer to `name`/`rdtype`, from the cache or asked before `deadline` (monotonic).

        With `cached_only`, a miss raises NotCached instead of asking."""
        name = name.rstrip(".").lower()
        key = f"{rdtype}:{name}"
        cached = self.cache.get(key)
        if cached is not None:
            return Answer(cached[0], tuple(cached[1]), cached[2])
        if cached_only:
            raise NotCached(key)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return Answer("error", error="out of time")
        answer, ttl = self._ask(name, rdtype, min(self.timeout, remaining))
        if answer.outcome != "error":
            self.cache.put(key, [answer.outcome, list(answer.records), answer.error], ttl)
        return answer

    def _ask(self, name: str, rdtype: str, lifetime: float) -> tuple[Answer, float]:
        try:
            qname = dns.name.from_text(name)
        except dns.exception.DNSException:
            return Answer("error", error="not a valid DNS name"), 0
        try:
            result = self._resolver(lifetime).resolve(qname, rdtype, raise_on_no_answer=False, search=False)
        except dns.resolver.NXDOMAIN as exc:
            return Answer("nxdomain"), _negative_ttl(exc.response(exc.qnames()[0]))
        except dns.resolver.LifetimeTimeout:
            return Answer("error", error=f"no answer within {lifetime:.1f} s"), 0
        except dns.resolver.NoNameservers as exc:
            return Answer("error", error=_servfail_text(exc)), 0
        except dns.exception.DNSException as exc:
            return Answer("error", error=type(exc).__name__), 0
        if result.rrset is None:
            return Answer("nodata"), _negative_ttl(result.response)
        records = tuple(_text(rdata) for rdata in result.rrset)
        return Answer("ok", records), result.rrset.ttl


def _text(rdata: object) -> str:
    strings = getattr(rdata, "strings", None)
    if strings is not None:  # TXT: the strings of one record are one value (RFC 7208 §3.3)
        return b"".join(strings).decode("utf-8", "replace")
    return rdata.to_text().rstrip(".").lower()  # type: ignore[attr-defined]


def _negative_ttl(response: dns.message.Message | None) -> float:
    for rrset in response.authority if response is not None else ():
        if rrset.rdtype == dns.rdatatype.SOA:
            return min(rrset.ttl, rrset[0].minimum)
    return DEFAULT_NEGATIVE_TTL


def _servfail_text(exc: dns.resolver.NoNameservers) -> str:
    errors = exc.kwargs.get("errors") or []
    for error in errors:
        text = str(error[3])
        if text:
            return f"the server answered {text}"
    return "no server could answer"
