"""The explanation engine: plain Python, no Slack. `Engine.load().explain(text)`."""

from .engine import Engine
from .knowledge import KnowledgeBase, Problem, load_knowledge
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
