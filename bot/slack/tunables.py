"""Timings and sizes of the Slack app's background work; the defaults are for production, tests
shorten the waits."""

from __future__ import annotations

from dataclasses import dataclass

from .delivery import POST_RETRY_SECONDS


@dataclass(frozen=True, slots=True)
class Tunables:
    dedup_ttl: float = 3600.0  # event ids and (channel, ts) remembered this long (Slack retries for ~5 min)
    job_lease: float = 10.0  # a job not renewed for this long belonged to a replica that died
    heartbeat: float = 2.0  # how often leases are renewed and orphans looked for
    max_attempts: int = 3  # a job that failed this often (its replicas kept dying) is dropped
    max_job_age: float = 1800.0  # stop renewing a job stuck this long
    # the first alert's job has this long to post the answer (it keeps trying while Slack fails, and
    # is taken over if its replica dies) before another alert's job may post instead
    flood_poster_lease: float = POST_RETRY_SECONDS + 60.0
    flood_stale_grace: float = 15.0  # an answer showing an old count this long is updated by anyone
    pace_interval: float = 1.0
    answered_ttl: float = 24 * 3600.0
    share_ttl: float = 3600.0  # response_urls live 30 minutes; the button can wait a little longer
    interactive_workers: int = 4
    alert_workers: int = 4
    send_workers: int = 4
    queue_limit: int = 10_000
