"""Lazily translated messages (`_l`) are safe in HTML: the message is markup, its parameters are text.

Flask-Babel's own lazy strings claim to be markup as a whole (`__html__` answers the formatted text as it is),
so a form error such as "Not a domain: %(domains)s" showed the visitor's input as HTML. Every module takes
`_l` from tandem.platform.i18n instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import Flask, render_template_string
from flask_babel import Babel
from markupsafe import Markup, escape

from tandem.platform.i18n import lazy_gettext

PACKAGE = Path(__file__).resolve().parents[3] / "tandem"
HOSTILE = '<script>alert(1)</script> & "><img src=x onerror=alert(1)>'


@pytest.fixture()
def babel_app():
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        yield app


def test_parameters_are_escaped_in_templates_and_markup(babel_app):
    message = lazy_gettext("Not a domain: %(domains)s", domains=HOSTILE)
    rendered = render_template_string("{{ message }}", message=message)
    assert rendered == "Not a domain: " + str(escape(HOSTILE))
    assert "<script>" not in Markup("<li>%s</li>") % message
    assert str(escape(message)) == "Not a domain: " + str(escape(HOSTILE))


def test_the_text_itself_and_numbers_are_unchanged(babel_app):
    assert str(lazy_gettext("Not a domain: %(domains)s", domains=HOSTILE)) == "Not a domain: " + HOSTILE
    assert render_template_string("{{ m }}", m=lazy_gettext("At most %(max)d characters.", max=300)) == \
        "At most 300 characters."
    assert render_template_string("{{ m }}", m=lazy_gettext("Enter the person's name.")) == "Enter the person's name."
    assert lazy_gettext("100% sure") == "100% sure"  # no parameters: not formatted


def test_no_module_takes_lazy_gettext_from_flask_babel():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("flask_babel") and any(
                    alias.name.startswith("lazy_") for alias in node.names):
                offenders.append(str(path.relative_to(PACKAGE.parent)))
    assert sorted(offenders) == [], (
        "take `lazy_gettext as _l` from tandem.platform.i18n, whose parameters are escaped in HTML")
