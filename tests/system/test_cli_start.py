"""`smtpbot start` and `smtpbot serve` read one `.env`: the one in the working directory.

Each test runs the real command in a subprocess from a temporary folder, far from the checkout, with
no Slack settings in its environment, so only the `.env` beside it can change what it does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from repo_paths import REPO

# a bot token of the wrong kind: `serve` refuses it at once, before any network call
WRONG_TOKEN_ENV = "SLACK_BOT_TOKEN=xoxp-a-user-token\n"


def smtpbot(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    keep = ("PATH", "HOME", "LANG", "SYSTEMROOT", "SMTPBOT_CACHE_DIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    return subprocess.run(
        [sys.executable, "-m", "bot", command],
        cwd=cwd,
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_start_without_a_dotenv_shows_the_demo(tmp_path: Path) -> None:
    result = smtpbot("start", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "No Slack tokens in the environment or .env" in result.stdout
    assert "5.7.26" in result.stdout


def test_start_and_serve_read_the_dotenv_in_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(WRONG_TOKEN_ENV)
    for command in ("start", "serve"):
        result = smtpbot(command, tmp_path)
        assert result.returncode == 2, (command, result.stdout[-500:])
        assert "SLACK_BOT_TOKEN does not start with xoxb-" in result.stderr, command
        assert "xoxp-a-user-token" not in result.stderr + result.stdout


def test_a_dotenv_in_a_parent_folder_is_not_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(WRONG_TOKEN_ENV)
    (tmp_path / "sub").mkdir()
    result = smtpbot("start", tmp_path / "sub")
    assert result.returncode == 0, result.stderr
    assert "No Slack tokens in the environment or .env" in result.stdout


def test_start_demo_uses_the_knowledge_folder_named_in_dotenv(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-knowledge"
    (tmp_path / ".env").write_text(f"SMTPBOT_KNOWLEDGE_DIR={missing}\n")
    result = smtpbot("start", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "warning: knowledge:" in result.stderr and "no-such-knowledge" in result.stderr
