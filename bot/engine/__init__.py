"""The explanation engine: plain Python, no Slack. `Engine.load().explain(text)`."""

from .engine import Engine
from .knowledge import KnowledgeBase, load_knowledge
from .model import REASONS, Entry, Explanation, Finding

__all__ = [
    "REASONS",
    "Engine",
    "Entry",
    "Explanation",
    "Finding",
    "KnowledgeBase",
    "Problem",
    "load_knowledge",
]


def __getattr__(name: str) -> object:
    # `Problem` comes with the TOML reader, which a start-up served from the cache never loads
    if name == "Problem":
        from .knowledge_files import Problem

        return Problem
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
