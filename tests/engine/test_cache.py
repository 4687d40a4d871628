"""The start-up cache (bot/engine/cache.py) through `Engine.load()`.

Every test points SMTPBOT_CACHE_DIR (or the default location under XDG_CACHE_HOME) at its own
temporary folder, so nothing is read from or written to the user's real cache.
"""

from __future__ import annotations

import json
import os
import pickle
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from knowledge_fixtures import entry_toml

from bot.engine import Engine, Explanation, cache, load_knowledge
from bot.engine.knowledge import KnowledgeBase, knowledge_dirs

BOUNCES = [
    "452 4.2.2 The recipient's inbox is out of storage space.",
    "status=bounced (host mx.example.net[198.51.100.7] said: 550 5.1.1 <ana@example.net>: "
    "Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))",
    "Final-Recipient: rfc822; ops@example.org\nAction: delayed\nStatus: 4.4.1\n"
    "Diagnostic-Code: X-Postfix; connect to mx.example.org[192.0.2.44]:25: Connection timed out\n",
    "550-5.7.26 Unauthenticated email from shop.example.com is not accepted due to domain's\n"
    "550-5.7.26 DMARC policy. Please contact the administrator of shop.example.com domain.\n"
    "550 5.7.26 gsmtp",
]


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SMTPBOT_CACHE_DIR", str(folder))
    monkeypatch.delenv("SMTPBOT_KNOWLEDGE_DIR", raising=False)
    return folder


def cached(folder: Path) -> list[Path]:
    return sorted(folder.glob("knowledge-*.json")) if folder.is_dir() else []


def head_of(path: Path) -> dict:
    """The cache file's first line: what indexing reads (a line per entry's record follows)."""
    return json.loads(path.read_text(encoding="utf-8").partition("\n")[0])


def comparable(result: Explanation) -> dict:
    data = result.to_dict()
    data.pop("extra", None)  # the elapsed time differs from run to run
    return data


def org_dir(tmp_path: Path, *entries: tuple[str, str]) -> Path:
    folder = tmp_path / "org"
    folder.mkdir(exist_ok=True)
    (folder / "acme.toml").write_text("".join(entry_toml(e, phrases=[p]) for e, p in entries))
    return folder


@pytest.fixture(scope="module")
def fresh() -> Engine:
    """The shipped knowledge built from its TOML files, cache unused: what every load must equal."""
    return Engine.load(extra_dir="", use_cache=False)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The shipped knowledge plus an entry it lacks: planted in a cache, it shows whether a load read it."""
    marker = org_dir(tmp_path_factory.mktemp("marker"), ("acme.planted", "acme planted engine wording"))
    return load_knowledge([*knowledge_dirs(""), (marker, True)])


def key_for(extra: Path | str) -> str:
    return cache.cache_key([folder for folder, _ in knowledge_dirs(str(extra))])


def test_load_writes_one_json_file_keyed_on_the_knowledge(cache_dir: Path) -> None:
    engine = Engine.load(extra_dir="")
    files = cached(cache_dir)
    assert [f.name for f in files] == [f"knowledge-{key_for('')}.json"]
    data = head_of(files[0])
    assert len(data["entries"]["id"]) == len(engine.entries)
    lines = files[0].read_text(encoding="utf-8").splitlines()[1:]
    assert [json.loads(line)[0] for line in lines] == [e.id for e in engine.entries]
    # each pattern's strings and width in the order the patterns first appear in the entries
    patterns = list(dict.fromkeys(p for entry in engine.entries for p in entry.patterns))
    assert data["literals"] == [list(engine.kb.literals[source]) for source in patterns]
    assert data["widths"] == [engine.kb.widths[source] for source in patterns]
    also = engine.kb.also_required
    assert data["also_required"] == [[list(s) for s in also.get(source, ())] for source in patterns]
    read = cache.read(key_for(""))
    assert (read.literals, read.also_required, read.widths) == (  # read back as written
        engine.kb.literals,
        also,
        engine.kb.widths,
    )


def test_second_load_explains_identically(cache_dir: Path, fresh: Engine) -> None:
    first = Engine.load(extra_dir="")
    second = Engine.load(extra_dir="")
    assert second is not first  # read again, not a module-level singleton
    for text in BOUNCES:
        expected = comparable(fresh.explain(text))
        assert comparable(first.explain(text)) == expected
        assert comparable(second.explain(text)) == expected
    assert second.lookup("5.7.26") and [e.id for e in second.lookup("452")] == [
        e.id for e in fresh.lookup("452")
    ]


def test_second_load_reads_the_cache(cache_dir: Path, planted: KnowledgeBase) -> None:
    """Put a different engine under the key the next load will use: that load must return it."""
    Engine.load(extra_dir="")
    cache.write(key_for(""), planted)
    loaded = Engine.load(extra_dir="")
    assert "acme.planted" in loaded.by_id
    assert Engine.load(extra_dir="", use_cache=False).by_id.get("acme.planted") is None


def test_new_entry_in_knowledge_dir_changes_the_key(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = org_dir(tmp_path, ("acme.one", "acme relay refused this sender"))
    monkeypatch.setenv("SMTPBOT_KNOWLEDGE_DIR", str(folder))
    before = key_for(folder)
    engine = Engine.load()
    assert "acme.one" in engine.by_id and "acme.two" not in engine.by_id

    org_dir(
        tmp_path,
        ("acme.one", "acme relay refused this sender"),
        ("acme.two", "acme relay quarantined the message"),
    )
    after = key_for(folder)
    assert after != before
    engine = Engine.load()
    assert "acme.two" in engine.by_id
    assert engine.explain("550 5.7.1 acme relay quarantined the message").best.entry_id == "acme.two"
    assert f"knowledge-{after}.json" in [f.name for f in cached(cache_dir)]


def test_an_entry_replaced_by_an_organisation_is_cached_without_its_patterns(
    cache_dir: Path, tmp_path: Path
) -> None:
    """The replaced entry's patterns were validated but no entry holds them any more: the cache
    keeps the patterns of the entries it holds, and is written and read all the same."""
    replaced = "dnsbl.spamhaus-zen"
    shipped = Engine.load(extra_dir="", use_cache=False).by_id[replaced]
    assert shipped.patterns
    org = org_dir(tmp_path, (replaced, "acme relay says spamhaus listed you"))
    fresh = Engine.load(extra_dir=str(org), use_cache=False)
    assert not set(shipped.patterns) & {p for e in fresh.entries for p in e.patterns}
    Engine.load(extra_dir=str(org))
    assert [f.name for f in cached(cache_dir)] == [f"knowledge-{key_for(org)}.json"]
    read = cache.read(key_for(org))
    assert read is not None and read.entries[read.entries.column("id").index(replaced)].local
    text = "554 5.7.1 Service unavailable; Client host [192.0.2.9] blocked using zen.spamhaus.org"
    assert comparable(Engine(read).explain(text)) == comparable(fresh.explain(text))


def test_same_size_edit_is_seen_through_the_modification_time(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = org_dir(tmp_path, ("acme.edit", "acme relay refused this sender"))
    path = folder / "acme.toml"
    monkeypatch.setenv("SMTPBOT_KNOWLEDGE_DIR", str(folder))
    stamp = path.stat().st_mtime_ns
    assert Engine.load().by_id["acme.edit"].phrases == ("acme relay refused this sender",)
    before = key_for(folder)

    edited = path.read_text().replace("refused this sender", "blocked this sender")
    assert len(edited) == len(path.read_text())  # same size: only the mtime tells them apart
    path.write_text(edited)
    os.utime(path, ns=(stamp + 5_000_000_000, stamp + 5_000_000_000))
    assert key_for(folder) != before
    engine = Engine.load()
    assert engine.by_id["acme.edit"].phrases == ("acme relay blocked this sender",)
    assert engine.explain("550 acme relay blocked this sender").best.entry_id == "acme.edit"


@pytest.mark.parametrize("value", ["off", "OFF", "none", "0", "false"])
def test_every_way_of_saying_off_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SMTPBOT_CACHE_DIR", value)
    assert cache.cache_folder() is None


def test_cache_off_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    xdg = tmp_path / "xdg"
    monkeypatch.setenv("SMTPBOT_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(xdg))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)  # a cache folder literally named "off" would show up here
    monkeypatch.delenv("SMTPBOT_KNOWLEDGE_DIR", raising=False)
    engine = Engine.load(extra_dir="")
    assert engine.explain("452").best.reply_code == "452"
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_default_location_is_under_xdg_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    xdg = tmp_path / "xdg"
    monkeypatch.delenv("SMTPBOT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(xdg))
    Engine.load(extra_dir="")
    assert [f.name for f in cached(xdg / "smtpbot")] == [f"knowledge-{key_for('')}.json"]


JUNK = [
    b"",
    b"not json at all",
    b"\x80\x05\x95\xff\xff",
    b'{"not": "a knowledge base"}',
    b"[1, 2, 3]",
    b'{"files": [], "entries": [{"id": 1}], "providers": [], "literals": {}}',
    b'{"files": [], "entries": [], "providers": [], "literals": {"x": [1]}}',
    b'{"files": [], "entries": [], "providers": [], "literals": []}',
]


def plant_junk(cache_dir: Path, junk: bytes) -> Path:
    cache_dir.mkdir(mode=0o700, parents=True)
    path = cache_dir / f"knowledge-{key_for('')}.json"
    path.write_bytes(junk)
    return path


@pytest.mark.parametrize("junk", JUNK)
def test_a_corrupt_cache_file_is_not_read(cache_dir: Path, junk: bytes) -> None:
    plant_junk(cache_dir, junk)
    assert cache.read(key_for("")) is None


def test_a_corrupt_cache_file_is_rebuilt(cache_dir: Path, fresh: Engine) -> None:
    """Whatever the junk, a load that reads nothing builds and writes the cache the same way."""
    path = plant_junk(cache_dir, JUNK[-1])
    engine = Engine.load(extra_dir="")
    assert comparable(engine.explain(BOUNCES[1])) == comparable(fresh.explain(BOUNCES[1]))
    assert len(head_of(path)["entries"]["id"]) == len(engine.entries)  # rewritten


def test_a_cache_whose_columns_differ_in_length_is_not_read(cache_dir: Path) -> None:
    Engine.load(extra_dir="")
    (path,) = cached(cache_dir)
    head, newline, rows = path.read_text(encoding="utf-8").partition("\n")
    data = json.loads(head)
    assert cache.read(key_for("")) is not None
    data["entries"]["phrases"].pop()  # one value short: every entry after it would be shifted
    path.write_text(json.dumps(data) + newline + rows, encoding="utf-8")
    assert cache.read(key_for("")) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda rows: rows.replace("mailbox", "mailbix", 1),  # parses, same length: the checksum tells
        lambda rows: rows.replace("]\n", "}\n", 1),  # a line that no longer parses
        lambda rows: rows[: len(rows) // 2],  # cut short
    ],
)
def test_a_cache_whose_entry_lines_are_damaged_is_not_read(cache_dir: Path, damage: Callable) -> None:
    """An entry's line is parsed only when the entry is first used: the whole file is proved
    intact when it is read, so that a damaged one is rebuilt instead of failing mid-run."""
    Engine.load(extra_dir="")
    (path,) = cached(cache_dir)
    head, newline, rows = path.read_text(encoding="utf-8").partition("\n")
    assert cache.read(key_for("")) is not None
    path.write_text(head + newline + damage(rows), encoding="utf-8")
    assert cache.read(key_for("")) is None


class Payload:
    """Unpickling this runs code: what a forged pickle in a shared cache folder would do."""

    def __init__(self, flag: Path) -> None:
        self.flag = flag

    def __reduce__(self) -> tuple:
        return (Path.write_text, (self.flag, "code ran"))


def test_a_pickle_planted_in_the_cache_is_never_run(cache_dir: Path, tmp_path: Path) -> None:
    flag = tmp_path / "flag"
    cache_dir.mkdir(mode=0o700, parents=True)
    key = key_for("")
    for name in (f"knowledge-{key}.json", f"engine-{key}.pickle", "regex-00000000.pickle"):
        (cache_dir / name).write_bytes(pickle.dumps(Payload(flag)))
    engine = Engine.load(extra_dir="")
    assert engine.explain("452").best.reply_code == "452"
    assert not flag.exists()
    # the old formats' files are cleared away when the cache is written
    assert sorted(p.name for p in cache_dir.iterdir()) == [f"knowledge-{key}.json"]


def test_knowledge_with_problems_is_not_cached(cache_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "org"
    folder.mkdir()
    (folder / "good.toml").write_text(entry_toml("acme.good", phrases=["acme relay refused this sender"]))
    (folder / "broken.toml").write_text('[[entry]]\nid = "acme.broken\ntitle = "x"\n')
    engine = Engine.load(extra_dir=str(folder))
    assert engine.kb.problems
    assert "acme.good" in engine.by_id  # the good entries still load
    assert cached(cache_dir) == []
    # fixed, it is cached
    (folder / "broken.toml").unlink()
    Engine.load(extra_dir=str(folder))
    assert [f.name for f in cached(cache_dir)] == [f"knowledge-{key_for(folder)}.json"]


def test_missing_knowledge_dir_is_not_cached(cache_dir: Path, tmp_path: Path) -> None:
    engine = Engine.load(extra_dir=str(tmp_path / "no-such-folder"))
    assert any("does not exist" in p.message for p in engine.kb.problems)
    assert cached(cache_dir) == []


def test_use_cache_false_neither_reads_nor_writes(cache_dir: Path, planted: KnowledgeBase) -> None:
    cache.write(key_for(""), planted)
    written = cached(cache_dir)
    engine = Engine.load(extra_dir="", use_cache=False)
    assert "acme.planted" not in engine.by_id
    assert cached(cache_dir) == written


def test_engines_of_different_knowledge_folders_live_side_by_side(
    cache_dir: Path, tmp_path: Path, planted: KnowledgeBase
) -> None:
    """A checkout's engine and one with an organisation's folder do not evict each other: after
    loading both, a planted engine under the first key is what the next load of it returns."""
    org = org_dir(tmp_path, ("acme.side", "acme relay said no to this"))
    Engine.load(extra_dir="")
    Engine.load(extra_dir=str(org))
    assert len(cached(cache_dir)) == 2
    cache.write(key_for(""), planted)
    assert "acme.planted" in Engine.load(extra_dir="").by_id
    assert "acme.side" in Engine.load(extra_dir=str(org)).by_id


def test_only_the_most_recently_used_engines_are_kept(cache_dir: Path) -> None:
    kb = Engine.load(extra_dir="").kb
    for n in range(cache.KEEP + 2):
        cache.write(f"k{n}", kb)
        time.sleep(0.01)  # distinct modification times
    names = [f.name for f in cached(cache_dir)]
    assert len(names) == cache.KEEP
    assert f"knowledge-k{cache.KEEP + 1}.json" in names and "knowledge-k0.json" not in names
    cache.read("k2")  # a read marks it used: it outlives the older ones
    time.sleep(0.01)
    cache.write("k-new", kb)
    names = [f.name for f in cached(cache_dir)]
    assert "knowledge-k2.json" in names and "knowledge-k3.json" not in names


# --- whose folder it is -----------------------------------------------------------------------


def test_the_folder_is_created_for_its_owner_alone(cache_dir: Path) -> None:
    os.umask(old := os.umask(0))  # the widest umask: the folder must still be 0700
    try:
        Engine.load(extra_dir="")
    finally:
        os.umask(old)
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    assert [stat.S_IMODE(f.stat().st_mode) for f in cached(cache_dir)] == [0o600]


@pytest.mark.parametrize("mode", [0o770, 0o707, 0o777, 0o1777])
def test_a_folder_others_can_write_is_refused(
    cache_dir: Path, planted: KnowledgeBase, mode: int, caplog: pytest.LogCaptureFixture
) -> None:
    cache_dir.mkdir(parents=True)
    cache_dir.chmod(0o700)
    cache.write(key_for(""), planted)
    cache_dir.chmod(mode)
    cache._warned.clear()
    engine = Engine.load(extra_dir="")
    assert "acme.planted" not in engine.by_id  # what another user could have written is not read
    assert engine.explain("452").best.reply_code == "452"
    assert [r.getMessage() for r in caplog.records if r.name == "smtpbot.cache"] == [
        f"not using the engine cache in {cache_dir}: writable by other users (mode {mode:o});"
        " loading the knowledge without it"
    ]


def test_a_folder_of_another_user_is_refused(cache_dir: Path) -> None:
    cache_dir.mkdir(mode=0o700, parents=True)
    mine = cache_dir.stat()
    assert cache.unsafe_reason(mine) is None
    # os.stat's answer for the same folder had another user made it (chown needs root)
    foreign = os.stat_result((mine.st_mode, *mine[1:4], mine.st_uid + 1, *mine[5:]))
    assert (
        cache.unsafe_reason(foreign)
        == f"owned by user id {mine.st_uid + 1}, not by this user ({os.geteuid()})"
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="chown to another user needs root")
def test_a_folder_chowned_to_another_user_is_not_read(cache_dir: Path, planted: KnowledgeBase) -> None:
    cache_dir.mkdir(mode=0o700, parents=True)
    cache.write(key_for(""), planted)
    os.chown(cache_dir, 65534, 65534)
    cache._warned.clear()
    assert cache.read(key_for("")) is None
    assert "acme.planted" not in Engine.load(extra_dir="").by_id


def test_a_cache_file_others_can_write_is_not_read(cache_dir: Path, planted: KnowledgeBase) -> None:
    cache.write(key_for(""), planted)
    [path] = cached(cache_dir)
    path.chmod(0o666)
    assert cache.read(key_for("")) is None
