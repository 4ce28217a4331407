"""The nudge setting's form."""

from __future__ import annotations

from wtforms import RadioField
from wtforms.validators import InputRequired

from tandem.platform.forms import TandemForm
from tandem.platform.i18n import lazy_gettext as _l

AS_THEY_COME = "as_they_come"
WEEKLY_DIGEST = "weekly_digest"


class NudgeSettingsForm(TandemForm):
    """How a person receives the reminders and flags of the tandems' rhythm."""

    delivery = RadioField(
        _l("How would you like to receive reminders about tandem meetings?"),
        choices=[(AS_THEY_COME, _l("As they come, at most one e-mail a week")),
                 (WEEKLY_DIGEST, _l("A weekly digest on Mondays"))],
        validators=[InputRequired(message=_l("Choose how you would like to receive them."))],
    )
