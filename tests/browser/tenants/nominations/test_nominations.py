"""An organisation admin signs in with an e-mailed link, nominates one person by form and others from a CSV
file: preview, confirm, and everyone is listed and invited."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tandem.platform.cohorts.models import Participation, ParticipationStatus
from tandem.platform.identity.models import User
from tandem.platform.mail.models import OutboxMessage
from tests.factories import make_cohort, make_org_admin, make_organisation, make_quota
from tests.fixtures.signing_in import sign_in_by_link

pytestmark = pytest.mark.browser

ADMIN = "sandra.frei@stadtwerke.example"
CSV = ("name;email;role;cohort;note\r\n"
       "Jürg Meier;juerg.meier@stadtwerke.example;Mentor;cohort-2027;\"Data; AI\"\r\n"
       "Nina Roth;nina.roth@stadtwerke.example;mentee;cohort-2027;\r\n").encode()


@pytest.fixture()
def organisation(live_server):
    session = live_server.session()
    try:
        stadtwerke = make_organisation(session, "stadtwerke", name="Stadtwerke Bern")
        make_org_admin(session, stadtwerke, email=ADMIN, display_name="Sandra Frei")
        cohort = make_cohort(session, slug="cohort-2027", name="Cohort 2027")
        make_quota(session, cohort, stadtwerke, mentors=3, mentees=3)
        session.commit()
    finally:
        session.close()


def mailed(live_server, recipient: str, kind: str) -> list[str]:
    session = live_server.session()
    try:
        return list(session.scalars(sa.select(OutboxMessage.body_text).where(OutboxMessage.recipient == recipient,
                                                                             OutboxMessage.kind == kind)))
    finally:
        session.close()


def test_an_admin_nominates_by_form_and_by_csv_file(live_server, page, organisation):
    base = live_server.url
    sign_in_by_link(page, live_server, ADMIN)

    page.goto(base + "/o/stadtwerke/")
    page.get_by_role("link", name="Nominations").click()
    page.wait_for_url(base + "/o/stadtwerke/nominations/")
    assert "0 of 3 places used" in page.locator("main").inner_text()

    # One person by form.
    page.get_by_role("link", name="Nominate a person").click()
    page.get_by_label("Name").fill("Lea Keller")
    page.get_by_label("Work e-mail address").fill("lea.keller@stadtwerke.example")
    page.get_by_role("combobox", name="Role").select_option("mentor")
    page.get_by_role("combobox", name="Cohort").select_option(label="Cohort 2027")
    page.get_by_role("button", name="Nominate and send the invitation").click()
    page.wait_for_url(base + "/o/stadtwerke/nominations/")
    assert "Lea Keller is nominated for Cohort 2027" in page.locator("main").inner_text()

    # Two more from a CSV file written with semicolons: preview first, nothing saved yet.
    page.get_by_role("link", name="Nominate several people from a CSV file").first.click()
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "nominations.csv", "mimeType": "text/csv", "buffer": CSV}])
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "2 people to nominate" in main and "Jürg Meier" in main and "Nina Roth" in main
    assert mailed(live_server, "nina.roth@stadtwerke.example", "invitation") == []

    page.get_by_role("button", name="Nominate everyone and send the invitations").click()
    page.wait_for_url(base + "/o/stadtwerke/nominations/")
    main = page.locator("main").inner_text()
    assert "2 people are nominated" in main
    for name in ("Lea Keller", "Jürg Meier", "Nina Roth"):
        assert name in main
    assert "2 of 3 places used" in main and "1 of 3 places used" in main

    session = live_server.session()
    try:
        rows = session.execute(sa.select(User.email, Participation.role, Participation.status, Participation.note)
                               .join(Participation, Participation.user_id == User.id)
                               .order_by(User.email)).all()
    finally:
        session.close()
    assert rows == [
        ("juerg.meier@stadtwerke.example", "mentor", ParticipationStatus.INVITED, "Data; AI"),
        ("lea.keller@stadtwerke.example", "mentor", ParticipationStatus.INVITED, None),
        ("nina.roth@stadtwerke.example", "mentee", ParticipationStatus.INVITED, None),
    ]
    assert len(mailed(live_server, "nina.roth@stadtwerke.example", "invitation")) == 1

    # Withdrawing frees the place again.
    page.get_by_role("button", name=re.compile(r"^Withdraw\W+Nina Roth$")).click()
    page.wait_for_url(re.compile(re.escape(base + "/o/stadtwerke/nominations/") + r"#nomination-\d+$"))  # at the row
    assert "0 of 3 places used" in page.locator("main").inner_text()
