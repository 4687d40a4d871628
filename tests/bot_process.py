"""Run the real bot as a separate process (`python -m bot serve --http`) and talk to it as Slack does.

Shared by the multi-replica tests, the OAuth end-to-end test and bench/load_replicas.py: start with an
exact environment, wait for /readyz, deliver signed events (slack_fixtures builds them), read /metrics,
and kill hard. Loopback only.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families
from slack_fixtures import SIGNING_SECRET, http_request, sign

__all__ = ["BotProcess", "free_port"]

ROOT = Path(__file__).resolve().parents[1]
# Settings a developer's shell may carry; a bot process under test gets none of them unless given.
_INHERITED_SETTINGS_PREFIXES = ("SLACK_", "SMTPBOT_")
_INHERITED_SETTINGS = frozenset({"DATABASE_URL", "REDIS_URL", "PORT"})
_PROXIES = frozenset({"http_proxy", "https_proxy", "all_proxy", "no_proxy"})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class BotProcess:
    """One replica: `python -m bot serve --http --port N` with exactly the environment given."""

    def __init__(self, name: str, env: dict[str, str], workdir: Path, port: int | None = None) -> None:
        self.name = name
        self.port = port or free_port()
        self.workdir = workdir
        self.log_path = workdir / f"{name}.log"
        base = {
            k: v
            for k, v in os.environ.items()
            if k.lower() not in _PROXIES
            and not k.startswith(_INHERITED_SETTINGS_PREFIXES)
            and k not in _INHERITED_SETTINGS
        }
        # live checks off unless a test asks: they would query the system's resolver, off this machine;
        # the engine cache in the replica's own folder, not the developer's ~/.cache/smtpbot
        quiet = {"SMTPBOT_DIAGNOSE": "off", "SMTPBOT_CACHE_DIR": str(workdir / "cache")}
        self.env = {**base, **quiet, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1", **env}
        self.proc: subprocess.Popen[bytes] | None = None

    # --- lifecycle ------------------------------------------------------------------------------------

    def start(self) -> BotProcess:
        self.workdir.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            # cwd is a scratch folder: no .env from the developer's checkout is read.
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "serve", "--http", "--port", str(self.port)],
                env=self.env,
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log()}")
            try:
                status, _ = self.get("/readyz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{self.name} not ready after {timeout}s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, no finishing of work in hand, as when a node dies."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self, timeout: float = 30.0) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-6000:]
        except OSError:
            return ""

    # --- HTTP -------------------------------------------------------------------------------------------

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        reply = http_request(self.port, "GET", path, headers=headers)
        return reply.status, reply.body

    def deliver(self, body: dict[str, Any], retry_num: int = 0) -> int:
        """POST an event body signed as Slack does (X-Slack-Retry-Num on retries); the HTTP status."""
        text = json.dumps(body)
        headers = {"Content-Type": "application/json", **sign(text, SIGNING_SECRET)}
        if retry_num:
            headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return http_request(self.port, "POST", "/slack/events", text, headers).status

    def metric(self, name: str, **labels: str) -> float:
        """The sum of a metric's samples matching `labels` (0 when absent)."""
        _, body = self.get("/metrics")
        total = 0.0
        for family in text_string_to_metric_families(body.decode()):
            for sample in family.samples:
                if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                    total += sample.value
        return total
