"""The demo club as data: a Swiss club of communication leaders with nine member organisations.

Only names, people, places, topics, cohorts and what happens to them: no database and no logic beyond
deriving an e-mail address. `seed.py` turns this into a club through the real operations. People are named by
their key (`first.last`, the local part of their e-mail address). Dates are in days from the day of seeding.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time

from tandem.platform.cohorts.models import CohortState, ParticipationRole, ParticipationStatus
from tandem.platform.programme.models import Answer, Audience, EventKind
from tandem.tenants.models import OrganisationStatus

MENTOR = ParticipationRole.MENTOR
MENTEE = ParticipationRole.MENTEE
ACTIVE = ParticipationStatus.ACTIVE
INVITED = ParticipationStatus.INVITED
NOMINATED = ParticipationStatus.NOMINATED
DECLINED = ParticipationStatus.DECLINED


# ------------------------------------------------------------------------------------- organisations


@dataclass(frozen=True)
class OrgSpec:
    slug: str
    name: str
    domains: tuple[str, ...]  # the first is the one its people's addresses use
    city: str
    country: str
    status: str = OrganisationStatus.ACTIVE  # where the demo leaves it


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
    # Suspended once its people had taken part in the pilot.
    OrgSpec("medienhaus-aargau", "Medienhaus Aargau", ("medienhaus-aargau.example",), "Aarau", "CH",
            status=OrganisationStatus.SUSPENDED),
    OrgSpec("bodensee-kliniken", "Bodensee Kliniken", ("bodensee-kliniken.example",), "Konstanz", "DE"),
    # Italian-speaking, from Ticino: joined the club for the 2027 cohort.
    OrgSpec("banca-ceresio-lugano", "Banca Ceresio Lugano", ("bancaceresio.example",), "Lugano", "CH"),
)

# Two organisations whose people are never paired: (slug, slug, reason).
EXCLUSIONS: tuple[tuple[str, str, str], ...] = (
    ("alpenbank-zuerich", "lemanis-assurances",
     "Compete for the same occupational pension (2nd pillar) mandates."),
    ("rhein-energie-basel", "stadtwerke-freiburg",
     "Direct competitors for business customers in the tri-border region."),
)

# (slug, German, French, English)
TOPICS: tuple[tuple[str, str, str, str, str], ...] = (  # slug, then the labels in de, fr, it and en
    ("digital-tools", "Digitale Werkzeuge", "Outils numériques", "Strumenti digitali", "Digital tools"),
    ("social-media", "Social Media", "Réseaux sociaux", "Social media", "Social media"),
    ("artificial-intelligence", "Künstliche Intelligenz", "Intelligence artificielle", "Intelligenza artificiale",
     "Artificial intelligence"),
    ("diversity-inclusion", "Diversität und Inklusion", "Diversité et inclusion", "Diversità e inclusione",
     "Diversity and inclusion"),
    ("new-work", "Neue Arbeitsformen", "Nouvelles façons de travailler", "Nuovi modi di lavorare",
     "New ways of working"),
    ("feedback-culture", "Feedbackkultur", "Culture du feedback", "Cultura del feedback", "Feedback culture"),
    ("sustainability", "Nachhaltigkeit", "Durabilité", "Sostenibilità", "Sustainability"),
    ("employer-branding", "Employer Branding", "Marque employeur", "Employer branding", "Employer branding"),
    ("hybrid-leadership", "Hybride Führung", "Leadership hybride", "Leadership ibrida", "Hybrid leadership"),
    ("data-literacy", "Datenkompetenz", "Culture des données", "Alfabetizzazione dei dati", "Data literacy"),
)


# -------------------------------------------------------------------------------------------- people


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def ascii_email_part(name: str) -> str:
    """`Hansjörg` -> `hansjoerg`, `Chloé` -> `chloe`, `Claußen` -> `claussen`, `Maier-Hoch` -> `maier-hoch`."""
    text = unicodedata.normalize("NFKD", name.translate(_UMLAUTS)).encode("ascii", "ignore").decode("ascii")
    return "".join(c for c in text.lower() if c.isalnum() or c in "-.")


@dataclass(frozen=True)
class PersonSpec:
    first: str
    last: str
    org: str
    language: str = "de"  # the language they choose for the site and their mail
    speaks: tuple[str, ...] = ("de", "en")
    role: str | None = None  # mentor (young) or mentee (senior); None for admins and the board
    topics: tuple[str, ...] = ()  # a mentor offers them, a mentee wishes for them

    @property
    def display_name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def key(self) -> str:
        return f"{ascii_email_part(self.first)}.{ascii_email_part(self.last)}"


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
    PersonSpec("Giulia", "Rossi", "banca-ceresio-lugano", "it", ("it", "de", "en")),
)

# The club board; the first is the president (who set the club up and does the board's work in the demo).
BOARD: tuple[PersonSpec, ...] = (
    PersonSpec("Regula", "Widmer", "alpenbank-zuerich"),
    PersonSpec("Marc", "Hofer", "berner-verkehrsbetriebe"),
    PersonSpec("Catherine", "Morel", "lemanis-assurances", "fr", ("fr", "de", "en")),
)

_FR = ("fr", "de")
_FR_EN = ("fr", "en")
_IT = ("it", "de", "fr")

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
    # Banca Ceresio Lugano (Ticino, Italian-speaking): nominated for the 2027 cohort.
    PersonSpec("Chiara", "Bernasconi", "banca-ceresio-lugano", "it", ("it", "en", "de"), role=MENTOR,
               topics=("social-media", "artificial-intelligence", "new-work")),
    PersonSpec("Marco", "Pedrazzini", "banca-ceresio-lugano", "it", _IT, role=MENTEE,
               topics=("digital-tools", "hybrid-leadership", "feedback-culture")),
    PersonSpec("Alessia", "Lurati", "banca-ceresio-lugano", "it", ("it", "de"), role=MENTEE,
               topics=("sustainability", "employer-branding")),
    # Only in the pilot, in which Alpenbank Zürich sent five of its leaders: enough mentees of one organisation
    # for its own figures to show in the reports (at least REPORT_MIN_GROUP, 5, answers).
    PersonSpec("Thomas", "Egli", "alpenbank-zuerich", role=MENTEE, topics=("employer-branding", "sustainability")),
    PersonSpec("Ulrich", "Meyer", "alpenbank-zuerich", role=MENTEE, topics=("hybrid-leadership", "new-work")),
    PersonSpec("Verena", "Baumgartner", "alpenbank-zuerich", role=MENTEE,
               topics=("data-literacy", "artificial-intelligence")),
    PersonSpec("Walter", "Suter", "alpenbank-zuerich", role=MENTEE, topics=("social-media", "employer-branding")),
    PersonSpec("Valentin", "Frick", "rhein-energie-basel", role=MENTOR,
               topics=("employer-branding", "sustainability", "new-work")),
    PersonSpec("Yara", "Wenger", "berner-verkehrsbetriebe", role=MENTOR,
               topics=("hybrid-leadership", "new-work", "digital-tools")),
    PersonSpec("Zoe", "Wagner", "stadtwerke-freiburg", role=MENTOR,
               topics=("data-literacy", "artificial-intelligence", "digital-tools")),
    PersonSpec("Xenia", "Albrecht", "bodensee-kliniken", role=MENTOR,
               topics=("social-media", "employer-branding", "data-literacy")),
)


def org_spec(slug: str) -> OrgSpec:
    return next(o for o in ORGANISATIONS if o.slug == slug)


def person(key: str) -> PersonSpec:
    return next(p for p in (*PEOPLE, *ADMINS, *BOARD) if p.key == key)


def email_of(spec: PersonSpec) -> str:
    return f"{spec.key}@{org_spec(spec.org).domains[0]}"


# ------------------------------------------------------------------------------------------- cohorts


@dataclass(frozen=True)
class Nomination:
    """A person nominated by their organisation's admin, and where their answer stands in the demo."""

    person: str  # key
    status: str = ACTIVE  # nominated (not invited yet), invited, active (accepted) or declined
    note: str | None = None


@dataclass(frozen=True)
class CohortSpec:
    slug: str
    name: str
    state: str  # where the demo leaves it
    venue: str | None
    languages: tuple[str, ...]
    kickoff_in_days: int
    deadline_in_days: int | None = None  # None: DEADLINE_DAYS_BEFORE_KICKOFF before the kick-off
    tentative: bool = False  # a draft with only its half-year: no deadline, no symposium
    quotas: tuple[tuple[str, int, int], ...] = ()  # (organisation slug, mentors, mentees)
    nominations: tuple[Nomination, ...] = ()  # in the order they came in
    pairs: tuple[tuple[str, str], ...] = ()  # (mentor, mentee): what the engine pairs, published
    weights: Mapping[str, int] | None = None  # the board's weights for the matching; None: the engine's
    quotas_kept: bool = True  # False: the quotas are not shown once the cohort is archived
    programme: tuple[EventSpec, ...] = ()  # its events, published by the board once its people have accepted


PROGRAMME_DAYS = 182  # from the kick-off to the closing
SYMPOSIUM_DAYS_AFTER_CLOSING = 14
# A kick-off falls on the Thursday nearest to its day (`kickoff_in_days`); the closing and the symposium, whole
# weeks later, on a Thursday too: the programme's evenings and afternoons are on working days.
KICKOFF_WEEKDAY = 3
DEADLINE_DAYS_BEFORE_KICKOFF = 42


def taking_part(*keys: str) -> tuple[Nomination, ...]:
    """People who all accepted."""
    return tuple(Nomination(key) for key in keys)


def in_pairs(pairs: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """Everyone in the pairs, each pair's mentor then mentee."""
    return tuple(key for pair in pairs for key in pair)


def places_of(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, int, int], ...]:
    """Quotas that the paired people fill exactly: (organisation slug, mentors, mentees)."""
    counts: dict[str, list[int]] = {}
    for mentor, mentee in pairs:
        counts.setdefault(person(mentor).org, [0, 0])[0] += 1
        counts.setdefault(person(mentee).org, [0, 0])[1] += 1
    return tuple((slug, mentors, mentees) for slug, (mentors, mentees) in sorted(counts.items()))


# The pilot weighed shared topics twice as much as each other criterion; with those weights the engine pairs
# its people exactly so (should it not, the seed pairs them by hand and says so). Maxime Rochat and Andreas Gysin
# meet again in Winter 2027, where the engine must not pair them a second time.
PILOT_PAIRS: tuple[tuple[str, str], ...] = (
    ("noah.brunner", "hansjoerg.steiner"),
    ("mia.vogt", "claudia.braendle"),
    ("nina.zbinden", "rolf.baumann"),
    ("maxime.rochat", "andreas.gysin"),
    ("jana.gerber", "beat.zimmermann"),
    ("sara.kaelin", "jean-luc.perrin"),
    ("leon.frey", "peter.rueegsegger"),
    ("valentin.frick", "thomas.egli"),
    ("yara.wenger", "ulrich.meyer"),
    ("zoe.wagner", "verena.baumgartner"),
    ("xenia.albrecht", "walter.suter"),
)
# What the engine makes of the running cohort with its default weights.
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


# ----------------------------------------------------------------------------------------- programme

YES, NO, MAYBE, SILENT = Answer.YES, Answer.NO, Answer.MAYBE, Answer.NONE
PAIRED = (Audience.MENTORS, Audience.MENTEES)
EVERYONE = (Audience.MENTORS, Audience.MENTEES, Audience.ORG_ADMINS, Audience.BOARD)


@dataclass(frozen=True)
class EventSpec:
    """One event of a cohort's programme as the board enters it, and how its invitees answer.

    The kick-off, closing and symposium fall on the cohort's dates (they are the one source of them, so the
    days here are those of the cohort); any other event `day` days after the kick-off. Times are the club's.
    The board publishes an event `published_days_before` it starts; the invitees named in `answers` answer
    in that order (a yes beyond the capacity goes on the waiting list; SILENT: never answers), then everyone
    else invited answers `others` (None: not yet).
    """

    kind: str
    titles: Mapping[str, str]  # by language; the seed keeps those of the cohort's languages
    starts: time
    ends: time
    day: int | None = None  # days after the kick-off; None for the kick-off, closing and symposium
    descriptions: Mapping[str, str] = field(default_factory=dict)
    venue: str | None = None  # None for a symposium: the cohort's symposium venue
    address: str | None = None
    room: str | None = None
    host: str | None = None  # slug of the member organisation that hosts it
    online_url: str | None = None
    audience: tuple[str, ...] = PAIRED
    capacity: int | None = None
    published_days_before: int = 28
    answers: tuple[tuple[str, str], ...] = ()  # (person key, yes/no/maybe/SILENT), in the order they answer
    others: str | None = YES


def _in_four(de: str, fr: str, it: str, en: str) -> dict[str, str]:
    return {"de": de, "fr": fr, "it": it, "en": en}


KICKOFF_TEXT = _in_four(
    "Die Tandems lernen sich kennen: Ablauf des Programms, erste Verabredungen, Apéro.",
    "Les tandems font connaissance : déroulement du programme, premiers rendez-vous, apéritif.",
    "I tandem si conoscono: svolgimento del programma, primi appuntamenti, aperitivo.",
    "The tandems meet: how the programme works, first appointments, drinks.")
TRAINING_TEXT = _in_four(
    "Für die Mentorinnen und Mentoren: Wie führe ich ein Reverse-Mentoring-Gespräch? Mit Übungen in Paaren.",
    "Pour les mentors : comment mener un entretien de mentorat inversé ? Avec des exercices en binôme.",
    "Per i mentor: come si conduce un colloquio di reverse mentoring? Con esercizi a coppie.",
    "For the mentors: how to lead a reverse-mentoring conversation, with exercises in pairs.")

# The running cohort: kick-off and mentors' training behind it, a workshop soon (full, one on the waiting list,
# most not answered yet: a mentee who tries lands on the waiting list), the symposium after the closing.
RUNNING_PROGRAMME: tuple[EventSpec, ...] = (
    EventSpec(EventKind.KICKOFF, _in_four("Kick-off Cohort 2026", "Lancement de la volée 2026",
                                          "Evento di lancio della coorte 2026", "Kick-off Cohort 2026"),
              time(17, 0), time(20, 0), descriptions=KICKOFF_TEXT, venue="Welle7",
              address="Schanzenstrasse 5, 3008 Bern", room="Saal Aare", published_days_before=35,
              answers=(("lara.meier", YES), ("samuel.aebischer", NO), ("christine.merian", YES),
                       ("urs.tobler", MAYBE), ("birgit.lorenzen", NO), ("monika.wyss", SILENT))),
    EventSpec(EventKind.TRAINING, _in_four("Training für Mentorinnen und Mentoren", "Formation des mentors",
                                           "Formazione per i mentor", "Mentors' training"),
              time(13, 30), time(17, 0), day=14, descriptions=TRAINING_TEXT,
              online_url="https://meet.example/tandem-mentors-2026", audience=(Audience.MENTORS,),
              published_days_before=28,
              answers=(("elif.yilmaz", YES), ("chloe.favre", NO), ("david.okafor", MAYBE), ("lea.schaefer", NO))),
    EventSpec(EventKind.WORKSHOP, _in_four("Werkstatt: KI im Führungsalltag", "Atelier : l'IA au quotidien du "
                                           "management", "Workshop: l'IA nel lavoro quotidiano della dirigenza",
                                           "Workshop: AI in everyday leadership"),
              time(14, 0), time(17, 30), day=103,
              descriptions=_in_four(
                  "Ein Nachmittag zum Ausprobieren: Tandems arbeiten mit KI-Werkzeugen an echten Aufgaben.",
                  "Un après-midi pour essayer : les tandems travaillent avec des outils d'IA sur de vrais cas.",
                  "Un pomeriggio per sperimentare: i tandem usano strumenti di IA su compiti reali.",
                  "An afternoon to try things: tandems use AI tools on real tasks."),
              venue="Rhein Energie Basel, Innovation Lab", address="Rheinweg 12, 4058 Basel", room="Lab 2",
              host="rhein-energie-basel", capacity=4, published_days_before=21,
              answers=(("luca.bianchi", YES), ("monika.wyss", YES), ("aylin.demir", YES), ("finn.petersen", NO),
                       ("urs.tobler", YES), ("martin.schnyder", YES), ("sophie.dubois", NO)),
              others=None),
    EventSpec(EventKind.SYMPOSIUM, _in_four("Symposium Cohort 2026", "Symposium de la volée 2026",
                                            "Simposio della coorte 2026", "Symposium Cohort 2026"),
              time(14, 0), time(18, 0),
              descriptions=_in_four(
                  "Die Tandems zeigen, was sie voneinander gelernt haben. Mit den Organisationen des Clubs.",
                  "Les tandems présentent ce qu'ils ont appris l'un de l'autre. Avec les organisations du club.",
                  "I tandem mostrano ciò che hanno imparato l'uno dall'altro, con le organizzazioni del club.",
                  "The tandems show what they learned from each other, with the club's organisations."),
              address="Kornhausstrasse 3, 3013 Bern", room="Arena", host="berner-verkehrsbetriebe",
              audience=EVERYONE, published_days_before=120,
              answers=(("regula.widmer", YES), ("karin.luethi", YES), ("marc.hofer", MAYBE), ("lara.meier", YES)),
              others=None),
)

# The pilot's whole programme, long past.
PILOT_PROGRAMME: tuple[EventSpec, ...] = (
    EventSpec(EventKind.KICKOFF, {"de": "Kick-off Pilot 2025", "fr": "Lancement du pilote 2025"},
              time(17, 0), time(20, 0), descriptions=KICKOFF_TEXT, venue="Alpenbank Zürich, Forum",
              address="Talstrasse 20, 8001 Zürich", host="alpenbank-zuerich", published_days_before=35,
              answers=(("rolf.baumann", NO), ("andreas.gysin", MAYBE))),
    EventSpec(EventKind.TRAINING, {"de": "Training für Mentorinnen und Mentoren", "fr": "Formation des mentors"},
              time(13, 30), time(17, 0), day=12, descriptions=TRAINING_TEXT,
              online_url="https://meet.example/tandem-mentors-2025", audience=(Audience.MENTORS,),
              answers=(("leon.frey", NO),)),
    EventSpec(EventKind.WORKSHOP, {"de": "Werkstatt: Social Media für die Geschäftsleitung",
                                   "fr": "Atelier : les réseaux sociaux pour la direction"},
              time(14, 0), time(17, 30), day=90, venue="Medienhaus Aargau, Newsroom",
              address="Bahnhofstrasse 40, 5000 Aarau", host="medienhaus-aargau", capacity=12,
              published_days_before=21, answers=(("sara.kaelin", NO), ("claudia.braendle", MAYBE))),
    EventSpec(EventKind.CLOSING, {"de": "Abschluss Pilot 2025", "fr": "Clôture du pilote 2025"},
              time(17, 0), time(20, 0), venue="Rhein Energie Basel, Rheinsaal", address="Rheinweg 12, 4058 Basel",
              host="rhein-energie-basel", answers=(("beat.zimmermann", NO),)),
    EventSpec(EventKind.SYMPOSIUM, {"de": "Symposium Pilot 2025", "fr": "Symposium du pilote 2025"},
              time(14, 0), time(18, 0), address="Gotthardstrasse 5, 8002 Zürich", audience=EVERYONE,
              published_days_before=90, answers=(("markus.hunziker", NO), ("petra.eggenberger", MAYBE))),
)

PILOT = CohortSpec(
    "pilot-2025", "Pilot 2025", CohortState.ARCHIVED, "Kongresshaus Zürich", ("de", "fr"),
    kickoff_in_days=-546, quotas=places_of(PILOT_PAIRS), nominations=taking_part(*in_pairs(PILOT_PAIRS)),
    pairs=PILOT_PAIRS, weights={"topics": 4, "format": 2, "weekdays": 2, "career_gap": 2}, quotas_kept=False,
    programme=PILOT_PROGRAMME,
)
# Its quotas are exactly its places.
RUNNING = CohortSpec(
    "cohort-2026", "Cohort 2026", CohortState.RUNNING, "Kursaal Bern", ("de", "fr", "it", "en"),
    kickoff_in_days=-91, quotas=places_of(RUNNING_PAIRS), nominations=taking_part(*in_pairs(RUNNING_PAIRS)),
    pairs=RUNNING_PAIRS, programme=RUNNING_PROGRAMME,
)
# After the running cohort's symposium. How many each organisation may nominate; the suspended Medienhaus
# Aargau has no quota. Nominations so far: some not invited yet, some invited, some accepted, some declined.
OPEN = CohortSpec(
    "cohort-2027", "Cohort 2027", CohortState.NOMINATIONS_OPEN, "SwissTech Convention Center, Lausanne",
    ("de", "fr", "it", "en"), kickoff_in_days=119, deadline_in_days=21,
    quotas=(
        ("alpenbank-zuerich", 2, 2),
        ("rhein-energie-basel", 1, 2),
        ("berner-verkehrsbetriebe", 1, 2),
        ("lemanis-assurances", 2, 2),
        ("hanse-logistik-hamburg", 2, 1),
        ("stadtwerke-freiburg", 2, 2),
        ("bodensee-kliniken", 2, 2),
        ("banca-ceresio-lugano", 1, 2),
    ),
    nominations=(
        Nomination("jonas.keller", ACTIVE, "Runs the bank's internal AI guild."),
        Nomination("ines.bonvin", INVITED),
        Nomination("priya.raman", ACTIVE, "Built our data dashboard for the works council."),
        Nomination("tim.hoffmann", NOMINATED, "Apprentice of the year 2025."),
        Nomination("emma.forster", INVITED),
        Nomination("noah.brunner", DECLINED, "Declined: parental leave in spring; again next year."),
        Nomination("felix.burckhardt", ACTIVE),
        Nomination("gabriele.maier-hoch", NOMINATED),
        Nomination("beat.zimmermann", INVITED, "Wants a second round after the pilot."),
        Nomination("hansjoerg.steiner", NOMINATED),
        Nomination("claudia.braendle", DECLINED, "Declined: takes over as CEO in January."),
        Nomination("jean-luc.perrin", ACTIVE),
        Nomination("chiara.bernasconi", ACTIVE, "Runs the bank's Instagram and its podcast in three languages."),
        Nomination("marco.pedrazzini", INVITED),
        Nomination("alessia.lurati", NOMINATED),
    ),
)
# A year after the next one: only a tentative half-year.
DRAFT = CohortSpec("cohort-2028", "Cohort 2028", CohortState.DRAFT, None, (), kickoff_in_days=119 + 364,
                   tentative=True)
# Nominations closed last week, kick-off in three weeks; everyone accepted and completed their profile, nobody is
# paired yet (the board runs the matching in the demo). Nine mentees for eight mentors: one stays without a
# partner unless a mentor takes two.
WINTER = CohortSpec(
    "winter-2027", "Winter 2027", CohortState.MATCHING, "Kulturcasino Bern", ("de", "fr", "en"),
    kickoff_in_days=21, deadline_in_days=-7,
    quotas=(
        ("alpenbank-zuerich", 1, 1),
        ("rhein-energie-basel", 1, 1),
        ("berner-verkehrsbetriebe", 1, 2),
        ("lemanis-assurances", 2, 1),
        ("hanse-logistik-hamburg", 1, 1),
        ("stadtwerke-freiburg", 1, 1),
        ("bodensee-kliniken", 1, 2),
    ),
    nominations=taking_part(
        "nina.zbinden", "maxime.rochat", "sara.kaelin", "timo.graf", "selina.roth", "yann.berset", "hannah.wolff",
        "jakob.ritter",
        "andreas.gysin", "peter.rueegsegger", "hugo.lenz", "isabelle.morand", "dieter.brandt", "cornelia.eckert",
        "werner.kessler", "margrit.hess", "philippe.jaquet",
    ),
)
# In the order they are set up: the pilot's pairs are earlier pairs of everyone matched after it.
COHORTS: tuple[CohortSpec, ...] = (PILOT, RUNNING, OPEN, DRAFT, WINTER)


# ------------------------------------------------------------------------------------------ profiles

# Everyone who accepted fills in a profile. Most are complete; these are not.
# None: no profile at all (accepted, not started); otherwise the parts left out.
INCOMPLETE_PROFILES: dict[str, tuple[str, ...] | None] = {
    "monika.wyss": ("bio", "aims"),
    "urs.tobler": ("ranks",),
    "priya.raman": ("weekdays", "career_band"),
    "felix.burckhardt": None,
}
# Topics offered to fill a top three when a person named only two (the first not yet chosen).
FALLBACK_TOPICS = ("feedback-culture", "new-work", "digital-tools", "social-media")
# Where people meet, by their place in their cohort (sorted by key); people of organisations in these cities
# meet online.
FORMATS = ("both", "in_person", "both")
REMOTE_CITIES = ("Hamburg",)
MENTOR_CAREER_BANDS = ("0-2", "3-5")
MENTEE_CAREER_BANDS = ("11-20", "21+")

BIOS = {
    "de": "{role} bei {org} in {city}. {topics_de}",
    "fr": "{role} chez {org} à {city}. {topics_fr}",
    "it": "{role} presso {org} a {city}. {topics_it}",
    "en": "{role} at {org} in {city}. {topics_en}",
}
ROLE_WORDS: dict[tuple[str, str], str] = {
    ("de", MENTOR): "Junge Fachkraft", ("de", MENTEE): "Mitglied der Geschäftsleitung",
    ("fr", MENTOR): "Jeune professionnel·le", ("fr", MENTEE): "Membre de la direction",
    ("it", MENTOR): "Giovane professionista", ("it", MENTEE): "Membro della direzione",
    ("en", MENTOR): "Young professional", ("en", MENTEE): "Member of the executive board",
}
AIMS: dict[tuple[str, str], str] = {
    ("de", MENTOR): "Ich möchte zeigen, wie meine Generation arbeitet und kommuniziert.",
    ("de", MENTEE): "Ich möchte verstehen, was sich in der Arbeitswelt gerade verändert, und es ausprobieren.",
    ("fr", MENTOR): "Je veux montrer comment ma génération travaille et communique.",
    ("fr", MENTEE): "Je veux comprendre ce qui change dans le monde du travail et l'essayer.",
    ("it", MENTOR): "Voglio mostrare come lavora e comunica la mia generazione.",
    ("it", MENTEE): "Voglio capire che cosa sta cambiando nel mondo del lavoro e provarlo.",
    ("en", MENTOR): "I want to show how my generation works and communicates.",
    ("en", MENTEE): "I want to understand what is changing in the world of work, and try it out.",
}


# ----------------------------------------------------------------------------------------- the pairs' lives

@dataclass(frozen=True)
class MeetingSpec:
    """A meeting of a pair, `day` days after the cohort's kick-off, at noon in the club's zone. Planned a week
    before by `planned_by` (mentor or mentee), then logged the day after by the same person with `summary` and
    `topics` (catalogue keys); `check_ins` are the mentor's and the mentee's answers (1-4; None: not
    answered). `held=False`: still planned (a day after today's story is impossible: such days are skipped)."""

    day: int
    summary: str = ""
    topics: tuple[str, ...] = ()
    check_ins: tuple[int | None, int | None] = (None, None)
    format: str = "online"
    planned_by: str = MENTOR
    held: bool = True


@dataclass(frozen=True)
class PairLife:
    """What a pair of the running cohort did since its kick-off."""

    mentor: str
    agreement: bool = True  # the pair wrote its agreement and goals after its first meeting; both confirmed
    goals_done: int = 0  # the first goals are done, the next one progressing
    meetings: tuple[MeetingSpec, ...] = ()
    help: str | None = None  # the mentor's confidential message to the board, `HELP_DAY` days after kick-off


HELP_DAY = 78
AGREEMENT = {
    "de": "Was wir besprechen, bleibt unter uns. Wir treffen uns alle drei bis vier Wochen, abwechselnd online "
          "und vor Ort, und erreichen uns per Chat. Wer absagen muss, schlägt gleich einen neuen Termin vor.",
    "fr": "Ce dont nous parlons reste entre nous. Nous nous voyons toutes les trois à quatre semaines, en ligne ou "
          "sur place, et nous joignons par messagerie. Qui doit annuler propose tout de suite une autre date.",
    "en": "What we talk about stays between us. We meet every three to four weeks, online or in person, and "
          "reach each other by chat. Whoever has to cancel proposes a new date straight away.",
}
PAIR_LIVES: tuple[PairLife, ...] = (
    # The README's pair: a whole history, the next meeting planned.
    PairLife("finn.petersen", goals_done=1, meetings=(
        MeetingSpec(9, "Kennenlernen; wie Ursula heute LinkedIn nutzt und was sie sich wünscht.",
                    ("social-media",), (4, 3), format="in_person"),
        MeetingSpec(33, "Ein eigener LinkedIn-Beitrag: Entwurf, Bild, Zeitpunkt; Finn zeigt seine Routine.",
                    ("social-media", "digital-tools"), (4, 4)),
        MeetingSpec(60, "Feedback-Kultur im Team: wie Jüngere Rückmeldung geben möchten; ein Versuch im Meeting.",
                    ("feedback-culture",), (3, 4), format="in_person", planned_by=MENTEE),
        MeetingSpec(84, "KI-Werkzeuge im Alltag: Zusammenfassungen, Entwürfe, was man besser lässt.",
                    ("digital-tools",), (4, None)),
        MeetingSpec(101, held=False, planned_by=MENTEE),
    )),
    PairLife("lara.meier", goals_done=2, meetings=(
        MeetingSpec(7, "First meeting: expectations, how we work, what Christine wants to learn.",
                    ("new-work",), (4, 4), format="in_person"),
        MeetingSpec(31, "Collaboration tools: how Lara's team runs a week without meetings.",
                    ("digital-tools", "new-work"), (3, 4)),
        MeetingSpec(55, "Reverse job-shadowing: Christine spent a morning in Lara's team.",
                    ("new-work",), (4, 3), format="in_person"),
        MeetingSpec(80, "Hybrid meetings that work: a checklist for Christine's leadership team.",
                    ("new-work", "feedback-culture"), (4, 4)),
    )),
    # Silent: two meetings, then nothing: flagged to the board and both admins.
    PairLife("elif.yilmaz", meetings=(
        MeetingSpec(8, "Premier échange, attentes de chacun.", ("social-media",), (3, 3)),
        MeetingSpec(30, "Instagram pour la communication interne : premiers essais.", ("social-media",), (3, 2)),
    )),
    # Overdue: its next meeting was due a few days ago and nothing is planned.
    PairLife("luca.bianchi", goals_done=1, meetings=(
        MeetingSpec(10, "Kick-off à deux : objectifs et rythme.", ("new-work",), (4, 3)),
        MeetingSpec(35, "Outils numériques : Teams, Miro et un tableau Kanban.", ("digital-tools",), (3, 3)),
        MeetingSpec(57, "Diversité dans le recrutement : ce que voient les jeunes candidats.",
                    ("diversity-inclusion",), (4, 4), format="in_person"),
    )),
    # The mentor asks the board for help; low check-ins.
    PairLife("aylin.demir", meetings=(
        MeetingSpec(12, "Erstes Treffen, etwas schleppend; Termine sind schwer zu finden.", ("new-work",), (2, 3)),
        MeetingSpec(47, "Social Media: Urs sieht wenig Nutzen, wir haben es trotzdem versucht.",
                    ("social-media",), (1, 2)),
        MeetingSpec(76, "Kurzes Treffen, 30 Minuten, vieles abgesagt.", ("social-media",), (1, None)),
    ), help="Urs sagt Treffen oft kurzfristig ab und wirkt wenig interessiert. Ich weiss nicht, wie ich das "
            "ansprechen soll, ohne unhöflich zu sein. Könnte jemand vom Vorstand mit uns reden?"),
    PairLife("samuel.aebischer", meetings=(
        MeetingSpec(14, "Présentations, attentes, premiers sujets.", ("new-work",), (3, 4)),
        MeetingSpec(40, "Podcasts et formats audio pour la direction.", ("social-media",), (4, 4)),
        MeetingSpec(66, "Culture du feedback : un essai de feedback à 360°.", ("feedback-culture",), (3, 3)),
    )),
    PairLife("chloe.favre", goals_done=1, meetings=(
        MeetingSpec(9, "Kennenlernen auf Französisch und Deutsch.", ("new-work",), (4, 4), format="in_person"),
        MeetingSpec(37, "Wie Chloé Aufgaben mit Notion organisiert.", ("digital-tools",), (4, 3)),
        MeetingSpec(63, "Generationen im Team: Erwartungen an Führung.",
                    ("diversity-inclusion", "feedback-culture"), (4, 4)),
        MeetingSpec(86, "Eine erste Videobotschaft an die Belegschaft, gemeinsam geschnitten.",
                    ("social-media",), (None, None)),
    )),
    PairLife("lea.schaefer", meetings=(
        MeetingSpec(15, "Ziele und Vereinbarung.", ("new-work",), (3, 3)),
        MeetingSpec(42, "Digitale Weiterbildung: was junge Leute wirklich nutzen.", ("digital-tools",), (3, 4)),
        MeetingSpec(70, "Purpose und Arbeitgeberwahl.", ("new-work",), (4, 3)),
    )),
    PairLife("david.okafor", agreement=False, meetings=(
        MeetingSpec(20, "First meeting, late: we found a date only now.", ("new-work",), (3, 3)),
        MeetingSpec(46, "Diversity in leadership: David's view as a young engineer.", ("diversity-inclusion",), (4, 4)),
        MeetingSpec(72, "Slack versus e-mail: an experiment for Birgit's team.", ("digital-tools",), (3, 4)),
    )),
    PairLife("mia.vogt", goals_done=1, meetings=(
        MeetingSpec(11, "Premier rendez-vous, accord sur le rythme.", ("new-work",), (4, 4)),
        MeetingSpec(36, "TikTok et la communication d'entreprise : démonstration.", ("social-media",), (4, 3)),
        MeetingSpec(61, "Travail hybride : règles d'équipe.", ("new-work",), (3, 4)),
        MeetingSpec(85, "Bilan de mi-parcours et suite.", ("feedback-culture",), (4, None)),
    )),
)
# The goals a pair writes with its agreement, in the mentee's language.
GOALS = {
    "de": ("Social Media für die eigene Kommunikation nutzen", "Verstehen, wie Jüngere Feedback geben und nehmen",
           "Digitale Werkzeuge im Führungsalltag ausprobieren"),
    "fr": ("Utiliser les réseaux sociaux pour sa propre communication",
           "Comprendre comment les jeunes donnent et reçoivent du feedback",
           "Essayer des outils numériques au quotidien"),
    "en": ("Use social media for my own communication", "Understand how younger colleagues give and take feedback",
           "Try digital tools in everyday leadership"),
}
# The pilot's pairs met every four weeks for six months, half of the meetings in person.
PILOT_SUMMARIES = (
    "Kennenlernen, Erwartungen, wie wir arbeiten.",
    "Ein erstes Werkzeug ausprobiert, gemeinsam.",
    "Ein Vormittag im Team des Mentors oder der Mentorin.",
    "Was sich seit dem letzten Treffen verändert hat.",
    "Vorbereitung auf ein Gespräch in der Geschäftsleitung.",
    "Rückblick: was wir am Symposium erzählen wollen.",
)
PILOT_LIVES: tuple[PairLife, ...] = tuple(
    PairLife(mentor, goals_done=3, meetings=tuple(
        MeetingSpec(14 + 28 * index, summary, (("new-work", "digital-tools", "feedback-culture")[index % 3],),
                    ((4, 3), (3, 4), (4, 4))[(index + number) % 3],
                    format="in_person" if index % 2 == 0 else "online",
                    planned_by=MENTEE if index % 3 == 2 else MENTOR)
        for index, summary in enumerate(PILOT_SUMMARIES)))
    for number, (mentor, _mentee) in enumerate(PILOT_PAIRS))
PAIR_LIVES_BY_COHORT: dict[str, tuple[PairLife, ...]] = {RUNNING.slug: PAIR_LIVES, PILOT.slug: PILOT_LIVES}


# ------------------------------------------------------------------------------------------- the showcase

@dataclass(frozen=True)
class ConsentSpec:
    """What one person lets the showcase show (everything by default), and their neutral description."""

    name: bool = True
    organisation: bool = True
    photo: bool = True
    quote: bool = True
    description: str | None = None


@dataclass(frozen=True)
class StorySpec:
    mentor: str  # the pair, by its mentor's key
    language: str
    title: str
    mentee_learned: str
    mentor_learned: str
    tip: str
    mentor_quote: str
    mentee_quote: str
    topics: tuple[str, ...]
    photo: tuple[str, str, str, str, str] | None = None  # sky, table, mentor, mentee, motif (demo/photos.py)
    photo_alt: str = ""
    mentor_consent: ConsentSpec = ConsentSpec()
    mentee_consent: ConsentSpec = ConsentSpec()
    featured: bool = False
    confirmed: bool = True  # both partners confirmed it (a draft: only the one who wrote it, or nobody)
    written_by: str = "mentor"


# The pilot's showcase: six of its eleven pairs told their story; two people stay partly anonymous.
PILOT_STORIES: tuple[StorySpec, ...] = (
    StorySpec(
        "noah.brunner", "de", "Vom Aushang zum Kanal: ein Verkehrsbetrieb findet seine Stimme auf Instagram",
        "Dass Social Media kein Megafon ist, sondern ein Gespräch. Noah hat mir gezeigt, wie man zuhört, bevor man "
        "postet, und dass eine Störungsmeldung mit Gesicht mehr Vertrauen schafft als jede Kampagne.",
        "Wie viele Menschen hinter einer einzigen Fahrplanänderung stehen, und wie man in einer Geschäftsleitung "
        "für eine Idee Verbündete findet, bevor man sie vorstellt.",
        "Lasst die Jungen nicht nur erklären, sondern mitentscheiden: Unser erster gemeinsamer Beitrag ging "
        "erst online, als beide ihn gut fanden.",
        "Ich dachte, ich bringe ihm Instagram bei. Am Ende hat er mir beigebracht, wie ein Unternehmen denkt.",
        "Ich habe zum ersten Mal seit Jahren wieder etwas ganz von vorn gelernt.",
        ("social-media", "digital-tools"),
        photo=("#2f6f73", "#c8a27a", "#e4572e", "#29335c", "bubble"),
        photo_alt="Illustration: zwei Personen im Gespräch an einem Tisch, zwischen ihnen eine Sprechblase.",
        featured=True,
    ),
    StorySpec(
        "mia.vogt", "de", "Feedback in neunzig Sekunden",
        "Rückmeldung geben, solange sie noch nützt: kurz, sofort und unter vier Augen. Mia hat in ihrem Team eine "
        "Runde nach jeder Sitzung eingeführt, die ich nun in der Klinikleitung ausprobiere.",
        "Dass eine Chefin, die nach Feedback fragt, damit ihr ganzes Team verändert, und wie viel Mut es braucht, "
        "das vor der eigenen Führungsrunde zu tun.",
        "Beginnt mit einer Frage, nicht mit einem Formular: 'Was soll ich nächstes Mal anders machen?'",
        "Feedback ist kein Jahresgespräch, sondern eine Gewohnheit.",
        "Ich frage jetzt nach jeder Sitzung. Die Antworten sind besser geworden, meine Sitzungen auch.",
        ("feedback-culture", "hybrid-leadership"),
        photo=("#6a4c93", "#d9b38c", "#1982c4", "#8ac926", "bubble"),
        photo_alt="Illustration: eine junge und eine ältere Person am Tisch, mit einer Sprechblase.",
        mentee_consent=ConsentSpec(name=False, photo=False,
                                   description="Leiterin Kommunikation einer Klinikgruppe am Bodensee"),
    ),
    StorySpec(
        "maxime.rochat", "fr", "L'IA n'est pas un projet informatique",
        "Que l'intelligence artificielle se décide d'abord dans les équipes, pas au service informatique. Maxime "
        "m'a montré comment son équipe prépare un dossier avec un assistant, et ce qu'elle vérifie toujours à la "
        "main.",
        "Comment une direction pèse les risques, et pourquoi « pas encore » n'est pas un « non ». J'ai appris à "
        "présenter une idée avec ses limites.",
        "Faites un essai de deux semaines sur une vraie tâche, puis parlez-en ensemble : vous apprendrez plus "
        "qu'avec dix présentations.",
        "On a testé ensemble, on s'est trompés ensemble, et c'est là qu'on a appris.",
        "Je ne regarde plus l'IA comme un projet, mais comme une compétence de mes équipes.",
        ("artificial-intelligence", "digital-tools", "data-literacy"),
        photo=("#264653", "#e9c46a", "#2a9d8f", "#e76f51", "screen"),
        photo_alt="Illustration : deux personnes devant un écran posé sur une table.",
        featured=True,
    ),
    StorySpec(
        "jana.gerber", "de", "Newsroom trifft Schalterhalle",
        "Wie eine Redaktion in Minuten entscheidet, was wichtig ist, und warum unsere Bank für dieselbe Frage "
        "Wochen braucht. Wir haben zwei Abläufe vereinfacht, seit ich ihren Newsroom besucht habe.",
        "Dass Sorgfalt und Tempo kein Widerspruch sind, und wie man in einer grossen Organisation eine Frage so "
        "stellt, dass sie beantwortet wird.",
        "Tauscht für einen Vormittag die Arbeitsplätze. Die Fragen danach sind die besten des ganzen Programms.",
        "Ich war überrascht, wie neugierig eine Geschäftsleitung sein kann.",
        "Ein Vormittag im Newsroom hat mehr bewegt als ein Strategieworkshop.",
        ("new-work", "digital-tools"),
        photo=("#3d405b", "#f2cc8f", "#e07a5f", "#81b29a", "chart"),
        photo_alt="Illustration: zwei Personen am Tisch, darüber ein Balkendiagramm.",
        mentor_consent=ConsentSpec(name=False, organisation=False, photo=False,
                                   description="Junge Journalistin aus dem Aargau"),
        mentee_consent=ConsentSpec(quote=False),
    ),
    StorySpec(
        "sara.kaelin", "en", "Hybrid leadership is a habit, not a policy",
        "That a hybrid team is led in small rituals: a check-in that starts every meeting, a shared board "
        "instead of status e-mails, and a rule that whoever is remote speaks first.",
        "How a leader holds a room of people who disagree, and how to turn a good idea into a decision that "
        "lasts beyond the meeting.",
        "Pick one ritual, try it for a month and ask the team what to keep. Policies follow habits.",
        "Jean-Luc tried every idea the week after we talked about it. That is rare.",
        "I learned more about my own team from Sara than from any engagement survey.",
        ("hybrid-leadership", "new-work", "feedback-culture"),
        photo=("#1d3557", "#a8dadc", "#e63946", "#457b9d", "screen"),
        photo_alt="Illustration: two people at a table with a laptop between them.",
    ),
    StorySpec(
        "leon.frey", "de", "Diversität beginnt beim Stelleninserat",
        "Dass unsere Stelleninserate viele junge Menschen ausschliessen, ohne dass wir es merken. Leon hat mit "
        "mir zehn Inserate gelesen; drei haben wir seither neu geschrieben.",
        "Wie ein grosser Betrieb Stellen besetzt, und dass Veränderung dort beginnt, wo jemand mit Entscheidungsmacht "
        "zuhört.",
        "Lasst eure Inserate von jemandem lesen, den ihr gern einstellen würdet, und hört zu.",
        "Zuhören ist die wirksamste Form von Diversitätsarbeit.",
        "Ich lese Texte heute mit anderen Augen.",
        ("diversity-inclusion", "employer-branding"),
        photo=("#588157", "#dda15e", "#bc6c25", "#344e41", "bubble"),
        photo_alt="Illustration: zwei Personen im Gespräch am Tisch.",
        mentee_consent=ConsentSpec(name=False, organisation=False,
                                   description="Abteilungsleiter bei einem Verkehrsunternehmen in Bern"),
    ),
)

# The running cohort writes its stories: drafts, one confirmed by one partner only.
RUNNING_STORIES: tuple[StorySpec, ...] = (
    StorySpec(
        "lara.meier", "en", "A week without meetings",
        "How Lara's team plans a week in writing, and what my leadership team could stop doing.",
        "", "", "", "", ("new-work",), confirmed=False,
    ),
    StorySpec(
        "finn.petersen", "de", "LinkedIn ohne Angst",
        "Dass ein eigener Beitrag keine Pressemitteilung ist. Finn hat mir eine Routine gezeigt, die in eine "
        "Viertelstunde passt.",
        "Wie eine Geschäftsleitung Prioritäten setzt, und wie ich meine Ideen dort einbringe.",
        "Fangt mit einem Kommentar an, nicht mit einem Beitrag.",
        "Ursula hat jede Übung ernst genommen.", "Ich poste jetzt selbst.",
        ("social-media", "digital-tools"), confirmed=False,
    ),
)

# The pilot's symposium: (start, end, title, room, the presenting pairs by their mentors).
SYMPOSIUM_SLOTS: tuple[tuple[time, time, str, str | None, tuple[str, ...]], ...] = (
    (time(14, 0), time(14, 20), "Begrüssung: das Pilotjahr in Zahlen", "Kongresssaal", ()),
    (time(14, 20), time(15, 0), "Social Media im Verkehrsbetrieb", "Kongresssaal", ("noah.brunner",)),
    (time(15, 0), time(15, 40), "Feedback und hybride Führung", "Gartensaal", ("mia.vogt", "sara.kaelin")),
    (time(15, 40), time(16, 10), "Pause", None, ()),
    (time(16, 10), time(16, 50), "KI, Newsroom und Bank", "Kongresssaal", ("maxime.rochat", "jana.gerber")),
    (time(16, 50), time(17, 30), "Diversität beginnt beim Inserat", "Gartensaal", ("leon.frey",)),
    (time(17, 30), time(18, 0), "Apéro und Gespräche", "Foyer", ()),
)
# Organisations that approve their people's stories before the board publishes them, and those whose logo is
# not shown on the showcase.
APPROVING_ORGANISATIONS = ("lemanis-assurances",)
LOGO_HIDDEN_ORGANISATIONS = ("bodensee-kliniken",)
STORIES_BY_COHORT: dict[str, tuple[StorySpec, ...]] = {PILOT.slug: PILOT_STORIES, RUNNING.slug: RUNNING_STORIES}


# ------------------------------------------------------------------------------------------- the surveys

@dataclass(frozen=True)
class SurveyStory:
    """How one of a cohort's two surveys went: the board opened it on its first day and, unless `open`, it was
    closed after its last; `respondents` answered (None: everyone asked, every question). Each person answers
    in the language they chose; the points on the scales are drawn from `SURVEY_SCALES` by a generator seeded
    with the cohort, the survey and the person (`SURVEY_SEED`), so that every seed gives the same answers."""

    kind: str  # midpoint or final
    respondents: tuple[str, ...] | None = None
    open: bool = False  # still open on the seed's day: opened `OPENED_DAYS_AGO` days ago (earlier if due)


SURVEY_SEED = "tandem demo surveys"
# The running cohort's mid-point survey opens at half its programme, which falls within three days of the seed's
# day: the board opened it a few days early (it moved its first day), so that some have answered by now.
OPENED_DAYS_AGO = 4

# The points people choose, by question (its key without the role) and survey: drawn one each.
SURVEY_SCALES: dict[tuple[str, str], tuple[int, ...]] = {
    ("goals", "midpoint"): (2, 3, 3, 3, 4, 4, 5),
    ("goals", "final"): (3, 4, 4, 4, 5, 5, 5),
    ("useful", "midpoint"): (3, 4, 4, 4, 5, 5),
    ("useful", "final"): (3, 4, 4, 5, 5, 5),
    ("recommend", "midpoint"): (6, 7, 8, 8, 9, 9, 10),
    ("recommend", "final"): (7, 8, 8, 9, 9, 10, 10, 10),
}
# What mentors say they gained (positions of the default options: conversations with senior people, presenting
# ideas, feedback, how leaders decide, a network): one set drawn each.
MENTOR_GAINS: tuple[tuple[int, ...], ...] = (
    (0, 3), (0, 1, 3), (2,), (0, 4), (3, 4), (0, 2, 3), (1, 3), (0, 3, 4), (3,), (1, 2, 4),
)
# Text answers by question key, survey and language: the n-th person answering in a language writes the n-th
# (round). Every fourth text is kept from the reports (not shared), the others are shared without a name.
SURVEY_TEXTS: dict[tuple[str, str, str], tuple[str, ...]] = {
    ("mentee_changed", "midpoint", "de"): (
        "Ich frage mein Team jetzt öfter direkt, statt auf den Quartalsbericht zu warten.",
        "Ich habe angefangen, kurze Beiträge auf LinkedIn selbst zu schreiben.",
        "Meine Sitzungen beginnen mit einer Runde: Was braucht ihr heute von mir?",
        "Noch nicht viel: Wir hatten bisher erst zwei Treffen.",
        "Ich probiere KI-Werkzeuge für Entwürfe aus, mit Vorsicht.",
        "Ich lese interne Mitteilungen jetzt mit den Augen der Jüngeren.",
    ),
    ("mentee_changed", "final", "de"): (
        "Ich hole Rückmeldungen ein, bevor ich entscheide, nicht erst danach.",
        "Ich schreibe selbst auf LinkedIn, etwa einmal im Monat, und antworte auf Kommentare.",
        "Unsere Teamsitzungen sind kürzer geworden; vieles klären wir schriftlich im Chat.",
        "Ich gebe Jüngeren mehr Verantwortung und lasse sie ihre Ideen selbst vorstellen.",
        "Ich nutze KI für Zusammenfassungen und prüfe das Ergebnis immer.",
        "Wir haben unsere Stelleninserate neu geschrieben, zusammen mit jungen Mitarbeitenden.",
    ),
    ("mentee_changed", "midpoint", "fr"): (
        "Je demande plus souvent l'avis de mon équipe avant de décider.",
        "J'ai commencé à tester un outil de gestion des tâches partagé avec l'équipe.",
        "Je prépare mes réunions avec un ordre du jour envoyé la veille.",
    ),
    ("mentee_changed", "final", "fr"): (
        "Je délègue davantage et je laisse les plus jeunes présenter leurs idées à la direction.",
        "J'utilise l'IA pour préparer mes notes, en vérifiant toujours le résultat.",
        "Nos réunions hybrides commencent par les personnes à distance.",
    ),
    ("mentee_changed", "midpoint", "en"): ("I ask my team for feedback after every meeting now.",),
    ("mentee_changed", "final", "en"): ("I delegate more and let younger colleagues present their own ideas.",),
    ("mentee_open", "midpoint", "de"): (
        "Ein Leitfaden für das erste Treffen hätte uns geholfen.",
        "Termine zu finden ist schwierig; ein fester Rhythmus von Anfang an würde helfen.",
        "Bis jetzt sehr bereichernd, danke!",
        "Die Werkstatt zur KI war der beste Teil des Programms.",
    ),
    ("mentee_open", "final", "de"): (
        "Danke für die Organisation, ich würde sofort wieder mitmachen.",
        "Mehr Treffen aller Tandems wären schön, nicht nur Kick-off und Abschluss.",
        "Das Programm sollte auch für die zweite Führungsebene offen sein.",
        "Die Umfrage ist angenehm kurz.",
    ),
    ("mentee_open", "midpoint", "fr"): ("Un atelier en français serait bienvenu.",
                                        "Merci, c'est une belle expérience jusqu'ici."),
    ("mentee_open", "final", "fr"): ("Merci pour l'organisation, c'était précieux.",
                                     "Plus d'échanges entre les tandems, s'il vous plaît."),
    ("mentee_open", "midpoint", "en"): ("So far, so good: thank you.",),
    ("mentee_open", "final", "en"): ("Thank you for a valuable half year.",),
    ("mentor_open", "midpoint", "de"): (
        "Ich hätte gern früher gewusst, was von mir als Mentorin oder Mentor erwartet wird.",
        "Das Training für Mentorinnen und Mentoren war sehr hilfreich.",
        "Ein Austausch unter Mentorinnen und Mentoren in der Mitte des Programms wäre gut.",
        "Es ist nicht immer leicht, in einer vollen Agenda Termine zu finden.",
    ),
    ("mentor_open", "final", "de"): (
        "Mein Mentee hat sich viel Zeit genommen, danke.",
        "Ich habe mehr gelernt, als ich erwartet hatte. Gern wieder!",
        "Die Vorgesetzten der Mentorinnen und Mentoren sollten früher informiert werden.",
        "Das Symposium als Abschluss ist eine gute Idee.",
    ),
    ("mentor_open", "midpoint", "fr"): ("La formation des mentors m'a donné confiance.",
                                        "J'aimerais un deuxième atelier."),
    ("mentor_open", "final", "fr"): ("Une très belle expérience, merci.",
                                     "J'ai gagné en assurance face à la direction."),
    ("mentor_open", "midpoint", "en"): ("More time for an exchange among mentors, please.",),
    ("mentor_open", "final", "en"): ("A great experience, thank you.",),
}
# At the final survey each mentee names one to three things their organisation should take up (the n-th mentee
# n % 3 + 1 of them, from the list of their language); the second of every three keeps them from their
# organisation, the others share them with their organisation's admins (without their name).
LEARNINGS: dict[str, tuple[str, ...]] = {
    "de": (
        "Jüngere Mitarbeitende früher in Projekte einbeziehen.",
        "Stelleninserate von jungen Leuten gegenlesen lassen.",
        "Ein internes Reverse Mentoring für die Geschäftsleitung einführen.",
        "Feedback nach jeder Sitzung statt einmal im Jahr im Mitarbeitergespräch.",
        "Regeln für KI-Werkzeuge gemeinsam mit den Teams schreiben.",
        "Social Media nicht allein der Kommunikationsabteilung überlassen.",
        "In hybriden Sitzungen sprechen zuerst die, die online dabei sind.",
        "Weniger Sitzungen, mehr schriftliche Abstimmung.",
    ),
    "fr": (
        "Associer les jeunes collaborateurs plus tôt aux projets.",
        "Rédiger les règles d'usage de l'IA avec les équipes.",
        "Proposer le mentorat inversé à tout le comité de direction.",
        "Donner du feedback après chaque réunion.",
    ),
    "en": ("Involve younger colleagues earlier in projects.", "Write the rules for AI tools with the teams."),
}

# The pilot's two surveys: everyone answered. Alpenbank Zürich's five mentees are enough for its own figures
# (and the learnings they shared) to show in its report; every other group stays under the threshold.
PILOT_SURVEYS: tuple[SurveyStory, ...] = (SurveyStory("midpoint"), SurveyStory("final"))
# The running cohort's mid-point survey is open: five mentors and six mentees have answered so far, so that the
# cohort's figures show while every organisation's stay under the anonymity threshold (or have no answers).
# The demo guide's (and the README's) mentee, Ursula Hägeli, has not answered yet: she is there to try it.
RUNNING_SURVEYS: tuple[SurveyStory, ...] = (SurveyStory("midpoint", open=True, respondents=(
    "lara.meier", "christine.merian", "finn.petersen", "nathalie.chappuis", "luca.bianchi", "martin.schnyder",
    "mia.vogt", "birgit.lorenzen", "chloe.favre", "monika.wyss", "sophie.dubois",
)),)
SURVEYS_BY_COHORT: dict[str, tuple[SurveyStory, ...]] = {PILOT.slug: PILOT_SURVEYS, RUNNING.slug: RUNNING_SURVEYS}
