"""Soak run: two replicas under mixed traffic for a long time, with a fault injected every minute.

    .venv/bin/python bench/soak.py                    # 30 minutes, 4 requests/s, a fault each minute
    .venv/bin/python bench/soak.py --minutes 5 --json

What runs, all on loopback: the stand-in Slack (tests/slack_standin), a Redis server of the run's own
on a spare port, and two real bot processes (`python -m bot serve --http`) sharing it. This script plays
Slack and its load balancer: signed mentions (answered in their thread), `/smtp` commands (answered on
their response_url) and alert-channel messages (each about another domain, so each gets its own answer),
spread over both replicas; one mention in ten is delivered again to the other replica as Slack's retry.
A delivery that fails (a replica down or starting) is retried on the other replica, as Slack would.

Faults, in turn, one a minute: Redis killed for 10 s, Redis frozen (SIGSTOP) for 10 s, the Web API down
for 10 s, a 429 storm on chat.postMessage, the Web API slow (2 s an answer) for 15 s, one replica
killed (SIGKILL) and restarted 5 s later.

It prints: deliveries and how many were acknowledged over 3 s (Slack's deadline; target 0), ack
p50/p99/max, answers lost (target 0), duplicates (target 0; those of requests sent while Redis was
down, or within seconds of it, are counted apart: the replicas then de-duplicate each on its own, by
design), peak RSS per replica, and the faults injected. Exit status 1 when an answer was lost, or
duplicated outside a Redis outage, or an ack took over 3 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(HERE)]

from bot_process import BotProcess  # noqa: E402
from load_replicas import TEXTS, percentile  # noqa: E402
from redis_server import RedisServer  # noqa: E402
from slack_fixtures import SIGNING_SECRET, event_body, mention_event, message_event, sign  # noqa: E402
from slack_standin import SlackStandIn  # noqa: E402

ACK_DEADLINE = 3.0
ALERT_CHANNELS = [f"C0SOAKAL{i:02d}" for i in range(6)]
FAULTS = ("redis killed", "redis frozen", "web api down", "429 storm", "web api slow", "replica killed")


def alert_text(i: int) -> str:
    return (
        f"[relay-{i % 3}] status=bounced (host mx.d{i}.example[203.0.113.7] said: 550 5.1.1 "
        f"<user{i}@d{i}.example>: Recipient address rejected: User unknown (in reply to RCPT TO command))"
    )


class Soak:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.workdir = Path(tempfile.mkdtemp(prefix="smtpbot-soak-"))
        self.standin = SlackStandIn().start()
        self.redis = RedisServer(self.workdir / "redis").start()
        env = {
            "SLACK_BOT_TOKEN": self.standin.bot_token,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": self.standin.api_url,
            "REDIS_URL": self.redis.url,
            "SMTPBOT_ALERT_CHANNELS": ",".join(ALERT_CHANNELS),
            "SMTPBOT_CACHE_DIR": "off",
        }
        self.replicas = [BotProcess(n, env, self.workdir / n).start() for n in ("replica-1", "replica-2")]
        self.latencies: list[float] = []
        self.acked_at: list[float] = []  # when each latency was measured (monotonic)
        self.statuses: Counter[int] = Counter()
        self.threads: list[tuple[str, str]] = []  # (channel, ts) that must get exactly one post
        self.sent_at: dict[tuple[str, str], float] = {}
        self.sent_at_path: dict[str, float] = {}
        self.response_paths: list[str] = []  # response_urls that must get exactly one answer
        self.faults: list[tuple[float, str]] = []
        self.redis_down: list[tuple[float, float]] = []  # (from, to) monotonic
        self.peak_rss: dict[str, int] = {r.name: 0 for r in self.replicas}
        self._stop = threading.Event()

    # --- traffic ---------------------------------------------------------------------------------

    async def deliver(
        self, session: aiohttp.ClientSession, body: str, content_type: str, first: int, retried: int = 0
    ) -> None:
        """Deliver to replica `first`; on failure, to the other one as Slack's retry (up to 5 tries)."""
        for attempt in range(retried, retried + 6):
            replica = self.replicas[(first + attempt - retried) % 2]
            headers = {"Content-Type": content_type, **sign(body, SIGNING_SECRET)}
            if attempt:
                headers |= {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_error"}
            started = time.perf_counter()
            try:
                url = f"http://127.0.0.1:{replica.port}/slack/events"
                async with session.post(url, data=body.encode(), headers=headers) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError):
                status = 0
            self.statuses[status] += 1
            if status:
                self.latencies.append(time.perf_counter() - started)
                self.acked_at.append(time.monotonic())
            if status == 200:
                return
            await asyncio.sleep(1.0)

    async def traffic(self) -> None:
        timeout = aiohttp.ClientTimeout(total=10)
        rng = random.Random(7)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            tasks: set[asyncio.Task[None]] = set()
            started = time.perf_counter()
            i = 0
            while not self._stop.is_set():
                delay = started + i / self.args.rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                task = asyncio.create_task(self.one_request(session, i, rng))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                i += 1
            await asyncio.gather(*tasks)

    async def one_request(self, session: aiohttp.ClientSession, i: int, rng: random.Random) -> None:
        kind = rng.choice(("mention", "mention", "alert", "command"))
        if kind == "command":
            url = self.standin.response_url()
            self.response_paths.append(url.split("/", 3)[3])
            form = {
                "team_id": "T0STANDIN",
                "channel_id": "C0SOAKCMD",
                "user_id": "U0HUMAN01",
                "command": "/smtp",
                "text": TEXTS[i % len(TEXTS)],
                "response_url": url,
                "trigger_id": f"t{i}",
            }
            self.sent_at_path[url.split("/", 3)[3]] = time.monotonic()
            await self.deliver(session, urlencode(form), "application/x-www-form-urlencoded", i % 2)
            return
        if kind == "alert":
            event = message_event(alert_text(i), channel=ALERT_CHANNELS[i % len(ALERT_CHANNELS)])
        else:
            event = mention_event(TEXTS[i % len(TEXTS)], channel=f"C0SOAK{i % 200:04d}")
        self.threads.append((event["channel"], event["ts"]))
        self.sent_at[(event["channel"], event["ts"])] = time.monotonic()
        body = json.dumps(event_body(event, event_id=f"EvSoak{i:08d}"))
        await self.deliver(session, body, "application/json", i % 2)
        if kind == "mention" and i % 10 == 0:  # Slack's retry of a delivery it thought timed out
            await asyncio.sleep(0.5)
            await self.deliver(session, body, "application/json", (i + 1) % 2, retried=1)

    # --- faults ----------------------------------------------------------------------------------

    def inject(self, n: int) -> None:
        fault = FAULTS[n % len(FAULTS)]
        self.faults.append((time.monotonic(), fault))
        print(f"[{time.strftime('%H:%M:%S')}] fault: {fault}", file=sys.stderr, flush=True)
        if fault in ("redis killed", "redis frozen"):
            began = time.monotonic()
            self.redis.kill() if fault == "redis killed" else self.redis.freeze()
            self._stop.wait(10)
            self.redis.start() if fault == "redis killed" else self.redis.thaw()
            # a request sent just before is retried (to the other replica) during the outage; the probe
            # takes a second to notice the end; a killed Redis comes back empty
            self.redis_down.append((began - 2, time.monotonic() + 5))
        elif fault == "web api down":
            self.standin.down = True
            self._stop.wait(10)
            self.standin.down = False
        elif fault == "429 storm":
            self.standin.rate_limit("chat.postMessage", 6, retry_after=1)
        elif fault == "web api slow":
            self.standin.delay = 2.0
            self._stop.wait(15)
            self.standin.delay = 0.0
        else:
            victim = self.replicas[n % 2]
            victim.kill()
            self._stop.wait(5)
            victim.start()

    def faults_loop(self) -> None:
        n = 0
        while not self._stop.wait(self.args.fault_every):
            self.inject(n)
            n += 1

    def rss_loop(self) -> None:
        while not self._stop.wait(1.0):
            for replica in self.replicas:
                pid = replica.proc.pid if replica.proc is not None and replica.alive else None
                if pid is None:
                    continue
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmRSS:"):
                        kb = int(line.split()[1])
                        self.peak_rss[replica.name] = max(self.peak_rss[replica.name], kb)

    # --- accounting ------------------------------------------------------------------------------

    def count(self) -> dict[str, Any]:
        posts = Counter((c.params.get("channel"), c.params.get("thread_ts")) for c in self.standin.posts())
        answers = Counter(c.path[1:] for c in self.standin.responses())
        lost = [t for t in self.threads if posts[t] == 0] + [p for p in self.response_paths if not answers[p]]
        duplicated = [t for t in self.threads if posts[t] > 1] + [
            p for p in self.response_paths if answers[p] > 1
        ]
        return {"lost": lost, "duplicated": duplicated}

    def run(self) -> dict[str, Any]:
        for replica in self.replicas:
            replica.wait_ready()
        helpers = [threading.Thread(target=f, daemon=True) for f in (self.faults_loop, self.rss_loop)]
        for helper in helpers:
            helper.start()
        timer = threading.Timer(self.args.minutes * 60, self._stop.set)
        timer.start()
        asyncio.run(self.traffic())
        for helper in helpers:
            helper.join(60)
        for replica in self.replicas:  # a replica killed last may still be restarting
            if not replica.alive:
                replica.start()
        deadline = time.monotonic() + self.args.drain
        while time.monotonic() < deadline and self.count()["lost"]:
            time.sleep(1)
        time.sleep(3)  # let a late duplicate show itself
        return self.report()

    def report(self) -> dict[str, Any]:
        counted = self.count()
        retried_during_outage = 0
        for item in counted["duplicated"]:
            # by design when the request came while Redis was down (replicas de-duplicate alone then)
            if self._during_redis_outage(item):
                retried_during_outage += 1
        over = sum(1 for s in self.latencies if s > ACK_DEADLINE)
        return {
            "minutes": self.args.minutes,
            "requests": len(self.threads) + len(self.response_paths),
            "deliveries": sum(self.statuses.values()),
            "statuses": dict(sorted(self.statuses.items())),
            "acks_over_3s": over,
            "ack_p50_ms": round(percentile(self.latencies, 0.5) * 1000, 1),
            "ack_p99_ms": round(percentile(self.latencies, 0.99) * 1000, 1),
            "ack_max_ms": round(max(self.latencies, default=0.0) * 1000, 1),
            "ack_p99_ms_during": self._p99_during_faults(),
            "answers_lost": len(counted["lost"]),
            "duplicates": len(counted["duplicated"]) - retried_during_outage,
            "duplicates_redis_outage": retried_during_outage,
            "peak_rss_mb": {name: round(kb / 1024, 1) for name, kb in self.peak_rss.items()},
            "faults": Counter(f for _, f in self.faults),
            "duplicated_near": [self._nearest_fault(item) for item in counted["duplicated"][:10]],
            "lost_near": [self._nearest_fault(item) for item in counted["lost"][:10]],
            "logs": str(self.workdir),
        }

    def _nearest_fault(self, item: tuple[str, str] | str) -> str:
        """Which fault came last before the request was sent, and how long before (faults last 10 s)."""
        sent = self._sent_at(item)
        if sent is None:
            return "unknown"
        before = [(sent - at, name) for at, name in self.faults if at <= sent]
        if not before:
            return "before any fault"
        seconds, name = min(before)
        return f"{seconds:+.1f}s after {name}"

    def _p99_during_faults(self) -> dict[str, float]:
        """Ack p99 over the 20 s from the start of each kind of fault."""
        during: dict[str, list[float]] = {}
        for at, name in self.faults:
            window = [s for s, t in zip(self.latencies, self.acked_at, strict=True) if at <= t <= at + 20]
            during.setdefault(name, []).extend(window)
        return {name: round(percentile(values, 0.99) * 1000, 1) for name, values in during.items()}

    def _sent_at(self, item: tuple[str, str] | str) -> float | None:
        return self.sent_at.get(item) if isinstance(item, tuple) else self.sent_at_path.get(item)

    def _during_redis_outage(self, item: tuple[str, str] | str) -> bool:
        sent = self._sent_at(item) or 0.0
        return any(lo <= sent <= hi for lo, hi in self.redis_down)

    def close(self) -> None:
        self._stop.set()
        for replica in self.replicas:
            replica.stop()
        self.redis.stop()
        self.standin.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="how long to send (default 30)")
    parser.add_argument("--rate", type=float, default=4.0, help="requests per second (default 4)")
    parser.add_argument("--fault-every", type=float, default=60.0, help="seconds between faults (60)")
    parser.add_argument("--drain", type=float, default=180.0, help="seconds to wait for the last answers")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the replicas and Redis on the way out
    soak = Soak(args)
    try:
        result = soak.run()
    finally:
        soak.close()
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:<24}  {value}")
    failed = result["answers_lost"] or result["duplicates"] or result["acks_over_3s"]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
