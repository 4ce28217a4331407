"""The matching engine: pure Python, NumPy and SciPy (no Flask, no SQLAlchemy). See docs/matching.md.

    result = match(mentors, mentees, Rules(...), Weights(...), threshold=0.5, progress=callback)
"""

from tandem.platform.matching.engine import evaluate_pair, match
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

__all__ = [
    "DEFAULT_THRESHOLD", "MENTEE", "MENTOR", "Candidate", "Certificate", "Criterion", "Figures", "MatchResult",
    "MatchingError", "ProposedPair", "Rules", "Unmatched", "Weights", "evaluate_pair", "explain_en",
    "explain_unmatched_en", "explanation_topic_ids", "match", "stored_criteria",
]
