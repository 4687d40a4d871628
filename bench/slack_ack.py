"""Slack app benchmark: acknowledgement latency of signed slash commands, and answered events per second.

    .venv/bin/python bench/slack_ack.py                     # 50 commands/s for 20 s, then 500 events
    .venv/bin/python bench/slack_ack.py --rate 100 --seconds 10 --events 1000 --json

What runs: the stand-in Slack (tests/slack_standin) on a loopback port, and the bot as a separate process
(`python -m bot serve --http`, one workspace, in-process state) pointed at it. This script plays Slack.

1. Acknowledgement latency: signed `/smtp` commands (a rotating set of codes and pasted replies) at a
   steady rate for a fixed time, sent on schedule by a pool of keep-alive connections (a late request
   is sent at once, never skipped). Latency is from starting to send a request to having read its
   response, at the sender. It prints median, p99 and max, how many were acknowledged with 200, and
   whether every command was then answered at its response_url.
2. Answered events per second: `app_mention` events, each in its own channel so Slack's pace of one
   message per second per channel is not what is measured, sent as fast as the connections allow; from
   the first send until the stand-in has received the last chat.postMessage answer.

Figures only: the machine is shared and noisy, so nothing here is judged pass or fail except that every
request must be acknowledged and answered (exit status 1 otherwise).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from slack_fixtures import SIGNING_SECRET, event_body, mention_event, sign  # noqa: E402
from slack_standin import SlackStandIn  # noqa: E402

COMMAND_TEXTS = (
    "550 5.1.1",
    "452 4.2.2 The email account that you tried to reach is over quota",
    "421 4.7.0 [TSS04] Messages from 203.0.113.9 temporarily deferred due to unexpected volume",
    "550 5.7.26 Unauthenticated email from example.org is not accepted due to domain's DMARC policy",
    "554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org",
    "list 5.7",
    "search mailbox full",
)
EVENT_TEXT = "550 5.1.1 <ana@example.com>: Recipient address rejected: User unknown in virtual mailbox table"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Bot:
    """The bot as its own process, so the load generator does not share its interpreter."""

    def __init__(self, standin: SlackStandIn, workdir: Path) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        for name in list(env):
            if name.startswith(("SLACK_", "SMTPBOT_")) or name in ("REDIS_URL", "DATABASE_URL", "PORT"):
                del env[name]
        env.update(
            {
                "PYTHONPATH": str(ROOT),
                "SLACK_BOT_TOKEN": standin.bot_token,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": standin.api_url,
                "SMTPBOT_LOG_LEVEL": "WARNING",
            }
        )
        self.log = open(workdir / "bot.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--http", "--port", str(self.port)],
            env=env,
            cwd=workdir,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the bot exited with {self.proc.returncode}; see its log")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("the bot never became healthy")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def send_on_schedule(
    port: int, requests: list[tuple[float, str, str]], connections: int
) -> list[dict[str, Any]]:
    """Send each (due time, body, content type) at its due time; return one result per request."""
    todo: queue.Queue[tuple[int, float, str, str] | None] = queue.Queue()
    for i, (due, body, content_type) in enumerate(requests):
        todo.put((i, due, body, content_type))
    results: list[dict[str, Any]] = [{} for _ in requests]

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            item = todo.get()
            if item is None:
                break
            i, due, body, content_type = item
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            headers = {"Content-Type": content_type, **sign(body)}
            started = time.monotonic()
            try:
                conn.request("POST", "/slack/events", body=body.encode(), headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status = f"error: {exc}"
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            results[i] = {"status": status, "latency": time.monotonic() - started, "late": max(0.0, -wait)}
        conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for t in threads:
        t.start()
    for _ in threads:
        todo.put(None)
    for t in threads:
        t.join()
    return results


def ack_latency(
    bot: Bot, standin: SlackStandIn, rate: float, seconds: float, connections: int
) -> dict[str, Any]:
    count = int(rate * seconds)
    start = time.monotonic() + 0.5
    requests = []
    for i in range(count):
        form = {
            "team_id": "T0STANDIN",
            "channel_id": "C0BENCH001",
            "user_id": "U0BENCH01",
            "command": "/smtp",
            "text": COMMAND_TEXTS[i % len(COMMAND_TEXTS)],
            "response_url": standin.response_url(),
            "trigger_id": uuid.uuid4().hex,
        }
        requests.append((start + i / rate, urlencode(form), "application/x-www-form-urlencoded"))
    results = send_on_schedule(bot.port, requests, connections)
    sent_for = max(r["latency"] for r in results) + (requests[-1][0] - start)
    latencies = [r["latency"] * 1000 for r in results]
    acked = sum(1 for r in results if r["status"] == 200)
    answered = standin.wait_for(lambda: len(standin.responses()) >= count, timeout=60)
    return {
        "requests": count,
        "rate_per_s": rate,
        "seconds": seconds,
        "acknowledged_200": acked,
        "answered": len(standin.responses()),
        "all_answered": bool(answered),
        "ack_ms_median": statistics.median(latencies),
        "ack_ms_p99": percentile(latencies, 0.99),
        "ack_ms_max": max(latencies),
        "sent_late_ms_p99": percentile([r["late"] * 1000 for r in results], 0.99),
        "wall_seconds": round(sent_for, 2),
    }


def answered_events(bot: Bot, standin: SlackStandIn, events: int, connections: int) -> dict[str, Any]:
    before = len(standin.posts())
    bodies = [
        json.dumps(event_body(mention_event(EVENT_TEXT, channel=f"C0BENCH{i:05d}"))) for i in range(events)
    ]
    started = time.monotonic()
    results = send_on_schedule(bot.port, [(0.0, b, "application/json") for b in bodies], connections)
    sent = time.monotonic() - started
    done = standin.wait_for(lambda: len(standin.posts()) - before >= events, timeout=120)
    posts = standin.posts()[before:]
    finished = max(p.at for p in posts) - started if posts else float("nan")
    return {
        "events": events,
        "acknowledged_200": sum(1 for r in results if r["status"] == 200),
        "answered": len(posts),
        "all_answered": bool(done),
        "send_seconds": round(sent, 2),
        "answer_seconds": round(finished, 2),
        "answered_per_s": round(len(posts) / finished, 1) if posts else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=50.0, help="slash commands per second (default 50)")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to send them (default 20)")
    parser.add_argument("--events", type=int, default=500, help="events for the throughput run (default 500)")
    parser.add_argument("--connections", type=int, default=16, help="keep-alive connections (default 16)")
    parser.add_argument("--json", action="store_true", help="print one JSON object after the table")
    args = parser.parse_args(argv)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        os.environ.pop(name, None)

    standin = SlackStandIn().start()
    with tempfile.TemporaryDirectory(prefix="smtpbot-bench-") as tmp:
        bot = Bot(standin, Path(tmp))
        try:
            bot.wait_ready()
            ack = ack_latency(bot, standin, args.rate, args.seconds, args.connections)
            throughput = answered_events(bot, standin, args.events, args.connections)
        finally:
            bot.stop()
            standin.stop()

    print(
        f"Slash commands: {ack['requests']} at {ack['rate_per_s']:g}/s for {ack['seconds']:g} s over loopback"
    )
    print(f"  acknowledged with 200     {ack['acknowledged_200']}/{ack['requests']}")
    print(f"  ack latency median        {ack['ack_ms_median']:.1f} ms")
    print(f"  ack latency p99           {ack['ack_ms_p99']:.1f} ms")
    print(f"  ack latency max           {ack['ack_ms_max']:.1f} ms")
    print(f"  answered (response_url)   {ack['answered']}/{ack['requests']}")
    print(f"  sender lateness p99       {ack['sent_late_ms_p99']:.1f} ms (sent behind schedule)")
    print(f"Events end to end: {throughput['events']} app_mentions, each in its own channel")
    print(f"  acknowledged with 200     {throughput['acknowledged_200']}/{throughput['events']}")
    print(f"  answered                  {throughput['answered']}/{throughput['events']}")
    print(f"  sent in                   {throughput['send_seconds']} s")
    print(f"  last answer after         {throughput['answer_seconds']} s")
    print(f"  answered events/s         {throughput['answered_per_s']}")
    if args.json:
        print(json.dumps({"ack": ack, "events": throughput}))
    ok = (
        ack["acknowledged_200"] == ack["requests"]
        and ack["all_answered"]
        and throughput["acknowledged_200"] == throughput["events"]
        and throughput["all_answered"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
