"""Readiness against the real PostgreSQL and Redis on this machine: ready when both answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot import oauth
from bot.readiness import readiness
from bot.settings import Settings

OAUTH = {"SLACK_CLIENT_ID": "111.222", "SLACK_CLIENT_SECRET": "client-secret-for-tests"}


@pytest.fixture(autouse=True)
def _fresh_engines() -> Iterator[None]:
    yield
    oauth.dispose_engines()


def test_ready_when_real_postgres_and_redis_answer() -> None:
    env = {
        **OAUTH,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    settings = Settings.from_env(env, dotenv=False)
    assert readiness(settings) == {"ready": True, "checks": {"installation_store": "ok", "redis": "ok"}}
