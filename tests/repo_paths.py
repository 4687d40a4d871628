"""Where things are, for tests in any folder under tests/."""

from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
DATA = TESTS / "data"  # texts written for these tests
FIXTURES = TESTS / "fixtures"  # small knowledge folders
