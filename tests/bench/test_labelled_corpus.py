"""bench/labelled_corpus.py reads a whole per-family corpus, or one family folder of it on its own."""

from __future__ import annotations

from repo_paths import REPO, bench_module

labelled_corpus = bench_module("labelled_corpus")

CORPUS = REPO / "bench" / "corpus-mta"


def test_one_family_folder_reads_the_same_labels_as_the_whole_corpus() -> None:
    whole = [label for label in labelled_corpus.load_labels(CORPUS, None) if label.id.startswith("postfix-")]
    family = labelled_corpus.load_labels(CORPUS / "postfix", None)
    assert family == whole
    assert all(label.path.is_file() for label in family)


def test_a_family_folder_keeps_the_corpus_meaning_of_hard_and_soft() -> None:
    assert labelled_corpus.is_family_folder(CORPUS / "postfix")
    assert not labelled_corpus.is_family_folder(CORPUS)
    by_class = labelled_corpus.HARD_SOFT_BY_CLASS
    assert labelled_corpus.hard_soft_semantics(CORPUS / "postfix") == by_class
    assert labelled_corpus.hard_soft_semantics(CORPUS) == by_class
