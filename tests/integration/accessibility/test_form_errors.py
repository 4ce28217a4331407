"""Form errors tied to their fields and announced, on every form of the site (WCAG 1.3.1, 3.3.1, 4.1.2).

Every form of every POST route is sent, as each role that reaches it, once with every field empty and once
with control characters in every field (the choices the page offers kept valid): each page that answers
with field errors must
- say each error in an element with an id that the field's control (or its fieldset) names in
  `aria-describedby`, beside `aria-invalid="true"` on the control (or on every option of the group);
- name the field's hint, if it has one, in the same `aria-describedby`;
- open with an error summary that is announced (`role="alert"`) and links each error to an element of the
  page (the control itself, or the first option of a group).
The macro itself (tandem/templates/forms.html) is checked alone first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from flask import render_template_string
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3; stubs are 3.2
from wtforms.validators import DataRequired, Length

from tandem.platform.forms import TandemForm
from tests.fixtures.form_probe import (
    build_access_club,
    discover_fields,
    form_data,
    post_targets,
    route_path,
)

CONTROLS = ("input", "select", "textarea", "fieldset")


@dataclass
class _Element:
    tag: str
    attributes: dict[str, str]


@dataclass
class Page:
    elements: list[_Element] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)          # ids of the field errors
    hints: list[str] = field(default_factory=list)           # ids of the hints
    summary_links: list[str] = field(default_factory=list)   # hrefs in an error summary
    summary_roles: list[str] = field(default_factory=list)   # roles of the error summaries

    def by_id(self, identifier: str) -> _Element | None:
        return next((e for e in self.elements if e.attributes.get("id") == identifier), None)

    def describing(self, identifier: str) -> list[_Element]:
        return [e for e in self.elements if e.tag in CONTROLS
                and identifier in e.attributes.get("aria-describedby", "").split()]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._summary_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        self.page.elements.append(_Element(tag, attributes))
        classes = attributes.get("class", "").split()
        if tag == "div" and "error-summary" in classes:
            self._summary_depth = 1
            self.page.summary_roles.append(attributes.get("role", ""))
        elif self._summary_depth and tag == "div":
            self._summary_depth += 1
        if self._summary_depth and tag == "a":
            self.page.summary_links.append(attributes.get("href", ""))
        if "field__error" in classes:
            self.page.errors.append(attributes.get("id", ""))
        if "field__hint" in classes and attributes.get("id"):
            self.page.hints.append(attributes["id"])

    def handle_endtag(self, tag: str) -> None:
        if self._summary_depth and tag == "div":
            self._summary_depth -= 1


def parse(html: str) -> Page:
    parser = _Parser()
    parser.feed(html)
    return parser.page


def problems_of(html: str) -> list[str]:
    """What is wrong with how a page ties its form errors to their fields: an empty list when nothing."""
    page = parse(html)
    problems: list[str] = []
    if not page.errors:
        return problems
    if not page.summary_roles or any(role != "alert" for role in page.summary_roles):
        problems.append(f"no error summary announced with role=alert (roles {page.summary_roles})")
    for href in page.summary_links:
        if href.startswith("#") and page.by_id(href[1:]) is None:
            problems.append(f"the summary links to {href}, which is not on the page")
    for error in page.errors:
        if not error:
            problems.append("an error without an id")
            continue
        controls = page.describing(error)
        field_id = error.rsplit("-error-", 1)[0]
        if not controls and not _controls_of(page, field_id):
            # A field shown read-only (set elsewhere), or a list without options: no control to describe;
            # the message must sit in the block that carries the field's id, where the summary leads.
            block = page.by_id(field_id)
            if block is None or f"#{field_id}" not in page.summary_links:
                problems.append(f"the error {error} of a field without a control is not where the summary leads")
            continue
        if not controls:
            problems.append(f"no control names the error {error} in aria-describedby")
            continue
        for control in controls:
            if control.tag == "fieldset":
                options = _options_of(page, control)
                if not options or any(o.attributes.get("aria-invalid") != "true" for o in options):
                    problems.append(f"the options of the group {control.attributes.get('id')} are not aria-invalid")
            elif control.attributes.get("aria-invalid") != "true":
                problems.append(f"the control {control.attributes.get('id')} with the error {error} is not "
                                "aria-invalid")
            hint = f"{control.attributes.get('id')}-hint"
            if hint in page.hints and hint not in control.attributes.get("aria-describedby", "").split():
                problems.append(f"the control {control.attributes.get('id')} does not name its hint")
    return problems


def _controls_of(page: Page, field_id: str) -> list[_Element]:
    """The form controls of a field: its own id, or its options' ("<id>-0", "<id>-1", ...)."""
    return [e for e in page.elements if e.tag in ("input", "select", "textarea")
            and e.attributes.get("type") != "hidden"
            and (e.attributes.get("id") == field_id or e.attributes.get("id", "").startswith(field_id + "-"))]


def _options_of(page: Page, fieldset: _Element) -> list[_Element]:
    """The radio buttons and checkboxes whose ids start with the group's id (WTForms names them id-0, id-1)."""
    group = fieldset.attributes.get("id", "")
    return [e for e in page.elements if e.tag == "input" and e.attributes.get("type") in ("radio", "checkbox")
            and e.attributes.get("id", "").startswith(group + "-")]


# --- The macro alone ---------------------------------------------------------------------------------------

class _Probe(TandemForm):
    name = StringField("Name", validators=[DataRequired(message="Enter a name.")], description="As others see it.")
    story = TextAreaField("Story", validators=[Length(max=3, message="At most 3.")])
    meet = RadioField("How", choices=[SelectChoice("online", "Online"), SelectChoice("site", "On site")],
                      validators=[DataRequired(message="Choose how.")], description="Either is fine.")


TEMPLATE = """{% from "forms.html" import form_field, error_summary %}
{{ error_summary(form) }}
<form method="post" novalidate>{{ form_field(form.name) }}{{ form_field(form.story) }}{{ form_field(form.meet) }}
{{ form_field(form.name, id="name-2", blank=true) }}</form>"""


def test_the_field_macro_ties_errors_and_hints_to_the_control_and_the_summary_links_to_it(app):
    with app.test_request_context("/", method="POST", data={"story": "long story", "meet": "by mail"}):
        form = _Probe()
        assert not form.validate()
        html = render_template_string(TEMPLATE, form=form)
    page = parse(html)
    assert problems_of(html) == []
    name = page.by_id("name")
    assert name.attributes["aria-describedby"].split() == ["name-hint", "name-error-1"]
    assert name.attributes["aria-invalid"] == "true" and "required" in name.attributes
    story = page.by_id("story")
    assert story.tag == "textarea" and story.attributes["aria-describedby"] == "story-error-1"
    group = page.by_id("meet")
    assert group.tag == "fieldset" and group.attributes["aria-describedby"].split() == ["meet-hint", "meet-error-1"]
    assert [o.attributes["id"] for o in _options_of(page, group)] == ["meet-0", "meet-1"]
    assert page.summary_roles == ["alert"]
    assert page.summary_links == ["#name", "#story", "#meet-0"]
    # the blank copy of a field repeated on the page: no errors, no aria-invalid, its own id
    copy = page.by_id("name-2")
    assert "aria-invalid" not in copy.attributes and "name-2-error-1" not in html


def test_a_form_without_errors_has_no_summary_and_no_invalid_fields(app):
    with app.test_request_context("/"):
        html = render_template_string(TEMPLATE, form=_Probe(formdata=None))
    assert "error-summary" not in html and "aria-invalid" not in html and problems_of(html) == []


def test_the_checker_finds_an_error_that_no_field_names():
    html = ('<div class="error-summary" role="alert"><a href="#gone">x</a></div>'
            '<input id="name" aria-invalid="true"><p class="field__error" id="name-error-1">Wrong</p>')
    assert problems_of(html) == ["the summary links to #gone, which is not on the page",
                                 "no control names the error name-error-1 in aria-describedby"]


# --- Every form of the site ----------------------------------------------------------------------------------

EMPTY = ""
CONTROL_CHARACTERS = "a\x01\x1bb"


@pytest.mark.parametrize(("endpoint", "role"), post_targets())
def test_every_form_ties_its_errors_to_their_fields(app, db, sign_in, endpoint, role):
    people, values = build_access_club(db)
    path = route_path(app, endpoint, "POST", values)
    client = app.test_client()
    if role != "anonymous":
        sign_in(client, people[role])
    fields = discover_fields(app, client, endpoint, path, role, values)
    found: list[tuple[str, list[str]]] = []
    for payload in (EMPTY, CONTROL_CHARACTERS):
        for data in form_data(fields, payload, valid_choices=True):
            app.extensions["tandem.limiter"].reset()
            response = client.post(path, data=data)
            if response.status_code == 400 and response.mimetype == "text/html":
                problems = problems_of(response.get_data(as_text=True))
                if problems:
                    found.append((f"{payload!r} in {sorted(data)}", problems))
    assert found == [], f"{endpoint} as {role}"
