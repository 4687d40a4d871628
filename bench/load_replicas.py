"""Load benchmark: two replicas behind a round-robin proxy, signed events at a steady rate, on loopback.

    .venv/bin/python bench/load_replicas.py                      # 50 events/s for 20 s
    .venv/bin/python bench/load_replicas.py --rate 100 --seconds 60 --json

What runs: the stand-in Slack (tests/slack_standin) on a loopback port, two real bot processes
(`python -m bot serve --http`) sharing the local Redis (a database of its own, flushed first), and
bench/roundrobin.py in front of them. This script plays Slack: it sends signed `app_mention` events
through the proxy at a fixed rate for a bounded time, spread over enough channels that Slack's
one-message-per-second-per-channel pace is not the limit, and re-delivers every Nth event as a Slack
retry (X-Slack-Retry-Num), which the proxy may hand to either replica.

It prints: the sustained rate of acknowledged events, acknowledgement latency (p50/p99/max, measured at
the sender, so including the proxy hop), duplicate answers (an event answered more than once: must be
0), lost answers (an event never answered: must be 0), and how long the last answers took to drain.
Exit status 1 when anything was duplicated, lost or not acknowledged with 200.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import redis

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(HERE)]

from bot_process import BotProcess  # noqa: E402
from roundrobin import RoundRobinProxy  # noqa: E402
from slack_fixtures import SIGNING_SECRET, event_body, mention_event, sign  # noqa: E402
from slack_standin import SlackStandIn  # noqa: E402

TEXTS = (
    "550 5.1.1 <ana@example.com>: Recipient address rejected: User unknown in virtual mailbox table",
    "452 4.2.2 The email account that you tried to reach is over quota",
    "421 4.7.0 [TSS04] Messages from 203.0.113.9 temporarily deferred due to unexpected volume",
    "550 5.7.26 Unauthenticated email from example.org is not accepted due to domain's DMARC policy",
    "554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org",
)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def send_load(
    url: str, rate: float, seconds: float, channels: int, retry_every: int
) -> tuple[list[dict[str, Any]], list[float], Counter[int], float]:
    """Deliver events at `rate`/s for `seconds`; returns (events, ack latencies, statuses, send time)."""
    total = int(rate * seconds)
    events: list[dict[str, Any]] = []
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    connector = aiohttp.TCPConnector(limit=256)
    timeout = aiohttp.ClientTimeout(total=30)

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def deliver(body: dict[str, Any], retry_num: int) -> None:
            text = json.dumps(body)
            headers = {"Content-Type": "application/json", **sign(text, SIGNING_SECRET)}
            if retry_num:
                headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
            started = time.perf_counter()
            try:
                async with session.post(url, data=text.encode(), headers=headers) as response:
                    await response.read()
                    statuses[response.status] += 1
            except (aiohttp.ClientError, TimeoutError):
                statuses[0] += 1
                return
            latencies.append(time.perf_counter() - started)

        async def deliver_with_retry(body: dict[str, Any], retry: bool) -> None:
            await deliver(body, 0)
            if retry:  # Slack thought the first delivery timed out and sends it again
                await deliver(body, 1)

        tasks = []
        started = time.perf_counter()
        for i in range(total):
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            event = mention_event(TEXTS[i % len(TEXTS)], channel=f"C0LOAD{i % channels:04d}")
            events.append(event)
            body = event_body(event, event_id=f"EvLoad{i:08d}")
            tasks.append(
                asyncio.create_task(deliver_with_retry(body, retry_every > 0 and i % retry_every == 0))
            )
        await asyncio.gather(*tasks)
        send_seconds = time.perf_counter() - started
    return events, latencies, statuses, send_seconds


def count_answers(standin: SlackStandIn, events: list[dict[str, Any]]) -> tuple[int, int, int]:
    """(answered events, duplicate answers, lost events)."""
    wanted = {(e["channel"], e["ts"]) for e in events}
    per_thread = Counter(
        (c.params.get("channel"), c.params.get("thread_ts"))
        for c in standin.posts()
        if (c.params.get("channel"), c.params.get("thread_ts")) in wanted
    )
    duplicates = sum(n - 1 for n in per_thread.values() if n > 1)
    return len(per_thread), duplicates, len(wanted) - len(per_thread)


def flush(redis_url: str) -> None:
    """Empty the benchmark's own Redis database: no journal or de-duplication keys across runs."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()


async def run(args: argparse.Namespace) -> dict[str, Any]:
    flush(args.redis_url)
    channels = args.channels or max(20, int(args.rate * 2))
    standin = SlackStandIn().start()
    workdir = Path(tempfile.mkdtemp(prefix="smtpbot-load-"))
    env = {
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "REDIS_URL": args.redis_url,
    }
    replicas = [BotProcess(name, env, workdir / name).start() for name in ("replica-1", "replica-2")]
    proxy = RoundRobinProxy([f"http://127.0.0.1:{r.port}" for r in replicas])
    try:
        for replica in replicas:
            await asyncio.to_thread(replica.wait_ready)
        port = await proxy.start()
        events, latencies, statuses, send_seconds = await send_load(
            f"http://127.0.0.1:{port}/slack/events", args.rate, args.seconds, channels, args.retry_every
        )
        sent_done = time.perf_counter()
        # Wait for the answers to drain: until every event is answered, or nothing new for a while.
        last_count, last_change = -1, time.perf_counter()
        while True:
            answered, _, lost = count_answers(standin, events)
            if answered != last_count:
                last_count, last_change = answered, time.perf_counter()
            if lost == 0 or time.perf_counter() - last_change > args.drain_timeout:
                break
            await asyncio.sleep(0.1)
        drain_seconds = time.perf_counter() - sent_done
        # Let any late duplicate show itself before counting.
        await asyncio.sleep(args.settle)
        answered, duplicates, lost = count_answers(standin, events)
        deliveries = sum(statuses.values())
        ok = statuses.get(200, 0)
        result = {
            "replicas": len(replicas),
            "target_rate": args.rate,
            "seconds": args.seconds,
            "channels": channels,
            "events": len(events),
            "deliveries": deliveries,
            "retries": deliveries - len(events),
            "acknowledged_200": ok,
            "not_200": deliveries - ok,
            "sustained_events_per_second": round(len(events) / send_seconds, 1),
            "ack_p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
            "ack_p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
            "ack_max_ms": round(max(latencies, default=float("nan")) * 1000, 2),
            "ack_mean_ms": round(statistics.fmean(latencies) * 1000, 2) if latencies else None,
            "answered": answered,
            "duplicate_answers": duplicates,
            "lost_answers": lost,
            "drain_seconds_after_last_send": round(drain_seconds, 2),
            "served_per_replica": dict(sorted(proxy.served.items())),
        }
        if result["duplicate_answers"] or result["lost_answers"] or result["not_200"]:
            print(f"replica logs kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
        return result
    finally:
        await proxy.stop()
        for replica in replicas:
            replica.stop()
        standin.stop()
        flush(args.redis_url)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=50.0, help="events per second (default 50)")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to send (default 20)")
    parser.add_argument("--channels", type=int, default=0, help="channels to spread over (default 2 × rate)")
    parser.add_argument(
        "--retry-every", type=int, default=10, help="re-deliver every Nth event as a Slack retry (0: never)"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15", help="a Redis database to flush")
    parser.add_argument(
        "--drain-timeout", type=float, default=30.0, help="give up when no answer came this long"
    )
    parser.add_argument("--settle", type=float, default=2.0, help="seconds to watch for late duplicates")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.rate <= 0 or args.seconds <= 0:
        parser.error("--rate and --seconds must be positive")
    result = asyncio.run(run(args))
    if args.json:
        print(json.dumps(result))
    else:
        width = max(len(k) for k in result)
        for key, value in result.items():
            print(f"{key:<{width}}  {value}")
    failed = result["duplicate_answers"] or result["lost_answers"] or result["not_200"]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
