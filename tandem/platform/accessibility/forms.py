"""The barrier report (public) and the board's status and note on a report."""

from __future__ import annotations

from wtforms import EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # added in WTForms 3.3; stubs are 3.2
from wtforms.validators import DataRequired, Email, Length, Optional

from tandem.platform.accessibility.models import (
    MAX_DESCRIPTION,
    MAX_NOTE,
    MAX_PAGE,
    MAX_TECHNOLOGY,
    ReportStatus,
)
from tandem.platform.forms import TandemForm
from tandem.platform.i18n import lazy_gettext as _l

AT_MOST = _l("At most %(max)d characters.")
STATUS_LABELS = {
    ReportStatus.OPEN: _l("Open"),
    ReportStatus.ANSWERED: _l("Answered"),
    ReportStatus.CLOSED: _l("Closed"),
}


class BarrierReportForm(TandemForm):
    """What the barrier is (needed), where, with what, and where to answer (each optional)."""

    description = TextAreaField(
        _l("What did not work for you?"),
        validators=[DataRequired(message=_l("Please describe the barrier, in a few words or more.")),
                    Length(max=MAX_DESCRIPTION, message=AT_MOST)],
        description=_l("What you tried to do, and what stopped you or made it hard. Plain text; up to "
                       "%(max)d characters.", max=MAX_DESCRIPTION),
        render_kw={"rows": 6, "maxlength": MAX_DESCRIPTION},
    )
    page = StringField(
        _l("Page address (optional)"),
        validators=[Optional(), Length(max=MAX_PAGE, message=AT_MOST)],
        description=_l("The address of the page, or its name, if the barrier is on one page."),
        render_kw={"maxlength": MAX_PAGE, "autocomplete": "off", "inputmode": "url"},
    )
    assistive_technology = StringField(
        _l("Assistive technology (optional)"),
        validators=[Optional(), Length(max=MAX_TECHNOLOGY, message=AT_MOST)],
        description=_l("For example a screen reader, screen magnifier, voice control or keyboard only, with the "
                       "browser, if you would like to tell us."),
        render_kw={"maxlength": MAX_TECHNOLOGY},
    )
    email = EmailField(
        _l("Your e-mail address, for an answer (optional)"),
        validators=[Optional(), Email(message=_l("This does not look like an e-mail address."),
                                      check_deliverability=False),
                    Length(max=320, message=AT_MOST)],
        description=_l("Only the club board sees it, to answer you. Leave it empty to report anonymously."),
        render_kw={"autocomplete": "email", "maxlength": 320},
    )
    # A field people never see (its wrapper is `hidden`): a program that fills in every field fills it too.
    website = StringField(_l("Leave this field empty"), validators=[Optional()],
                          render_kw={"autocomplete": "off", "tabindex": "-1"})
    submit = SubmitField(_l("Send the report to the club board"))


class ReportStatusForm(TandemForm):
    """The board's status of a report, with a note for the board."""

    status = SelectField(_l("Status"),
                         choices=[SelectChoice(value.value, label) for value, label in STATUS_LABELS.items()],
                         validators=[DataRequired(message=_l("Please choose a status."))])
    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), Length(max=MAX_NOTE, message=AT_MOST)],
        description=_l("For the board: what was done or answered. Closing a report forgets the reporter's "
                       "address and assistive technology."),
        render_kw={"rows": 3, "maxlength": MAX_NOTE},
    )
    submit = SubmitField(_l("Save"))
