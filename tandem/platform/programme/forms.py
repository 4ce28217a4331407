"""The programme's forms: the board's event form (built for the cohort's languages) and the invitee's answer.

Times are entered in the club's time zone (`<input type=datetime-local>`) and converted to UTC by
`EventForm.event_input()`; anything that is not a date and time gets our own message beside the field.
"""

from __future__ import annotations

from typing import Any

from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tandem.platform.cohorts.forms import CheckboxesField, OptionalWholeNumberField
from tandem.platform.forms import LocalTimeField, TandemForm
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.programme.models import (
    MAX_DESCRIPTION,
    MAX_TITLE,
    MAX_URL,
    MAX_VENUE,
    Answer,
    Audience,
    EventStatus,
)
from tandem.platform.programme.operations import EventInput
from tandem.platform.programme.wording import KIND_LABELS

AUDIENCE_LABELS = {
    Audience.MENTORS: _l("Mentors"),
    Audience.MENTEES: _l("Mentees"),
    Audience.ORG_ADMINS: _l("Admins of the cohort's organisations"),
    Audience.BOARD: _l("The club board"),
}
# What the person answered, in their words.
MY_ANSWER_LABELS = {
    Answer.NONE: _l("Not answered yet"),
    Answer.YES: _l("Yes, I will come"),
    Answer.NO: _l("No, I cannot come"),
    Answer.MAYBE: _l("Maybe"),
    Answer.WAITING: _l("On the waiting list"),
}
ANSWER_LABELS = {"yes": _l("Yes, I will come"), "maybe": _l("Maybe"), "no": _l("No, I cannot come")}
LANGUAGE_NAMES = {"de": _l("German"), "fr": _l("French"), "it": _l("Italian"), "en": _l("English")}
# The board's words for an event's status and for the answers it counts (third person, not the invitee's).
STATUS_LABELS = {
    EventStatus.DRAFT: _l("Draft"),
    EventStatus.PUBLISHED: _l("Published"),
    EventStatus.CANCELLED: _l("Cancelled"),
}
ANSWER_COUNT_LABELS = {
    Answer.YES: _l("Yes"),
    Answer.MAYBE: _l("Maybe"),
    Answer.NO: _l("No"),
    Answer.WAITING: _l("Waiting list"),
    Answer.NONE: _l("Not answered"),
}


class EventForm(TandemForm):
    """The event form; `title_<lang>` and `description_<lang>` fields are added for the cohort's languages."""

    kind = SelectField(_l("Kind"), choices=[(k.value, label) for k, label in KIND_LABELS.items()],
                       validators=[DataRequired(message=_l("Choose the kind of event."))])
    starts_at = LocalTimeField(_l("Starts"), validators=[DataRequired(message=_l("Enter when it starts."))])
    ends_at = LocalTimeField(_l("Ends"), validators=[DataRequired(message=_l("Enter when it ends."))])
    venue_name = StringField(_l("Venue"), validators=[Optional(), Length(max=MAX_VENUE)],
                             description=_l("For example the host organisation's building."))
    venue_room = StringField(_l("Room"), validators=[Optional(), Length(max=MAX_VENUE)])
    venue_address = StringField(_l("Address"), validators=[Optional(), Length(max=MAX_VENUE)])
    host_organisation = SelectField(_l("Hosted by"), coerce=int, validate_choice=False,
                                    description=_l("A member organisation that hosts the event, if any."))
    online_url = StringField(_l("Online link"), validators=[Optional(), Length(max=MAX_URL)],
                             description=_l("For an online or hybrid event: the meeting's https:// address."))
    audience = CheckboxesField(_l("Invited"), choices=[(a.value, label) for a, label in AUDIENCE_LABELS.items()],
                               validators=[DataRequired(message=_l("Choose who is invited."))])
    capacity = OptionalWholeNumberField(_l("Places"), validators=[Optional()],
                                invalid_message=_l("Give a whole number of places, or leave it empty."),
                                description=_l("Leave empty for no limit. When the places are taken, further "
                                               "yes-answers go on a waiting list."))

    def __init__(self, *args: Any, languages: list[str], organisations: list[tuple[int, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.languages = list(languages)
        self.host_organisation.choices = [(0, _l("No host")), *organisations]

    @classmethod
    def for_languages(cls, languages: list[str]) -> type[EventForm]:
        """A form class with a title and a description field per language."""
        fields: dict[str, Any] = {}
        for index, language in enumerate(languages):
            name = LANGUAGE_NAMES.get(language, language)
            fields[f"title_{language}"] = StringField(
                _l("Title (%(language)s)", language=name),
                validators=[Optional(), Length(max=MAX_TITLE, message=_l("At most %(max)d characters."))],
                render_kw={"maxlength": MAX_TITLE, "lang": language}, description="" if index else
                _l("A title in at least one language; people see theirs, or the first one given."))
            fields[f"description_{language}"] = TextAreaField(
                _l("Description (%(language)s)", language=name),
                validators=[Optional(), Length(max=MAX_DESCRIPTION, message=_l("At most %(max)d characters."))],
                render_kw={"rows": 4, "maxlength": MAX_DESCRIPTION, "lang": language})
        return type(f"EventForm_{'_'.join(languages)}", (cls,), fields)

    def event_input(self) -> EventInput:
        starts, ends = self.starts_at.aware(), self.ends_at.aware()
        if starts is None or ends is None:
            raise ValueError("event_input() is read after validation")
        return EventInput(
            kind=self.kind.data or "",
            titles={lang: self[f"title_{lang}"].data or "" for lang in self.languages},
            descriptions={lang: self[f"description_{lang}"].data or "" for lang in self.languages},
            starts_at=starts, ends_at=ends, venue_name=self.venue_name.data, venue_address=self.venue_address.data,
            venue_room=self.venue_room.data, host_organisation_id=self.host_organisation.data or None,
            online_url=self.online_url.data, audience=tuple(self.audience.data or ()), capacity=self.capacity.data)


class AnswerForm(TandemForm):
    """An invitee's answer."""

    answer = RadioField(_l("Will you come?"), choices=list(ANSWER_LABELS.items()),
                        validators=[DataRequired(message=_l("Choose yes, no or maybe."))])


class ConfirmForm(TandemForm):
    """A button that changes something (publish, cancel, create the dated events, renew a feed): only the
    CSRF token is checked."""
