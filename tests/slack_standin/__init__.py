"""A local stand-in for Slack: Web API, response URLs and Socket Mode, on 127.0.0.1."""

from .server import Call, Envelope, Hold, SlackStandIn

__all__ = ["Call", "Envelope", "Hold", "SlackStandIn"]
