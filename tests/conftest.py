"""Shared fixtures. The Slack ones live in slack_fixtures.py (stand-in Slack, running app, signing),
the live-diagnosis ones in diagnose_fixtures.py (NSD and rbldnsd on loopback).

Tests mirror the code (tests/engine/ for bot/engine/, ...); tests that start processes or servers
(bot replicas, Redis, PostgreSQL, NSD, rbldnsd) or run a whole corpus against its floor live in
tests/system/ and carry the `system` marker by being there, so `pytest -m "not system"` is the quick
run.
"""

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Nothing a test starts may ask the system's DNS resolver (it is off this machine): live checks are
# off unless a test turns them on with loopback servers (diagnose_fixtures.py).
os.environ.setdefault("SMTPBOT_DIAGNOSE", "off")

# CI explores the same generated examples on every run, so a build is red only for a change's sake;
# developers' runs keep drawing new ones and find what CI's fixed draw does not.
if os.environ.get("CI"):
    settings.register_profile("ci", derandomize=True)
    settings.load_profile("ci")

from diagnose_fixtures import *  # noqa: F403
from redis_server import own_redis  # noqa: F401
from slack_fixtures import *  # noqa: F403

SYSTEM_TESTS = Path(__file__).resolve().parent / "system"


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(SYSTEM_TESTS):
            item.add_marker(pytest.mark.system)
