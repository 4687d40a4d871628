"""The Slack app: a thin layer over the engine (see app.py for the factory)."""
