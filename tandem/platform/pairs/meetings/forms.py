"""The meetings' forms: plan (or change) a meeting, log one held, the private note, the check-in.

Times are entered in the club's time zone (`<input type=datetime-local>`); the rules that depend on the pair
and its cohort (future or past, within the cohort's span, a place or a link) are the operations' and refused
beside the field there. Every text has the model's length limit; the fields refuse control characters first
(`TandemForm`).
"""

from __future__ import annotations

from typing import Any

from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tandem.platform.cohorts.forms import CheckboxesField, WholeNumberField
from tandem.platform.forms import TandemForm
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.pairs.meetings.calendar import FORMAT_LABELS, USEFULNESS_LABELS
from tandem.platform.pairs.meetings.operations import MeetingInput
from tandem.platform.pairs.models import (
    MAX_COMMENT,
    MAX_DURATION_MINUTES,
    MAX_NOTE,
    MAX_PLACE,
    MAX_SUMMARY,
    MAX_URL,
    MIN_DURATION_MINUTES,
)
from tandem.platform.programme.forms import LocalTimeField

AT_MOST = _l("At most %(max)d characters.")


class MeetingForm(TandemForm):
    """Plan a meeting, or change a planned one: when, how long, in person (where) or online (the link)."""

    starts_at = LocalTimeField(_l("Date and time"), validators=[DataRequired(message=_l("Enter when you meet."))],
                               description=_l("In the club's time zone."))
    duration = WholeNumberField(
        _l("Duration in minutes"), invalid_message=_l("Enter the duration as a whole number of minutes."),
        validators=[InputRequired(message=_l("Enter how long you meet, in minutes.")),
                    NumberRange(min=MIN_DURATION_MINUTES, max=MAX_DURATION_MINUTES,
                                message=_l("Between %(min)s and %(max)s minutes."))],
        render_kw={"min": MIN_DURATION_MINUTES, "max": MAX_DURATION_MINUTES, "step": 5})
    format = RadioField(_l("How you meet"), choices=[(k.value, label) for k, label in FORMAT_LABELS.items()],
                        validators=[DataRequired(message=_l("Choose in person or online."))])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=MAX_PLACE, message=AT_MOST)],
                        description=_l("For a meeting in person: where you meet."),
                        render_kw={"maxlength": MAX_PLACE})
    online_url = StringField(_l("Online link"), validators=[Optional(), Length(max=MAX_URL, message=AT_MOST)],
                             description=_l("For an online meeting: its https:// address."),
                             render_kw={"maxlength": MAX_URL})

    def meeting_input(self) -> MeetingInput:
        starts = self.starts_at.aware()
        if starts is None or self.duration.data is None:
            raise ValueError("meeting_input() is read after validation")
        return MeetingInput(starts_at=starts, duration_minutes=self.duration.data, format=self.format.data or "",
                            place=(self.place.data or "").strip() or None,
                            online_url=(self.online_url.data or "").strip() or None)


class LogForm(MeetingForm):
    """A meeting held: when, how, the topics, the summary (both partners read it) and a private note (the
    author's alone). Place and link are optional here."""

    topics = CheckboxesField(_l("Topics"), coerce=int, validate_choice=True,
                             description=_l("What you talked about, if any of these."))
    summary = TextAreaField(
        _l("Summary"), validators=[Optional(), Length(max=MAX_SUMMARY, message=AT_MOST)],
        description=_l("What you did and agreed on, in a few lines. Your partner reads it too; the club board "
                       "does not."), render_kw={"rows": 5, "maxlength": MAX_SUMMARY})
    private_note = TextAreaField(
        _l("Private note"), validators=[Optional(), Length(max=MAX_NOTE, message=AT_MOST)],
        description=_l("For you alone: neither your partner nor the club board ever reads it."),
        render_kw={"rows": 4, "maxlength": MAX_NOTE})

    def __init__(self, *args: Any, topics: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.topics.choices = topics

    def topic_ids(self) -> list[int]:
        return sorted(set(self.topics.data or []))


class NoteForm(TandemForm):
    """The viewer's private note on a meeting (empty: the note is removed)."""

    text = TextAreaField(_l("Your private note"),
                         validators=[Optional(), Length(max=MAX_NOTE, message=AT_MOST)],
                         description=_l("Only you ever read it: not your partner, not the club board."),
                         render_kw={"rows": 5, "maxlength": MAX_NOTE})


class CheckInForm(TandemForm):
    """After a held meeting: how useful it was (1-4), and a comment of the viewer's own."""

    usefulness = RadioField(_l("How useful was this meeting for you?"), coerce=int,
                            choices=[(value, label) for value, label in USEFULNESS_LABELS.items()],
                            validators=[InputRequired(message=_l("Choose how useful it was."))])
    comment = TextAreaField(_l("Comment (optional)"),
                            validators=[Optional(), Length(max=MAX_COMMENT, message=AT_MOST)],
                            description=_l("Your partner and the club board do not read it."),
                            render_kw={"rows": 3, "maxlength": MAX_COMMENT})


class ConfirmForm(TandemForm):
    """A button that changes something (not held, cancel): only the CSRF token is checked."""
