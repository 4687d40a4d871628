"""Shared fixtures. The Slack ones live in slack_fixtures.py (stand-in Slack, running app, signing),
the live-diagnosis ones in diagnose_fixtures.py (NSD and rbldnsd on loopback)."""

import os

# Nothing a test starts may ask the system's DNS resolver (it is off this machine): live checks are
# off unless a test turns them on with loopback servers (diagnose_fixtures.py).
os.environ.setdefault("SMTPBOT_DIAGNOSE", "off")

from diagnose_fixtures import *  # noqa: F403
from slack_fixtures import *  # noqa: F403
