"""The default questionnaire and the default dates of a cohort's two surveys (pure: no database, no Flask).

Each role has its own questions, so that each question is reported by organisation only; their `key` is the
same in every cohort (the across-cohort report compares them). Texts in de/fr/it/en: they are stored on the
questions when the surveys are prepared, so a later change here does not change a survey already prepared.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tandem.platform.outcomes.models import QuestionAudience, QuestionKind, SurveyKind

OPEN_FOR = timedelta(days=21)          # a survey is open 21 days (both days included: 22 calendar days)
SYMPOSIUM_GAP = timedelta(days=7)      # the final survey closes the day before the symposium if it is this late


@dataclass(frozen=True)
class DefaultQuestion:
    key: str
    audience: str
    kind: str
    texts: dict[str, str]
    scale: tuple[int, int] | None = None
    scale_labels: dict[str, list[str]] | None = None
    options: tuple[dict[str, str], ...] = ()


GOALS = {"de": "Wie weit haben Sie die Ziele erreicht, die Sie sich gesetzt haben?",
         "fr": "Dans quelle mesure avez-vous atteint les objectifs que vous vous étiez fixés ?",
         "it": "Fino a che punto ha raggiunto i Suoi obiettivi?",
         "en": "How far have you reached the goals you set?"}
USEFUL = {"de": "Wie nützlich sind die Treffen für Sie?",
          "fr": "Dans quelle mesure les rencontres vous sont-elles utiles ?",
          "it": "Quanto Le sono utili gli incontri?",
          "en": "How useful are the meetings for you?"}
RECOMMEND = {"de": "Wie wahrscheinlich ist es, dass Sie Reverse Mentoring einer Kollegin oder einem Kollegen "
                   "empfehlen?",
             "fr": "Quelle est la probabilité que vous recommandiez le reverse mentoring à une ou un collègue ?",
             "it": "Con quale probabilità consiglierebbe il reverse mentoring a una collega o a un collega?",
             "en": "How likely are you to recommend reverse mentoring to a colleague?"}
OPEN = {"de": "Was möchten Sie dem Vorstand sonst noch mitteilen?",
        "fr": "Que souhaitez-vous encore dire au comité ?",
        "it": "Che cos'altro desidera comunicare al comitato?",
        "en": "What else would you like the board to know?"}
CHANGED = {"de": "Was hat sich an Ihrer Arbeitsweise verändert?",
           "fr": "Qu'est-ce qui a changé dans votre façon de travailler ?",
           "it": "Che cosa è cambiato nel Suo modo di lavorare?",
           "en": "What has changed in how you work?"}
GAINED = {"de": "Was haben Sie als Mentorin oder Mentor gewonnen?",
          "fr": "Qu'avez-vous gagné en tant que mentor ?",
          "it": "Che cosa ha guadagnato nel ruolo di mentor?",
          "en": "What have you gained as a mentor?"}

NOT_AT_ALL_COMPLETELY = {"de": ["überhaupt nicht", "vollständig"], "fr": ["pas du tout", "entièrement"],
                         "it": ["per niente", "completamente"], "en": ["not at all", "completely"]}
NOT_USEFUL_VERY = {"de": ["gar nicht nützlich", "sehr nützlich"], "fr": ["pas du tout utiles", "très utiles"],
                   "it": ["per niente utili", "molto utili"], "en": ["not useful at all", "very useful"]}
UNLIKELY_LIKELY = {"de": ["sehr unwahrscheinlich", "sehr wahrscheinlich"],
                   "fr": ["très peu probable", "très probable"],
                   "it": ["molto improbabile", "molto probabile"],
                   "en": ["very unlikely", "very likely"]}

MENTOR_GAINED_OPTIONS: tuple[dict[str, str], ...] = (
    {"de": "Gespräche mit Führungspersonen führen", "fr": "Mener des conversations avec des cadres supérieurs",
     "it": "Condurre conversazioni con dirigenti", "en": "Leading conversations with senior people"},
    {"de": "Meine Ideen präsentieren", "fr": "Présenter mes idées", "it": "Presentare le mie idee",
     "en": "Presenting my ideas"},
    {"de": "Feedback geben und annehmen", "fr": "Donner et recevoir du feedback", "it": "Dare e ricevere feedback",
     "en": "Giving and receiving feedback"},
    {"de": "Verstehen, wie Führungspersonen entscheiden", "fr": "Comprendre comment les dirigeants décident",
     "it": "Capire come decidono i dirigenti", "en": "Understanding how leaders decide"},
    {"de": "Ein Netzwerk über Organisationen hinweg", "fr": "Un réseau au-delà de mon organisation",
     "it": "Una rete al di là della mia organizzazione", "en": "A network across organisations"},
)


def _questions(role: str) -> tuple[DefaultQuestion, ...]:
    scale = QuestionKind.SCALE
    common_goals = DefaultQuestion(f"{role}_goals", role, scale, GOALS, (1, 5), NOT_AT_ALL_COMPLETELY)
    common_useful = DefaultQuestion(f"{role}_useful", role, scale, USEFUL, (1, 5), NOT_USEFUL_VERY)
    middle = (DefaultQuestion("mentee_changed", role, QuestionKind.TEXT, CHANGED) if role == "mentee" else
              DefaultQuestion("mentor_gained", role, QuestionKind.MULTIPLE, GAINED, options=MENTOR_GAINED_OPTIONS))
    recommend = DefaultQuestion(f"{role}_recommend", role, scale, RECOMMEND, (0, 10), UNLIKELY_LIKELY)
    open_question = DefaultQuestion(f"{role}_open", role, QuestionKind.TEXT, OPEN)
    return (common_goals, common_useful, middle, recommend, open_question)


# Mentees' questions first, then the mentors': the position of each question in a survey.
DEFAULT_QUESTIONS: tuple[DefaultQuestion, ...] = (*_questions(QuestionAudience.MENTEE),
                                                  *_questions(QuestionAudience.MENTOR))
DEFAULT_KEYS = tuple(question.key for question in DEFAULT_QUESTIONS)


def default_dates(kind: str, kickoff_on: date, closing_on: date, symposium_on: date | None) -> tuple[date, date]:
    """The days a survey is open by default (both included): the mid-point survey opens at half the programme
    and closes 21 days later; the final one opens on the closing day and closes on the day before the symposium
    when that day is at least 7 days after closing, else 21 days after closing."""
    if kind == SurveyKind.MIDPOINT:
        opens_on = kickoff_on + (closing_on - kickoff_on) // 2
        return opens_on, opens_on + OPEN_FOR
    if symposium_on is not None and (symposium_on - timedelta(days=1)) - closing_on >= SYMPOSIUM_GAP:
        return closing_on, symposium_on - timedelta(days=1)
    return closing_on, closing_on + OPEN_FOR
