"""A name with line breaks in it (stored before forms refused them, or from a CSV cell) stays inside the
subject of a real mail (aiosmtpd): it adds no header and no recipient."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from flask import Flask

from tests.factories import make_cohort, make_org_admin, make_organisation, make_participation, make_user

HOSTILE_NAME = "Eve\r\nBcc: evil@example.com\r\n\r\nInjected body\x07\x1b"  # no NUL: PostgreSQL stores none


@pytest.fixture()
def smtp_app(app: Flask, smtp_server):
    settings = app.config["TANDEM"]
    app.config["TANDEM"] = replace(settings, smtp_url=smtp_server.url)
    try:
        yield app
    finally:
        app.config["TANDEM"] = settings


def test_a_name_with_line_breaks_stays_in_the_subject_of_a_real_mail(smtp_app, db, smtp_server, sign_in, run_jobs):
    alpha = make_organisation(db, "alpha")
    admin = make_org_admin(db, alpha, preferred_language="en")
    person = make_user(db, alpha, display_name=HOSTILE_NAME)
    cohort = make_cohort(db, name="Cohort\nX-Injected: yes")
    participation = make_participation(db, person, cohort, status="invited")
    db.commit()

    client = sign_in(smtp_app.test_client(), person)
    response = client.post(f"/me/participations/{participation.id}/decline", data={"decline": "1"})
    assert response.status_code == 302
    run_jobs()
    received = smtp_server.wait_for(1)

    assert len(received) == 1
    mail = received[0]
    text = mail.get_payload(0).get_payload(decode=True).decode()
    assert text.startswith(f"Hello {admin.display_name},")  # the subject's rest did not spill into the body
    assert mail["To"] == admin.email
    assert mail["Bcc"] is None and mail["X-Injected"] is None
    subject = re.sub(r"\r?\n(?=[ \t])", "", str(mail["Subject"]))  # unfolded: a long header is folded
    assert subject == "Eve Bcc: evil@example.com Injected body declined the nomination for Cohort X-Injected: yes"
