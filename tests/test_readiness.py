"""Readiness: ready with nothing to check, not ready when Redis or the database does not answer
(tests/system/test_readiness_servers.py: ready when the real ones do)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest

from bot import oauth
from bot.readiness import readiness
from bot.settings import Settings


@pytest.fixture(autouse=True)
def _fresh_engines() -> Iterator[None]:
    yield
    oauth.dispose_engines()


OAUTH = {"SLACK_CLIENT_ID": "111.222", "SLACK_CLIENT_SECRET": "client-secret-for-tests"}


def settings_of(**env: str) -> Settings:
    return Settings.from_env(env, dotenv=False)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ready_with_nothing_to_check() -> None:
    assert readiness(settings_of()) == {
        "ready": True,
        "checks": {"installation_store": "not configured", "redis": "not configured"},
    }


def test_not_ready_when_redis_or_the_database_does_not_answer() -> None:
    result = readiness(settings_of(REDIS_URL=f"redis://:hunter2hunter2@127.0.0.1:{closed_port()}/0"))
    assert result["ready"] is False
    assert result["checks"]["redis"].startswith("error: ")
    assert "hunter2hunter2" not in json.dumps(result)

    bad_database = f"postgresql://postgres:pw-in-url@127.0.0.1:{closed_port()}/test"
    result = readiness(settings_of(**OAUTH, DATABASE_URL=bad_database))
    assert result["ready"] is False
    assert result["checks"]["installation_store"].startswith("error: ")
    assert "pw-in-url" not in json.dumps(result)
