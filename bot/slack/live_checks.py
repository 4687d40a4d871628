"""Live checks in Slack: the knowledge answer is posted first, the DNS read follows in the same message.

After a mention's answer is posted, the checks run (within the diagnosis's 5 s) on the interactive lane
and `chat.update` adds a *Live checks* section, one ✅/⚠️/❌ line per check with the record it read.
They run only for answers where DNS can be the cause (authentication, blocking, reputation, unknown
hosts) and only when the paste names a domain or an IP; a header answer's are its From, envelope
and DKIM domains and its sending IP. When a rate limit holds them back (per workspace, and per
target), the answer carries a *Run live checks* button instead;
the button's value carries the domains and the IP (never an address), so a click needs no stored state.
Alert channels never wait for the DNS: their answers carry the checks the cache can answer (or the
button), and a click there runs at most one diagnosis per domain per ten minutes, cached results
otherwise. Private answers (/smtp, the message shortcut) carry the button too: a click runs the checks
and answers through the click's response_url, where only the person who asked sees them (the click
itself: kinds/live_check.py). SMTPBOT_DIAGNOSE=off turns all of it off.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from ..diagnose.model import Diagnosis, Subjects
from ..diagnose.targets import from_header, from_paste
from ..engine.model import Explanation
from ..engine.normalize import clean
from ..settings import Settings
from ..state import SharedState
from .answer_blocks import ACTIONS_BLOCK_ID
from .block_kit import Rendered, button, context, fit_blocks, section
from .clients import Clients
from .job import Job
from .lanes import Lane

if TYPE_CHECKING:
    from slack_sdk import WebClient

log = logging.getLogger(__name__)

LIVE_CHECKS_ACTION = "run_live_checks"
LIVE_BLOCK_ID = "live_checks"
# reasons where the sender's or receiver's DNS is often the cause, so reading it helps the answer
DNS_REASONS = frozenset(
    {
        "authfailure",
        "badreputation",
        "blocked",
        "expired",
        "failedstarttls",
        "hostunknown",
        "networkerror",
        "notaccept",
        "policyviolation",
        "rejected",
        "requireptr",
        "securityerror",
        "spamdetected",
    }
)
ICONS = {"pass": "✅", "warn": "⚠️", "fail": "❌", "error": "❗"}
TEAM_LIMIT_PER_MINUTE = 20
TARGET_WINDOW = 60.0  # one automatic diagnosis per target per workspace per minute
ALERT_DOMAIN_WINDOW = 600.0  # alert channels: one diagnosis per domain per ten minutes


def live_blocks(diagnosis: Diagnosis, cached: bool = False) -> list[dict[str, Any]]:
    """The *Live checks* section: one line per check that ran, skipped ones left out."""
    when = "DNS answers read in the last hour" if cached else "DNS read just now"
    lines = [
        f"{ICONS[c.status]} *{c.check.upper()}* {c.subject}: {c.summary}"
        for c in diagnosis.checks
        if c.status != "skipped"
    ]
    if not lines:
        return [context("Live checks: nothing to look up in this message.", block_id=LIVE_BLOCK_ID)]
    return [section(f"*Live checks* ({when})\n" + "\n".join(lines), block_id=LIVE_BLOCK_ID)]


def live_button(subjects: Subjects) -> dict[str, Any]:
    value = json.dumps({k: v for k, v in asdict(subjects).items() if v}, separators=(",", ":"))
    return {
        "type": "actions",
        "block_id": LIVE_BLOCK_ID,
        "elements": [button("Run live checks", LIVE_CHECKS_ACTION, value)],
    }


def subjects_from_value(value: str) -> Subjects | None:
    try:
        data = json.loads(value)
        return Subjects(**{k: str(v) for k, v in data.items() if k in Subjects.__dataclass_fields__})
    except (ValueError, TypeError):
        return None


def with_live_blocks(blocks: list[dict[str, Any]], live: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The answer's blocks with `live` in place of any earlier live block, above the answer's buttons."""
    kept = [b for b in blocks if b.get("block_id") != LIVE_BLOCK_ID]
    at = next((i for i, b in enumerate(kept) if b.get("block_id") == ACTIONS_BLOCK_ID), len(kept))
    return [*kept[:at], *live, *kept[at:]]


@dataclass(frozen=True, slots=True)
class LiveAnswer:
    """An answer about to be posted, and what follows once it is (`follow_up(ts, done)`)."""

    rendered: Rendered
    follow_up: Callable[[str | None, Callable[[], None]], None]


def _finish(_ts: str | None, done: Callable[[], None]) -> None:
    done()


class LiveChecks:
    """Adds live checks to answers, within the per-workspace and per-target budgets."""

    def __init__(self, settings: Settings, state: SharedState, clients: Clients, lane: Lane) -> None:
        self.settings = settings
        self.state = state
        self.clients = clients
        self.lane = lane  # where the checks that follow a posted answer run (the interactive lane)
        self._diagnoser: Any = None

    @property
    def enabled(self) -> bool:
        return self.settings.smtpbot_diagnose != "off"

    @property
    def diagnoser(self) -> Any:
        if self._diagnoser is None:  # dnspython loads on the first live check, not at start-up
            from ..diagnose.command import diagnoser_from_settings

            self._diagnoser = diagnoser_from_settings(self.settings)
        return self._diagnoser

    def subjects(self, text: str, explanation: Explanation | None) -> Subjects | None:
        """What to check for an answer, or None when live checks would not help it."""
        if explanation is not None and explanation.headers is not None:
            report = explanation.headers
            subjects = from_header(
                report.from_domain,
                report.auth.spf_domain,
                [(d.domain, d.selector) for d in report.auth.dkim],
                report.sending_ip,
            )
            return subjects if subjects.sender_domain or subjects.ip else None
        if explanation is None or not any(f.reason in DNS_REASONS for f in explanation.findings):
            return None
        findings = explanation.findings
        subjects = from_paste(
            clean(text)[0], [f.recipient for f in findings], [f.remote_mta for f in findings]
        )
        if not (subjects.sender_domain or subjects.recipient_domain or subjects.ip):
            return None
        return subjects

    def prepare(self, job: Job, explanation: Explanation | None, rendered: Rendered) -> LiveAnswer:
        """The answer to post for a mention: as it is, to be followed by live checks, or with the button."""
        subjects = self.subjects(job.text, explanation)
        if subjects is None or not self.enabled:
            return LiveAnswer(rendered, _finish)
        if not self.allowed(job.team_id, subjects):
            with_button = Rendered(with_live_blocks(rendered.blocks, [live_button(subjects)]), rendered.text)
            return LiveAnswer(with_button, _finish)

        def follow_up(ts: str | None, done: Callable[[], None]) -> None:
            client = self.clients.client_for(job.team_id, job.enterprise_id, job.id)
            channel = job.channel
            if not ts or client is None or not channel:
                done()
                return

            def task() -> None:
                try:
                    self.update(client, channel, ts, rendered.blocks, rendered.text, subjects)
                finally:
                    done()

            if not self.lane.submit(task):
                done()

        return LiveAnswer(rendered, follow_up)

    def for_alert(self, job: Job, explanation: Explanation, rendered: Rendered) -> Rendered:
        """An alert's answer with the live checks the cache holds, or the button when it holds none."""
        subjects = self.subjects(job.text, explanation)
        if subjects is None or not self.enabled:
            return rendered
        diagnosis = self.diagnoser.run("slack", subjects, cached_only=True)
        if all(c.status == "skipped" for c in diagnosis.checks):
            return Rendered(with_live_blocks(rendered.blocks, [live_button(subjects)]), rendered.text)
        return Rendered(with_live_blocks(rendered.blocks, live_blocks(diagnosis, cached=True)), rendered.text)

    def for_private(self, job: Job, explanation: Explanation, rendered: Rendered) -> Rendered:
        """A private answer with the *Run live checks* button where the checks would help it."""
        subjects = self.subjects(job.text, explanation)
        if subjects is None or not self.enabled:
            return rendered
        return Rendered(with_live_blocks(rendered.blocks, [live_button(subjects)]), rendered.text)

    def allowed(self, team_id: str | None, subjects: Subjects) -> bool:
        """Within the workspace's per-minute budget and the target's window (shared across replicas)."""
        team = team_id or "-"
        target = f"{subjects.sender_domain}|{subjects.recipient_domain}|{subjects.ip}"
        if not self.state.claim(f"live:target:{team}:{target}", TARGET_WINDOW):
            return False
        return self.within_budget(team)

    def within_budget(self, team: str) -> bool:
        """Claim one of the workspace's slots for this clock minute; False when all are taken."""
        minute = int(time.time() // 60)
        return any(
            self.state.claim(f"live:team:{team}:{minute}:{slot}", 120.0)
            for slot in range(TEAM_LIMIT_PER_MINUTE)
        )

    def update(
        self,
        client: WebClient,
        channel: str,
        ts: str,
        blocks: list[dict[str, Any]],
        text: str,
        subjects: Subjects,
        cached: bool = False,
    ) -> None:
        """Diagnose, then replace the message with its blocks plus the *Live checks* section."""
        diagnosis = self.diagnoser.run("slack", subjects, cached_only=cached)
        try:
            client.chat_update(
                channel=channel,
                ts=ts,
                blocks=fit_blocks(with_live_blocks(blocks, live_blocks(diagnosis, cached))),
                text=text,
            )
        except Exception as exc:
            log.warning("live checks not added to the answer", extra={"error": str(exc)[:300]})
