"""Fixtures for the format tests: the engine with the shipped knowledge only."""

from __future__ import annotations

import pytest

from bot.engine import Engine


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.load(extra_dir="")  # the shipped knowledge only, whatever the environment says
