"""How often our answer to a provider's reply agrees with Sisimai's reading of that provider.

    .venv/bin/python bench/rhost_audit.py            # agreement figure
    .venv/bin/python bench/rhost_audit.py --misses   # also each disagreement

Sisimai (go-sisimai rhost/for-*.go) reads some providers' replies by their wording or code. Each line
of bench/rhost_pairs.tsv is one such fact: the provider's module, a remote host of that provider, the
reason Sisimai gives, and a reply written here around the wording or code the module keys on. The
reply goes through the engine as a Postfix-style "host ... said:" line, so the remote host is named
as in a real bounce.
Sisimai names two reasons differently from us: RateLimited (its newest name for speeding and
toomanyconn) and EmailTooLarge (mesgtoobig); the comparison treats them as the same meaning.
A reason written "a|b" means Sisimai files the wording under both.
bench/README.md has the figures and the disagreements kept on purpose (where a provider's own
documentation says otherwise).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.engine import Engine  # noqa: E402  (the repository root is on the path only from here)

SAME_MEANING = {
    "ratelimited": {"speeding", "toomanyconn"},
    "mesgtoobig": {"mesgtoobig", "emailtoolarge"},
}

HOSTS = {
    "aol": "mx-aol.mail.gm0.yahoodns.net",
    "apple": "mx01.mail.icloud.com",
    "cloudflare": "route1.mx.cloudflare.net",
    "cox": "cxr.mx.a.cloud.cox.net",
    "facebook": "mx-out.facebook.com",
    "franceptt": "smtp-in.orange.fr",
    "laposte": "mx.laposte.net",
    "godaddy": "mailstore1.secureserver.net",
    "google": "gmail-smtp-in.l.google.com",
    "gsuite": "aspmx.l.google.com",
    "iua": "mx.email.ua",
    "kddi": "lsean.ezweb.ne.jp",
    "messagelabs": "cluster1.eu.messagelabs.com",
    "microsoft": "example-com.mail.protection.outlook.com",
    "mimecast": "eu-smtp-inbound-1.mimecast.com",
    "docomo": "mfsmax.docomo.ne.jp",
    "outlook": "hotmail-com.olc.protection.outlook.com",
    "spectrum": "mx.charter.net",
    "tencent": "mx3.qq.com",
    "yahoo": "mta7.am0.yahoodns.net",
    "zoho": "mx.zoho.com",
}

PAIRS_FILE = Path(__file__).resolve().parent / "rhost_pairs.tsv"


def read_pairs(path: Path = PAIRS_FILE) -> list[tuple[str, str, str, str]]:
    """(module, host key, Sisimai's reason, reply) per line of the pairs file; '#' lines are notes."""
    pairs = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            module, host, reason, reply = raw.split("\t")
            pairs.append((module, host, reason, reply))
    return pairs


def as_bounce_line(host: str, reply: str) -> str:
    """The reply as a Postfix bounce names it, so the remote host is part of the text."""
    return f"<user@example.net>: host {host}[192.0.2.1] said: {reply} (in reply to RCPT TO command)"


def agrees(ours: str, theirs: str) -> bool:
    """`theirs` may name two reasons: Sisimai lists a few wordings under both, and which it answers
    depends on the order it walks its table in."""
    return any(ours == one or ours in SAME_MEANING.get(one, ()) for one in theirs.split("|"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list each disagreement")
    args = parser.parse_args(argv)
    engine = Engine.load()
    by_module: dict[str, list[bool]] = {}
    misses: list[str] = []
    for module, host, theirs, reply in read_pairs():
        best = engine.explain(as_bounce_line(HOSTS[host], reply), "explicit").best
        ours = best.reason if best else ""
        ok = agrees(ours, theirs)
        by_module.setdefault(module, []).append(ok)
        if not ok:
            misses.append(f"  for-{module}.go: {reply[:90]!r}: ours {ours or '(none)'}, Sisimai {theirs}")
    total = [ok for oks in by_module.values() for ok in oks]
    for module, oks in sorted(by_module.items()):
        print(f"{module:<12} {sum(oks):>4}/{len(oks):<4} {100.0 * sum(oks) / len(oks):6.1f}%")
    print(f"{'total':<12} {sum(total):>4}/{len(total):<4} {100.0 * sum(total) / len(total):6.1f}%")
    if args.misses:
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
