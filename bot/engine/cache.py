"""A start-up cache: the loaded and indexed engine, pickled, keyed on everything it was built from.

Reading 60-odd TOML files and indexing them costs a few hundred milliseconds; unpickling the result
about ten. The key covers the knowledge files (path, size, modification time), the engine's
own source files and the Python version, so any edit to either builds afresh. A cache that cannot
be read or written is skipped silently: it only ever saves time.

The same folder holds regex_programs' store of compiled regular expressions (regex-*.pickle).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import sys
import zlib

from .records import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

CACHE_DIR_ENV = "SMTPBOT_CACHE_DIR"  # a folder, or "off"
# Engines kept, the most recently used: several checkouts, or the bot and the command line with
# different SMTPBOT_KNOWLEDGE_DIR, share one cache folder without rebuilding each other's engine.
KEEP = 4
# Plain path strings here: a cache hit must not import pathlib (see knowledge.py).
ENGINE_SOURCE = os.path.dirname(os.path.realpath(__file__))


def cache_folder() -> str | None:
    """The cache's folder; None when SMTPBOT_CACHE_DIR turns the cache off."""
    configured = os.environ.get(CACHE_DIR_ENV, "").strip()
    if configured.lower() in ("off", "none", "0", "false"):
        return None
    if configured:
        return os.path.expanduser(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "smtpbot")


def _files(folder: str, suffix: str) -> list[str]:
    """Every file under the folder with that suffix, sorted (os.walk: this runs at each start)."""
    found = [
        os.path.join(root, name)
        for root, _dirs, names in os.walk(folder)
        for name in names
        if name.endswith(suffix)
    ]
    return sorted(found)


def cache_key(folders: list[str] | list[Path]) -> str:
    parts = [sys.version]
    sources = _files(ENGINE_SOURCE, ".py")
    for folder in folders:
        parts.append(f"folder {folder}")
        sources.extend(_files(str(folder), ".toml"))
    for path in sources:
        try:
            st = os.stat(path)
        except OSError:
            continue
        parts.append(f"{path}\0{st.st_size}\0{st.st_mtime_ns}")
    # Two different 32-bit checksums of the whole description: a stale cache would need both to
    # collide at once, and hashlib's OpenSSL costs more to import than a cache hit saves here.
    # (Python's own byte-code cache trusts a source file's size and mtime alone.)
    material = "\0".join(parts).encode("utf-8", "replace")
    return f"{zlib.crc32(material):08x}{zlib.adler32(material):08x}"


def read(key: str) -> Any | None:
    path = path_for(f"engine-{key}.pickle")
    engine = read_file(path) if path else None
    if engine is not None:
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: the last to be evicted
    return engine


def write(key: str, value: Any) -> None:
    path = path_for(f"engine-{key}.pickle")
    if path is None or not write_file(path, value):
        return
    folder = os.path.dirname(path)
    with contextlib.suppress(OSError):
        engines = [
            entry
            for entry in os.scandir(folder)
            if entry.name.startswith("engine-") and entry.name.endswith(".pickle")
        ]
        engines.sort(key=lambda entry: entry.stat().st_mtime_ns, reverse=True)
        for old in engines[KEEP:]:
            os.unlink(old.path)


def path_for(name: str) -> str | None:
    """Where the cache file `name` lives; None when the cache is off."""
    folder = cache_folder()
    return os.path.join(folder, name) if folder else None


def read_file(path: str) -> Any | None:
    """The object pickled in a cache file; None if it is missing, truncated or stale."""
    # The engine is tens of thousands of new objects, none of them garbage: the cyclic collector
    # would walk them again and again while they are being made.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:
        return None
    finally:
        if collecting:
            gc.enable()


def write_file(path: str, value: Any) -> bool:
    """Pickle to `path`, creating its folder; False if that fails (the cache only saves time)."""
    try:
        folder = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)
        # write then rename, so a concurrent reader never sees half a file
        import tempfile  # only a cache miss writes

        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:
        return False
    return True
