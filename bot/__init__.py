"""smtpbot: explains SMTP errors and bounces, in Slack and on the command line."""

__version__ = "0.1.0"
