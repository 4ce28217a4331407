"""Synthetic cohorts for the matching benchmark, from a seeded random generator.

Shaped like the club: organisations of uneven size (a few large members, many small ones), German-speaking
majority with French, some Italian and English; topic demand skewed towards a few fashionable topics while
offers are spread wider; young mentors and senior mentees with some noise; a few excluded organisation
pairs; some people of this cohort paired in an earlier one; about one mentor in ten may take two mentees.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tandem.platform.matching import Candidate, Rules
from tandem.platform.matching.vocabulary import CAREER_BANDS, FORMATS, WEEKDAYS

TOPICS = (
    "AI", "social media", "data protection", "remote work", "video editing", "podcasts", "e-commerce",
    "cyber security", "spreadsheets", "no-code tools", "gaming", "sustainability", "diversity", "open source",
    "design", "cloud", "crypto", "public speaking", "mobile apps", "online communities",
)
CITIES = ("Zurich", "Bern", "Geneva", "Basel", "Lausanne", "Lugano", "Lucerne", "St. Gallen")
CITY_WEIGHTS = (0.3, 0.15, 0.15, 0.12, 0.1, 0.06, 0.07, 0.05)


@dataclass(frozen=True)
class Cohort:
    mentors: tuple[Candidate, ...]
    mentees: tuple[Candidate, ...]
    rules: Rules
    topic_labels: dict[int, str]
    organisations: int


def _weights(n: int, skew: float) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** skew
    return w / w.sum()


def generate(per_side: int, seed: int = 0, capacity_two_share: float = 0.1, *, stars: float = 0.0,
             dominant: float = 0.0, islands: float = 0.0) -> Cohort:
    """A cohort with `per_side` mentors and `per_side` mentees.

    Traps for a solver that prunes candidate pairs (all 0 by default, the club's shape):
    - `stars`: this share of each side are everyone's best partners (they speak the four languages and meet
      in any format in Zurich every weekday; star mentors offer every topic and are the most junior, star
      mentees want the most offered topic and are the most senior);
    - `dominant`: this share of people belong to organisation 1 (they can only pair outside it);
    - `islands`: this share of people speak only Romansh or only English, with their own organisations.
    """
    rng = np.random.default_rng(seed)
    n_orgs = max(4, per_side // 20)
    org_weights = _weights(n_orgs, 1.1)  # Zipf-like: a few big organisations, a long tail
    if dominant:
        org_weights = np.concatenate([[dominant], (1 - dominant) * org_weights[1:] / org_weights[1:].sum()])
    topic_ids = np.arange(1, len(TOPICS) + 1)
    demand = _weights(len(TOPICS), 1.2)  # mentees want a few topics far more than others
    supply = _weights(len(TOPICS), 0.4)
    # each organisation works in a main language: mostly de, some fr, few it and en
    org_language = rng.choice(["de", "fr", "it", "en"], size=n_orgs, p=[0.68, 0.24, 0.05, 0.03])

    def person(pid: int, role: str) -> Candidate:
        org = int(rng.choice(n_orgs, p=org_weights))
        languages = {str(org_language[org])}
        if rng.random() < 0.35:
            languages.add(str(rng.choice(["de", "fr", "en", "it"], p=[0.35, 0.25, 0.35, 0.05])))
        k = int(rng.integers(2, 6))
        picks = rng.choice(topic_ids, size=k, replace=False, p=demand if role == "mentee" else supply)
        topics = {int(t): (i + 1 if i < 3 else None) for i, t in enumerate(picks)}
        fmt = str(rng.choice(FORMATS, p=[0.25, 0.35, 0.40]))
        city = str(rng.choice(CITIES, p=CITY_WEIGHTS)) if fmt != "remote" or rng.random() < 0.5 else None
        days = frozenset(str(d) for d in rng.choice(WEEKDAYS, size=int(rng.integers(1, 4)), replace=False))
        if role == "mentor":
            band = CAREER_BANDS[int(rng.choice(5, p=[0.5, 0.3, 0.12, 0.06, 0.02]))]
            capacity = 2 if rng.random() < capacity_two_share else 1
        else:
            band = CAREER_BANDS[int(rng.choice(5, p=[0.02, 0.05, 0.18, 0.4, 0.35]))]
            capacity = 1
        draw = rng.random() if stars or islands else 1.0  # the club's shape draws nothing more: same cohorts
        if draw < stars:
            fmt, city, days, languages = "both", "Zurich", frozenset(WEEKDAYS), {"de", "fr", "it", "en"}
            if role == "mentor":
                topics = {int(t): (i + 1 if i < 3 else None) for i, t in enumerate(topic_ids)}
                band = CAREER_BANDS[0]
            else:
                topics = {int(topic_ids[0]): 1}
                band = CAREER_BANDS[-1]
        elif draw < stars + islands:
            island = int(rng.integers(2))
            languages = {("rm", "en")[island]}
            org = n_orgs - 1 - island - 2 * int(rng.integers(2))  # two small organisations per island
        return Candidate(id=pid, person_key=10_000_000 + pid, organisation_id=org + 1, languages=frozenset(languages),
                         topics=topics, format=fmt, city=city, weekdays=days, career_band=band, capacity=capacity)

    mentors = tuple(person(i, "mentor") for i in range(1, per_side + 1))
    mentees = tuple(person(per_side + i, "mentee") for i in range(1, per_side + 1))
    pairs = {frozenset(int(x) + 1 for x in rng.choice(n_orgs, size=2, replace=False))
             for _ in range(max(1, n_orgs * n_orgs // 60))}
    earlier = set()
    for _ in range(per_side // 20):
        mentor, mentee = mentors[int(rng.integers(per_side))], mentees[int(rng.integers(per_side))]
        earlier.add((mentor.person_key, mentee.person_key))
    rules = Rules(excluded_organisation_pairs=frozenset(pairs), earlier_pairs=frozenset(earlier))
    labels = {int(t): TOPICS[int(t) - 1] for t in topic_ids}
    return Cohort(mentors=mentors, mentees=mentees, rules=rules, topic_labels=labels, organisations=n_orgs)
