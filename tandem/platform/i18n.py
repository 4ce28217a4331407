"""German, French and English: chosen by the person, else by the browser, else the club's default.

Translations are looked up once per request per locale: `catalogue()` keeps the locale's catalogue in the
request's context and answers from there while the locale stays the same (Flask-Babel resolves the locale
through the context at every call: a page of a few hundred messages spent a quarter of its time there).
Flask-Babel's own `gettext` (which many modules import as `_`), `_l` below and the templates' `_`, `gettext`
and `ngettext` all go through it. `force_locale` (mail in the recipient's language) and `refresh` change the
locale and are seen at the next call.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import flask_babel
from babel import Locale
from babel.dates import DateTimePattern, get_date_format, parse_pattern
from babel.support import NullTranslations
from flask import Flask, current_app, has_request_context, request, session
from flask.globals import _cv_app
from flask_babel import Babel, Domain, get_babel, get_locale
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from tandem.platform.config import LANGUAGES

LANGUAGE_NAMES = {"de": "Deutsch", "fr": "Français", "it": "Italiano", "en": "English"}
CATALOGUE_KEY = "_tandem_catalogue"  # in `g`: (the locale it was looked up for, its catalogue)
BABEL_KEY = "_flask_babel"  # Flask-Babel's namespace in `g` (babel_locale: the locale it chose or was forced to)
MEMO_LIMIT = 20_000  # formatted template messages without parameters kept per catalogue (they are literals)
_NULL = NullTranslations()


def catalogue() -> Any:
    """The translations of the current locale: looked up through Flask-Babel once per request and locale,
    then read from the request's context. Outside an app context, no translation (Flask-Babel does the same)."""
    context = _cv_app.get(None)
    if context is None:
        return _NULL
    store = context.g.__dict__
    babel = store.get(BABEL_KEY)
    locale = getattr(babel, "babel_locale", None) if babel is not None else None
    kept = store.get(CATALOGUE_KEY)
    if kept is not None and locale is not None and kept[0] is locale:
        return kept[1]
    translations = Domain.get_translations(get_babel().instance.domain_instance)  # resolves the locale
    babel = store.get(BABEL_KEY)
    if babel is not None and getattr(babel, "babel_locale", None) is not None:
        store[CATALOGUE_KEY] = (babel.babel_locale, translations)
    return translations


class RequestDomain(Domain):  # Flask-Babel has no types: Domain is Any to mypy
    """Flask-Babel's default domain, answering from the request's catalogue (`catalogue()`), so that
    `flask_babel.gettext` and the rest look the catalogue up once per request and locale as well."""

    def get_translations(self) -> Any:
        return catalogue()


def gettext(message: str, **variables: Any) -> str:
    """`_`: the message in the current language, formatted with `variables` when there are any."""
    text: str = catalogue().ugettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    text: str = catalogue().ungettext(singular, plural, num)
    return text % variables


class LazyText(LazyString):  # Flask-Babel has no types: LazyString is Any to mypy
    """A message translated when it is shown, safe in HTML: the message is markup, its parameters are text.

    Flask-Babel's LazyString answers `__html__` with the formatted text as it is, so Jinja, WTForms and
    Markup's `%` took a message such as "Not a domain: %(domains)s" with a visitor's input in it for markup.
    Here the parameters are escaped, as `{{ _("...", name=...) }}` does in templates; `str()` is unchanged.
    """

    def __init__(self, translate: Callable[[], str], variables: dict[str, Any]) -> None:
        super().__init__(self._text)
        self._translate = translate
        self._variables = variables

    def _text(self) -> str:
        message = self._translate()
        return message % self._variables if self._variables else message

    def __html__(self) -> Markup:
        message = Markup(self._translate())
        return message % self._variables if self._variables else message


def lazy_gettext(message: str, **variables: Any) -> LazyText:
    """`_l`: Flask-Babel's lazy_gettext, with the parameters escaped when the message is shown in HTML. Every
    module takes it from here (tests/unit/platform/test_lazy_text.py checks)."""
    return LazyText(lambda: catalogue().ugettext(message), variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables: Any) -> LazyText:
    """Flask-Babel's lazy_ngettext (`%(num)d` is the number), with the parameters escaped in HTML."""
    return LazyText(lambda: catalogue().ungettext(singular, plural, num), {"num": num, **variables})


# --- Templates: Jinja's "new style" gettext (the message is always a format string; in HTML it is markup and
# its parameters are escaped), called directly instead of through three layers of Jinja's context calls. ---


def _formatted(translations: Any, message: str, autoescape: bool) -> Any:
    """A template's message without parameters, formatted once per catalogue (`%%` is `%` as Jinja does)."""
    memo = translations.__dict__.setdefault("_tandem_memo", {})
    key = (message, autoescape)
    try:
        return memo[key]
    except KeyError:
        text = translations.ugettext(message)
        result = (Markup(text) if autoescape else text) % {}
        if len(memo) < MEMO_LIMIT:
            memo[key] = result
        return result


@pass_eval_context
def template_gettext(eval_context: EvalContext, message: str, **variables: Any) -> Any:
    if not variables:
        return _formatted(catalogue(), message, eval_context.autoescape)
    text = catalogue().ugettext(message)
    return (Markup(text) if eval_context.autoescape else text) % variables


@pass_eval_context
def template_ngettext(eval_context: EvalContext, singular: str, plural: str, num: int, **variables: Any) -> Any:
    variables.setdefault("num", num)
    text = catalogue().ungettext(singular, plural, num)
    return (Markup(text) if eval_context.autoescape else text) % variables


@pass_eval_context
def template_pgettext(eval_context: EvalContext, context: str, message: str, **variables: Any) -> Any:
    text = catalogue().upgettext(context, message)
    return (Markup(text) if eval_context.autoescape else text) % variables


@pass_eval_context
def template_npgettext(eval_context: EvalContext, context: str, singular: str, plural: str, num: int,
                       **variables: Any) -> Any:
    variables.setdefault("num", num)
    text = catalogue().unpgettext(context, singular, plural, num)
    return (Markup(text) if eval_context.autoescape else text) % variables


# --- Dates in templates: the `dateformat` filter, Flask-Babel's with the pattern of each locale and format parsed
# once per process (Flask-Babel and Babel parse the locale and the pattern again at every call: a page with a
# few dozen dates spent a tenth of its time there). The same text as Flask-Babel's filter. ---

_DATE_STYLES = ("short", "medium", "full", "long")


@lru_cache(maxsize=512)
def _date_pattern(locale: Locale, format: str) -> DateTimePattern:
    """What babel.dates.format_date does with a locale and a format before it applies the pattern."""
    style: Any = format  # one of _DATE_STYLES when it is one
    return parse_pattern(get_date_format(style, locale=locale) if format in _DATE_STYLES else format)


def dateformat(value: Any = None, format: str | None = None, rebase: bool = True) -> str:
    """Flask-Babel's `format_date` (the template filter `dateformat`), for a date (not a datetime, which is
    moved to the person's timezone first) with the pattern kept per locale and format."""
    if not isinstance(value, date) or isinstance(value, datetime):
        return str(flask_babel.format_date(value, format, rebase))
    locale = get_locale()
    if locale is None:
        return str(flask_babel.format_date(value, format, rebase))
    formats = get_babel().instance.date_formats  # as Flask-Babel's _get_format("date", format)
    if format is None:
        format = formats["date"]
    if format in _DATE_STYLES:
        format = formats[f"date.{format}"] or format
    return str(_date_pattern(locale, format).apply(value, locale))


def select_language() -> str:
    """Babel's locale selector: the person's choice, else the browser's, else the club's default."""
    default = current_app.config["TANDEM"].default_language
    if not has_request_context():
        return default  # jobs and mail choose with flask_babel.force_locale
    chosen = asked if (asked := request.args.get("lang", "")) in LANGUAGES else session.get("language")  # ?lang= first
    if chosen in LANGUAGES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.preferred_language in LANGUAGES:
        return current_user.preferred_language
    return request.accept_languages.best_match(LANGUAGES) or default


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale else current_app.config["TANDEM"].default_language


def init_app(app: Flask) -> None:
    babel = Babel(app, locale_selector=select_language, default_translation_directories="translations")
    babel.domain_instance = RequestDomain(domain=app.extensions["babel"].default_domain)
    app.jinja_env.globals.update(
        _=template_gettext, gettext=template_gettext, ngettext=template_ngettext,
        pgettext=template_pgettext, npgettext=template_npgettext,
    )
    app.jinja_env.filters["dateformat"] = dateformat

    @app.context_processor
    def _languages() -> dict[str, object]:
        return {"languages": LANGUAGE_NAMES, "current_language": current_language()}
