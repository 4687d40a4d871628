"""The wheel carries the knowledge: installed anywhere, `smtpbot explain 452` works from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from repo_paths import REPO


def test_wheel_ships_the_knowledge_and_explains_from_another_folder(tmp_path: Path) -> None:
    # Built offline with the build backend the dev extra installs: tests reach loopback only.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path / "dist"),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = (tmp_path / "dist").glob("smtpbot-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {n for n in names if n.startswith("smtpbot_knowledge/") and n.endswith(".toml")}
    in_repo = {
        "smtpbot_knowledge/" + str(p.relative_to(REPO / "knowledge"))
        for p in (REPO / "knowledge").rglob("*.toml")
    }
    assert shipped == in_repo

    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(unpacked), "SMTPBOT_CACHE_DIR": "off"}
    env.pop("SMTPBOT_KNOWLEDGE_DIR", None)
    code = (
        "import bot, sys; from bot.cli import main; "
        f"assert bot.__file__.startswith({str(unpacked)!r}), bot.__file__; "
        "sys.exit(main(['explain', '452']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "452" in result.stdout and "storage" in result.stdout.lower()
