"""What a person did not consent to is on no public page, in no language; nor is any story that is not on the
showcase. A withdrawal shows at the very next request."""

from __future__ import annotations

from tandem.platform.config import LANGUAGES
from tandem.platform.identity.models import User
from tandem.platform.showcase import revision
from tandem.platform.showcase.models import Story
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import Organisation
from tests.integration.showcase.public.showcase_club import Showcase, build_showcase, consent, extra_story


def every_public_page(client, showcase: Showcase) -> dict[str, str]:
    """Every public page of the showcase (in each language where it has one), by URL."""
    urls = ["/showcase/", showcase.url(), showcase.url("one"), showcase.url("two"),
            f"/showcase/{showcase.slug}/symposium.ics"]
    pages = {}
    for url in urls:
        for language in LANGUAGES:
            response = client.get(f"{url}?lang={language}")
            assert response.status_code == 200, url
            pages[f"{url}?lang={language}"] = response.get_data(as_text=True)
    for url in ("/sitemap.xml", "/robots.txt"):
        pages[url] = client.get(url).get_data(as_text=True)
    return pages


def emails(db, showcase: Showcase) -> list[str]:
    with club_scope(db):
        return [db.get(User, person.id).email for person in showcase.club.people.values()]


def assert_nowhere(pages: dict[str, str], texts: list[str]) -> None:
    for url, page in pages.items():
        for text in texts:
            assert text not in page, f"{text!r} is on {url}"


def test_nothing_a_person_did_not_consent_to_is_on_any_public_page(client, db):
    showcase = build_showcase(db)
    # Gamma does not show itself among the organisations that took part: then Greta's organisation, which she
    # did not consent to, has no other reason to be on any page.
    with club_scope(db):
        db.get(Organisation, showcase.club.organisations["gamma"].id).logo_on_showcase = False
        revision.bump_published(db)
        db.commit()
    unchosen = extra_story(db, showcase, "Unchosen story title", mentor_quote="Unchosen quote")
    draft = extra_story(db, showcase, "Draft story title", chosen=True, confirmed=False)
    pages = every_public_page(client, showcase)
    two = showcase.stories["two"]
    assert_nowhere(pages, [
        "Berta Graf", "Berta's quote",        # Berta recorded no choice: nothing of her
        "Bernard Favre", "Bernard's quote",  # Bernard: his organisation and the photo, not his name or quote
        "Gamma Kliniken", "Greta's quote",   # Greta: her name only
        f"/stories/{two.id}/photo",          # the photo of story two: Berta did not consent to it
        "Berta and Greta at the hospital",   # ... nor its description
        *emails(db, showcase),
        unchosen.title, "Unchosen quote", draft.title, "Mentor Unchosen", "Mentor Draft",
        "secret-symposium", "4711",          # the symposium's online link and its text for invitees
    ])
    # What they did consent to is there (the test can fail).
    story_one, story_two = pages[showcase.url("one") + "?lang=en"], pages[showcase.url("two") + "?lang=en"]
    assert "Anna Keller" in story_one and "Alpha Bank" in story_one and "Anna&#39;s quote" in story_one
    assert "Head of communications at an energy company" in story_one and "Beta Energie" in story_one
    assert f"/stories/{showcase.stories['one'].id}/photo-1-large.jpg" in story_one
    assert "Greta Hof" in story_two
    # Berta, without a choice recorded, is the neutral word for her role.
    assert '<span class="story-person__role">Mentor</span></span>' in story_two
    assert '<span class="story-person__role">Mentor:in</span></span>' in pages[showcase.url("two") + "?lang=de"]


def test_a_withdrawn_consent_is_gone_at_the_next_request_and_the_old_etag_is_not_fresh(client, db):
    showcase = build_showcase(db)
    mentor_one = showcase.club.participations["mentor_one"].id
    story_url, cohort_url = showcase.url("one"), showcase.url()
    first = client.get(story_url)
    cohort_first = client.get(cohort_url)
    assert "Anna Keller" in first.get_data(as_text=True) and "Anna Keller" in cohort_first.get_data(as_text=True)
    assert client.get(story_url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    photo = client.get(showcase.photo_url("one"))
    assert photo.status_code == 200

    consent(db, showcase.stories["one"], mentor_one, show_name=False, show_photo=False,
            description="A young data analyst")
    again = client.get(story_url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    page = again.get_data(as_text=True)
    assert "Anna Keller" not in page and "A young data analyst" in page
    assert "photo-1-large.jpg" not in page
    cohort_again = client.get(cohort_url, headers={"If-None-Match": cohort_first.headers["ETag"]})
    assert cohort_again.status_code == 200 and "Anna Keller" not in cohort_again.get_data(as_text=True)
    assert client.get(showcase.photo_url("one"), headers={"If-None-Match": photo.headers["ETag"]}).status_code == 404

    # Her quote and organisation too, one at a time.
    consent(db, showcase.stories["one"], mentor_one, show_quote=False)
    assert "Anna&#39;s quote" not in client.get(story_url).get_data(as_text=True)
    consent(db, showcase.stories["one"], mentor_one, show_organisation=False)
    page = client.get(story_url).get_data(as_text=True)
    assert "Alpha Bank" not in page
    # Consenting again brings it back.
    consent(db, showcase.stories["one"], mentor_one, show_name=True)
    assert "Anna Keller" in client.get(story_url).get_data(as_text=True)


def test_a_story_the_board_unchooses_leaves_every_page_at_once(client, db):
    showcase = build_showcase(db)
    title = "Listening across generations"
    assert title in client.get(showcase.url()).get_data(as_text=True)
    listed = f"<loc>http://localhost/showcase/{showcase.slug}/stories/"
    assert client.get("/sitemap.xml").get_data(as_text=True).count(listed) == 2
    with club_scope(db):
        db.get(Story, showcase.stories["one"].id).chosen = False
        revision.bump(db, showcase.cohort.id)
        db.commit()
    assert title not in client.get(showcase.url()).get_data(as_text=True)
    assert client.get(showcase.url("one")).status_code == 404
    assert client.get("/sitemap.xml").get_data(as_text=True).count(listed) == 1
    assert "1 story" in client.get("/showcase/?lang=en").get_data(as_text=True)
