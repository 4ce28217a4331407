"""The matching engine: pure Python, NumPy and SciPy (no Flask, no SQLAlchemy). See docs/matching.md.

    result = match(mentors, mentees, Rules(...), Weights(...), threshold=0.5, progress=callback)

The types, the vocabulary and the explanations are pure Python; `match` and `evaluate_pair` (the engine:
NumPy and SciPy) are loaded when first used, so a web worker that only reads stored results, explanations or
weights never imports NumPy or SciPy (a test checks it).
"""

from typing import TYPE_CHECKING, Any

from tandem.platform.matching.explain import explain_en, explain_unmatched_en
from tandem.platform.matching.types import (
    DEFAULT_THRESHOLD,
    Candidate,
    Certificate,
    Criterion,
    Figures,
    MatchingError,
    MatchResult,
    ProposedPair,
    Rules,
    Unmatched,
    Weights,
    explanation_topic_ids,
    stored_criteria,
)
from tandem.platform.matching.vocabulary import MENTEE, MENTOR

if TYPE_CHECKING:
    from tandem.platform.matching.engine import evaluate_pair, match

__all__ = [
    "DEFAULT_THRESHOLD", "MENTEE", "MENTOR", "Candidate", "Certificate", "Criterion", "Figures", "MatchResult",
    "MatchingError", "ProposedPair", "Rules", "Unmatched", "Weights", "evaluate_pair", "explain_en",
    "explain_unmatched_en", "explanation_topic_ids", "match", "stored_criteria",
]


def __getattr__(name: str) -> Any:
    """`match` and `evaluate_pair`, imported from the engine on first use (PEP 562)."""
    if name in ("match", "evaluate_pair"):
        from tandem.platform.matching import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
