"""Words of the outcomes area shared by the surveys' pages and the reports: a question's kind and audience."""

from __future__ import annotations

from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.outcomes.models import QuestionAudience, QuestionKind

KIND_LABELS = {
    QuestionKind.SCALE: _l("Scale"),
    QuestionKind.SINGLE: _l("Single choice"),
    QuestionKind.MULTIPLE: _l("Multiple choice"),
    QuestionKind.TEXT: _l("Text"),
}
AUDIENCE_LABELS = {
    QuestionAudience.MENTEE: _l("Mentees"),
    QuestionAudience.MENTOR: _l("Mentors"),
    QuestionAudience.BOTH: _l("Mentors and mentees"),
}
