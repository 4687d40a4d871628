"""A start-up cache: the loaded and indexed engine, pickled, keyed on everything it was built from.

Reading 60-odd TOML files and indexing them costs a few hundred milliseconds; unpickling the result
costs a few tens. The key covers the knowledge files (path, size, modification time), the engine's
own source files and the Python version, so any edit to either builds afresh. A cache that cannot
be read or written is skipped silently: it only ever saves time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Any

CACHE_DIR_ENV = "SMTPBOT_CACHE_DIR"  # a folder, or "off"
ENGINE_SOURCE = Path(__file__).resolve().parent


def cache_dir() -> Path | None:
    configured = os.environ.get(CACHE_DIR_ENV, "").strip()
    if configured.lower() in ("off", "none", "0", "false"):
        return None
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "smtpbot"


def cache_key(folders: list[Path]) -> str:
    digest = hashlib.sha256(sys.version.encode())
    sources = sorted(ENGINE_SOURCE.rglob("*.py"))
    for folder in folders:
        digest.update(b"\0folder " + str(folder).encode("utf-8", "replace"))
        if folder.is_dir():
            sources.extend(sorted(folder.rglob("*.toml")))
    for path in sources:
        try:
            st = path.stat()
        except OSError:
            continue
        digest.update(f"\0{path}\0{st.st_size}\0{st.st_mtime_ns}".encode("utf-8", "replace"))
    return digest.hexdigest()[:32]


def read(key: str) -> Any | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with open(folder / f"engine-{key}.pickle", "rb") as fh:
            return pickle.load(fh)
    except Exception:  # a missing, truncated or stale cache is simply rebuilt
        return None


def write(key: str, value: Any) -> None:
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("engine-*.pickle"):
            old.unlink(missing_ok=True)
        # write then rename, so a concurrent reader never sees half a file
        import tempfile  # only a cache miss writes

        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"engine-{key}.pickle")
    except Exception:
        return
