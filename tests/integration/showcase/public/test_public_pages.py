"""The public showcase's pages: what they show, in which language, and the 404s of everything not public."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import pytest

from tandem.platform.cohorts.models import Cohort, CohortState
from tandem.platform.pairs.models import MeetingFormat, MeetingStatus, PairMeeting
from tandem.platform.programme.models import EventStatus, ProgrammeEvent
from tandem.platform.showcase import revision
from tandem.platform.showcase.models import ReviewDecision, Story, StoryReview
from tandem.platform.showcase.public.caching import CACHE_CONTROL
from tandem.platform.showcase.public.queries import public_story
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import Organisation
from tests.factories import make_cohort, make_story, tiny_png
from tests.integration.showcase.public.showcase_club import build_showcase, extra_story

PUBLISHED = (CohortState.SHOWCASE_PUBLISHED, CohortState.ARCHIVED)
NOT_PUBLISHED = (CohortState.DRAFT, CohortState.NOMINATIONS_OPEN, CohortState.MATCHING, CohortState.RUNNING,
                 CohortState.CLOSING)


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def set_state(db, cohort_id: int, state: str) -> None:
    with club_scope(db):
        db.get(Cohort, cohort_id).state = state
        db.commit()


class _Attributes(HTMLParser):
    """Every start tag's attributes, by tag."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {key: value or "" for key, value in attrs}))


def tags(page: str, name: str) -> list[dict[str, str]]:
    parser = _Attributes()
    parser.feed(page)
    return [attributes for tag, attributes in parser.tags if tag == name]


def meta(page: str, key: str) -> list[str]:
    return [m["content"] for m in tags(page, "meta") if m.get("property") == key or m.get("name") == key]


# --- The index ---

def test_the_index_says_nothing_is_published_yet(client, db):
    make_cohort(db, CohortState.RUNNING, name="Cohort Running Now")
    db.commit()
    page = html(client.get("/showcase/?lang=en"))
    assert "Nothing published yet" in page
    assert "Cohort Running Now" not in page


def test_the_index_lists_published_and_archived_cohorts_newest_first(client, db):
    showcase = build_showcase(db)
    older = make_cohort(db, CohortState.ARCHIVED, name="Pilot Cohort 2025", kickoff_on=date(2025, 3, 1),
                        symposium_on=date(2025, 9, 20))
    for state in NOT_PUBLISHED:
        make_cohort(db, state, name=f"Hidden {state}")
    db.commit()
    page = html(client.get("/showcase/?lang=en"))
    assert page.index("Spring Cohort") < page.index("Pilot Cohort 2025")
    assert "September 16, 2027" in page and "2 stories" in page and "0 stories" in page
    assert f'href="/showcase/{showcase.slug}/"' in page and f'href="/showcase/{older.slug}/"' in page
    assert "Hidden" not in page


# --- The cohort ---

@pytest.mark.parametrize("state", NOT_PUBLISHED)
def test_a_cohort_that_is_not_published_has_no_showcase(client, db, state):
    showcase = build_showcase(db, state=state)
    for url in (showcase.url(), showcase.url("one"), showcase.photo_url("one"),
                f"/showcase/{showcase.slug}/symposium.ics"):
        assert client.get(url).status_code == 404, url
    assert showcase.slug not in client.get("/sitemap.xml").get_data(as_text=True)
    assert "Spring Cohort" not in client.get("/showcase/").get_data(as_text=True)


def test_an_unknown_cohort_is_404(client, db):
    assert client.get("/showcase/no-such-cohort/").status_code == 404
    assert client.get("/showcase/no-such-cohort/stories/1").status_code == 404


@pytest.mark.parametrize("state", PUBLISHED)
def test_the_cohort_page_in_figures_symposium_programme_stories_and_organisations(client, db, state):
    showcase = build_showcase(db, state=state)
    pair_one = showcase.club.pairs["one"]
    with club_scope(db):
        for n, status in enumerate((MeetingStatus.HELD, MeetingStatus.HELD, MeetingStatus.HELD,
                                    MeetingStatus.NOT_HELD, MeetingStatus.PLANNED)):
            db.add(PairMeeting(pair_id=pair_one.id, uid=f"meeting-{n}-{pair_one.id}@test", status=status,
                               starts_at=datetime(2027, 4, 1, tzinfo=UTC) + timedelta(weeks=3 * n),
                               duration_minutes=60, format=MeetingFormat.ONLINE))
        db.add(PairMeeting(pair_id=showcase.club.pairs["two"].id, uid=f"meeting-x-{pair_one.id}@test",
                           status=MeetingStatus.HELD, starts_at=datetime(2027, 4, 2, tzinfo=UTC),
                           duration_minutes=60, format=MeetingFormat.IN_PERSON))
        db.get(Organisation, showcase.club.organisations["alpha"].id).logo = tiny_png()
        db.get(Organisation, showcase.club.organisations["alpha"].id).logo_content_type = "image/png"
        db.commit()
    page = html(client.get(showcase.url() + "?lang=en")).replace("\u202f", " ")  # Babel's narrow spaces
    figures = re.sub(r"\s+", " ", page[page.index('class="showcase-figures"'):page.index("</ul>",
                                                                                   page.index("showcase-figures"))])
    assert "<strong>2</strong> <span>tandems</span>" in figures
    assert "<strong>3</strong> <span>organisations taking part</span>" in figures
    assert "<strong>4</strong> <span>meetings held</span>" in figures
    # The symposium in the club's time zone (14:00 UTC is 16:00 in Zurich in September), with its venue.
    assert "Thursday, September 16, 2027, 4:00 PM – 8:00 PM" in page
    assert "Kursaal Bern, Arena, Kornhausstrasse 3" in page
    assert f'href="/showcase/{showcase.slug}/symposium.ics"' in page
    # The programme: slots in time order, the presenting stories linked.
    assert page.index("Two tandems tell") < page.index("Apéro")
    slot = page[page.index("Two tandems tell"):page.index("Apéro")]
    assert f'href="{showcase.url("one")}"' in slot and f'href="{showcase.url("two")}"' in slot
    # The stories: the featured one first (and larger), then by position.
    stories = page[page.index('id="stories-title"'):]
    assert stories.index("Listening across generations") < stories.index("Le courage de demander")
    assert "story-card--featured" in stories[:stories.index("Listening across generations")]
    # The organisations that took part: a logo (served by the logos endpoint) or the name.
    wall = page[page.index('id="organisations-title"'):]
    alpha = showcase.club.organisations["alpha"]
    assert f'src="/organisations/{alpha.slug}/logo"' in wall and 'alt="Alpha Bank"' in wall
    assert "Beta Energie" in wall and "Gamma Kliniken" in wall
    assert "Delta Verlag" not in page  # took part in no pair
    assert "Admin" not in page


def test_an_organisation_that_opts_out_is_not_on_the_logo_wall(client, db):
    showcase = build_showcase(db)
    with club_scope(db):
        db.get(Organisation, showcase.club.organisations["gamma"].id).logo_on_showcase = False
        revision.bump_published(db)
        db.commit()
    page = html(client.get(showcase.url() + "?lang=en"))
    assert "Gamma Kliniken" not in page
    assert "Beta Energie" in page[page.index('id="organisations-title"'):]


def test_the_cohort_page_without_a_published_symposium_event_gives_its_date(client, db):
    showcase = build_showcase(db)
    with club_scope(db):
        db.get(ProgrammeEvent, showcase.event.id).status = EventStatus.DRAFT
        db.get(ProgrammeEvent, showcase.event.id).updated_at = datetime.now(UTC)
        db.commit()
    page = html(client.get(showcase.url() + "?lang=en"))
    assert "Thursday, September 16, 2027" in page
    assert "Kursaal" not in page and "symposium.ics" not in page
    assert client.get(f"/showcase/{showcase.slug}/symposium.ics").status_code == 404


def test_the_symposium_calendar_file_holds_its_public_information_only(client, db):
    showcase = build_showcase(db)
    response = client.get(f"/showcase/{showcase.slug}/symposium.ics?lang=en")
    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True).replace("\r\n ", "")
    assert "SUMMARY:Symposium 2027" in text
    assert "DTSTART;TZID=Europe/Zurich:20270916T160000" in text
    assert r"LOCATION:Kursaal Bern\, Arena\, Kornhausstrasse 3" in text
    assert f"UID:showcase-{showcase.event.uid}" in text
    assert f"http://localhost/showcase/{showcase.slug}/" in text
    assert "secret-symposium" not in text and "4711" not in text  # the online link and the invitees' text


# --- A story ---

def test_a_story_page_shows_the_story_in_its_own_language_and_the_chrome_in_the_visitors(client, db):
    showcase = build_showcase(db)
    page = html(client.get(showcase.url("two") + "?lang=de"))
    assert '<html lang="de">' in page
    assert '<h1 id="story-title" lang="fr">Le courage de demander</h1>' in page
    assert 'lang="fr">Demander de l&#39;aide n&#39;est pas une faiblesse.</p>' in page
    assert "Sprache" in page  # the chrome in German
    english = html(client.get(showcase.url("one") + "?lang=en"))
    assert '<html lang="en">' in english
    for text in ("What the mentee learned", "What the mentor learned", "Their tip for other organisations",
                 "How a board weighs a decision against a budget.", "Meet in the mentor&#39;s office first.",
                 "Anna&#39;s quote: ask before you explain.", "Social media", "Feedback culture"):
        assert text in english, text
    assert english.index("Social media") < english.index("Feedback culture")


def test_without_lang_the_chrome_follows_the_browser(client, db):
    showcase = build_showcase(db)
    page = html(client.get(showcase.url("one"), headers={"Accept-Language": "fr-CH,fr;q=0.9"}))
    assert '<html lang="fr">' in page
    assert html(client.get(showcase.url("one"), headers={"Accept-Language": "de"})).startswith("<!doctype html>")
    assert '<html lang="de">' in client.get(showcase.url("one"), headers={"Accept-Language": "de"}).get_data(
        as_text=True)
    # An unknown ?lang= is ignored.
    assert '<html lang="fr">' in client.get(showcase.url("one") + "?lang=xx",
                                            headers={"Accept-Language": "fr"}).get_data(as_text=True)


def test_sharing_metadata_canonical_and_alternates(client, db):
    showcase = build_showcase(db)
    one = html(client.get(showcase.url("one") + "?lang=en"))
    base = f"http://localhost{showcase.url('one')}"
    assert [link["href"] for link in tags(one, "link") if link.get("rel") == "canonical"] == [base + "?lang=en"]
    alternates = {link["hreflang"]: link["href"] for link in tags(one, "link") if link.get("rel") == "alternate"}
    assert alternates == {"de": base + "?lang=de", "fr": base + "?lang=fr", "it": base + "?lang=it",
                          "en": base + "?lang=en", "x-default": base}
    assert meta(one, "og:title") == ["Listening across generations"]
    assert meta(one, "og:type") == ["article"]
    assert meta(one, "og:url") == [base + "?lang=en"]
    assert meta(one, "og:description")[0].startswith("That a team chat is not a memo.")
    assert meta(one, "og:image") == [f"http://localhost{showcase.photo_url('one')}"]
    # Story two's photo is not public (Berta chose nothing): no image to share.
    two = html(client.get(showcase.url("two") + "?lang=en"))
    assert meta(two, "og:image") == [] and meta(two, "og:title") == ["Le courage de demander"]
    cohort = html(client.get(showcase.url() + "?lang=en"))
    assert meta(cohort, "og:type") == ["website"]
    assert meta(cohort, "og:url") == [f"http://localhost{showcase.url()}?lang=en"]


def test_stories_that_are_not_on_the_showcase_are_404_with_their_photos(client, db):
    showcase = build_showcase(db)
    unchosen = extra_story(db, showcase, "Unchosen story title")
    draft = extra_story(db, showcase, "Draft story title", chosen=True, confirmed=False)
    half = extra_story(db, showcase, "Half confirmed story title", chosen=True)
    unapproved = extra_story(db, showcase, "Unapproved story title", chosen=True)
    sent_back = extra_story(db, showcase, "Sent back story title", chosen=True)
    for story in (unchosen, draft, half, unapproved, sent_back):
        with club_scope(db):
            row = db.get(Story, story.id)
            row.photo, row.photo_small, row.photo_version = b"\xff\xd8x", b"\xff\xd8y", 1
            db.flush()
    with club_scope(db):
        db.get(Story, half.id).mentee_confirmed_version = None
        # alpha (the mentees' organisation of the extra pairs) approves its people's stories: it approved
        # none of these, and sent one back.
        db.get(Organisation, showcase.club.organisations["alpha"].id).stories_need_approval = True
        db.add(StoryReview(story_id=sent_back.id, organisation_id=showcase.club.organisations["alpha"].id,
                           story_version=1, decision=ReviewDecision.SENT_BACK, note="Not yet"))
        revision.bump(db, showcase.cohort.id)
        db.commit()
    # Stories of the showcase whose mentee is of alpha? None: story one's mentor is (alpha); it needs approval now.
    mentor_org = showcase.club.organisations["alpha"].id
    with club_scope(db):
        db.add(StoryReview(story_id=showcase.stories["one"].id, organisation_id=mentor_org, story_version=1,
                           decision=ReviewDecision.APPROVED))
        revision.bump(db, showcase.cohort.id)
        db.commit()
    for story in (unchosen, draft, half, unapproved, sent_back):
        url = f"/showcase/{showcase.slug}/stories/{story.id}"
        assert client.get(url).status_code == 404, story.title
        for size in ("large", "small"):
            assert client.get(f"{url}/photo-1-{size}.jpg").status_code == 404, story.title
    assert client.get(showcase.url("one")).status_code == 200
    # A story of another published cohort is not found under this one's address.
    other = build_other_published_cohort(db, showcase)
    assert client.get(f"/showcase/{showcase.slug}/stories/{other.id}").status_code == 404
    assert client.get(f"/showcase/{showcase.slug}/stories/99999999").status_code == 404


def build_other_published_cohort(db, showcase):
    from tests.factories import make_pair, make_participation, make_user

    cohort = make_cohort(db, CohortState.SHOWCASE_PUBLISHED, name="Other Cohort")
    mentor = make_participation(db, make_user(db, showcase.club.organisations["delta"]), cohort, role="mentor",
                                status="active")
    mentee = make_participation(db, make_user(db, showcase.club.organisations["gamma"]), cohort, role="mentee",
                                status="active")
    story = make_story(db, make_pair(db, mentor, mentee), chosen=True, title="Another cohort's story")
    db.commit()
    return story


def test_a_photo_only_with_both_consents_and_its_current_version(client, db):
    showcase = build_showcase(db)
    response = client.get(showcase.photo_url("one"))
    assert response.status_code == 200
    assert response.content_type == "image/jpeg"
    assert response.data.startswith(b"\xff\xd8")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Cache-Control"] == CACHE_CONTROL
    small = client.get(showcase.photo_url("one", "small"))
    assert small.status_code == 200 and small.data != response.data
    one = showcase.url("one")
    assert client.get(f"{one}/photo-2-large.jpg").status_code == 404  # not the current version
    assert client.get(f"{one}/photo-1-huge.jpg").status_code == 404
    assert client.get(showcase.photo_url("two")).status_code == 404  # Berta did not consent to the photo


def test_markup_in_a_story_shows_as_text(client, db):
    showcase = build_showcase(db)
    markup = '<script>alert("x")</script><b>bold</b>'
    with club_scope(db):
        story = db.get(Story, showcase.stories["one"].id)
        story.title = f"Title {markup}"
        story.mentee_learned = f"Learned {markup}"
        story.tip = f"Tip {markup}"
        story.mentor_quote = f"Quote {markup}"
        story.photo_alt = 'Alt " onerror="alert(1)'
        revision.bump(db, showcase.cohort.id)
        db.commit()
    pages = [html(client.get(url)) for url in (showcase.url("one"), showcase.url())]
    for page in pages:
        assert "<script>alert" not in page and "<b>bold</b>" not in page
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page
        assert 'onerror="alert(1)' not in page
    assert meta(pages[0], "og:title") == [f"Title {markup}"]  # as text, once parsed


# --- The same for everyone ---

def test_public_pages_carry_nothing_of_the_visitor(client, db, sign_in):
    showcase = build_showcase(db)
    anonymous = client.get(showcase.url("one"))
    assert "Set-Cookie" not in anonymous.headers
    assert "csrf_token" not in anonymous.get_data(as_text=True)
    signed_in = sign_in(client.application.test_client(), showcase.club.people["board"])
    page = signed_in.get(showcase.url("one")).get_data(as_text=True)
    assert "Regula Board" not in page and "Sign out" not in page and "csrf_token" not in page
    assert page == anonymous.get_data(as_text=True)


def test_robots_txt(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.content_type.startswith("text/plain")
    lines = response.get_data(as_text=True).splitlines()
    assert "Allow: /showcase/" in lines and "Allow: /" in lines
    for path in ("/me/", "/board/", "/o/", "/sign-in", "/dev/", "/calendar/"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines


def test_the_sitemap_lists_the_public_pages_only(client, db):
    from xml.etree import ElementTree

    showcase = build_showcase(db)
    unchosen = extra_story(db, showcase, "Unchosen story title")
    draft = extra_story(db, showcase, "Draft story title", chosen=True, confirmed=False)
    hidden = make_cohort(db, CohortState.CLOSING, name="Closing Cohort")
    db.commit()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.content_type == "application/xml; charset=utf-8"
    root = ElementTree.fromstring(response.data)
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [element.text for element in root.findall("s:url/s:loc", namespace)]
    base = "http://localhost"
    assert locations == [f"{base}/", f"{base}/showcase/", f"{base}{showcase.url()}",
                         f"{base}{showcase.url('one')}", f"{base}{showcase.url('two')}"]
    text = response.get_data(as_text=True)
    for story in (unchosen, draft):
        assert f"/stories/{story.id}" not in text
    assert hidden.slug not in text
    assert text.count('hreflang="fr"') == 5 and text.count('hreflang="it"') == 5  # the landing page's too


def test_unpublishing_takes_the_pages_offline_at_the_next_request(client, db):
    showcase = build_showcase(db)
    assert client.get(showcase.url()).status_code == 200
    assert client.get(showcase.url("one")).status_code == 200
    set_state(db, showcase.cohort.id, CohortState.CLOSING)
    assert client.get(showcase.url()).status_code == 404
    assert client.get(showcase.url("one")).status_code == 404
    assert client.get(showcase.photo_url("one")).status_code == 404
    assert "Spring Cohort" not in client.get("/showcase/").get_data(as_text=True)


def test_the_read_model_holds_only_what_each_person_consented_to(db):
    """Each partner is read from their own organisation (a public request has no tenant) and carries only what
    they consented to."""
    showcase = build_showcase(db)
    one = public_story(db, showcase.cohort.id, showcase.stories["one"].id, "en")
    assert one is not None
    assert (one.mentor.name, one.mentor.organisation.name, one.mentor.quote) == (
        "Anna Keller", "Alpha Bank", "Anna's quote: ask before you explain.")
    assert (one.mentee.name, one.mentee.description, one.mentee.organisation.name, one.mentee.quote) == (
        None, "Head of communications at an energy company", "Beta Energie", None)
    assert one.photo_version == 1
    two = public_story(db, showcase.cohort.id, showcase.stories["two"].id, "en")
    assert two is not None
    assert (two.mentor.name, two.mentor.description, two.mentor.organisation, two.mentor.quote) == (
        None, None, None, None)
    assert (two.mentee.name, two.mentee.organisation, two.mentee.quote) == ("Greta Hof", None, None)
    assert two.photo_version is None and two.photo_alt is None


def test_hostile_addresses_are_404_never_500(client, db):
    showcase = build_showcase(db)
    for url in ("/showcase/a%00b/", "/showcase/" + "x" * 5000 + "/", "/showcase/UPPER/", "/showcase/%E2%80%AE/",
                f"/showcase/{showcase.slug}/stories/9223372036854775808",
                f"/showcase/{showcase.slug}/stories/{showcase.stories['one'].id}/photo-99999999999999999999-large.jpg",
                f"/showcase/{showcase.slug}/stories/{showcase.stories['one'].id}/photo-1-%00.jpg"):
        assert client.get(url).status_code == 404, url
    assert client.get(showcase.url("one") + "?lang=%00").status_code == 200
    assert client.get(showcase.url("one"), headers={"If-None-Match": '"\x7f' + "x" * 10000 + '"'}).status_code == 200
