"""The `smtpbot` command line as other tools use it: run the real console script in a subprocess.

`smtpbot explain --json --files` is a contract (issue 2 §4): JSON Lines, one object per file in the
order given, with exactly the documented keys. `smtpbot kb lint` must name each problem as
`file:line: problem` and exit non-zero.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from knowledge_fixtures import entry_toml
from repo_paths import DATA, REPO

from bot.engine import REASONS

FINDING_KEYS = {
    "reply_code",
    "enhanced_code",
    "reason",
    "bounce",
    "title",
    "provider",
    "recipient",
    "confidence",
    "entry_id",
}
PROBLEM_LINE_RE = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<message>.+)$")


def smtpbot_command() -> list[str]:
    script = Path(sys.executable).parent / "smtpbot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def run(
    *args: str, stdin: str | None = None, knowledge_dir: Path | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")
    }
    env.pop("SMTPBOT_KNOWLEDGE_DIR", None)
    if knowledge_dir is not None:
        env["SMTPBOT_KNOWLEDGE_DIR"] = str(knowledge_dir)
    env["PYTHONPATH"] = str(REPO)  # for the `python -m bot` fallback
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [*smtpbot_command(), *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=env,
        cwd=cwd or REPO,
        timeout=120,
    )


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def check_finding_shape(finding: dict) -> None:
    assert set(finding) == FINDING_KEYS, sorted(finding)
    assert finding["reply_code"] is None or re.fullmatch(r"[2-5]\d\d", finding["reply_code"])
    assert finding["enhanced_code"] is None or re.fullmatch(
        r"[245]\.\d{1,3}\.\d{1,3}", finding["enhanced_code"]
    )
    assert finding["reason"] in REASONS
    assert finding["bounce"] in ("hard", "soft", "none")
    assert isinstance(finding["title"], str) and finding["title"]
    assert finding["provider"] is None or isinstance(finding["provider"], str)
    assert finding["recipient"] is None or isinstance(finding["recipient"], str)
    assert isinstance(finding["confidence"], (int, float)) and 0 <= finding["confidence"] <= 1
    assert round(finding["confidence"], 2) == finding["confidence"]
    assert isinstance(finding["entry_id"], str) and finding["entry_id"]


@pytest.fixture(scope="module")
def nothing_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("files") / "nothing.txt"
    path.write_text("Lunch at noon? The new place on 5th street has good reviews.\n")
    return path


# --- explain --json --files ------------------------------------------------------------------


def test_files_emit_json_lines_in_order(nothing_file: Path, tmp_path: Path) -> None:
    files = [
        DATA / "bounces" / "postfix_gmail_userunknown.eml",
        nothing_file,
        DATA / "json" / "sendgrid_events.json",
        DATA / "logs" / "postfix_maillog.txt",
        DATA / "bounces" / "exchange_online_recipient_not_found_qp.eml",
    ]
    # run from an unrelated directory: the installed command must find its knowledge by itself
    result = run("explain", "--json", "--files", *map(str, files), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    objects = json_lines(result.stdout)
    assert [o["source"] for o in objects] == [str(f) for f in files]
    for obj in objects:
        assert set(obj) == {"source", "findings"}
        assert isinstance(obj["findings"], list) and len(obj["findings"]) <= 10
        for finding in obj["findings"]:
            check_finding_shape(finding)
    gmail, nothing, sendgrid, postfix_log, exchange = objects
    assert nothing["findings"] == []
    assert gmail["findings"][0]["reply_code"] == "550"
    assert gmail["findings"][0]["enhanced_code"] == "5.1.1"
    assert gmail["findings"][0]["reason"] == "userunknown"
    assert gmail["findings"][0]["bounce"] == "hard"
    assert gmail["findings"][0]["provider"] == "Google"
    assert gmail["findings"][0]["recipient"] == "jane.doe@gmail.com"
    assert {f["recipient"] for f in sendgrid["findings"]} == {
        "nobody.here@gmail.com",
        "busy.user@example.org",
    }
    assert len(postfix_log["findings"]) == 5
    assert exchange["findings"][0]["enhanced_code"] == "5.1.10"


def test_each_file_is_one_line(tmp_path: Path) -> None:
    """Pretty-printed or multi-line input still gives exactly one line per file."""
    files = sorted((DATA / "json").glob("*.json"))
    result = run("explain", "--json", "--files", *map(str, files))
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == len(files)


def test_files_passive_mode(nothing_file: Path) -> None:
    bounce = DATA / "bounces" / "qmail_plain.eml"
    result = run("explain", "--json", "--passive", "--files", str(nothing_file), str(bounce))
    assert result.returncode == 0, result.stderr
    objects = json_lines(result.stdout)
    assert objects[0]["findings"] == []
    assert objects[1]["findings"][0]["reason"] == "userunknown"


def test_missing_file_is_reported_and_the_rest_still_explained(nothing_file: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-bounce.eml"
    bounce = DATA / "bounces" / "qmail_plain.eml"
    result = run("explain", "--json", "--files", str(bounce), str(missing), str(nothing_file))
    assert result.returncode != 0
    assert str(missing) in result.stderr
    assert "Traceback" not in result.stderr
    objects = json_lines(result.stdout)
    assert [o["source"] for o in objects] == [str(bounce), str(missing), str(nothing_file)]
    assert objects[1]["findings"] == []
    assert set(objects[1]) <= {"source", "findings", "error"}
    assert objects[0]["findings"] and objects[2]["findings"] == []


def test_directory_instead_of_file(tmp_path: Path) -> None:
    result = run("explain", "--json", "--files", str(tmp_path))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert json_lines(result.stdout)[0]["findings"] == []


def test_binary_and_latin1_files(tmp_path: Path) -> None:
    binary = tmp_path / "random.bin"
    binary.write_bytes(bytes(range(256)) * 400)
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("550 5.1.1 Destinataire inconnu: l'adresse n'existe pas, désolé\n".encode("latin-1"))
    result = run("explain", "--json", "--files", str(binary), str(latin1))
    assert result.returncode == 0, result.stderr
    objects = json_lines(result.stdout)
    assert len(objects) == 2
    assert objects[1]["findings"][0]["enhanced_code"] == "5.1.1"


def test_json_file_with_escaped_lone_surrogate(tmp_path: Path) -> None:
    """A JSON escape like \\ud800 decodes to a lone surrogate; the output must still be valid JSON."""
    path = tmp_path / "ses.json"
    path.write_text(
        '{"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bouncedRecipients":'
        '[{"emailAddress":"a\\ud800@b.example","status":"5.1.1",'
        '"diagnosticCode":"smtp; 550 5.1.1 user unknown"}]}}'
    )
    result = run("explain", "--json", "--files", str(path))
    assert "Traceback" not in result.stderr, result.stderr[-600:]
    objects = json_lines(result.stdout)
    assert len(objects) == 1 and objects[0]["findings"][0]["enhanced_code"] == "5.1.1"


# --- explain TEXT and explain - ----------------------------------------------------------------


def test_explain_reads_stdin() -> None:
    text = (DATA / "alerts" / "gsmtp_multiline_auth.txt").read_text()
    result = run("explain", "--json", "-", stdin=text)
    assert result.returncode == 0, result.stderr
    (obj,) = json_lines(result.stdout)
    assert set(obj) == {"source", "findings"}
    finding = obj["findings"][0]
    check_finding_shape(finding)
    assert (finding["reply_code"], finding["enhanced_code"], finding["provider"]) == (
        "550",
        "5.7.26",
        "Google",
    )


def test_explain_text_arguments() -> None:
    result = run("explain", "--json", "550", "5.1.1", "user", "unknown")
    assert result.returncode == 0, result.stderr
    (obj,) = json_lines(result.stdout)
    assert obj["findings"][0]["reason"] == "userunknown"
    assert obj["findings"][0]["enhanced_code"] == "5.1.1"


def test_explain_passive_on_chat_prints_no_findings() -> None:
    result = run("explain", "--json", "--passive", "we", "shipped", "421", "orders", "yesterday")
    assert result.returncode == 0
    assert json_lines(result.stdout)[0]["findings"] == []


def test_explain_passive_prints_nothing_when_it_would_not_answer(nothing_file: Path) -> None:
    result = run("explain", "--passive", "our", "build", "5.1.1", "is", "out")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    result = run("explain", "--passive", "-", stdin="")
    assert (result.returncode, result.stdout) == (0, "")
    bounce = DATA / "bounces" / "qmail_plain.eml"
    result = run("explain", "--passive", "--files", str(nothing_file), str(bounce))
    assert result.returncode == 0, result.stderr
    assert str(nothing_file) not in result.stdout and f"== {bounce}" in result.stdout
    answered = run("explain", "--passive", "550 5.1.1 <ana@example.com>: user unknown")
    assert answered.returncode == 0 and "5.1.1" in answered.stdout


def test_explain_human_output() -> None:
    result = run("explain", "-", stdin="452 4.2.2 <max@example.net>: Mailbox full\n")
    assert result.returncode == 0, result.stderr
    assert "452" in result.stdout and "4.2.2" in result.stdout
    assert "mailboxfull" in result.stdout
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.stdout)


def test_many_recipients_with_one_error_keep_the_contract_and_read_once() -> None:
    reason = "550 5.1.1 <{}>: Recipient address rejected: User unknown in local recipient table"
    events = [
        {
            "email": f"u{i}@example.com",
            "event": "bounce",
            "status": "5.1.1",
            "reason": reason.format(f"u{i}@example.com"),
        }
        for i in range(40)
    ]
    result = run("explain", "--json", "-", stdin=json.dumps(events))
    (obj,) = json_lines(result.stdout)
    assert set(obj) == {"source", "findings"} and len(obj["findings"]) == 10  # one per recipient
    assert [f["recipient"] for f in obj["findings"]] == [f"u{i}@example.com" for i in range(10)]
    human = run("explain", "-", stdin=json.dumps(events))
    assert human.returncode == 0, human.stderr
    said = " ".join(human.stdout.split())  # unwrapped
    assert said.count("What it means") == 1
    assert "10 recipients: u0@example.com, u1@example.com, u2@example.com and 7 more" in said
    assert "… and 30 more recipients not shown" in said


def test_explain_empty_input_says_nothing_to_explain() -> None:
    result = run("explain", "-", stdin="   \n")
    assert result.returncode == 0
    assert "nothing to explain" in result.stdout.lower()
    result = run("explain", "--json", "-", stdin="")
    assert json_lines(result.stdout) == [{"source": "-", "findings": []}]


def test_explain_large_junk_on_stdin() -> None:
    junk = "".join(chr(0x20 + (i * 7919) % 0x2FF0) for i in range(40_000))
    result = run("explain", "--json", "-", stdin=junk)
    assert result.returncode == 0, result.stderr[-600:]
    assert len(json_lines(result.stdout)) == 1


# --- kb list / show / search ---------------------------------------------------------------------


def test_kb_list_json() -> None:
    result = run("kb", "list", "--json")
    assert result.returncode == 0, result.stderr
    entries = json_lines(result.stdout)
    assert len(entries) >= 250
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids)), "duplicate ids in kb list"
    for entry in entries:
        assert set(entry) == {"id", "codes", "reason", "file"}
        assert isinstance(entry["codes"], list)
        assert all(isinstance(c, str) for c in entry["codes"])
        assert entry["reason"] in REASONS
        assert Path(entry["file"]).is_file()


def test_kb_list_prefix_lists_the_codes_under_it() -> None:
    result = run("kb", "list", "5.7", "--json")
    assert result.returncode == 0, result.stderr
    entries = json_lines(result.stdout)
    assert len(entries) >= 10
    assert all(any(c == "5.7" or c.startswith("5.7.") for c in e["codes"]) for e in entries)
    assert "5.7.26" in {c for e in entries for c in e["codes"]}
    replies = json_lines(run("kb", "list", "55", "--json").stdout)
    assert replies and all(any(re.fullmatch(r"55\d", c) for c in e["codes"]) for e in replies)
    assert len(entries) < len(json_lines(run("kb", "list", "--json").stdout))


def test_kb_list_prefix_with_no_codes_says_so() -> None:
    result = run("kb", "list", "9.9")
    assert result.returncode == 1 and result.stdout == ""
    assert "9.9" in result.stderr and "Traceback" not in result.stderr


def test_kb_show_code() -> None:
    result = run("kb", "show", "5.1.1")
    assert result.returncode == 0, result.stderr
    assert "5.1.1" in result.stdout
    assert "userunknown" in result.stdout


def test_kb_show_entry_id() -> None:
    first = json_lines(run("kb", "list", "--json").stdout)[0]
    result = run("kb", "show", first["id"])
    assert result.returncode == 0
    assert first["id"] in result.stdout


def test_kb_show_unknown() -> None:
    result = run("kb", "show", "no-such-entry-anywhere")
    assert result.returncode != 0
    assert "no-such-entry-anywhere" in result.stderr
    assert "Traceback" not in result.stderr


def test_kb_search() -> None:
    result = run("kb", "search", "mailbox", "full")
    assert result.returncode == 0, result.stderr
    assert "mailboxfull" in result.stdout.splitlines()[0]


def test_kb_search_nothing() -> None:
    result = run("kb", "search", "zzqxj")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr


# --- kb lint on a malformed organisation folder ------------------------------------------------


def entry(name: str, phrase: str, reason: str = "rejected", example: str | None = None) -> str:
    return entry_toml(
        f"acme.{name}", phrases=[phrase], reason=reason, examples=None if example is None else [example]
    )


def lint_problems(knowledge: Path) -> tuple[int, list[re.Match[str]], str]:
    result = run("kb", "lint", knowledge_dir=knowledge)
    assert "Traceback" not in result.stderr, result.stderr[-800:]
    matches = [PROBLEM_LINE_RE.match(line) for line in result.stdout.splitlines() if line.strip()]
    assert all(matches), result.stdout  # every line of output is file:line: problem
    return result.returncode, [m for m in matches if m and str(knowledge) in m.group("file")], result.stdout


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_kb_lint_clean_org_folder(tmp_path: Path) -> None:
    (tmp_path / "acme.toml").write_text(entry("quarantine", "held by acme quarantine policy"))
    _, ours, _ = lint_problems(tmp_path)
    assert ours == []


def test_kb_lint_bad_toml(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(entry("one", "acme one rejected this") + '\n[[entry]]\nid = "acme.two\ntitle = "x"\n')
    code, ours, out = lint_problems(tmp_path)
    assert code != 0
    assert len(ours) == 1, out
    assert ours[0].group("file") == str(path)
    assert int(ours[0].group("line")) == line_of(path, 'id = "acme.two')


def test_kb_lint_unknown_reason(tmp_path: Path) -> None:
    path = tmp_path / "acme.toml"
    path.write_text(
        entry("ok", "acme ok phrase here") + "\n" + entry("bad", "acme bad reason here", reason="nope")
    )
    code, ours, out = lint_problems(tmp_path)
    assert code != 0
    bad = [m for m in ours if "nope" in m.group("message")]
    assert bad, out
    assert int(bad[0].group("line")) == line_of(path, '"acme.bad"')


def test_kb_lint_duplicate_id(tmp_path: Path) -> None:
    first = tmp_path / "a.toml"
    second = tmp_path / "b.toml"
    first.write_text(entry("same", "acme first wording"))
    second.write_text("# the same id again\n\n" + entry("same", "acme second wording"))
    code, ours, out = lint_problems(tmp_path)
    assert code != 0
    dup = [m for m in ours if "duplicate" in m.group("message")]
    assert dup, out
    assert dup[0].group("file") == str(second)
    assert int(dup[0].group("line")) == line_of(second, '"acme.same"')


def test_kb_lint_bad_regex(tmp_path: Path) -> None:
    path = tmp_path / "acme.toml"
    text = entry("rx", "acme regex entry").replace(
        'phrases = ["acme regex entry"]', "patterns = ['acme (unclosed']"
    )
    path.write_text(text)
    code, ours, out = lint_problems(tmp_path)
    assert code != 0
    assert any("acme (unclosed" in m.group("message") for m in ours), out
    assert int(ours[0].group("line")) == line_of(path, '"acme.rx"')


def test_kb_lint_example_resolving_elsewhere(tmp_path: Path) -> None:
    path = tmp_path / "acme.toml"
    # the example is ordinary 'user unknown' wording: it resolves to a built-in entry, not this one
    path.write_text(
        entry("wrong-example", "acme special wording", example="550 5.1.1 <a@b.example>: User unknown")
    )
    code, ours, out = lint_problems(tmp_path)
    assert code != 0
    bad = [m for m in ours if "acme.wrong-example" in m.group("message")]
    assert bad, out
    assert "resolves to" in bad[0].group("message")
    assert int(bad[0].group("line")) == line_of(path, '"acme.wrong-example"')


def test_kb_lint_missing_folder(tmp_path: Path) -> None:
    result = run("kb", "lint", knowledge_dir=tmp_path / "nope")
    assert result.returncode != 0
    assert str(tmp_path / "nope") in result.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["explain", "--json", "--passive", "452", "4.2.2"],
        ["explain", "--files", "a.eml", "b.eml"],
        ["kb", "search", "dmarc", "--limit", "3"],
        ["kb", "show", "5.7.26"],
        ["kb", "list", "--json"],
        ["kb", "lint"],
        ["serve", "--http", "--port", "8080"],
        ["start"],
        ["diagnose", "--json", "--ip", "192.0.2.1", "example.test", "-"],
    ],
)
def test_parser_for_one_command_parses_as_the_whole_one(argv: list[str]) -> None:
    """main() builds only the named command's parser (a start-up saving): it must read the same."""
    from bot.cli import COMMANDS, build_parser

    assert argv[0] in COMMANDS
    assert vars(build_parser(argv[0]).parse_args(argv)) == vars(build_parser().parse_args(argv))


def test_top_level_help_and_unknown_command_list_every_command() -> None:
    from bot.cli import COMMANDS

    for argv, code in ((["--help"], 0), (["bogus"], 2), ([], 2)):
        proc = run(*argv)
        assert proc.returncode == code
        assert "{" + ",".join(COMMANDS) + "}" in proc.stdout + proc.stderr


@pytest.mark.parametrize(("columns", "widest"), [("50", 48), ("", 78)])
def test_help_wraps_at_columns_or_80(columns: str, widest: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    proc = run("explain", "--help")
    assert proc.returncode == 0
    assert max(len(line) for line in proc.stdout.splitlines()) <= widest
    assert "--files PATH" in proc.stdout
