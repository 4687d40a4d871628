"""`smtpbot serve` as a real process: refuses bad settings with one message, serves, stops on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from repo_paths import REPO
from slack_fixtures import SIGNING_SECRET, event_body, http_request, mention_event, sign
from slack_standin import SlackStandIn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def base_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "SYSTEMROOT")
    return {k: v for k, v in os.environ.items() if k in keep}


def serve(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", *args],
        cwd=cwd,
        env={**env, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_healthy(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited early: {proc.stderr.read() if proc.stderr else ''}")
        try:
            if http_request(port, "GET", "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("serve never became healthy")


def stop(proc: subprocess.Popen) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        raise AssertionError(f"serve did not stop on SIGTERM: {err[-2000:]}") from None
    return proc.returncode, err


def post_slash_command(port: int, standin: SlackStandIn, text: str) -> int:
    """Send a signed /smtp to the bot on this port, as Slack would; the HTTP status it answered."""
    form = urlencode(
        {
            "team_id": "T0STANDIN",
            "channel_id": "C0GENERAL1",
            "user_id": "U0HUMAN01",
            "command": "/smtp",
            "text": text,
            "response_url": standin.response_url(),
            "trigger_id": "t",
        }
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(form)}
    return http_request(port, "POST", "/slack/events", form, headers).status


def log_messages(stderr: str) -> list[str]:
    messages = []
    for line in stderr.splitlines():
        try:
            messages.append(json.loads(line)["message"])
        except (ValueError, KeyError):
            continue
    return messages


def test_serve_with_bad_settings_stops_with_one_message_naming_each_problem(tmp_path: Path) -> None:
    env = {**base_env(), "SLACK_BOT_TOKEN": "xoxp-a-user-token", "PORT": "http", "SMTPBOT_FLOOD_WINDOW": "-5"}
    proc = serve(["--http"], env, tmp_path)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert err.count("smtpbot serve: cannot start") == 1
    for name in (
        "SLACK_BOT_TOKEN does not start with xoxb-",
        "SLACK_SIGNING_SECRET is missing",
        "PORT",
        "SMTPBOT_FLOOD_WINDOW",
    ):
        assert name in err
    assert "Traceback" not in err


def test_serve_with_a_token_slack_refuses_says_so(tmp_path: Path, standin: SlackStandIn) -> None:
    env = {
        **base_env(),
        "SLACK_BOT_TOKEN": "xoxb-revoked",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
    }
    proc = serve(["--http", "--port", str(free_port())], env, tmp_path)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "invalid_auth" in err and "SLACK_BOT_TOKEN" in err
    assert "xoxb-revoked" not in err
    assert "Traceback" not in err


def test_serve_without_tokens_names_both_ways_to_connect(tmp_path: Path) -> None:
    proc = serve([], base_env(), tmp_path)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "SLACK_BOT_TOKEN" in err
    assert "SLACK_SIGNING_SECRET" in err and "HTTP mode" in err
    assert "SLACK_APP_TOKEN" in err and "Socket Mode" in err


def test_serve_http_without_a_signing_secret_names_only_http_mode(tmp_path: Path) -> None:
    proc = serve(["--http"], {**base_env(), "SLACK_BOT_TOKEN": "xoxb-1"}, tmp_path)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "SLACK_SIGNING_SECRET is missing" in err
    assert "SLACK_APP_TOKEN" not in err  # --http asked for HTTP mode: no other way to suggest


def stderr_until(proc: subprocess.Popen, needle: str, timeout: float = 60) -> str:
    """What `proc` wrote on stderr until `needle` appeared (then SIGTERM, if it still runs) or it exited.

    Whether serve stops at an unreachable Slack or keeps trying, what it says must name the address.
    """
    assert proc.stderr is not None
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True)  # type: ignore[arg-type]
    reader.start()
    deadline = time.monotonic() + timeout
    while proc.poll() is None and needle not in "".join(lines) and time.monotonic() < deadline:
        time.sleep(0.1)
    if proc.poll() is None:
        stop(proc)
    reader.join(timeout=30)
    return "".join(lines)


@pytest.mark.parametrize("http", [True, False], ids=["http", "socket-mode"])
def test_serve_with_nothing_at_slack_api_url_names_the_address_and_the_setting(
    tmp_path: Path, http: bool
) -> None:
    api_url = f"http://127.0.0.1:{free_port()}/api/"  # a closed port: the connection is refused
    env = {**base_env(), "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_API_URL": api_url}
    env.update({"SLACK_SIGNING_SECRET": SIGNING_SECRET} if http else {"SLACK_APP_TOKEN": "xapp-1-A-1"})
    proc = serve(["--http", "--port", str(free_port())] if http else [], env, tmp_path)
    said = f"Slack did not answer at {api_url} (Connection refused). That address is SLACK_API_URL's"
    err = stderr_until(proc, said)
    assert said in err and "https://slack.com/api/" in err
    assert "Traceback" not in err


def test_serve_when_slack_drops_every_connection_says_where_it_tried(
    tmp_path: Path, standin: SlackStandIn
) -> None:
    standin.cut_connection("auth.test", times=1000)
    env = {**base_env(), "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1-A-1"}
    proc = serve([], {**env, "SLACK_API_URL": standin.api_url}, tmp_path)
    said = f"Slack did not answer at {standin.api_url} ("
    err = stderr_until(proc, said)
    assert said in err and "SLACK_API_URL" in err
    assert "Traceback" not in err


def test_alert_channel_names_without_the_extra_scope_stop_serve_naming_the_scope(
    tmp_path: Path, standin: SlackStandIn
) -> None:
    standin.channels = [{"id": "C0MAILALRT", "name": "mail-alerts"}]  # the manifest grants no channels:read
    env = {
        **base_env(),
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "SMTPBOT_ALERT_CHANNELS": "C0ALERTS01,#mail-alerts",
    }
    proc = serve(["--http", "--port", str(free_port())], env, tmp_path)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert err.count("smtpbot serve: cannot start") == 1
    assert "#mail-alerts" in err and "channels:read" in err and "Traceback" not in err


def test_http_mode_serves_signed_requests_and_stops_cleanly_on_sigterm(
    tmp_path: Path, standin: SlackStandIn
) -> None:
    port = free_port()
    env = {
        **base_env(),
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "PORT": str(port),
    }
    proc = serve(["--http"], env, tmp_path)
    try:
        wait_healthy(port, proc)
        assert post_slash_command(port, standin, "550 5.1.1") == 200
        assert standin.wait_for(standin.responses)
        assert http_request(port, "GET", "/metrics").status == 200
    finally:
        code, err = stop(proc)
    assert code == 0, err[-2000:]
    messages = log_messages(err)
    assert "serving HTTP" in messages and messages[-1] == "stopped"
    assert standin.bot_token not in err and SIGNING_SECRET not in err


def test_socket_mode_answers_and_closes_cleanly_on_sigterm(tmp_path: Path, standin: SlackStandIn) -> None:
    port = free_port()
    env = {
        **base_env(),
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_APP_TOKEN": standin.app_token,
        "SLACK_API_URL": standin.api_url,
        "PORT": str(port),  # the health server beside the socket
    }
    proc = serve([], env, tmp_path)
    try:
        wait_healthy(port, proc)
        assert standin.wait_for(lambda: standin.open_sockets() == 1)
        event = mention_event("550 5.1.1")
        envelope = standin.send_envelope("events_api", event_body(event))
        assert standin.wait_for(lambda: envelope.ack is not None)
        (post,) = standin.wait_for(standin.posts)
        assert post.params["thread_ts"] == event["ts"]
    finally:
        code, err = stop(proc)
    assert code == 0, err[-2000:]
    assert standin.wait_for(lambda: standin.open_sockets() == 0, 10)
    assert standin.close_codes() == [1000]
    assert log_messages(err)[-1] == "stopped"


@pytest.mark.parametrize("http", [True, False])
def test_sigterm_lets_paced_work_finish(tmp_path: Path, standin: SlackStandIn, http: bool) -> None:
    """Stopping while posts wait for their channel's slot: they are sent before the process exits."""
    port = free_port()
    env = {
        **base_env(),
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "PORT": str(port),
    }
    if not http:
        env["SLACK_APP_TOKEN"] = standin.app_token
    proc = serve(["--http"] if http else [], env, tmp_path)
    try:
        wait_healthy(port, proc)
        events = [mention_event(f"550 5.1.{i}") for i in range(3)]  # one channel: one post a second
        for event in events:
            if http:
                body = json.dumps(event_body(event))
                headers = {"Content-Type": "application/json", **sign(body)}
                assert http_request(port, "POST", "/slack/events", body, headers).status == 200
            else:
                assert standin.wait_for(lambda: standin.open_sockets() == 1)
                envelope = standin.send_envelope("events_api", event_body(event))
                assert standin.wait_for(lambda envelope=envelope: envelope.ack is not None)
    finally:
        code, _ = stop(proc)
    assert code == 0
    assert len(standin.posts()) == 3


def test_the_ack_benchmark_runs_and_prints_its_figures() -> None:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "slack_ack.py"),
            "--seconds",
            "1",
            "--rate",
            "20",
            "--events",
            "10",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    for line in ("ack latency median", "ack latency p99", "answered events/s"):
        assert line in result.stdout
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["ack"]["acknowledged_200"] == 20 and figures["events"]["answered"] == 10


MARKER = "550 5.1.1 <zebra.marker@example.com>: quokka-unique-words"


@pytest.mark.parametrize("log_text", [False, True])
def test_logs_are_json_without_tokens_and_show_message_text_only_when_asked(
    tmp_path: Path, standin: SlackStandIn, log_text: bool
) -> None:
    """At DEBUG, where slack-sdk and Bolt log whole requests, nothing a user wrote reaches the log unless
    SMTPBOT_LOG_TEXT=true; no token or secret ever does."""
    port = free_port()
    env = {
        **base_env(),
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "PORT": str(port),
        "SMTPBOT_LOG_LEVEL": "DEBUG",
        "SMTPBOT_LOG_TEXT": "true" if log_text else "false",
    }
    proc = serve(["--http"], env, tmp_path)
    try:
        wait_healthy(port, proc)
        assert post_slash_command(port, standin, MARKER) == 200
        body = json.dumps(event_body(mention_event(MARKER)))
        headers = {"Content-Type": "application/json", **sign(body)}
        assert http_request(port, "POST", "/slack/events", body, headers).status == 200
        assert standin.wait_for(lambda: standin.responses() and standin.posts())
    finally:
        code, err = stop(proc)
    assert code == 0, err[-2000:]
    lines = [line for line in err.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    assert any(r["level"] == "DEBUG" for r in records)
    for secret in (standin.bot_token, SIGNING_SECRET, "xoxb-"):
        assert secret not in err
    for words in ("quokka-unique-words", "zebra.marker"):
        assert (words in err) is log_text, [r for r in records if words in json.dumps(r)][:6]
