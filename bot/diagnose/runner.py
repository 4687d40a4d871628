"""`Diagnoser`: run every check for one target at once, inside the diagnosis's time budget.

The checks run in threads, so a dead resolver costs one query timeout, not one per check; any
check still running at the deadline is reported as `error` and left to finish on its own.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from typing import Literal

from .cache import AnswerCache
from .dkim import check_dkim
from .dmarc import check_dmarc
from .dnsbl import check_dnsbl
from .lookup import Ask
from .model import CHECKS, CheckResult, Diagnosis, Subjects
from .mta_sts import check_mta_sts, check_tls_rpt
from .mx import check_mx
from .probe import probe_smtp
from .ptr import check_ptr
from .resolver import DIAGNOSIS_TIMEOUT, QUERY_TIMEOUT, Answer, DnsClient, NotCached
from .spf import check_spf
from .sts_policy import fetch_policy

Mode = Literal["off", "dns", "dns+dnsbl", "probe"]
MODES: tuple[str, ...] = ("off", "dns", "dns+dnsbl", "probe")


@dataclass(frozen=True, slots=True)
class DiagnoseConfig:
    servers: tuple[tuple[str, int], ...] = ()  # empty: the system resolver
    dnsbl_servers: tuple[tuple[str, int], ...] = ()  # empty: the same as `servers`
    dnsbl_zones: tuple[str, ...] = ()
    mode: Mode = "dns"
    query_timeout: float = QUERY_TIMEOUT
    timeout: float = DIAGNOSIS_TIMEOUT
    probe_port: int = 25


class Diagnoser:
    def __init__(self, config: DiagnoseConfig, cache: AnswerCache | None = None) -> None:
        self.config = config
        self.dns = DnsClient(config.servers, cache, config.query_timeout)
        self.dnsbl_dns = (
            DnsClient(config.dnsbl_servers, self.dns.cache, config.query_timeout)
            if config.dnsbl_servers
            else self.dns
        )

    def run(self, target: str, subjects: Subjects, cached_only: bool = False) -> Diagnosis:
        """Every check in `CHECKS` order, each run or `skipped` with the reason.

        `cached_only`: ask nothing of the DNS; a check that needs an answer not in the cache is
        `skipped` (alert channels use this, so a flood of alerts never becomes a flood of queries).
        """
        if self.config.mode == "off":
            skipped = tuple(
                CheckResult(name, target, "skipped", "live checks are off (SMTPBOT_DIAGNOSE=off)")
                for name in CHECKS
            )
            return Diagnosis(target, subjects, skipped)
        deadline = time.monotonic() + self.config.timeout

        def ask(name: str, rdtype: str) -> Answer:
            return self.dns.query(name, rdtype, deadline, cached_only)

        def ask_dnsbl(name: str, rdtype: str) -> Answer:
            return self.dnsbl_dns.query(name, rdtype, deadline, cached_only)

        plans = self._plans(subjects, ask, ask_dnsbl, deadline, cached_only)
        results: dict[str, CheckResult] = {}
        pool = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="diagnose")
        futures = {}
        for name in CHECKS:
            plan = plans[name]
            if isinstance(plan, CheckResult):
                results[name] = plan
            else:
                futures[pool.submit(plan)] = name
        done, _late = wait(futures, timeout=max(deadline - time.monotonic(), 0) + 0.2)
        pool.shutdown(wait=False, cancel_futures=True)
        for future, name in futures.items():
            if future in done and future.exception() is None:
                results[name] = future.result()
            elif future in done and isinstance(future.exception(), NotCached):
                results[name] = CheckResult(name, target, "skipped", "no recent answer in the cache")
            else:
                why = "out of time" if future not in done else f"failed: {future.exception()!r}"
                results[name] = CheckResult(name, target, "error", f"the check {why}")
        return Diagnosis(target, subjects, tuple(results[name] for name in CHECKS))

    def _plans(
        self, s: Subjects, ask: Ask, ask_dnsbl: Ask, deadline: float, cached_only: bool
    ) -> dict[str, object]:
        """For each check, a function that runs it, or its `skipped` result.

        The SMTP probe and the policy fetch are never cached, so a cached-only run makes neither."""
        probe = fetch = None
        if self.config.mode == "probe" and not cached_only:
            probe = partial(probe_smtp, deadline=deadline, port=self.config.probe_port)
            fetch = partial(fetch_policy, ask, deadline=deadline)
        mail_domain = s.recipient_domain or s.sender_domain
        sender = s.sender_domain
        spf_domain = s.spf_domain or sender
        dkim_domain = s.dkim_domain or sender
        ip = s.ip

        def skipped(check: str, subject: str | None, why: str) -> CheckResult:
            return CheckResult(check, subject or "", "skipped", why)

        no_domain = "no domain to check"
        no_ip = "no IP to check (give --ip or paste headers with one)"
        plans: dict[str, object] = {
            "mx": (lambda: check_mx(ask, mail_domain, s.remote_mta, probe))
            if mail_domain
            else skipped("mx", ip, no_domain),
            "spf": (lambda: check_spf(ask, spf_domain, ip)) if spf_domain else skipped("spf", ip, no_domain),
            "dmarc": (lambda: check_dmarc(ask, sender)) if sender else skipped("dmarc", ip, no_domain),
            "dkim": (lambda: check_dkim(ask, dkim_domain, s.dkim_selector))
            if dkim_domain
            else skipped("dkim", ip, no_domain),
            "ptr": (lambda: check_ptr(ask, ip)) if ip else skipped("ptr", sender, no_ip),
            "dnsbl": (lambda: check_dnsbl(ask_dnsbl, ip, self.config.dnsbl_zones))
            if ip
            else skipped("dnsbl", sender, no_ip),
            "mta-sts": (lambda: check_mta_sts(ask, mail_domain, fetch))
            if mail_domain
            else skipped("mta-sts", ip, no_domain),
            "tls-rpt": (lambda: check_tls_rpt(ask, mail_domain))
            if mail_domain
            else skipped("tls-rpt", ip, no_domain),
        }
        if self.config.mode == "dns" and ip:
            plans["dnsbl"] = skipped(
                "dnsbl", ip, "DNSBL checks are off (SMTPBOT_DIAGNOSE=dns+dnsbl turns them on)"
            )
        return plans
