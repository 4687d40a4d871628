"""`smtpbot diagnose`: live checks for domains, IPs, addresses or a pasted bounce (`-`)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

from ..settings import Settings
from .dnsbl import dqs_zone
from .model import Diagnosis, Subjects
from .render_text import render
from .runner import DiagnoseConfig, Diagnoser
from .targets import as_ip, from_argument, from_paste


def config_from_settings(settings: Settings) -> DiagnoseConfig:
    zones = settings.smtpbot_dnsbl_zones
    if settings.smtpbot_spamhaus_dqs_key:
        zones = (*zones, dqs_zone(settings.smtpbot_spamhaus_dqs_key))
    return DiagnoseConfig(
        servers=settings.smtpbot_dns_servers,
        dnsbl_zones=zones,
        mode=settings.smtpbot_diagnose,  # type: ignore[arg-type]
    )


def diagnoser_from_settings(settings: Settings) -> Diagnoser:
    cache = None
    if settings.redis_url:
        from .cache import RedisCache

        cache = RedisCache(settings.redis_url)
    return Diagnoser(config_from_settings(settings), cache)


def subjects_of_paste(text: str, ip: str | None) -> Subjects:
    """What a pasted bounce names, with the engine's findings for the recipient and remote MTA."""
    from ..engine import Engine

    findings = Engine.load().explain(text).findings
    return from_paste(text, [f.recipient for f in findings], [f.remote_mta for f in findings], ip)


def run(args: argparse.Namespace) -> int:
    ip = None
    if args.ip:
        ip = as_ip(args.ip)
        if ip is None:
            print(f"smtpbot: --ip {args.ip!r} is not an IP address", file=sys.stderr)
            return 2
    diagnoser = diagnoser_from_settings(Settings.from_env())
    status = 0
    for target in args.targets:
        if target == "-":
            subjects: Subjects | None = subjects_of_paste(sys.stdin.read(), ip)
        else:
            subjects = from_argument(target, ip)
        if subjects is None:
            print(f"smtpbot: {target!r} is not a domain, an IP address or an email address", file=sys.stderr)
            status = 1
            if args.json:
                _print(args, {"target": target, "checks": [], "error": "not a domain, IP or address"})
            continue
        if args.selector:
            subjects = replace(subjects, dkim_selector=args.selector)
        diagnosis = diagnoser.run(target, subjects)
        _print(args, diagnosis)
    return status


def _print(args: argparse.Namespace, result: Diagnosis | dict) -> None:
    if args.json:
        obj = result.contract() if isinstance(result, Diagnosis) else result
        sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    else:
        print(render(result) + "\n")  # type: ignore[arg-type]
