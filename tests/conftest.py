"""Shared fixtures. The Slack ones live in slack_fixtures.py (stand-in Slack, running app, signing),
the live-diagnosis ones in diagnose_fixtures.py (NSD and rbldnsd on loopback)."""

from diagnose_fixtures import *  # noqa: F403
from slack_fixtures import *  # noqa: F403
