"""Shared fixtures. The Slack ones live in slack_fixtures.py (stand-in Slack, running app, signing)."""

from slack_fixtures import *  # noqa: F403
