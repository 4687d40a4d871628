"""Knowledge loader and linter on knowledge folders written by each test.

"Ours" is tests/fixtures/kb (a tiny stable knowledge folder); "theirs" is a temporary folder loaded
the way SMTPBOT_KNOWLEDGE_DIR is (local=True).
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from knowledge_fixtures import entry_toml
from repo_paths import FIXTURES

from bot.engine import Engine, KnowledgeBase, Problem, load_knowledge
from bot.engine.knowledge import knowledge_dirs
from bot.engine.lint import lint

OURS = FIXTURES / "kb"


def load(tmp: Path, with_ours: bool = True) -> KnowledgeBase:
    dirs = [(OURS, False)] if with_ours else []
    return load_knowledge([*dirs, (tmp, True)])


def problems_in(kb: KnowledgeBase | list[Problem], path: Path) -> list[Problem]:
    items = kb.problems if isinstance(kb, KnowledgeBase) else kb
    return [p for p in items if p.file == str(path)]


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


# --- the fixture folder itself -----------------------------------------------------------------


def test_fixture_knowledge_is_clean() -> None:
    kb = load_knowledge([(OURS, False)])
    assert kb.problems == []
    assert lint(kb) == []
    assert {e.id for e in kb.entries} >= {"reply.452", "esc.x.7.26", "google.dmarc", "generic.userunknown"}


# --- malformed files ----------------------------------------------------------------------------


def test_malformed_toml_reports_its_line(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(
        entry_toml("org.good", phrases=["org good wording"]) + "[[entry]]\nid = 'org.bad\ntitle = 'x'\n"
    )
    kb = load(tmp_path)
    (problem,) = problems_in(kb, path)
    assert problem.line == line_of(path, "id = 'org.bad")
    assert "TOML" in problem.message
    assert str(problem).startswith(f"{path}:{problem.line}: ")
    assert not any(e.id.startswith("org.") for e in kb.entries)  # a file that does not parse adds nothing


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(entry_toml("org.latin", phrases=["caf\xe9 wording here"]).encode("latin-1"))
    assert problems_in(load(tmp_path), path)


def test_unknown_top_level_key(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text("version = 2\n\n" + entry_toml("org.one", phrases=["org one wording"]))
    kb = load(tmp_path)
    (problem,) = problems_in(kb, path)
    assert "version" in problem.message and problem.line == 1


def test_entry_as_table_instead_of_array(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(entry_toml("org.one", phrases=["org one wording"]).replace("[[entry]]", "[entry]"))
    kb = load(tmp_path)
    assert problems_in(kb, path)
    assert "org.one" not in kb.by_id()


def test_empty_file_and_other_files_are_fine(tmp_path: Path) -> None:
    (tmp_path / "empty.toml").write_text("")
    (tmp_path / "README.md").write_text("[[entry]]\nnot toml at all")
    (tmp_path / "notes.txt").write_text("id = ")
    kb = load(tmp_path)
    assert kb.problems == []


def test_nested_folders_are_read(tmp_path: Path) -> None:
    nested = tmp_path / "team" / "mail"
    nested.mkdir(parents=True)
    (nested / "org.toml").write_text(entry_toml("org.nested", phrases=["nested org wording"]))
    assert "org.nested" in load(tmp_path).by_id()


def test_missing_folder_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    kb = load(tmp_path / "does-not-exist")
    assert any("does not exist" in p.message for p in kb.problems)
    assert "reply.452" in kb.by_id()  # ours still load


# --- schema problems ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "expect"),
    [
        ('colour = "blue"', "unknown field 'colour'"),
        ('permanence_note = "x"', "unknown field 'permanence_note'"),
        ("provider = 3", "provider must be a string"),
    ],
)
def test_unknown_or_mistyped_fields(tmp_path: Path, extra: str, expect: str) -> None:
    path = tmp_path / "org.toml"
    path.write_text(entry_toml("org.field", phrases=["org field wording"], extra=extra))
    kb = load(tmp_path)
    found = problems_in(kb, path)
    assert any(expect in p.message for p in found), found
    assert all(p.line == line_of(path, '"org.field"') for p in found)
    assert "org.field" not in kb.by_id()  # a broken entry is not half-loaded


@pytest.mark.parametrize(
    "field",
    ["title", "reason", "permanence", "retry", "who", "meaning", "sender_fix", "references", "examples"],
)
def test_missing_required_field(tmp_path: Path, field: str) -> None:
    text = entry_toml("org.req", phrases=["org required wording"])
    text = "\n".join(line for line in text.splitlines() if not line.startswith(f"{field} ="))
    path = tmp_path / "org.toml"
    path.write_text(text)
    kb = load(tmp_path)
    assert any(f"missing {field}" in p.message for p in problems_in(kb, path))
    assert "org.req" not in kb.by_id()


@pytest.mark.parametrize(
    "code", ["55", "5500", "650", "150", "5.1", "x.1.1", "6.1.1", "5.1.1.1", "X.7.26", "5.1.1 "]
)
def test_bad_codes(tmp_path: Path, code: str) -> None:
    path = tmp_path / "org.toml"
    path.write_text(entry_toml("org.code", codes=[code.strip() if code != "5.1.1 " else "5.1.1x"]))
    kb = load(tmp_path)
    assert any("invalid code" in p.message for p in problems_in(kb, path)), kb.problems


@pytest.mark.parametrize("code", ["250", "452", "554", "2.0.0", "4.7.28", "5.7.606", "5.1.10"])
def test_good_codes(tmp_path: Path, code: str) -> None:
    path = tmp_path / "org.toml"
    path.write_text(entry_toml("org.code", codes=[code], examples=[code]))
    kb = load(tmp_path, with_ours=False)
    assert problems_in(kb, path) == []


@pytest.mark.parametrize("phrase", ["full", "blocked", "denied!", "  spam  ", "已满", "不存在"])
def test_short_phrases(tmp_path: Path, phrase: str) -> None:
    path = tmp_path / "org.toml"
    path.write_text(entry_toml("org.short", phrases=[phrase]))
    kb = load(tmp_path)
    assert any("shorter than" in p.message for p in problems_in(kb, path))


@pytest.mark.parametrize("phrase", ["用户不存在", "宛先不明"])
def test_a_wide_character_counts_two_in_a_phrase(tmp_path: Path, phrase: str) -> None:
    path = tmp_path / "org.toml"
    path.write_text(entry_toml("org.wide", phrases=[phrase], examples=[f"550 {phrase}"]))
    kb = load(tmp_path, with_ours=False)
    assert problems_in(kb, path) == []


def test_phrase_of_eight_characters_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(entry_toml("org.eight", phrases=["overfull"], examples=["550 overfull"]))
    assert problems_in(load(tmp_path), path) == []


@pytest.mark.parametrize(
    ("replace", "expect"),
    [
        (('reason = "rejected"', 'reason = "nope"'), "unknown reason"),
        (('permanence = "permanent"', 'permanence = "forever"'), "permanence must be"),
        (('who = "sender"', 'who = "everyone"'), "who must be"),
        (('id = "org.case"', 'id = "Org Case"'), "id must be"),
    ],
)
def test_bad_values(tmp_path: Path, replace: tuple[str, str], expect: str) -> None:
    path = tmp_path / "org.toml"
    path.write_text(entry_toml("org.case", phrases=["org case wording"]).replace(*replace))
    assert any(expect in p.message for p in problems_in(load(tmp_path), path))


def test_bad_regex(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(entry_toml("org.rx", extra="patterns = ['org (unclosed']"))
    kb = load(tmp_path)
    found = [p for p in problems_in(kb, path) if "does not compile" in p.message]
    assert len(found) == 1
    assert found[0].line == line_of(path, '"org.rx"')
    assert "org.rx" not in kb.by_id()


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        # what RE2 cannot run: look-around and back-references (it never backtracks)
        ("(?<=org )relay refused", "does not compile under RE2"),
        ("org relay (?!accepted)", "does not compile under RE2"),
        ("(org)-relay \\1", "does not compile under RE2"),
        # no plain text every match must hold: such a pattern would run on every text
        ("(?:x|x)*y", "requires no plain text"),
        ("(a+)+", "requires no plain text"),
        ("(\\w+\\s?)+", "requires no plain text"),
        ("\\d{3} \\w+", "requires no plain text"),
    ],
)
def test_pattern_unfit_for_user_text_is_refused(tmp_path: Path, pattern: str, why: str) -> None:
    path = tmp_path / "org.toml"
    path.write_text(entry_toml("org.rx", phrases=["org relay wording"], extra=f"patterns = ['{pattern}']"))
    kb = load(tmp_path)
    found = [p for p in problems_in(kb, path) if why in p.message]
    assert len(found) == 1, problems_in(kb, path)
    assert "org.rx" not in kb.by_id()
    assert [p for p in problems_in(lint(kb), path) if why in p.message] == found  # kb lint says so


def test_pattern_with_a_core_group_counts_only_that_part(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(entry_toml("org.core", extra="patterns = ['acme relay (?P<core>refused) you']"))
    engine = Engine(load(tmp_path))
    finding = engine.explain("550 acme relay refused you").best
    assert finding is not None and finding.entry_id == "org.core"
    assert finding.matched_text == "refused"


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("org {99999999999999}", "a repeat count over 1000"),  # text to RE2, a repeat to re
        ("(" * 600 + "org deep" + ")" * 600, "nested too deeply"),
        ("[[:alpha:]]org", "read differently"),  # a letter to RE2, the characters [:alph] to re
    ],
)
def test_regex_the_literal_finder_does_not_read_is_a_problem_not_a_crash(
    tmp_path: Path, pattern: str, why: str
) -> None:
    path = tmp_path / "org.toml"
    path.write_text(entry_toml("org.rx", extra=f"patterns = ['{pattern}']"))
    kb = load(tmp_path)
    found = [p for p in problems_in(kb, path) if "literal finder does not read" in p.message]
    assert len(found) == 1 and why in found[0].message
    assert len(found[0].message) < 200  # a long pattern is quoted by its start
    assert "org.rx" not in kb.by_id()
    assert Engine(kb).explain("452").findings[0].reply_code == "452"  # the rest still loads


def test_entry_that_matches_nothing(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(entry_toml("org.nothing"))
    assert any("needs at least one of" in p.message for p in problems_in(load(tmp_path), path))


def test_codes_as_a_string_instead_of_a_list(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(entry_toml("org.str", phrases=["org string wording"], extra='codes = "550"'))
    assert any("codes must be a list" in p.message for p in problems_in(load(tmp_path), path))


def test_bad_fallback_action(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(entry_toml("org.fb", extra='fallback_for = "bounced"'))
    assert any("fallback_for must be" in p.message for p in problems_in(load(tmp_path), path))


@pytest.mark.parametrize("month", ["2026-13", "26-01", "2026-1", "last year"])
def test_checked_must_be_a_month(tmp_path: Path, month: str) -> None:
    path = tmp_path / "org.toml"
    path.write_text(entry_toml("org.when", phrases=["org dated wording"], extra=f'checked = "{month}"'))
    assert any("checked must be a month" in p.message for p in problems_in(load(tmp_path), path))


def test_stale_entry_and_front_page_reference_are_warnings(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(
        entry_toml(
            "org.old",
            phrases=["org stale wording"],
            extra='checked = "2020-01"\nadmin_fix = ["Look at https://postmaster.example/ first."]',
        ).replace('references = ["RFC 5321"]', 'references = ["https://postmaster.example/"]')
    )
    found = problems_in(lint(load(tmp_path)), path)
    assert {p.warning for p in found} == {True}
    assert any("over 18 months ago" in p.message for p in found)
    assert any("only a site's front page" in p.message for p in found)


def test_fresh_entry_citing_a_page_has_no_warning(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    fresh = datetime.date.today().strftime("%Y-%m")
    path.write_text(
        entry_toml("org.fresh", phrases=["org fresh wording"], extra=f'checked = "{fresh}"').replace(
            'references = ["RFC 5321"]', 'references = ["https://postmaster.example/codes"]'
        )
    )
    assert problems_in(lint(load(tmp_path)), path) == []


def test_counterexample_that_matches_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(
        entry_toml(
            "org.broad",
            phrases=["unknown recipient"],
            extra='counterexamples = ["550 Excessive unknown recipients - possible Open Relay", "452 busy"]',
        )
    )
    found = [p for p in problems_in(lint(load(tmp_path)), path) if not p.warning]
    assert len(found) == 1
    assert "counterexample '550 Excessive unknown recipients" in found[0].message


def test_provider_problems(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(
        '[[provider]]\nhosts = ["acme.example"]\n\n[[provider]]\nname = "Acme"\nhosts = [3]\n'
        '\n[[provider]]\nname = "Acme Lists"\nfamily = 3\nblocklist = "yes"\n'
        "formats = ['AB[0-9]{2}', 'ACME([0-9]', 'ACME#[0-9]{2}']\n"
    )
    found = problems_in(load(tmp_path), path)
    assert any("without a name" in p.message for p in found)
    assert any("hosts must be strings" in p.message for p in found)
    assert any("family must be a string" in p.message for p in found)
    assert any("blocklist must be true or false" in p.message for p in found)
    assert any("'AB[0-9]{2}' must begin with 3+ plain characters" in p.message for p in found)
    assert any("format 'ACME([0-9]'" in p.message for p in found)
    assert not any("ACME#" in p.message for p in found)


def test_each_problem_names_its_own_entry_line(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(
        entry_toml("org.a", phrases=["org a wording"], reason="bad1")
        + entry_toml("org.b", phrases=["org b wording"])
        + entry_toml("org.c", phrases=["org c wording"], reason="bad2")
    )
    found = problems_in(load(tmp_path), path)
    assert sorted(p.line for p in found) == [line_of(path, '"org.a"'), line_of(path, '"org.c"')]


def test_one_bad_entry_does_not_stop_the_good_ones(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(
        entry_toml("org.bad", phrases=["x"])
        + entry_toml("org.good", phrases=["acme gateway held the message"])
    )
    engine = Engine(load(tmp_path))
    assert "org.bad" not in engine.by_id
    assert engine.explain("550 5.7.1 acme gateway held the message").best.entry_id == "org.good"


# --- ids, duplicates and the organisation's precedence ----------------------------------------------


def test_duplicate_id_within_the_organisation_folder(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(entry_toml("org.same", phrases=["org first wording"]))
    second = tmp_path / "b.toml"
    second.write_text("\n" + entry_toml("org.same", phrases=["org second wording"]))
    kb = load(tmp_path)
    (problem,) = problems_in(kb, second)
    assert "duplicate id" in problem.message
    assert problem.line == line_of(second, '"org.same"')
    assert kb.by_id()["org.same"].phrases == ("org first wording",)


def test_duplicate_id_within_our_folder(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    ours.mkdir()
    (ours / "a.toml").write_text(entry_toml("our.same", phrases=["our first wording"]))
    (ours / "b.toml").write_text(entry_toml("our.same", phrases=["our second wording"]))
    kb = load_knowledge([(ours, False)])
    assert any("duplicate id" in p.message for p in kb.problems)


def test_organisation_entry_replaces_ours_with_the_same_id(tmp_path: Path) -> None:
    (tmp_path / "org.toml").write_text(
        entry_toml("generic.userunknown", phrases=["no such mailbox at acme"], reason="userunknown")
    )
    kb = load(tmp_path)
    assert kb.problems == []
    replaced = kb.by_id()["generic.userunknown"]
    assert replaced.local and replaced.phrases == ("no such mailbox at acme",)
    assert [e.id for e in kb.entries].count("generic.userunknown") == 1
    engine = Engine(kb)
    assert engine.explain("550 no such mailbox at acme").best.entry_id == "generic.userunknown"
    # our old phrases went with our entry
    assert "generic.userunknown" not in {f.entry_id for f in engine.explain("user unknown").findings}


def test_organisation_wins_a_tie_on_the_same_phrase(tmp_path: Path) -> None:
    (tmp_path / "org.toml").write_text(
        entry_toml("acme.userunknown", phrases=["user unknown"], codes=["550", "5.1.1"], reason="userunknown")
    )
    engine = Engine(load(tmp_path))
    assert engine.explain("550 5.1.1 user unknown").best.entry_id == "acme.userunknown"


def test_organisation_does_not_win_when_ours_is_more_specific(tmp_path: Path) -> None:
    """A tie-break, not a trump card: a longer, more specific phrase of ours still wins."""
    (tmp_path / "org.toml").write_text(
        entry_toml("acme.dmarc", phrases=["dmarc policy"], reason="authfailure")
    )
    engine = Engine(load(tmp_path))
    text = "550-5.7.26 Unauthenticated email from x.org is not accepted due to domain's DMARC policy"
    assert engine.explain(text).best.entry_id == "google.dmarc"


def test_organisation_code_entry_replaces_ours_for_that_code(tmp_path: Path) -> None:
    (tmp_path / "org.toml").write_text(
        entry_toml("acme.452", codes=["452"], reason="systemfull", examples=["452"])
    )
    kb = load(tmp_path)
    engine = Engine(kb)
    assert engine.explain("452").best.entry_id == "acme.452"
    # overriding a code is intended, so the linter does not call it a conflict
    assert not any("several code entries" in p.message for p in lint(kb))


def test_our_code_entries_must_not_share_a_code(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    ours.mkdir()
    (ours / "a.toml").write_text(
        entry_toml("our.a", codes=["452"], examples=["452"])
        + entry_toml("our.b", codes=["452"], examples=["452"])
    )
    assert any("several code entries" in p.message for p in lint(load_knowledge([(ours, False)])))


def test_organisation_fallback_replaces_ours(tmp_path: Path) -> None:
    ours = tmp_path / "ours"
    org = tmp_path / "org"
    ours.mkdir()
    org.mkdir()
    (ours / "f.toml").write_text(entry_toml("our.fallback", extra='fallback_for = "failed"', examples=["x"]))
    (org / "f.toml").write_text(entry_toml("org.fallback", extra='fallback_for = "failed"', examples=["x"]))
    engine = Engine(load_knowledge([(ours, False), (org, True)]))
    text = "Final-Recipient: rfc822; a@b.example\nAction: failed\nDiagnostic-Code: smtp; something odd\n"
    assert engine.explain(text).best.entry_id == "org.fallback"


# --- the linter ------------------------------------------------------------------------------------


def test_lint_example_resolving_elsewhere(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(
        entry_toml("org.wrong", phrases=["org special wording"], examples=["550 5.1.1 user unknown"])
    )
    found = problems_in(lint(load(tmp_path)), path)
    (problem,) = found
    assert "resolves to generic.userunknown" in problem.message
    assert problem.line == line_of(path, '"org.wrong"')


def test_lint_example_resolving_to_nothing(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(entry_toml("org.none", phrases=["org special wording"], examples=["hello there"]))
    (problem,) = problems_in(lint(load(tmp_path)), path)
    assert "resolves to nothing" in problem.message


def test_lint_unknown_provider(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(entry_toml("org.prov", phrases=["org provider wording"], extra='provider = "Nobody Inc"'))
    assert any("not in providers.toml" in p.message for p in problems_in(lint(load(tmp_path)), path))


def test_lint_accepts_a_good_organisation_folder(tmp_path: Path) -> None:
    (tmp_path / "org.toml").write_text(
        '[[provider]]\nname = "Acme"\nhosts = ["acme.example"]\n\n'
        + entry_toml("acme.hold", phrases=["held by acme quarantine"], extra='provider = "Acme"')
    )
    assert lint(load(tmp_path)) == []


def test_lint_output_is_sorted_by_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "b.toml").write_text(entry_toml("org.b", phrases=["x"]))
    (tmp_path / "a.toml").write_text(
        "\n\n" + entry_toml("org.a", phrases=["y"]) + entry_toml("org.a2", phrases=["z"])
    )
    problems = lint(load(tmp_path))
    keys = [(p.file, p.line) for p in problems]
    assert keys == sorted(keys)


# --- where the organisation's folder comes from ----------------------------------------------------


def test_knowledge_dirs_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    monkeypatch.setenv("SMTPBOT_KNOWLEDGE_DIR", f"{one}{os.pathsep}{two}")
    dirs = knowledge_dirs()
    assert dirs[0][1] is False  # ours first
    assert dirs[1:] == [(str(one), True), (str(two), True)]


def test_knowledge_dirs_explicit_empty_ignores_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTPBOT_KNOWLEDGE_DIR", str(tmp_path))
    assert len(knowledge_dirs("")) == 1


def test_engine_load_reads_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "org.toml").write_text(
        entry_toml("acme.envcheck", phrases=["acme environment check wording"])
    )
    monkeypatch.setenv("SMTPBOT_KNOWLEDGE_DIR", str(tmp_path))
    engine = Engine.load()
    assert engine.by_id["acme.envcheck"].local
    assert engine.explain("550 5.7.1 acme environment check wording").best.entry_id == "acme.envcheck"


def test_reason_at_rcpt_must_be_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    phrases = ["org refused wording"]
    path.write_text(entry_toml("org.rcpt", phrases=phrases, extra='reason_at_rcpt = "nosuchuser"'))
    assert any("reason_at_rcpt must be" in p.message for p in problems_in(load(tmp_path), path))
    path.write_text(entry_toml("org.rcpt", phrases=phrases, extra='reason_at_rcpt = "userunknown"'))
    assert load(tmp_path).by_id()["org.rcpt"].reason_at_rcpt == "userunknown"


PAGES = [f"https://help.example{i}.net/bounces" for i in range(4)]


@pytest.mark.parametrize(("folder", "pages", "problem"), [
    ("generic", PAGES, True),  # a reader is shown four hosts' pages for a meaning the RFC gives
    ("generic", PAGES[:3], False),
    ("providers", PAGES, False),  # a provider's own entry may cite its pages
])  # fmt: skip
def test_a_generic_entry_cites_a_few_pages_and_keeps_its_sources_apart(
    tmp_path: Path, folder: str, pages: list[str], problem: bool
) -> None:
    path = tmp_path / folder / "org.toml"
    path.parent.mkdir()
    refs = ", ".join(f'"{p}"' for p in ["RFC 5321", *pages])
    path.write_text(
        entry_toml("org.refs", phrases=["org cited wording"]).replace(
            'references = ["RFC 5321"]', f'references = [{refs}]\nsources = ["https://forum.example/t/1"]'
        )
    )
    kb = load(tmp_path)
    assert next(e for e in kb.entries if e.id == "org.refs").sources == ("https://forum.example/t/1",)
    found = [p for p in problems_in(lint(kb), path) if "web pages in references" in p.message]
    assert bool(found) == problem and not any(p.warning for p in found)


def test_a_note_of_where_wording_was_found_belongs_in_sources(tmp_path: Path) -> None:
    path = tmp_path / "generic" / "org.toml"
    path.parent.mkdir()
    path.write_text(
        entry_toml("org.note", phrases=["org noted wording"]).replace(
            'references = ["RFC 5321"]',
            'references = ["RFC 5321", "Some hosts\' German notices (wording as facts)"]',
        )
    )
    assert any("put it in sources" in p.message for p in problems_in(lint(load(tmp_path)), path))
