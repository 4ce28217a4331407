"""A nominee signs in with an e-mailed link, reads the invitation, accepts and completes their profile."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tandem.platform.cohorts.models import Participation, ParticipationStatus
from tandem.platform.participant.consent import CONSENT_VERSION
from tandem.platform.participant.models import ProfileTopic
from tests.factories import (
    make_catalogue_topic,
    make_cohort,
    make_org_admin,
    make_organisation,
    make_participation,
    make_user,
)
from tests.fixtures.signing_in import sign_in_by_link

pytestmark = pytest.mark.browser

EMAIL = "lea.keller@stadtwerke.example"


@pytest.fixture()
def nominee(live_server):
    session = live_server.session()
    try:
        organisation = make_organisation(session, "stadtwerke", name="Stadtwerke Bern")
        make_org_admin(session, organisation, email="sandra.frei@stadtwerke.example")
        person = make_user(session, organisation, email=EMAIL, display_name="Lea Keller")
        cohort = make_cohort(session, name="Cohort 2027", kickoff_on=date(2027, 3, 1),
                             symposium_venue="Kursaal Bern", languages=["de", "fr"])
        participation = make_participation(session, person, cohort, role="mentor",
                                           status=ParticipationStatus.INVITED)
        topics = {label: make_catalogue_topic(session, label).id
                  for label in ("AI at work", "Social media", "Remote teams", "Data literacy")}
        session.commit()
        return participation.id, topics
    finally:
        session.close()


def test_a_nominee_accepts_and_completes_the_profile(live_server, page, nominee):
    participation_id, topics = nominee
    base = live_server.url

    sign_in_by_link(page, live_server, EMAIL)
    page.wait_for_url(base + "/me/")

    page.get_by_role("link", name="Read the invitation and answer").click()
    page.wait_for_url(f"{base}/me/participations/{participation_id}")
    body = page.locator("main").inner_text()
    assert "What taking part means" in body and "Who sees what" in body and "Kursaal Bern" in body
    page.get_by_role("button", name="Accept and take part").click()
    page.wait_for_url(f"{base}/me/participations/{participation_id}/profile")
    assert page.get_by_role("progressbar").get_attribute("value") == "0"

    page.get_by_label("AI at work", exact=True).select_option("2")
    page.get_by_label("Social media", exact=True).select_option("1")
    page.get_by_label("Remote teams", exact=True).select_option("3")
    page.get_by_label("Data literacy", exact=True).select_option("chosen")
    page.get_by_label("German", exact=True).check()
    page.get_by_label("English", exact=True).check()
    page.get_by_label("In person", exact=True).check()
    page.get_by_label("City").fill("Bern")
    page.get_by_label("Tuesday", exact=True).check()
    page.get_by_label("Thursday", exact=True).check()
    page.get_by_label("3 to 5 years", exact=True).check()
    page.get_by_label("Short bio").fill("I build the customer app of Stadtwerke Bern.")
    page.get_by_label("What you hope to give your mentee").fill("A feel for how younger customers use apps.")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_load_state()

    assert page.url == f"{base}/me/participations/{participation_id}/profile"
    status = page.locator("main").inner_text()
    assert "Your profile is saved." in status and "Profile 100% complete" in status
    assert page.get_by_role("progressbar").get_attribute("value") == "100"
    page.get_by_role("link", name="Back to my programme").click()
    assert "Profile 100% complete" in page.locator("main").inner_text()

    session = live_server.session()
    try:
        stored = session.get(Participation, participation_id)
        assert stored.status == ParticipationStatus.ACTIVE and stored.consent_version == CONSENT_VERSION
        ranks = dict(session.execute(sa.select(ProfileTopic.topic_id, ProfileTopic.rank)
                                     .where(ProfileTopic.participation_id == participation_id)).all())
    finally:
        session.close()
    assert ranks == {topics["AI at work"]: 2, topics["Social media"]: 1, topics["Remote teams"]: 3,
                     topics["Data literacy"]: None}
