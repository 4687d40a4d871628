"""bench/python_floor.py times its processes over a folder of emails and prints one row each."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from repo_paths import REPO, bench_module

python_floor = bench_module("python_floor")


def test_prints_a_median_for_every_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("postfix/01-user-unknown-rcpt.eml", "exim/02-three-recipients-local-full-mx.eml"):
        shutil.copy(REPO / "bench" / "corpus-mta" / name, tmp_path / Path(name).name)
    assert python_floor.main(["--corpus", str(tmp_path), "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 emails, median CPU time of 1 rounds")
    for row in python_floor.commands([]):
        assert row in out


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    assert python_floor.main(["--corpus", str(tmp_path), "--rounds", "1"]) == 2
