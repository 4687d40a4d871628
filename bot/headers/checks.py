"""Verdicts on authentication and alignment, each with its evidence and fix, and their order.

Ordered by how likely each explains a message in spam or late: a failure before a warning before
a pass, and within one status by PRIORITY, which puts a filter's own word first, then DMARC (what
receivers act on), then what DMARC is made of, then list hygiene and timing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .authresults import comment_value
from .domains import aligned
from .fields import first
from .received import ip_in
from .timing import timing_verdicts
from .unsubscribe import unsubscribe_verdicts
from .verdict import STATUSES, Verdict

if TYPE_CHECKING:
    from .report import HeaderReport
    from .trust import Zone

PRIORITY = (
    "microsoft_scl", "gmail_label", "yahoo_bulk", "spamassassin", "proofpoint", "dmarc", "compauth",
    "alignment", "dkim", "spf", "arc", "forged_results", "microsoft_bcl", "unsubscribe", "tls",
    "delay", "clock", "message_id", "date",
)  # fmt: skip


def ordered(verdicts: list[Verdict]) -> tuple[Verdict, ...]:
    rank = {name: i for i, name in enumerate(PRIORITY)}
    return tuple(sorted(verdicts, key=lambda v: (STATUSES.index(v.status), rank.get(v.check, len(PRIORITY)))))


def verdicts(report: HeaderReport, zone: Zone) -> list[Verdict]:
    out = [
        *_dmarc(report),
        *_compauth(report),
        *_alignment(report),
        *_dkim(report),
        *_spf(report, zone.gateway),
        *_arc(report),
        *unsubscribe_verdicts(report),
        *timing_verdicts(report, zone),
    ]
    if report.auth.ignored:
        out.append(
            Verdict(
                "forged_results",
                "warn",
                f"Ignored {report.auth.ignored} Authentication-Results field(s) that the receiving "
                "side did not write (below where the message entered it, or from another server).",
                fix="nothing to fix on the receiving side; a sender that writes such fields hopes "
                "to look authenticated",
            )
        )
    return out


def _dkim_words(report: HeaderReport) -> str:
    domains = [f"d={d.domain}" for d in report.auth.dkim if d.domain]
    return ", ".join(domains) if domains else "no signature"


def _dmarc(report: HeaderReport) -> list[Verdict]:
    dmarc = report.auth.dmarc
    if dmarc is None:
        return []
    domain = report.from_domain or "the From domain"
    policy = f" (policy p={report.auth.dmarc_policy})" if report.auth.dmarc_policy else ""
    evidence = (f"dmarc={dmarc.result}" + (f" header.from={domain}" if report.from_domain else ""),)
    if dmarc.result == "pass":
        return [Verdict("dmarc", "pass", f"DMARC passed for {domain}{policy}.", evidence)]
    if dmarc.result == "none":
        return [
            Verdict(
                "dmarc",
                "warn",
                f"{domain} publishes no DMARC policy: Gmail and Yahoo require one from bulk senders.",
                evidence,
                f"publish a TXT record at _dmarc.{domain}: v=DMARC1; p=none; with a rua= address",
            )
        ]
    if dmarc.result in ("temperror", "permerror"):
        return [
            Verdict(
                "dmarc",
                "warn",
                f"DMARC could not be evaluated ({dmarc.result}) for {domain}.",
                evidence,
                f"check the TXT record at _dmarc.{domain}",
            )
        ]
    why, fix = _dmarc_cause(report)
    done = DISPOSITIONS.get(comment_value(dmarc, "dis") or dmarc.extras.get("action") or "none")
    summary = f"DMARC failed for {domain}{policy}: {why}." + (f" The receiver {done}." if done else "")
    return [Verdict("dmarc", "fail", summary, evidence, fix)]


# What a receiver did on a DMARC failure: Gmail's `dis=`, Microsoft's `action=` (`oreject`: the
# recipient's policy overrode the sender's reject and sent it to Junk instead).
DISPOSITIONS = {
    "quarantine": "quarantined it (the spam folder)",
    "reject": "rejected it",
    "oreject": "overrode the reject policy and sent it to Junk",
    "pct.quarantine": "let it through under the policy's pct= sampling",
    "pct.reject": "let it through under the policy's pct= sampling",
    "none": None,
}


def _dmarc_cause(report: HeaderReport) -> tuple[str, str]:
    """Why DMARC failed, in the terms of its two ways to pass, and the fix for the likeliest."""
    auth, domain = report.auth, report.from_domain or "the From domain"
    spf_domain = auth.spf_domain or "no envelope domain"
    if first(list(report.fields), "list-id") is not None:
        return (
            "a mailing list resent it from its own server and changed it, which breaks both SPF "
            "and the author's DKIM signature",
            "the list should rewrite From to its own address (DMARC mitigation) or sign with ARC",
        )
    if auth.arc is not None and auth.arc.result == "pass":
        return (
            "it was forwarded, so SPF judged the forwarder and the DKIM signature did not survive",
            "the forwarder should keep the message intact (DKIM survives) or seal it with ARC",
        )
    if not report.spf_aligned and not report.dkim_aligned:
        return (
            f"neither SPF ({spf_domain}) nor DKIM ({_dkim_words(report)}) is aligned with From: {domain}",
            f"sign with d={domain} (or a subdomain of it) at your sending service, or use a "
            f"Return-Path under {domain}",
        )
    if report.dkim_aligned:
        return (
            "the aligned DKIM signature did not verify (the message changed in transit, or the key "
            "in DNS is not the one it was signed with)",
            "check the selector's public key in DNS and that nothing rewrites the message after signing",
        )
    return (
        f"SPF is aligned ({spf_domain}) but did not pass for the sending IP {report.sending_ip or '-'}",
        f"add the sending service to {spf_domain}'s SPF record, or sign with d={domain}",
    )


def _compauth(report: HeaderReport) -> list[Verdict]:
    result = report.auth.compauth
    if result is None:
        return []
    reason = result.reason or result.extras.get("reason", "")
    evidence = (f"compauth={result.result}" + (f" reason={reason}" if reason else ""),)
    if result.result == "pass":
        return [Verdict("compauth", "pass", "Microsoft's composite authentication passed.", evidence)]
    if result.result == "softpass":
        return [
            Verdict("compauth", "warn", "Microsoft's composite authentication only soft-passed.", evidence)
        ]
    if result.result == "fail":
        why = {
            "000": "DMARC failed and the domain's policy is reject or quarantine",
            "001": "it failed implicit authentication: no DMARC policy, and SPF or DKIM did not pass",
        }.get(reason, f"reason code {reason}" if reason else "no reason given")
        return [
            Verdict(
                "compauth",
                "fail",
                f"Microsoft's composite authentication failed: {why}.",
                evidence,
                "authenticate the From domain: SPF and DKIM aligned with it, and a DMARC record",
            )
        ]
    return []


def _alignment(report: HeaderReport) -> list[Verdict]:
    domain = report.from_domain
    if domain is None or (report.auth.spf is None and not report.auth.dkim):
        return []
    spf, dkim = report.auth.spf, report.auth.dkim
    spf_ok = bool(spf and spf.result == "pass" and report.spf_aligned)
    dkim_ok = [d for d in dkim if d.result == "pass" and aligned(d.domain, domain)]
    strict = (spf_ok and aligned(report.auth.spf_domain, domain, strict=True)) or any(
        aligned(d.domain, domain, strict=True) for d in dkim_ok
    )
    evidence = (f"From: {domain}", f"SPF: {report.auth.spf_domain or '-'}", f"DKIM: {_dkim_words(report)}")
    if spf_ok or dkim_ok:
        how = " and ".join(w for w, ok in (("SPF", spf_ok), ("DKIM", bool(dkim_ok))) if ok)
        mode = "strictly (the same name)" if strict else "relaxed (the same organisational domain)"
        return [
            Verdict("alignment", "pass", f"{how} passed and aligned with From: {domain}, {mode}.", evidence)
        ]
    if report.auth.dmarc is not None:
        return []  # the DMARC verdict explains the failure in these terms
    return [
        Verdict(
            "alignment",
            "fail",
            f"Nothing that passed is aligned with From: {domain}: SPF checked "
            f"{report.auth.spf_domain or 'nothing'}, DKIM {_dkim_words(report)}.",
            evidence,
            f"sign with d={domain} and send with a Return-Path under {domain}",
        )
    ]


def _dkim(report: HeaderReport) -> list[Verdict]:
    signatures = report.auth.dkim
    if not signatures:
        return []
    evidence = tuple(f"dkim={d.result} d={d.domain or '-'} s={d.selector or '-'}" for d in signatures)
    passed = [d for d in signatures if d.result == "pass"]
    if passed:
        return [
            Verdict("dkim", "pass", f"DKIM passed ({', '.join(f'd={d.domain}' for d in passed)}).", evidence)
        ]
    if all(d.result == "none" for d in signatures):
        return [
            Verdict(
                "dkim",
                "warn",
                "The message is not DKIM-signed.",
                evidence,
                "sign outgoing mail with DKIM under the From domain",
            )
        ]
    failed = signatures[0]
    return [
        Verdict(
            "dkim",
            "fail",
            f"DKIM {failed.result} for d={failed.domain or '?'}: the message changed after signing, "
            "or the public key in DNS does not match.",
            evidence,
            f"check the DKIM key {_key_name(failed.selector, failed.domain)} in DNS and that no "
            "footer or gateway rewrites the message after signing",
        )
    ]


def _key_name(selector: str | None, domain: str | None) -> str:
    if selector and domain:
        return f"{selector}._domainkey.{domain}"
    return f"for {domain}" if domain else "of the signing domain"


SPF_WORDS = {
    "pass": ("pass", "SPF passed for {domain}."),
    "softfail": ("warn", "SPF softfail: {ip}is not in {domain}'s SPF record (it ends in ~all)."),
    "fail": ("fail", "SPF failed: {ip}is not allowed to send for {domain} (-all)."),
    "neutral": ("warn", "SPF neutral: {domain}'s record says nothing about {ip}(?all)."),
    "none": ("warn", "SPF none: {domain} publishes no SPF record."),
    "temperror": ("warn", "SPF temperror: the DNS look-up for {domain} failed for a while."),
    "permerror": ("fail", "SPF permerror: {domain}'s SPF record is broken (syntax or too many look-ups)."),
}


def _spf(report: HeaderReport, gateway: str | None) -> list[Verdict]:
    spf = report.auth.spf
    if spf is None or spf.result not in SPF_WORDS:
        return []
    status, words = SPF_WORDS[spf.result]
    domain = report.auth.spf_domain or "the envelope domain"
    judged = ip_in(" ".join(spf.comments)) or report.sending_ip  # the IP the receiver says it checked
    ip = f"{judged} " if judged else "the sending IP "
    fix = None if status == "pass" else f"add the sending server or service to {domain}'s SPF record"
    if status != "pass" and gateway:
        fix = (
            f"the receiver saw the message come from {gateway}, a filtering service: if it is the "
            "recipient's inbound gateway, the receiver must be set up to look past it (Microsoft 365: "
            f"Enhanced Filtering for Connectors); if it is the sender's, {domain}'s SPF must include it"
        )
    return [
        Verdict(
            "spf",
            status,
            words.format(domain=domain, ip=ip),
            (f"spf={spf.result} smtp.mailfrom={domain}",),
            fix,
        )
    ]


def _arc(report: HeaderReport) -> list[Verdict]:
    arc, dmarc = report.auth.arc, report.auth.dmarc
    if arc is None or arc.result == "none":
        return []
    evidence = (f"arc={arc.result}", *arc.comments[:1])
    if arc.result == "pass":
        forwarded = dmarc is not None and dmarc.result == "fail"
        summary = (
            "Forwarded: DMARC failed at the last hop, but the ARC chain says it passed before "
            "forwarding; the receiver may honour that."
            if forwarded
            else "The ARC chain (forwarding record) is intact."
        )
        return [Verdict("arc", "warn" if forwarded else "pass", summary, evidence)]
    return [
        Verdict(
            "arc",
            "warn",
            f"ARC {arc.result}: the forwarding record is broken.",
            evidence,
            "the forwarder should seal with ARC after its last change to the message",
        )
    ]
