"""Parsers that turn each input format into incidents."""
