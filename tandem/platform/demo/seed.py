"""The demo club: a Swiss club of communication leaders with eight member organisations.

`seed_demo(session)` fills an empty database with a believable club, or completes a partly seeded one:
every row is found by its natural key first (slug for organisations, topics and cohorts, e-mail for
people, the pair of ids for link rows) and created only when missing, so running it again creates
nothing and never overwrites what someone changed while trying the demo. Dates are relative to `today`,
so the running cohort is always running. No randomness; the same `today` gives the same data.

All writes happen in an explicit club scope (the demo spans every tenant); tenant-owned rows get their
`organisation_id` set here, never from a tenant scope.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.audit_models import AuditEvent
from tandem.platform.board.models import BoardMember, OrganisationExclusion, Topic
from tandem.platform.cohorts.matching_input import load_matching_input
from tandem.platform.cohorts.models import (
    Cohort,
    CohortQuota,
    CohortState,
    Participation,
    ParticipationRole,
    ParticipationStatus,
)
from tandem.platform.identity.models import User
from tandem.platform.matching import DEFAULT_THRESHOLD, MatchingError, Rules, Weights, match
from tandem.platform.participant.models import PROFILE_LANGUAGES, WEEKDAYS, Profile, ProfileTopic
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import MatchingRun, MatchingRunStatus, Pair, PairStatus
from tandem.tenants.models import Organisation, OrganisationAdmin, OrganisationDomain, OrganisationStatus

CONSENT_VERSION = "2026-01"

MENTOR = ParticipationRole.MENTOR
MENTEE = ParticipationRole.MENTEE


# --------------------------------------------------------------------------------------------- data


@dataclass(frozen=True)
class OrgSpec:
    slug: str
    name: str
    domains: tuple[str, ...]
    city: str
    country: str
    status: str = OrganisationStatus.ACTIVE


@dataclass(frozen=True)
class PersonSpec:
    first: str
    last: str
    org: str
    language: str = "de"
    speaks: tuple[str, ...] = ("de", "en")
    role: str | None = None  # mentor (young) or mentee (senior); None for admins and the board
    topics: tuple[str, ...] = ()  # a mentor offers them, a mentee wishes for them

    @property
    def display_name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def key(self) -> str:
        return f"{ascii_email_part(self.first)}.{ascii_email_part(self.last)}"


ORGANISATIONS: tuple[OrgSpec, ...] = (
    OrgSpec("alpenbank-zuerich", "Alpenbank Zürich", ("alpenbank.example", "alpenbank-zuerich.example"),
            "Zürich", "CH"),
    OrgSpec("rhein-energie-basel", "Rhein Energie Basel", ("rheinenergie.example",), "Basel", "CH"),
    OrgSpec("berner-verkehrsbetriebe", "Berner Verkehrsbetriebe", ("bernerverkehr.example",), "Bern", "CH"),
    OrgSpec("lemanis-assurances", "Lemanis Assurances", ("lemanis.example", "lemanis-assurances.example"),
            "Lausanne", "CH"),
    OrgSpec("hanse-logistik-hamburg", "Hanse Logistik Hamburg", ("hanse-logistik.example",), "Hamburg", "DE"),
    OrgSpec("stadtwerke-freiburg", "Stadtwerke Freiburg", ("stadtwerke-freiburg.example",),
            "Freiburg im Breisgau", "DE"),
    OrgSpec("medienhaus-aargau", "Medienhaus Aargau", ("medienhaus-aargau.example",), "Aarau", "CH",
            status=OrganisationStatus.SUSPENDED),
    OrgSpec("bodensee-kliniken", "Bodensee Kliniken", ("bodensee-kliniken.example",), "Konstanz", "DE"),
)

# Two organisations whose people are never paired: (slug, slug, reason).
EXCLUSIONS: tuple[tuple[str, str, str], ...] = (
    ("alpenbank-zuerich", "lemanis-assurances",
     "Compete for the same occupational pension (2nd pillar) mandates."),
    ("rhein-energie-basel", "stadtwerke-freiburg",
     "Direct competitors for business customers in the tri-border region."),
)

TOPICS: tuple[tuple[str, str, str, str], ...] = (
    ("digital-tools", "Digitale Werkzeuge", "Outils numériques", "Digital tools"),
    ("social-media", "Social Media", "Réseaux sociaux", "Social media"),
    ("artificial-intelligence", "Künstliche Intelligenz", "Intelligence artificielle", "Artificial intelligence"),
    ("diversity-inclusion", "Diversität und Inklusion", "Diversité et inclusion", "Diversity and inclusion"),
    ("new-work", "Neue Arbeitsformen", "Nouvelles façons de travailler", "New ways of working"),
    ("feedback-culture", "Feedbackkultur", "Culture du feedback", "Feedback culture"),
    ("sustainability", "Nachhaltigkeit", "Durabilité", "Sustainability"),
    ("employer-branding", "Employer Branding", "Marque employeur", "Employer branding"),
    ("hybrid-leadership", "Hybride Führung", "Leadership hybride", "Hybrid leadership"),
    ("data-literacy", "Datenkompetenz", "Culture des données", "Data literacy"),
)

# One admin per organisation, in the order of ORGANISATIONS.
ADMINS: tuple[PersonSpec, ...] = (
    PersonSpec("Sandra", "Frei", "alpenbank-zuerich"),
    PersonSpec("Daniel", "Sutter", "rhein-energie-basel"),
    PersonSpec("Karin", "Lüthi", "berner-verkehrsbetriebe"),
    PersonSpec("Olivier", "Rapin", "lemanis-assurances", "fr", ("fr", "de", "en")),
    PersonSpec("Kai", "Jessen", "hanse-logistik-hamburg"),
    PersonSpec("Stefan", "Armbruster", "stadtwerke-freiburg"),
    PersonSpec("Markus", "Hunziker", "medienhaus-aargau"),
    PersonSpec("Petra", "Eggenberger", "bodensee-kliniken"),
)

# The club board; the first is the president (who requests the matching runs).
BOARD: tuple[PersonSpec, ...] = (
    PersonSpec("Regula", "Widmer", "alpenbank-zuerich"),
    PersonSpec("Marc", "Hofer", "berner-verkehrsbetriebe"),
    PersonSpec("Catherine", "Morel", "lemanis-assurances", "fr", ("fr", "de", "en")),
)

_FR = ("fr", "de")
_FR_EN = ("fr", "en")

# The nominated people: young mentors and senior mentees, spread unevenly over the organisations.
PEOPLE: tuple[PersonSpec, ...] = (
    # Alpenbank Zürich
    PersonSpec("Lara", "Meier", "alpenbank-zuerich", role=MENTOR,
               topics=("social-media", "employer-branding", "digital-tools")),
    PersonSpec("Noah", "Brunner", "alpenbank-zuerich", role=MENTOR,
               topics=("artificial-intelligence", "data-literacy")),
    PersonSpec("Elif", "Yilmaz", "alpenbank-zuerich", role=MENTOR,
               topics=("diversity-inclusion", "social-media", "new-work")),
    PersonSpec("Jonas", "Keller", "alpenbank-zuerich", role=MENTOR,
               topics=("artificial-intelligence", "digital-tools", "hybrid-leadership")),
    PersonSpec("Beat", "Zimmermann", "alpenbank-zuerich", role=MENTEE,
               topics=("social-media", "artificial-intelligence")),
    PersonSpec("Ursula", "Hägeli", "alpenbank-zuerich", role=MENTEE,
               topics=("new-work", "hybrid-leadership", "feedback-culture")),
    PersonSpec("Martin", "Schnyder", "alpenbank-zuerich", role=MENTEE,
               topics=("employer-branding", "sustainability")),
    # Rhein Energie Basel
    PersonSpec("Mia", "Vogt", "rhein-energie-basel", speaks=("de", "en", "fr"), role=MENTOR,
               topics=("sustainability", "social-media", "feedback-culture")),
    PersonSpec("Luca", "Bianchi", "rhein-energie-basel", role=MENTOR,
               topics=("digital-tools", "data-literacy", "artificial-intelligence")),
    PersonSpec("Aylin", "Demir", "rhein-energie-basel", role=MENTOR,
               topics=("diversity-inclusion", "feedback-culture")),
    PersonSpec("Andreas", "Gysin", "rhein-energie-basel", speaks=("de", "fr", "en"), role=MENTEE,
               topics=("artificial-intelligence", "data-literacy", "digital-tools")),
    PersonSpec("Christine", "Merian", "rhein-energie-basel", role=MENTEE,
               topics=("social-media", "employer-branding")),
    PersonSpec("Felix", "Burckhardt", "rhein-energie-basel", role=MENTEE,
               topics=("artificial-intelligence", "hybrid-leadership")),
    # Berner Verkehrsbetriebe
    PersonSpec("Nina", "Zbinden", "berner-verkehrsbetriebe", speaks=("de", "fr", "en"), role=MENTOR,
               topics=("social-media", "new-work")),
    PersonSpec("Samuel", "Aebischer", "berner-verkehrsbetriebe", speaks=("de", "fr"), role=MENTOR,
               topics=("hybrid-leadership", "digital-tools", "sustainability")),
    PersonSpec("Hansjörg", "Steiner", "berner-verkehrsbetriebe", role=MENTEE,
               topics=("artificial-intelligence", "data-literacy", "social-media")),
    PersonSpec("Monika", "Wyss", "berner-verkehrsbetriebe", role=MENTEE,
               topics=("digital-tools", "data-literacy")),
    PersonSpec("Peter", "Rüegsegger", "berner-verkehrsbetriebe", role=MENTEE,
               topics=("digital-tools", "feedback-culture", "new-work")),
    # Lemanis Assurances (Lausanne, French-speaking)
    PersonSpec("Chloé", "Favre", "lemanis-assurances", "fr", ("fr", "en", "de"), role=MENTOR,
               topics=("social-media", "employer-branding", "diversity-inclusion")),
    PersonSpec("Maxime", "Rochat", "lemanis-assurances", "fr", _FR, role=MENTOR,
               topics=("artificial-intelligence", "digital-tools")),
    PersonSpec("Inès", "Bonvin", "lemanis-assurances", "fr", _FR_EN, role=MENTOR,
               topics=("sustainability", "feedback-culture")),
    PersonSpec("Jean-Luc", "Perrin", "lemanis-assurances", "fr", _FR, role=MENTEE,
               topics=("diversity-inclusion", "feedback-culture")),
    PersonSpec("Sophie", "Dubois", "lemanis-assurances", "fr", _FR, role=MENTEE,
               topics=("sustainability", "social-media", "feedback-culture")),
    PersonSpec("Nathalie", "Chappuis", "lemanis-assurances", "fr", _FR_EN, role=MENTEE,
               topics=("hybrid-leadership", "sustainability")),
    # Hanse Logistik Hamburg
    PersonSpec("Finn", "Petersen", "hanse-logistik-hamburg", role=MENTOR,
               topics=("new-work", "hybrid-leadership", "digital-tools")),
    PersonSpec("Priya", "Raman", "hanse-logistik-hamburg", "en", ("en", "de"), role=MENTOR,
               topics=("data-literacy", "artificial-intelligence", "diversity-inclusion")),
    PersonSpec("Jörg", "Claußen", "hanse-logistik-hamburg", role=MENTEE,
               topics=("diversity-inclusion", "social-media", "new-work")),
    PersonSpec("Birgit", "Lorenzen", "hanse-logistik-hamburg", role=MENTEE,
               topics=("artificial-intelligence", "hybrid-leadership", "data-literacy")),
    # Stadtwerke Freiburg
    PersonSpec("Lea", "Schäfer", "stadtwerke-freiburg", role=MENTOR,
               topics=("sustainability", "social-media", "employer-branding")),
    PersonSpec("Tim", "Hoffmann", "stadtwerke-freiburg", role=MENTOR,
               topics=("digital-tools", "new-work")),
    PersonSpec("Wolfgang", "Kübler", "stadtwerke-freiburg", role=MENTEE,
               topics=("employer-branding", "diversity-inclusion", "social-media")),
    PersonSpec("Gabriele", "Maier-Hoch", "stadtwerke-freiburg", role=MENTEE,
               topics=("sustainability", "data-literacy")),
    # Medienhaus Aargau (suspended; its people took part in the pilot)
    PersonSpec("Jana", "Gerber", "medienhaus-aargau", role=MENTOR,
               topics=("social-media", "artificial-intelligence")),
    PersonSpec("Leon", "Frey", "medienhaus-aargau", role=MENTOR,
               topics=("digital-tools", "feedback-culture")),
    PersonSpec("Rolf", "Baumann", "medienhaus-aargau", role=MENTEE,
               topics=("social-media", "new-work")),
    # Bodensee Kliniken
    PersonSpec("Sara", "Kälin", "bodensee-kliniken", speaks=("de", "fr", "en"), role=MENTOR,
               topics=("diversity-inclusion", "new-work", "feedback-culture")),
    PersonSpec("David", "Okafor", "bodensee-kliniken", "en", ("en", "de"), role=MENTOR,
               topics=("artificial-intelligence", "data-literacy", "hybrid-leadership")),
    PersonSpec("Emma", "Forster", "bodensee-kliniken", role=MENTOR,
               topics=("employer-branding", "social-media")),
    PersonSpec("Claudia", "Brändle", "bodensee-kliniken", role=MENTEE,
               topics=("sustainability", "feedback-culture")),
    PersonSpec("Urs", "Tobler", "bodensee-kliniken", role=MENTEE,
               topics=("diversity-inclusion", "feedback-culture", "artificial-intelligence")),
    # Nominated for the winter cohort, whose nominations have closed and which waits for its matching.
    PersonSpec("Timo", "Graf", "alpenbank-zuerich", role=MENTOR,
               topics=("artificial-intelligence", "social-media", "new-work")),
    PersonSpec("Hugo", "Lenz", "alpenbank-zuerich", role=MENTEE,
               topics=("hybrid-leadership", "new-work", "feedback-culture")),
    PersonSpec("Selina", "Roth", "rhein-energie-basel", role=MENTOR,
               topics=("feedback-culture", "diversity-inclusion", "employer-branding")),
    PersonSpec("Isabelle", "Morand", "berner-verkehrsbetriebe", "fr", ("fr",), role=MENTEE,
               topics=("social-media", "digital-tools", "employer-branding")),
    PersonSpec("Yann", "Berset", "lemanis-assurances", "fr", ("fr", "en"), role=MENTOR,
               topics=("social-media", "digital-tools", "sustainability")),
    PersonSpec("Hannah", "Wolff", "hanse-logistik-hamburg", role=MENTOR,
               topics=("data-literacy", "new-work", "hybrid-leadership")),
    PersonSpec("Dieter", "Brandt", "hanse-logistik-hamburg", role=MENTEE,
               topics=("artificial-intelligence", "data-literacy", "digital-tools")),
    PersonSpec("Jakob", "Ritter", "stadtwerke-freiburg", role=MENTOR,
               topics=("sustainability", "employer-branding", "social-media")),
    PersonSpec("Cornelia", "Eckert", "stadtwerke-freiburg", role=MENTEE,
               topics=("diversity-inclusion", "feedback-culture", "sustainability")),
    PersonSpec("Werner", "Kessler", "bodensee-kliniken", role=MENTEE,
               topics=("new-work", "social-media", "artificial-intelligence")),
    PersonSpec("Margrit", "Hess", "bodensee-kliniken", role=MENTEE,
               topics=("employer-branding", "hybrid-leadership", "data-literacy")),
    PersonSpec("Philippe", "Jaquet", "lemanis-assurances", "fr", ("fr", "de"), role=MENTEE,
               topics=("digital-tools", "social-media", "new-work")),
)


@dataclass(frozen=True)
class CohortSpec:
    slug: str
    name: str
    state: str
    venue: str | None
    languages: tuple[str, ...] = ("de", "fr", "en")


PILOT = CohortSpec("pilot-2025", "Pilot 2025", CohortState.ARCHIVED, "Kongresshaus Zürich", ("de", "fr"))
RUNNING = CohortSpec("cohort-2026", "Cohort 2026", CohortState.RUNNING, "Kursaal Bern")
OPEN = CohortSpec("cohort-2027", "Cohort 2027", CohortState.NOMINATIONS_OPEN,
                  "SwissTech Convention Center, Lausanne", ("de", "fr", "it", "en"))
DRAFT = CohortSpec("cohort-2028", "Cohort 2028", CohortState.DRAFT, None, ())
WINTER = CohortSpec("winter-2027", "Winter 2027", CohortState.MATCHING, "Kulturcasino Bern", ("de", "fr", "en"))
COHORTS = (PILOT, RUNNING, OPEN, DRAFT, WINTER)

# Pairs (mentor key, mentee key); everyone in them takes part, active, in that cohort.
PILOT_PAIRS: tuple[tuple[str, str], ...] = (
    ("noah.brunner", "hansjoerg.steiner"),
    ("mia.vogt", "claudia.braendle"),
    ("nina.zbinden", "rolf.baumann"),
    ("maxime.rochat", "andreas.gysin"),
    ("jana.gerber", "beat.zimmermann"),
    ("sara.kaelin", "jean-luc.perrin"),
    ("leon.frey", "peter.rueegsegger"),
)
RUNNING_PAIRS: tuple[tuple[str, str], ...] = (
    ("lara.meier", "christine.merian"),
    ("elif.yilmaz", "joerg.claussen"),
    ("luca.bianchi", "monika.wyss"),
    ("aylin.demir", "urs.tobler"),
    ("samuel.aebischer", "nathalie.chappuis"),
    ("chloe.favre", "wolfgang.kuebler"),
    ("finn.petersen", "ursula.haegeli"),
    ("lea.schaefer", "martin.schnyder"),
    ("david.okafor", "birgit.lorenzen"),
    ("mia.vogt", "sophie.dubois"),
)
# The winter cohort's people: all accepted, their profiles complete; nobody is paired yet (the board runs the
# matching in the demo). Nine mentees for eight mentors: one stays without a partner unless a mentor takes two.
WINTER_PEOPLE: tuple[str, ...] = (
    "nina.zbinden", "maxime.rochat", "sara.kaelin", "timo.graf", "selina.roth", "yann.berset", "hannah.wolff",
    "jakob.ritter",
    "andreas.gysin", "peter.rueegsegger", "hugo.lenz", "isabelle.morand", "dieter.brandt", "cornelia.eckert",
    "werner.kessler", "margrit.hess", "philippe.jaquet",
)
WINTER_QUOTAS: tuple[tuple[str, int, int], ...] = (
    ("alpenbank-zuerich", 1, 1),
    ("rhein-energie-basel", 1, 1),
    ("berner-verkehrsbetriebe", 1, 2),
    ("lemanis-assurances", 2, 1),
    ("hanse-logistik-hamburg", 1, 1),
    ("stadtwerke-freiburg", 1, 1),
    ("bodensee-kliniken", 1, 2),
)
# Nominations for the open cohort: (person key, status, note).
OPEN_NOMINATIONS: tuple[tuple[str, str, str | None], ...] = (
    ("jonas.keller", ParticipationStatus.ACTIVE, "Runs the bank's internal AI guild."),
    ("ines.bonvin", ParticipationStatus.INVITED, None),
    ("priya.raman", ParticipationStatus.ACTIVE, "Built our data dashboard for the works council."),
    ("tim.hoffmann", ParticipationStatus.NOMINATED, "Apprentice of the year 2025."),
    ("emma.forster", ParticipationStatus.INVITED, None),
    ("noah.brunner", ParticipationStatus.DECLINED, "Declined: parental leave in spring; again next year."),
    ("felix.burckhardt", ParticipationStatus.ACTIVE, None),
    ("gabriele.maier-hoch", ParticipationStatus.NOMINATED, None),
    ("beat.zimmermann", ParticipationStatus.INVITED, "Wants a second round after the pilot."),
    ("hansjoerg.steiner", ParticipationStatus.NOMINATED, None),
    ("claudia.braendle", ParticipationStatus.DECLINED, "Declined: takes over as CEO in January."),
    ("jean-luc.perrin", ParticipationStatus.ACTIVE, None),
)

# How many mentors and mentees each organisation may nominate for the open cohort: (slug, mentors, mentees).
# The suspended Medienhaus Aargau has none. The running cohort's quotas are exactly its places (from its pairs).
OPEN_QUOTAS: tuple[tuple[str, int, int], ...] = (
    ("alpenbank-zuerich", 2, 2),
    ("rhein-energie-basel", 1, 2),
    ("berner-verkehrsbetriebe", 1, 2),
    ("lemanis-assurances", 2, 2),
    ("hanse-logistik-hamburg", 2, 1),
    ("stadtwerke-freiburg", 2, 2),
    ("bodensee-kliniken", 2, 2),
)

# Profiles of the people taking part in the running and the open cohort. Most are complete; these are not.
# None: no profile at all (accepted, not started); otherwise the parts left out.
INCOMPLETE_PROFILES: dict[str, tuple[str, ...] | None] = {
    "monika.wyss": ("bio", "aims"),
    "urs.tobler": ("ranks",),
    "priya.raman": ("weekdays", "career_band"),
    "felix.burckhardt": None,
}
# Topics offered to fill a top three when a person named only two (the first not yet chosen).
FALLBACK_TOPICS = ("feedback-culture", "new-work", "digital-tools", "social-media")

BIOS = {
    "de": "{role} bei {org} in {city}. {topics_de}",
    "fr": "{role} chez {org} à {city}. {topics_fr}",
    "en": "{role} at {org} in {city}. {topics_en}",
}
ROLE_WORDS = {
    ("de", MENTOR): "Junge Fachkraft", ("de", MENTEE): "Mitglied der Geschäftsleitung",
    ("fr", MENTOR): "Jeune professionnel·le", ("fr", MENTEE): "Membre de la direction",
    ("en", MENTOR): "Young professional", ("en", MENTEE): "Member of the executive board",
}
AIMS = {
    ("de", MENTOR): "Ich möchte zeigen, wie meine Generation arbeitet und kommuniziert.",
    ("de", MENTEE): "Ich möchte verstehen, was sich in der Arbeitswelt gerade verändert, und es ausprobieren.",
    ("fr", MENTOR): "Je veux montrer comment ma génération travaille et communique.",
    ("fr", MENTEE): "Je veux comprendre ce qui change dans le monde du travail et l'essayer.",
    ("en", MENTOR): "I want to show how my generation works and communicates.",
    ("en", MENTEE): "I want to understand what is changing in the world of work, and try it out.",
}



# ------------------------------------------------------------------------------------------- report


@dataclass
class SeedReport:
    """How many rows of each kind this run created (zero everywhere when the club was complete)."""

    organisations: int = 0
    domains: int = 0
    users: int = 0
    organisation_admins: int = 0
    board_members: int = 0
    topics: int = 0
    cohorts: int = 0
    participations: int = 0
    exclusions: int = 0
    matching_runs: int = 0
    pairs: int = 0
    audit_events: int = 0
    quotas: int = 0
    profiles: int = 0
    profile_topics: int = 0

    @property
    def created(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def describe(self) -> str:
        if not self.created:
            return "The demo club is already complete; nothing was created."
        made = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in self.counts().items() if count)
        return f"Demo club seeded: {made}."


# ------------------------------------------------------------------------------------------ helpers

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def ascii_email_part(name: str) -> str:
    """`Hansjörg` -> `hansjoerg`, `Chloé` -> `chloe`, `Claußen` -> `claussen`, `Maier-Hoch` -> `maier-hoch`."""
    text = unicodedata.normalize("NFKD", name.translate(_UMLAUTS)).encode("ascii", "ignore").decode("ascii")
    return "".join(c for c in text.lower() if c.isalnum() or c in "-.")


def _org_spec(slug: str) -> OrgSpec:
    return next(o for o in ORGANISATIONS if o.slug == slug)


def email_of(person: PersonSpec) -> str:
    return f"{person.key}@{_org_spec(person.org).domains[0]}"


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _cohort_dates(spec: CohortSpec, today: date) -> dict[str, Any]:
    """nomination_deadline <= kickoff_on < closing_on <= symposium_on, relative to today.

    A cohort is named after the year of its symposium; with today in spring 2026 the names and dates agree.
    """
    if spec is PILOT:
        kickoff = today - timedelta(days=546)
    elif spec is RUNNING:
        kickoff = today - timedelta(days=91)
    elif spec is OPEN:  # after the running cohort's symposium
        kickoff = today + timedelta(days=119)
    elif spec is WINTER:  # nominations closed last week; kick-off in three weeks
        kickoff = today + timedelta(days=21)
    else:  # the draft: only a tentative half-year, a year after the next one
        kickoff = today + timedelta(days=119 + 364)
        return {"nomination_deadline": None, "kickoff_on": kickoff,
                "closing_on": kickoff + timedelta(days=182), "symposium_on": None}
    closing = kickoff + timedelta(days=182)
    deadline = (today + timedelta(days=21) if spec is OPEN else today - timedelta(days=7) if spec is WINTER
                else kickoff - timedelta(days=42))
    return {"nomination_deadline": deadline, "kickoff_on": kickoff, "closing_on": closing,
            "symposium_on": closing + timedelta(days=14)}


# --------------------------------------------------------------------------------------------- seed


def seed_demo(session: Session, *, today: date | None = None) -> SeedReport:
    """Create (or complete) the demo club and commit. Running it again creates nothing."""
    today = today or date.today()
    report = SeedReport()
    with club_scope(session):
        try:
            orgs = _seed_organisations(session, report)
            users = _seed_people(session, orgs, report)
            _seed_roles(session, users, report)
            _seed_topics(session, report)
            cohorts = _seed_cohorts(session, today, report)
            _seed_exclusions(session, orgs, report)
            nominator = {o.org: users[o.key] for o in ADMINS}
            pilot = _seed_active_participants(session, cohorts[PILOT.slug], _keys(PILOT_PAIRS), users,
                                              nominator, report)
            running = _seed_active_participants(session, cohorts[RUNNING.slug], _keys(RUNNING_PAIRS), users,
                                                nominator, report)
            winter = _seed_active_participants(session, cohorts[WINTER.slug], WINTER_PEOPLE, users, nominator,
                                               report)
            open_ = _seed_open_nominations(session, cohorts[OPEN.slug], users, nominator, today, report)
            president = users[BOARD[0].key]
            _seed_quotas(session, cohorts[RUNNING.slug], _quotas_from_pairs(RUNNING_PAIRS), orgs, report)
            _seed_quotas(session, cohorts[OPEN.slug], OPEN_QUOTAS, orgs, report)
            _seed_quotas(session, cohorts[WINTER.slug], WINTER_QUOTAS, orgs, report)
            _seed_profiles(session, pilot, report)
            _seed_profiles(session, running, report)
            _seed_profiles(session, {k: p for k, p in open_.items() if p.status == ParticipationStatus.ACTIVE},
                           report)
            _seed_profiles(session, winter, report)
            _seed_matching(session, cohorts[PILOT.slug], PILOT_PAIRS, pilot, president, PairStatus.ENDED, report)
            _seed_matching(session, cohorts[RUNNING.slug], RUNNING_PAIRS, running, president, PairStatus.ACTIVE,
                           report)
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return report


def _seed_organisations(session: Session, report: SeedReport) -> dict[str, Organisation]:
    existing = {o.slug: o for o in session.scalars(
        sa.select(Organisation).where(Organisation.slug.in_([o.slug for o in ORGANISATIONS]))
    )}
    all_domains = [d for o in ORGANISATIONS for d in o.domains]
    known_domains = set(session.scalars(
        sa.select(OrganisationDomain.domain).where(OrganisationDomain.domain.in_(all_domains))
    ))
    for spec in ORGANISATIONS:
        org = existing.get(spec.slug)
        if org is None:
            org = Organisation(slug=spec.slug, name=spec.name, status=spec.status)
            session.add(org)
            existing[spec.slug] = org
            report.organisations += 1
        for domain in spec.domains:
            if domain not in known_domains:
                org.domains.append(OrganisationDomain(domain=domain))
                report.domains += 1
    session.flush()
    return existing


def _seed_people(session: Session, orgs: dict[str, Organisation], report: SeedReport) -> dict[str, User]:
    """Every admin, board member and nominated person, by key (`first.last`)."""
    everyone = (*ADMINS, *BOARD, *PEOPLE)
    emails = {email_of(p): p for p in everyone}
    if len(emails) != len(everyone):
        raise ValueError("demo data: two people share an e-mail address")
    existing = {u.email: u for u in session.scalars(sa.select(User).where(User.email.in_(list(emails))))}
    users: dict[str, User] = {}
    for email, person in emails.items():
        user = existing.get(email)
        if user is None:
            user = User(
                email=email,
                display_name=person.display_name,
                preferred_language=person.language,
                organisation_id=orgs[person.org].id,
            )
            session.add(user)
            report.users += 1
        users[person.key] = user
    session.flush()
    return users


def _seed_roles(session: Session, users: dict[str, User], report: SeedReport) -> None:
    president = users[BOARD[0].key]
    admin_rows = set(session.execute(sa.select(OrganisationAdmin.organisation_id, OrganisationAdmin.user_id)))
    for spec in ADMINS:
        user = users[spec.key]
        if (user.organisation_id, user.id) not in admin_rows:
            session.add(OrganisationAdmin(organisation_id=user.organisation_id, user_id=user.id,
                                          granted_by_user_id=president.id))
            report.organisation_admins += 1
    board_users = set(session.scalars(sa.select(BoardMember.user_id)))
    for spec in BOARD:
        user = users[spec.key]
        if user.id not in board_users:
            session.add(BoardMember(user_id=user.id))
            report.board_members += 1
    session.flush()


def _seed_topics(session: Session, report: SeedReport) -> None:
    known = set(session.scalars(sa.select(Topic.slug)))
    for slug, label_de, label_fr, label_en in TOPICS:
        if slug not in known:
            session.add(Topic(slug=slug, label_de=label_de, label_fr=label_fr, label_en=label_en))
            report.topics += 1
    session.flush()


def _seed_cohorts(session: Session, today: date, report: SeedReport) -> dict[str, Cohort]:
    existing = {c.slug: c for c in session.scalars(
        sa.select(Cohort).where(Cohort.slug.in_([c.slug for c in COHORTS]))
    )}
    for spec in COHORTS:
        if spec.slug in existing:
            continue
        dates = _cohort_dates(spec, today)
        opened = dates["nomination_deadline"] or today
        cohort = Cohort(
            slug=spec.slug,
            name=spec.name,
            state=spec.state,
            symposium_venue=spec.venue,
            languages=list(spec.languages),
            meeting_every_min_weeks=3,
            meeting_every_max_weeks=4,
            created_at=_at(opened - timedelta(days=90) if spec is not DRAFT else today - timedelta(days=14)),
            **dates,
        )
        session.add(cohort)
        existing[spec.slug] = cohort
        report.cohorts += 1
    session.flush()
    return existing


def _seed_exclusions(session: Session, orgs: dict[str, Organisation],
                     report: SeedReport) -> set[frozenset[int]]:
    existing = set(session.execute(
        sa.select(OrganisationExclusion.organisation_a_id, OrganisationExclusion.organisation_b_id)
    ))
    for slug_a, slug_b, reason in EXCLUSIONS:
        a, b = sorted((orgs[slug_a].id, orgs[slug_b].id))
        if (a, b) not in existing:
            session.add(OrganisationExclusion(organisation_a_id=a, organisation_b_id=b, reason=reason))
            existing.add((a, b))
            report.exclusions += 1
    session.flush()
    return {frozenset(pair) for pair in existing}


def _existing_participations(session: Session, cohort: Cohort) -> dict[int, Participation]:
    return {p.user_id: p for p in session.scalars(
        sa.select(Participation).where(Participation.cohort_id == cohort.id)
    )}


def _person(key: str) -> PersonSpec:
    return next(p for p in PEOPLE if p.key == key)


def _new_participation(user: User, cohort: Cohort, person: PersonSpec, nominator: User,
                       nominated_at: datetime) -> Participation:
    if person.role is None:
        raise ValueError(f"demo data: {person.key} has no role")
    return Participation(
        organisation_id=user.organisation_id,
        user_id=user.id,
        cohort_id=cohort.id,
        role=person.role,
        status=ParticipationStatus.NOMINATED,
        nominated_at=nominated_at,
        nominated_by_user_id=nominator.id if nominator.organisation_id == user.organisation_id else None,
    )


def _seed_active_participants(
    session: Session,
    cohort: Cohort,
    keys: tuple[str, ...],
    users: dict[str, User],
    nominator: dict[str, User],
    report: SeedReport,
) -> dict[str, Participation]:
    """Everyone in a cohort past its nominations: active, with consent given before the deadline."""
    existing = _existing_participations(session, cohort)
    deadline = cohort.nomination_deadline or cohort.kickoff_on or date.today()
    result: dict[str, Participation] = {}
    for index, key in enumerate(keys):
        user, person = users[key], _person(key)
        participation = existing.get(user.id)
        if participation is None:
            nominated = deadline - timedelta(days=35 - index)
            participation = _new_participation(user, cohort, person, nominator[person.org], _at(nominated))
            participation.status = ParticipationStatus.ACTIVE
            participation.invited_at = _at(nominated + timedelta(days=2), 11)
            participation.consent_at = _at(nominated + timedelta(days=4 + index % 3), 8 + index % 9)
            participation.answered_at = participation.consent_at
            participation.consent_version = CONSENT_VERSION
            session.add(participation)
            existing[user.id] = participation
            report.participations += 1
        result[key] = participation
    session.flush()
    return result


def _seed_open_nominations(
    session: Session,
    cohort: Cohort,
    users: dict[str, User],
    nominator: dict[str, User],
    today: date,
    report: SeedReport,
) -> dict[str, Participation]:
    """A cohort taking nominations: some nominated, some invited, some accepted, some declined."""
    existing = _existing_participations(session, cohort)
    result: dict[str, Participation] = {}
    for index, (key, status, note) in enumerate(OPEN_NOMINATIONS):
        user, person = users[key], _person(key)
        if user.id in existing:
            result[key] = existing[user.id]
            continue
        nominated = today - timedelta(days=28 - 2 * index)
        participation = _new_participation(user, cohort, person, nominator[person.org], _at(nominated, 10))
        participation.status = status
        participation.note = note
        if status != ParticipationStatus.NOMINATED:
            participation.invited_at = _at(nominated + timedelta(days=2), 11)
        if status == ParticipationStatus.ACTIVE:
            participation.consent_at = _at(nominated + timedelta(days=3), 16)
            participation.consent_version = CONSENT_VERSION
        if status in (ParticipationStatus.ACTIVE, ParticipationStatus.DECLINED):
            participation.answered_at = _at(nominated + timedelta(days=3), 16)
        session.add(participation)
        existing[user.id] = participation
        result[key] = participation
        report.participations += 1
    session.flush()
    return result


def _seed_matching(
    session: Session,
    cohort: Cohort,
    pairs: tuple[tuple[str, str], ...],
    participations: dict[str, Participation],
    president: User,
    pair_status: str,
    report: SeedReport,
) -> None:
    """A published matching run with exactly these pairs, made by the engine with the pairs locked: it checks
    every rule (organisations, exclusions, languages, earlier pairs) and explains and scores each pair."""
    run = session.scalars(
        sa.select(MatchingRun)
        .where(MatchingRun.cohort_id == cohort.id, MatchingRun.status == MatchingRunStatus.SUCCEEDED)
        .order_by(MatchingRun.id)
        .limit(1)
    ).first()
    given = load_matching_input(session, cohort.id)
    locked = tuple((participations[mentor].id, participations[mentee].id) for mentor, mentee in pairs)
    weights = Weights()
    try:
        result = match(given.mentors, given.mentees, Rules(
            excluded_organisation_pairs=given.rules.excluded_organisation_pairs,
            earlier_pairs=given.rules.earlier_pairs, locked=locked), weights)
    except MatchingError as error:
        raise ValueError(f"demo data of {cohort.slug}: {error}") from error
    if len(result.pairs) != len(pairs):
        raise ValueError(f"demo data of {cohort.slug}: everyone in the cohort must be in one of its pairs")

    if run is None:
        run = _seed_published_run(session, cohort, result.figures.as_dict(), weights, president, report)
    finished, published = run.finished_at, run.published_at
    ended = _at(cohort.closing_on, 17) if pair_status == PairStatus.ENDED and cohort.closing_on else None
    paired = set(session.scalars(sa.select(Pair.mentee_participation_id).where(Pair.matching_run_id == run.id)))
    for proposed in result.pairs:
        if proposed.mentee_id in paired:
            continue
        session.add(Pair(
            cohort_id=cohort.id,
            matching_run_id=run.id,
            mentor_participation_id=proposed.mentor_id,
            mentee_participation_id=proposed.mentee_id,
            status=pair_status,
            score=proposed.score,
            explanation=proposed.explanation(),
            by_hand=False,
            created_at=finished,
            activated_at=published,
            ended_at=ended,
        ))
        report.pairs += 1
    session.flush()


def _seed_published_run(session: Session, cohort: Cohort, figures: dict[str, Any], weights: Weights,
                        president: User, report: SeedReport) -> MatchingRun:
    requested = _at((cohort.nomination_deadline or cohort.kickoff_on) + timedelta(days=10), 14)
    finished = requested + timedelta(seconds=3)
    published = finished + timedelta(days=2)
    run = MatchingRun(
        cohort_id=cohort.id,
        number=1,
        status=MatchingRunStatus.SUCCEEDED,
        progress=100,
        parameters={"weights": dict(zip(("topics", "format", "weekdays", "career_gap"), weights.as_tuple(),
                                        strict=True)),
                    "threshold": cohort.matching_threshold or DEFAULT_THRESHOLD, "based_on_run_id": None},
        figures=figures,
        unmatched=[],
        requested_by_user_id=president.id,
        created_at=requested,
        started_at=requested + timedelta(seconds=1),
        heartbeat_at=finished,
        finished_at=finished,
        published_at=published,
    )
    session.add(run)
    session.flush()
    report.matching_runs += 1
    for action, when, target in (("matching.run_started", requested, ("matching_run", run.id)),
                                 ("matching.published", published, ("cohort", cohort.id))):
        session.add(AuditEvent(occurred_at=when, actor_user_id=president.id, organisation_id=None, action=action,
                               target_type=target[0], target_id=target[1],
                               details={"matching_run_id": run.id, "pairs": figures["pairs"]}))
        report.audit_events += 1
    return run


def _keys(pairs: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    return tuple(key for pair in pairs for key in pair)


def _quotas_from_pairs(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, int, int], ...]:
    """Quotas that the paired people fill exactly: (organisation slug, mentors, mentees)."""
    counts: dict[str, list[int]] = {}
    for mentor_key, mentee_key in pairs:
        counts.setdefault(_person(mentor_key).org, [0, 0])[0] += 1
        counts.setdefault(_person(mentee_key).org, [0, 0])[1] += 1
    return tuple((slug, mentors, mentees) for slug, (mentors, mentees) in sorted(counts.items()))


def _seed_quotas(session: Session, cohort: Cohort, quotas: tuple[tuple[str, int, int], ...],
                 orgs: dict[str, Organisation], report: SeedReport) -> None:
    """Quotas by their natural key (cohort, organisation); an existing quota is never changed."""
    existing = set(session.scalars(sa.select(CohortQuota.organisation_id).where(CohortQuota.cohort_id == cohort.id)))
    for slug, mentors, mentees in quotas:
        organisation_id = orgs[slug].id
        if organisation_id not in existing:
            session.add(CohortQuota(cohort_id=cohort.id, organisation_id=organisation_id, mentors=mentors,
                                    mentees=mentees))
            existing.add(organisation_id)
            report.quotas += 1
    session.flush()


def _profile_topics(person: PersonSpec) -> list[str]:
    """The person's topics, with a third one added when they named only two (a top three is ranked)."""
    chosen = list(person.topics)
    for slug in FALLBACK_TOPICS:
        if len(chosen) >= 3:
            break
        if slug not in chosen:
            chosen.append(slug)
    return chosen


def _profile_values(person: PersonSpec, index: int, left_out: tuple[str, ...]) -> dict[str, Any]:
    org = _org_spec(person.org)
    remote = org.city == "Hamburg"
    labels = {slug: (de, fr, en) for slug, de, fr, en in TOPICS}
    topics = [labels[slug] for slug in person.topics]
    language = person.language if person.language in BIOS else "en"
    topic_words = {
        "de": "Themen: " + ", ".join(t[0] for t in topics) + ".",
        "fr": "Thèmes : " + ", ".join(t[1] for t in topics) + ".",
        "en": "Topics: " + ", ".join(t[2].lower() for t in topics) + ".",
    }
    values: dict[str, Any] = {
        "languages": [lang for lang in PROFILE_LANGUAGES if lang in person.speaks],
        "format": "remote" if remote else ("both", "in_person", "both")[index % 3],
        "city": None if remote else org.city,
        "weekdays": [WEEKDAYS[index % 5], WEEKDAYS[(index + 2) % 5]],
        "career_band": ("0-2", "3-5")[index % 2] if person.role == MENTOR else ("11-20", "21+")[index % 2],
        "bio": BIOS[language].format(role=ROLE_WORDS[(language, person.role)], org=org.name, city=org.city,
                                     topics_de=topic_words["de"], topics_fr=topic_words["fr"],
                                     topics_en=topic_words["en"]),
        "aims": AIMS[(language, person.role)],
    }
    for part in left_out:
        if part in values:
            values[part] = [] if isinstance(values[part], list) else None
    return values


def _seed_profiles(session: Session, participations: dict[str, Participation], report: SeedReport) -> None:
    """Profiles and ranked topics of the people taking part, by their natural keys (the participation; the
    participation and topic). A profile someone changed is left alone; a rank already taken is not given twice."""
    ids = [p.id for p in participations.values()]
    topics = {t.slug: t.id for t in session.scalars(sa.select(Topic))}
    with_profile = set(session.scalars(sa.select(Profile.participation_id).where(Profile.participation_id.in_(ids))))
    chosen: dict[int, dict[int, int | None]] = {}
    for participation_id, topic_id, rank in session.execute(
        sa.select(ProfileTopic.participation_id, ProfileTopic.topic_id, ProfileTopic.rank)
        .where(ProfileTopic.participation_id.in_(ids))
    ):
        chosen.setdefault(participation_id, {})[topic_id] = rank
    for index, (key, participation) in enumerate(sorted(participations.items())):
        left_out = INCOMPLETE_PROFILES.get(key, ())
        if left_out is None:
            continue
        person = _person(key)
        if participation.id not in with_profile:
            session.add(Profile(participation_id=participation.id, organisation_id=participation.organisation_id,
                                **_profile_values(person, index, left_out)))
            with_profile.add(participation.id)
            report.profiles += 1
        mine = chosen.setdefault(participation.id, {})
        for position, slug in enumerate(_profile_topics(person)):
            topic_id = topics[slug]
            if topic_id in mine:
                continue
            rank = None if "ranks" in left_out or position >= 3 else position + 1
            if rank in mine.values():
                rank = None
            session.add(ProfileTopic(participation_id=participation.id, organisation_id=participation.organisation_id,
                                     topic_id=topic_id, rank=rank))
            mine[topic_id] = rank
            report.profile_topics += 1
    session.flush()
