"""Where things are, for tests in any folder under tests/."""

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
DATA = TESTS / "data"  # texts written for these tests
FIXTURES = TESTS / "fixtures"  # small knowledge folders


def bench_module(name: str) -> ModuleType:
    """bench/<name>.py imported as a module (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def run_provider_replies(*args: str) -> subprocess.CompletedProcess[str]:
    """bench/provider_replies.py run as a user runs it, on the shipped knowledge only (an
    organisation's SMTPBOT_KNOWLEDGE_DIR in the environment would change its figures)."""
    env = {k: v for k, v in os.environ.items() if k != "SMTPBOT_KNOWLEDGE_DIR"}
    return subprocess.run(
        [sys.executable, str(REPO / "bench" / "provider_replies.py"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env=env,
    )


def alert_channel_answers(
    corpus: Path, read: Callable[[str], str] = str
) -> Iterator[tuple[dict, bool, bool]]:
    """Each line of a paste corpus (bench/corpus-pastes-heldout*) with whether an alert channel
    says anything on it and whether it answers it as a failure (hard or soft): the engine in
    passive mode, on the shipped knowledge only, on the line's text as `read` gives it (a Slack
    message's text as the bot reads it, say)."""
    from bot.engine import Engine  # imported when used: most tests here need no engine

    engine = Engine.load(extra_dir="")
    for path in sorted(corpus.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            found = engine.explain(read(row["text"]), "passive").findings
            yield row, bool(found), any(f.bounce in ("hard", "soft") for f in found)
