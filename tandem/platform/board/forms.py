"""Forms of the board area: member organisations, exclusions, the topic catalogue."""

from __future__ import annotations

import re

from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from tandem.platform.board.images import MAX_DIMENSION, MAX_PIXELS, ImageRefused, clean_image
from tandem.platform.forms import TandemForm
from tandem.platform.i18n import lazy_gettext as _l
from tandem.tenants.forms import DOMAIN, parse_domains

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$")  # 2 to 63 characters
MAX_LOGO_BYTES = 512 * 1024


def _clean_slug(field: StringField) -> None:
    field.data = (field.data or "").strip().lower()
    if not SLUG.match(field.data):
        raise ValidationError(_l("Use 2 to 63 lowercase letters, digits and hyphens, starting and ending with "
                                 "a letter or digit."))


# Created before the shared fields below, so that the short name comes first in the form.
_organisation_slug = StringField(
    _l("Short name"),
    validators=[DataRequired(message=_l("Enter a short name."))],
    description=_l("Used in web addresses, e.g. medienhaus. Lowercase letters, digits and hyphens; it cannot "
                   "be changed later."),
)


class OrganisationForm(TandemForm):
    """Changing a member organisation: name, e-mail domains, logo."""

    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter the organisation's name.")),
                                               Length(max=200)])
    domains = TextAreaField(
        _l("E-mail domains"),
        description=_l("One per line, e.g. medienhaus.ch. People sign in with addresses of these domains; a "
                       "domain belongs to one organisation only."),
    )
    logo = FileField(
        _l("Logo"),
        description=_l("A PNG, JPEG or WebP image of at most 512 KB. Leave empty to keep the current logo."),
    )
    remove_logo = BooleanField(_l("Remove the current logo"))
    submit = SubmitField(_l("Save"))

    logo_data: bytes | None = None
    logo_content_type: str | None = None

    def validate_name(self, field: StringField) -> None:
        field.data = (field.data or "").strip()
        if not field.data:
            raise ValidationError(_l("Enter the organisation's name."))

    def validate_domains(self, field: TextAreaField) -> None:
        bad = [d for d in parse_domains(field.data) if not DOMAIN.match(d)]
        if bad:
            raise ValidationError(_l("Not a domain: %(domains)s", domains=", ".join(bad)))

    def validate_logo(self, field: FileField) -> None:
        """The type is decided by the file's bytes, never by its name or the browser's content type; what is
        kept is the image drawn anew from its pixels (board/images.py), nothing else the file carried."""
        if not field.data:
            return
        data = field.data.read(MAX_LOGO_BYTES + 1)
        if len(data) > MAX_LOGO_BYTES:
            raise ValidationError(_l("The logo is larger than 512 KB. Please upload a smaller image."))
        try:
            image = clean_image(data)
        except ImageRefused as refused:
            if refused.reason == "too_large" and refused.size is not None:
                raise ValidationError(_l(
                    "The image is %(width)d × %(height)d pixels: too large for a logo. Please upload one of at "
                    "most %(side)d pixels a side and %(megapixels)d megapixels in all, such as 4000 × 2000.",
                    width=refused.size[0], height=refused.size[1], side=MAX_DIMENSION,
                    megapixels=MAX_PIXELS // 1_000_000)) from None
            if refused.reason == "broken":
                raise ValidationError(_l("The image cannot be read: it may be damaged or cut off. Please upload "
                                         "it again, or another one.")) from None
            raise ValidationError(_l("This file is not a PNG, JPEG or WebP image, whatever its name says. "
                                     "Please upload one of those.")) from None
        self.logo_data, self.logo_content_type = image.data, image.content_type

    @property
    def domain_list(self) -> list[str]:
        return parse_domains(self.domains.data)


class NewOrganisationForm(OrganisationForm):
    slug = _organisation_slug
    remove_logo = None  # type: ignore[assignment]  # WTForms drops a field set to None: a new one has no logo
    submit = SubmitField(_l("Add the organisation"))

    def validate_slug(self, field: StringField) -> None:
        _clean_slug(field)


class ConfirmForm(TandemForm):
    """A button that changes something: suspend, reactivate, remove. Only the CSRF token is checked."""

    submit = SubmitField(_l("Confirm"))


class ExclusionForm(TandemForm):
    organisation_a = SelectField(_l("Organisation"), coerce=int,
                                 validators=[DataRequired(message=_l("Choose an organisation."))])
    organisation_b = SelectField(_l("Never paired with"), coerce=int,
                                 validators=[DataRequired(message=_l("Choose the other organisation."))])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=300)],
                         description=_l("For the board's records, e.g. direct competitors."))
    submit = SubmitField(_l("Add the exclusion"))

    def set_choices(self, organisations: list[tuple[int, str]]) -> None:
        choices = [(0, _l("Choose…"))] + organisations
        self.organisation_a.choices = choices
        self.organisation_b.choices = choices

    def validate_organisation_b(self, field: SelectField) -> None:
        if field.data and field.data == self.organisation_a.data:
            raise ValidationError(_l("Choose two different organisations."))

    def validate_reason(self, field: StringField) -> None:
        field.data = (field.data or "").strip() or None


_topic_slug = StringField(
    _l("Short name"),
    validators=[DataRequired(message=_l("Enter a short name."))],
    description=_l("A stable key, e.g. data-literacy. Lowercase letters, digits and hyphens; it cannot be "
                   "changed later."),
)


class TopicForm(TandemForm):
    """The labels of a topic, in every site language."""

    label_de = StringField(_l("Label in German"), validators=[
        DataRequired(message=_l("Enter the German label.")), Length(max=120)])
    label_fr = StringField(_l("Label in French"), validators=[
        DataRequired(message=_l("Enter the French label.")), Length(max=120)])
    label_it = StringField(_l("Label in Italian"), validators=[
        DataRequired(message=_l("Enter the Italian label.")), Length(max=120)])
    label_en = StringField(_l("Label in English"), validators=[
        DataRequired(message=_l("Enter the English label.")), Length(max=120)])
    submit = SubmitField(_l("Save"))

    def validate_label_de(self, field: StringField) -> None:
        _clean_label(field)

    def validate_label_fr(self, field: StringField) -> None:
        _clean_label(field)

    def validate_label_it(self, field: StringField) -> None:
        _clean_label(field)

    def validate_label_en(self, field: StringField) -> None:
        _clean_label(field)


def _clean_label(field: StringField) -> None:
    field.data = (field.data or "").strip()
    if not field.data:
        raise ValidationError(_l("Enter the label in every language."))


class NewTopicForm(TopicForm):
    slug = _topic_slug
    submit = SubmitField(_l("Add the topic"))

    def validate_slug(self, field: StringField) -> None:
        _clean_slug(field)
