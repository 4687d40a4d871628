"""Verdicts on the chain itself: where time went, clocks that disagree, TLS, Message-ID and Date."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .fields import first
from .received import date_field
from .verdict import Verdict

if TYPE_CHECKING:
    from .report import HeaderReport
    from .trust import Zone

SLOW_HOP_S = 10 * 60  # a hop slower than this is worth naming
SKEW_S = -60  # a hop stamped earlier than the one before by more than this: a clock is wrong
DATE_OFF_S = 24 * 3600  # a Date this far from the first hop is wrong or the message waited long


def duration(seconds: int) -> str:
    """`7380` -> `2 h 03 m`; `95` -> `1 m 35 s`; `4` -> `4 s`."""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours:02d} h"
    if hours:
        return f"{hours} h {minutes:02d} m"
    if minutes:
        return f"{minutes} m {secs:02d} s"
    return f"{secs} s"


def timing_verdicts(report: HeaderReport, zone: Zone) -> list[Verdict]:
    skew = _clock(report)
    return [*(skew or _delay(report)), *_tls(zone), *_message_id(report), *_date(report)]


def _delay(report: HeaderReport) -> list[Verdict]:
    timed = [h for h in report.hops if h.delay_s is not None]
    if not timed:
        return []
    slowest = max(timed, key=lambda h: h.delay_s or 0)
    if slowest.number == 1 and (slowest.delay_s or 0) >= SLOW_HOP_S:
        return [
            Verdict(
                "delay",
                "warn",
                f"Held {duration(slowest.delay_s or 0)} before the first hop: the Date field is that "
                "much older than the first Received field.",
                (f"hop 1 at {slowest.time:%H:%M:%S} UTC",) if slowest.time else (),
                "the message waited in the sender's outbox (or was written earlier and sent later), "
                "or the sending computer's clock is wrong",
            )
        ]
    stamped = [h.time for h in report.hops if h.time]
    total = int((stamped[-1] - stamped[0]).total_seconds()) if len(stamped) > 1 else 0
    if (slowest.delay_s or 0) < SLOW_HOP_S:
        count = len(report.hops)
        span = f": {count} hops in {duration(total)}" if count > 1 else ""
        return [Verdict("delay", "pass", f"No slow hop{span}.")]
    holder = slowest.from_host or "the server before"
    return [
        Verdict(
            "delay",
            "warn",
            f"Held {duration(slowest.delay_s or 0)} between hop {slowest.number - 1} and {slowest.number} "
            f"({holder}).",
            (f"hop {slowest.number}: from {holder} by {slowest.by_host or '?'}",),
            f"{holder} queued it: look in its log for deferrals (a 4xx reply, greylisting, a busy "
            "or unreachable next hop)",
        )
    ]


def _clock(report: HeaderReport) -> list[Verdict]:
    skewed = [h for h in report.hops if h.number > 1 and h.delay_s is not None and h.delay_s < SKEW_S]
    if not skewed:
        return []
    hop = skewed[0]
    return [
        Verdict(
            "clock",
            "warn",
            f"Clock skew: hop {hop.number} ({hop.by_host or '?'}) is stamped {duration(hop.delay_s or 0)} "
            f"before hop {hop.number - 1}, so one of the two servers' clocks is wrong and the delays "
            "around it are not real.",
            (f"hop {hop.number} delay {hop.delay_s} s",),
            "run NTP (chrony, systemd-timesyncd) on the server whose clock is off",
        )
    ]


def _tls(zone: Zone) -> list[Verdict]:
    entry = zone.entry
    if entry is None or entry.tls is None:
        return []
    if entry.tls:
        return [Verdict("tls", "pass", f"It arrived over TLS (hop {entry.number}).")]
    return [
        Verdict(
            "tls",
            "warn",
            f"It arrived without TLS: hop {entry.number} from {entry.from_host or '?'} "
            f"(with {entry.protocol}).",
            (f"with {entry.protocol}",),
            "enable STARTTLS on the sending server; some receivers treat plain-text delivery as suspicious",
        )
    ]


def _message_id(report: HeaderReport) -> list[Verdict]:
    if first(list(report.fields), "message-id") is not None or not _whole_header(report):
        return []
    return [
        Verdict(
            "message_id",
            "warn",
            "There is no Message-ID field: Gmail may reject or distrust "
            "such mail (RFC 5322 says every message should have one).",
            (),
            "let the sending software add a Message-ID",
        )
    ]


def _date(report: HeaderReport) -> list[Verdict]:
    field = first(list(report.fields), "date")
    if field is None:
        if not _whole_header(report):
            return []
        return [
            Verdict(
                "date",
                "warn",
                "There is no Date field (RFC 5322 requires one).",
                (),
                "let the sending software add a Date",
            )
        ]
    sent = date_field(field.value)
    if sent is None:
        return [
            Verdict(
                "date",
                "warn",
                "The Date field does not parse as an RFC 5322 date.",
                (f"Date: {field.value[:80]}",),
                "fix the sending software's Date format",
            )
        ]
    arrival = next((h.time for h in report.hops if h.time), None)
    if arrival is not None and abs((arrival - sent).total_seconds()) > DATE_OFF_S:
        off = int((arrival - sent).total_seconds())
        when = "before" if off > 0 else "after"
        return [
            Verdict(
                "date",
                "warn",
                f"The Date field is {duration(off)} {when} the first hop's time: "
                "the sender's clock is wrong or the message waited to be sent.",
                (f"Date: {field.value[:80]}",),
                "check the sending machine's clock",
            )
        ]
    return []


def _whole_header(report: HeaderReport) -> bool:
    """Whether the paste looks like a whole header, not a few fields picked out of one."""
    names = {f.name for f in report.fields}
    return {"from", "subject"} <= names or {"from", "to"} <= names
