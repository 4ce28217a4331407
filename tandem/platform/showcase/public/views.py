"""The public showcase: the published cohorts, a cohort's page, each story, its photo, the symposium's
calendar file, robots.txt and the sitemap.

Public views (no tenant): people and organisations are read in club scope inside `queries.py`, narrowly, and
only what each person consented to leaves it. Pages are the same for every visitor (`_public_layout.html`)
and go through `caching.serve`: one statement tells whether the visitor's copy or the cached page is still
right; otherwise the page is rendered with a fixed number of statements and kept. Once a page is kept and
answered, visitors without cookies get it from `fast_path.py`, before Flask's request handling.

The page chrome is in the visitor's language (`?lang=de|fr|en` first, else the usual choice), each story in
its own (marked with `lang`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree

from babel.dates import format_date, format_time, get_timezone_name
from flask import abort, current_app, render_template, request
from flask_babel import force_locale
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.clock import club_zone, now
from tandem.platform.cohorts.forms import SLUG
from tandem.platform.config import LANGUAGES
from tandem.platform.database import db_session
from tandem.platform.i18n import select_language
from tandem.platform.programme.calendar_files import CalendarEntry, calendar_file, location_of
from tandem.platform.programme.wording import in_language
from tandem.platform.showcase.public.caching import Page, club_parts, cohort_parts, serve
from tandem.platform.showcase.public.queries import (
    CohortHead,
    ProgrammeSlot,
    PublicStory,
    Symposium,
    cohort_head,
    cohort_page,
    photo_of,
    public_story,
    published_cohorts,
    showcase_entries,
    symposium_event,
)
from tandem.platform.urls import absolute_url

PHOTO_SIZES = ("large", "small")
ROBOTS_MAX_AGE = 3600  # robots.txt changes with a deployment only
# The paths robots may not crawl: the signed-in areas, sign-in, the demo's pages, private calendar feeds.
ROBOTS_DISALLOW = ("/me/", "/board/", "/o/", "/sign-in", "/dev/", "/calendar/")
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
HTML = "text/html; charset=utf-8"


# ------------------------------------------------------------------------------------------------ helpers


def page_language() -> str:
    """The language of the page's chrome: `?lang=` when it names a site language, else the usual choice."""
    asked = request.args.get("lang", "")
    return asked if asked in LANGUAGES else select_language()


def _public_head(slug: str) -> CohortHead:
    if not SLUG.match(slug):  # no cohort has such a short name (nor is a NUL byte sent to the database)
        abort(404)
    head = cohort_head(db_session(), slug)
    if head is None or not head.is_public:
        abort(404)
    return head


def _links(endpoint: str, language: str, **values: Any) -> dict[str, Any]:
    """The page's canonical address (in its language) and its alternates in every language, absolute."""
    return {
        "canonical": absolute_url(endpoint, **values, lang=language),
        "alternates": [(code, absolute_url(endpoint, **values, lang=code)) for code in LANGUAGES]
        + [("x-default", absolute_url(endpoint, **values))],
    }


def _render(language: str, template: str, **context: Any) -> Page:
    with force_locale(language):
        html = render_template(template, page_language=language, **context)
    return Page(html.encode(), HTML)


def _when(symposium: Symposium, language: str) -> dict[str, str]:
    zone = club_zone()
    start, end = symposium.starts_at.astimezone(zone), symposium.ends_at.astimezone(zone)
    if start.date() == end.date():
        text = (f"{format_date(start.date(), format='full', locale=language)}, "
                f"{format_time(start, format='short', locale=language)} – "
                f"{format_time(end, format='short', locale=language)}")
    else:
        text = (f"{format_date(start.date(), format='full', locale=language)} "
                f"{format_time(start, format='short', locale=language)} – "
                f"{format_date(end.date(), format='full', locale=language)} "
                f"{format_time(end, format='short', locale=language)}")
    return {"text": text, "iso": start.isoformat(),
            "zone": get_timezone_name(start, width="long", locale=language)}


def _slot_times(slot: ProgrammeSlot, language: str) -> dict[str, str]:
    zone = club_zone()
    start, end = slot.starts_at.astimezone(zone), slot.ends_at.astimezone(zone)
    return {"start": format_time(start, format="short", locale=language),
            "end": format_time(end, format="short", locale=language),
            "iso": start.isoformat(), "iso_end": end.isoformat()}


def _where(symposium: Symposium) -> str:
    return location_of([symposium.venue_name, symposium.venue_room, symposium.venue_address])


def _programme(slots: Sequence[ProgrammeSlot], stories: Sequence[PublicStory],
               language: str) -> list[dict[str, Any]]:
    """The slots, each with its times in the club's zone and those of its presenting stories that are on
    the showcase (a story that is not is left out: nothing of it, not even its title, is public)."""
    public = {story.id: story for story in stories}
    return [{"slot": slot, "times": _slot_times(slot, language),
             "stories": [public[story_id] for story_id in slot.story_ids if story_id in public]}
            for slot in slots]


# ------------------------------------------------------------------------------------------------ pages


@allow(Role.PUBLIC)
def index() -> Response:
    """Every published showcase, newest first: the archive that grows year by year."""
    heads = published_cohorts(db_session())
    language = page_language()

    def build() -> Page:
        entries = showcase_entries(db_session(), [head.id for head in heads])
        counts = {head.id: sum(1 for entry in entries if entry.cohort_id == head.id) for head in heads}
        return _render(language, "showcase/public_index.html", cohorts=heads, counts=counts,
                       **_links("showcase.index", language))

    return serve(club_parts("showcase.index", heads), language, build)


@allow(Role.PUBLIC)
def cohort(cohort_slug: str) -> Response:
    """A cohort's showcase: its figures, the symposium and its programme, the stories, who took part."""
    head = _public_head(cohort_slug)
    language = page_language()

    def build() -> Page:
        page = cohort_page(db_session(), head.id, language)
        symposium = page.symposium
        return _render(
            language, "showcase/public_cohort.html", cohort=head, stories=page.stories,
            featured=[story for story in page.stories if story.featured],
            others=[story for story in page.stories if not story.featured],
            figures=page.figures, organisations=page.organisations,
            symposium=symposium, symposium_title=in_language(symposium.titles, language) if symposium else "",
            when=_when(symposium, language) if symposium else None,
            where=_where(symposium) if symposium else "",
            programme=_programme(page.programme, page.stories, language),
            **_links("showcase.cohort", language, cohort_slug=head.slug))

    return serve(cohort_parts("showcase.cohort", head), language, build)


@allow(Role.PUBLIC)
def story(cohort_slug: str, story_id: int) -> Response:
    """One story on the showcase, with only what each of its two people consented to."""
    head = _public_head(cohort_slug)
    language = page_language()

    def build() -> Page | None:
        found = public_story(db_session(), head.id, story_id, language)
        if found is None:
            return None
        photo = (absolute_url("showcase.public_photo", cohort_slug=head.slug, story_id=found.id,
                              photo_version=found.photo_version, size="large")
                 if found.photo_version else None)
        return _render(language, "showcase/public_story.html", cohort=head, story=found, photo_url=photo,
                       **_links("showcase.public_story", language, cohort_slug=head.slug, story_id=found.id))

    return serve(cohort_parts("showcase.public_story", head), language, build)


@allow(Role.PUBLIC)
def photo(cohort_slug: str, story_id: int, photo_version: int, size: str) -> Response:
    """A story's photo: only while the story is on the showcase, both partners consent to the photo and the
    URL names its current version (a new photo has a new address)."""
    if size not in PHOTO_SIZES:
        abort(404)
    head = _public_head(cohort_slug)

    def build() -> Page | None:
        session = db_session()
        found = public_story(session, head.id, story_id, "en")
        if found is None or found.photo_version is None or found.photo_version != photo_version:
            return None
        data = photo_of(session, story_id, size)
        if not data:
            return None
        # Uploaded pixels (drawn anew as JPEG on upload): never sniffed as another type, never a page that
        # runs anything, even opened alone.
        return Page(data, "image/jpeg", (("X-Content-Type-Options", "nosniff"),
                                         ("Content-Security-Policy", "default-src 'none'; sandbox"),
                                         ("Content-Disposition", "inline")))

    return serve(cohort_parts("showcase.public_photo", head), None, build)


@allow(Role.PUBLIC)
def symposium_file(cohort_slug: str) -> Response:
    """The symposium as a calendar file: its public information only (title, time, venue, the showcase's
    address). Its UID is the event's with a prefix, so that it never replaces an invitee's own entry, which
    holds more."""
    head = _public_head(cohort_slug)
    language = page_language()

    def build() -> Page | None:
        symposium = symposium_event(db_session(), head.id)
        if symposium is None:
            return None
        url = absolute_url("showcase.cohort", cohort_slug=head.slug)
        entry = CalendarEntry(uid=f"showcase-{symposium.uid}", sequence=symposium.sequence,
                              title=in_language(symposium.titles, language), description=f"{head.name}\n\n{url}",
                              starts_at=symposium.starts_at, ends_at=symposium.ends_at,
                              location=_where(symposium), url=url, updated_at=symposium.updated_at)
        content = calendar_file([entry], zone=club_zone(), stamp=now())
        return Page(content, "text/calendar; charset=utf-8",
                    (("Content-Disposition", f'attachment; filename="symposium-{head.slug}.ics"'),))

    return serve(cohort_parts("showcase.symposium_file", head), language, build)


@allow(Role.PUBLIC)
def robots() -> Response:
    lines = ["User-agent: *", "Allow: /", "Allow: /showcase/"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    lines += ["", f"Sitemap: {absolute_url('showcase.sitemap')}", ""]
    response = current_app.response_class("\n".join(lines), content_type="text/plain; charset=utf-8")
    response.cache_control.public = True
    response.cache_control.max_age = ROBOTS_MAX_AGE
    return response


def _sitemap(heads: Sequence[CohortHead]) -> bytes:
    ElementTree.register_namespace("", SITEMAP_NS)
    ElementTree.register_namespace("xhtml", XHTML_NS)
    root = ElementTree.Element(f"{{{SITEMAP_NS}}}urlset")

    def add(endpoint: str, **values: Any) -> None:
        url = ElementTree.SubElement(root, f"{{{SITEMAP_NS}}}url")
        ElementTree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = absolute_url(endpoint, **values)
        for code in LANGUAGES:  # the landing page too: `?lang=` chooses its language (i18n.select_language)
            ElementTree.SubElement(url, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=code,
                                   href=absolute_url(endpoint, **values, lang=code))

    add("public.landing")
    add("showcase.index")
    slugs = {head.id: head.slug for head in heads}
    entries = showcase_entries(db_session(), list(slugs))
    for head in heads:
        add("showcase.cohort", cohort_slug=head.slug)
    for entry in entries:
        add("showcase.public_story", cohort_slug=slugs[entry.cohort_id], story_id=entry.story_id)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


@allow(Role.PUBLIC)
def sitemap() -> Response:
    """The public pages only: the landing page, the showcase's index, each published cohort and each story on
    its showcase."""
    heads = published_cohorts(db_session())
    return serve(club_parts("showcase.sitemap", heads), None,
                 lambda: Page(_sitemap(heads), "application/xml; charset=utf-8"))
