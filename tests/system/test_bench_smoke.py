"""The benchmark scripts run end to end on a tiny corpus and print their tables (figures are not checked:
the machine is shared and noisy; bench/README.md says how to read them)."""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from repo_paths import REPO

CORPUS = REPO.parent / "shared" / "corpus" / "sisimai-dev"
# Three bounces from different MTAs whose first label Debian's Sisimai 4.25 reproduces exactly.
SAMPLE = ("lhost-amavis-01", "lhost-sendmail-01", "lhost-postfix-01")

needs_corpus = pytest.mark.skipif(
    not (CORPUS / "labels.jsonl").is_file(), reason=f"no labelled corpus at {CORPUS}"
)


def _has_sisimai() -> bool:
    if shutil.which("perl") is None:
        return False
    return subprocess.run(["perl", "-MSisimai", "-e", "1"], capture_output=True).returncode == 0


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.upper() not in {"HTTP_PROXY", "HTTPS_PROXY"}}
    env.pop("SMTPBOT_KNOWLEDGE_DIR", None)
    return env


def _load_compare_module():
    # compare_sisimai imports its sibling labelled_corpus, as it does when run as a script from bench/
    if str(REPO / "bench") not in sys.path:
        sys.path.insert(0, str(REPO / "bench"))
    spec = importlib.util.spec_from_file_location("compare_sisimai", REPO / "bench" / "compare_sisimai.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["compare_sisimai"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def tiny_corpus(tmp_path: Path) -> Path:
    """A labelled folder with the same layout as sisimai-dev: three emails plus one label whose file is
    missing, which both tools must count as a miss without stopping."""
    rows = {}
    with open(CORPUS / "labels.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            rows[row["id"]] = row
    (tmp_path / "eml").mkdir()
    lines = []
    for sample_id in SAMPLE:
        row = rows[sample_id]
        shutil.copy(CORPUS / row["file"], tmp_path / row["file"])
        lines.append(json.dumps(row))
    missing = {**rows[SAMPLE[0]], "id": "gone", "file": "eml/gone.eml"}
    lines.append(json.dumps(missing))
    (tmp_path / "labels.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def test_status_codes_that_count_are_real_rfc3463_codes() -> None:
    _load_compare_module()
    corpus = importlib.import_module("labelled_corpus")  # compare_sisimai's sibling, on sys.path now
    for code in ("5.1.1", "4.7.0", "5.0.0", "5.7.26", "5.7.509", "2.1.5"):
        assert corpus.is_rfc3463_status(code), code
    for code in ("", "5.0.947", "4.0.901", "5.0.910", "550", "6.1.1", "5.1"):
        assert not corpus.is_rfc3463_status(code), code


def test_per_family_labels_are_read_and_recipients_scored_on_every_row(tmp_path: Path) -> None:
    _load_compare_module()
    corpus = importlib.import_module("labelled_corpus")  # compare_sisimai's sibling, on sys.path now
    for family, rows in {
        "postfix": [
            {
                "id": "postfix-01",
                "file": "postfix/01-two.eml",
                "engine": "Postfix",
                "expected": [
                    {
                        "status": "5.1.1",
                        "replycode": "550",
                        "reason": "userunknown",
                        "hardbounce": True,
                        "recipient": "Ana@Example.com",
                    },
                    {
                        "status": "5.1.1",
                        "replycode": "550",
                        "reason": "userunknown",
                        "hardbounce": True,
                        "recipient": "bo@example.com",
                    },
                ],
            }
        ],
        "delay": [
            {
                "id": "delay-01",
                "file": "delay/01-four-hours.eml",
                "engine": "Sendmail",
                "expected": [
                    {
                        "status": "4.4.7",
                        "replycode": None,
                        "reason": "expired",
                        "hardbounce": False,
                        "recipient": "cy@example.org",
                    }
                ],
            }
        ],
    }.items():
        (tmp_path / family).mkdir()
        (tmp_path / family / "labels.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert corpus.hard_soft_semantics(tmp_path) == corpus.HARD_SOFT_BY_CLASS
    labels = corpus.load_labels(tmp_path, None)
    assert [label.id for label in labels] == ["delay-01", "postfix-01"]  # folders in name order
    assert labels[0].path == (tmp_path / "delay" / "01-four-hours.eml").resolve()
    assert labels[1].recipients == {"ana@example.com", "bo@example.com"}
    answers = {
        # one of the two recipients, plus one the bounce never failed (from the returned original)
        str(labels[1].path): corpus.Answer(
            reason="userunknown",
            status="5.1.1",
            replycode="550",
            hard=True,
            recipients=frozenset({"ana@example.com", "boss@example.net"}),
        ),
        str(labels[0].path): corpus.Answer(
            reason="expired", status="4.4.7", hard=True, recipients=frozenset({"cy@example.org"})
        ),
    }
    overall, by_engine = corpus.score(labels, answers)
    assert (overall.recipient.hits, overall.recipient.total) == (2, 3)
    assert overall.extra_recipients == 1
    assert (overall.hardsoft.hits, overall.hardsoft.total) == (1, 2)  # the delay answered hard
    assert (overall.reason.hits, overall.reason.total) == (2, 2)
    assert overall.no_finding == 0
    assert by_engine["Sendmail"].hardsoft.hits == 0


def test_a_tool_that_dies_part_way_loses_only_the_file_it_died_on(tmp_path: Path) -> None:
    compare = _load_compare_module()
    # A stand-in tool: answers every file, but exits hard when it reaches one named "boom".
    tool = tmp_path / "tool.py"
    tool.write_text(
        "import json, os, sys\n"
        "for path in sys.argv[1:]:\n"
        "    if path.endswith('boom'):\n"
        "        sys.stdout.flush(); os._exit(3)\n"
        "    print(json.dumps({'source': path, 'findings': [{'reason': 'userunknown',"
        " 'enhanced_code': '5.1.1', 'reply_code': '550'}]}), flush=True)\n"
    )
    files = ["a", "b", "boom", "c", "d"]
    result = compare.ToolResult("stand-in")
    compare.run_batch([sys.executable, str(tool)], files, compare.parse_smtpbot, result)
    assert [result.answers[f].reason for f in files] == [
        "userunknown",
        "userunknown",
        "",
        "userunknown",
        "userunknown",
    ]
    assert result.answers["boom"].error.startswith("exit status 3")
    assert result.crashed == 1


@needs_corpus
@pytest.mark.skipif(not _has_sisimai(), reason="Perl Sisimai not installed (apt-get install libsisimai-perl)")
def test_compare_sisimai_prints_both_tools_side_by_side(tiny_corpus: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "compare_sisimai.py"),
            *("--corpus", str(tiny_corpus), "--rounds", "1"),
            *("--misses", "--sisimai-confusion", "--json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env=_env(),
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for heading in (
        "reason agreement",
        "enhanced status agreement",
        "reply code agreement",
        "emails/s, subprocess wall time",
        "emails/s, in-process",
        "speed ratio smtpbot / Sisimai",
        "smtpbot reason errors",
        "failed recipients found exactly",
        "recipients not in the labels",
        "hard/soft agreement (by reason)",
        "unanswered (emails with no finding)",
        "per recipient: reason",
        "per recipient: hard/soft (by reason)",
        "Per expected reason",
        "Per bounce engine",
        "labels follow Sisimai's reason-based rule",
    ):
        assert heading in out, heading
    report = json.loads(out.strip().splitlines()[-1])
    assert report["emails"] == 4
    tools = report["tools"]
    assert set(tools) == {"smtpbot", next(name for name in tools if name.startswith("Sisimai 4."))}
    sisimai = next(v for k, v in tools.items() if k != "smtpbot")
    # Sisimai agrees with its own labels on the three real emails; the missing file is a miss for both
    assert sisimai["reason"] == [3, 4]
    assert sisimai["status"] == [3, 4]
    assert sisimai["no_finding"] == 1
    assert sisimai["recipient"] == [3, 4]
    assert sisimai["extra_recipients"] == 0
    assert sisimai["hardsoft"] == [3, 4]
    assert report["hard_soft_semantics"] == "Sisimai's reason-based rule"
    assert tools["smtpbot"]["recipient"][1] == 4
    assert tools["smtpbot"]["hardsoft"][1] == 4
    assert tools["smtpbot"]["reason"][1] == 4
    assert tools["smtpbot"]["no_finding"] >= 1
    # every expected row judged per recipient; the missing file's row has no finding from either tool
    assert sisimai["per_recipient"]["rows"] == tools["smtpbot"]["per_recipient"]["rows"] >= 4
    assert sisimai["per_recipient"]["unmatched"] >= 1
    assert report["speed_ratio_subprocess"] > 0


@needs_corpus
def test_engine_bench_quick_prints_every_figure_against_its_target(tiny_corpus: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "engine_bench.py"),
            *("--quick", "--json", "--corpus", str(tiny_corpus / "eml")),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env=_env(),
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for heading in (
        "short snippet latency, p99",
        "40 KB paste latency, p99",
        "emails/s over corpus (3 emails",
        "start-up: smtpbot explain 452, median",
        "peak RSS: load + explain whole corpus",
    ):
        assert heading in out, heading
    report = json.loads(out.strip().splitlines()[-1])
    assert report["paste_chars"] == 40 * 1024
    assert report["corpus_emails"] == 3
    for key in ("short_p99_ms", "paste_p99_ms", "emails_per_s", "startup_median_ms", "peak_rss_mb"):
        assert report[key] > 0, key
    assert set(report["verdicts"].values()) <= {"PASS", "MISS"}
