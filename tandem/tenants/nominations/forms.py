"""Forms of the nominations pages."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # added in WTForms 3.3; stubs are 3.2
from wtforms.validators import DataRequired, Email, InputRequired, Length

from tandem.platform.forms import TandemForm
from tandem.platform.i18n import lazy_gettext as _l
from tandem.tenants.nominations.csv_import import MAX_EMAIL, MAX_NAME, MAX_NOTE


class NominationForm(TandemForm):
    """One nomination. The rules beyond the fields' own (domains, quota, ...) are the operation's."""

    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter the person's name.")),
                                               Length(max=MAX_NAME)])
    email = EmailField(_l("Work e-mail address"), validators=[
        DataRequired(message=_l("Enter the person's work e-mail address.")),
        Email(message=_l("This does not look like an e-mail address."), check_deliverability=False),
        Length(max=MAX_EMAIL),
    ])
    role = SelectField(_l("Role"), choices=[SelectChoice("", _l("Choose a role")), SelectChoice("mentor", _l("Mentor")),
                                            SelectChoice("mentee", _l("Mentee"))],
                      validators=[InputRequired(message=_l("Choose mentor or mentee."))],
                      description=_l("Mentors are the young professionals; mentees the experienced leaders."))
    cohort = SelectField(_l("Cohort"), validators=[InputRequired(message=_l("Choose the cohort."))],
                         validate_choice=True)
    note = TextAreaField(_l("Note"), validators=[Length(max=MAX_NOTE)],
                         description=_l("Optional, at most 500 characters: for the board, not shown to the person."))
    submit = SubmitField(_l("Nominate and send the invitation"))


class UploadForm(TandemForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(message=_l("Choose a CSV file."))],
                     description=_l("UTF-8 or Excel's Windows CSV, separated by commas or semicolons, at most 1000 "
                                    "nominations and 1 MB."),
                     render_kw={"accept": ".csv,text/csv"})
    submit = SubmitField(_l("Check the file"))


class ConfirmImportForm(TandemForm):
    """The checked file's text goes back to the server, which checks it all over again."""

    csv_text = TextAreaField(validators=[DataRequired()])
    submit = SubmitField(_l("Nominate everyone and send the invitations"))


class WithdrawForm(TandemForm):
    submit = SubmitField(_l("Withdraw"))


class InviteForm(TandemForm):
    submit = SubmitField(_l("Send invitation"))
