"""The board's member organisations (with logos, suspension), exclusions and the topic catalogue."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image

from tandem.platform.audit_models import AuditEvent
from tandem.platform.board.models import OrganisationExclusion, Topic
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import Organisation, OrganisationDomain
from tests.factories import (
    make_board_member,
    make_catalogue_topic,
    make_exclusion,
    make_org_admin,
    make_organisation,
    make_user,
    pillow_image,
    tiny_png,
    tiny_webp,
)


@pytest.fixture()
def club(db):
    alpha = make_organisation(db, "alpha")
    beta = make_organisation(db, "beta")
    board = make_board_member(db, beta)
    db.commit()
    return alpha, beta, board


@pytest.fixture()
def board_client(client, sign_in, club):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # messages are checked in English
    sign_in(client, club[2])
    return client


def fresh(db, model, **where):
    db.expire_all()
    with club_scope(db):
        return db.scalars(sa.select(model).filter_by(**where)).all()


def audited(db, action):
    db.expire_all()
    with club_scope(db):
        return db.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def field_errors(response, field_id):
    """The error messages shown beside one field (the form macro's ids: <field>-error-<n>)."""
    body = response.get_data(as_text=True)
    found = re.findall(rf'<p class="field__error" id="{field_id}-error-\d+">(.*?)</p>', body, re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", message).replace("Error:", "").strip() for message in found]


def upload(data, name="logo.png", content_type="image/png"):
    return (io.BytesIO(data), name, content_type)


# --- Member organisations ---

def test_the_board_adds_a_member_organisation(board_client, db):
    response = board_client.post("/board/organisations/new", data={
        "slug": "medienhaus", "name": "Medienhaus AG", "domains": "medienhaus.ch\nMEDIENHAUS.example\n@mh.ch",
        "logo": upload(tiny_png()),
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    [organisation] = fresh(db, Organisation, slug="medienhaus")
    assert organisation.name == "Medienhaus AG" and organisation.status == "active"
    assert [d.domain for d in organisation.domains] == ["medienhaus.ch", "medienhaus.example", "mh.ch"]
    assert organisation.logo_content_type == "image/png"
    [event] = audited(db, "organisation.created")
    assert event.target_id == organisation.id and event.details["domains"] == ["medienhaus.ch",
                                                                               "medienhaus.example", "mh.ch"]
    page = board_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Medienhaus AG" in page and '<img class="org-logo" src="/organisations/medienhaus/logo"' in page


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"slug": "Bad Slug!"}, "slug", "lowercase letters, digits and hyphens"),
    ({"slug": "x"}, "slug", "2 to 63"),
    ({"slug": "-dash"}, "slug", "starting and ending"),
    ({"slug": "a" * 64}, "slug", "2 to 63"),
    ({"slug": "alpha"}, "slug", "Another organisation already uses this short name."),
    ({"name": "  "}, "name", "Enter the organisation's name."),
    ({"domains": "not a domain"}, "domains", "Not a domain"),
    ({"domains": "new.example\nbeta.example"}, "domains",
     "Already used by another member organisation: beta.example"),
])
def test_bad_organisations_are_explained_beside_the_field_and_nothing_is_written(board_client, db, data, field,
                                                                                   message):
    form = {"slug": "newcomer", "name": "Newcomer", "domains": "newcomer.example", **data}
    response = board_client.post("/board/organisations/new", data=form)
    assert response.status_code == 400
    errors = field_errors(response, field)
    assert errors and message in errors[0], errors
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert fresh(db, Organisation, name="Newcomer") == []
    assert fresh(db, OrganisationDomain, domain="new.example") == []
    assert audited(db, "organisation.created") == []


def test_the_board_edits_name_and_domains(board_client, db, club):
    alpha, _, _ = club
    page = board_client.get(f"/board/organisations/{alpha.id}/edit")
    assert page.status_code == 200 and "alpha.example" in page.get_data(as_text=True)
    response = board_client.post(f"/board/organisations/{alpha.id}/edit",
                                 data={"name": "Alpha Group", "domains": "alpha-group.example\nalpha.example"})
    assert response.status_code == 302
    [organisation] = fresh(db, Organisation, id=alpha.id)
    assert organisation.name == "Alpha Group"
    assert [d.domain for d in organisation.domains] == ["alpha-group.example", "alpha.example"]
    [event] = audited(db, "organisation.changed")
    assert event.details["name"] == {"from": "Alpha", "to": "Alpha Group"}

    response = board_client.post(f"/board/organisations/{alpha.id}/edit",
                                 data={"name": "Alpha Renamed", "domains": "beta.example"})
    assert response.status_code == 400
    assert field_errors(response, "domains") == ["Already used by another member organisation: beta.example"]
    [organisation] = fresh(db, Organisation, id=alpha.id)
    assert organisation.name == "Alpha Group"  # nothing half-written
    assert [d.domain for d in organisation.domains] == ["alpha-group.example", "alpha.example"]


def test_an_unknown_organisation_is_not_found(board_client):
    assert board_client.get("/board/organisations/999999/edit").status_code == 404
    assert board_client.post("/board/organisations/999999/suspend").status_code == 404


# --- Logos ---

@pytest.mark.parametrize(("data", "name", "claimed", "expected"), [
    (tiny_png(64, 32), "logo.png", "image/png", "image/png"),
    (pillow_image("JPEG", 30, 20), "logo.jpg", "image/jpeg", "image/jpeg"),
    (tiny_webp(), "logo.webp", "image/webp", "image/webp"),
    (tiny_png(), "logo.jpg", "image/jpeg", "image/png"),        # the bytes decide, not the name or the claim
    (tiny_webp(), "logo", "application/octet-stream", "image/webp"),
])
def test_logos_are_accepted_by_their_bytes_and_served_with_their_type(app, board_client, db, club, data, name,
                                                                      claimed, expected):
    alpha, _, _ = club
    response = board_client.post(f"/board/organisations/{alpha.id}/edit", data={
        "name": alpha.name, "domains": "alpha.example", "logo": upload(data, name, claimed),
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    [organisation] = fresh(db, Organisation, id=alpha.id)
    # kept as the image drawn anew from its pixels (board/images.py): the same size, in the same format
    assert Image.open(io.BytesIO(organisation.logo)).size == Image.open(io.BytesIO(data)).size
    assert organisation.logo_content_type == expected
    assert audited(db, "organisation.changed")[0].details["logo"] == expected

    served = app.test_client().get("/organisations/alpha/logo")
    assert served.status_code == 200
    assert served.data == organisation.logo
    assert served.headers["Content-Type"] == expected
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=" in served.headers["Cache-Control"] and "public" in served.headers["Cache-Control"]
    again = app.test_client().get("/organisations/alpha/logo", headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(("data", "name", "claimed", "message"), [
    (b"Just some text, named like a picture.\n" * 20, "logo.png", "image/png", "not a PNG, JPEG or WebP image"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg", "image/svg+xml",
     "not a PNG, JPEG or WebP image"),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "logo.gif", "image/gif", "not a PNG, JPEG or WebP image"),
    (tiny_png() + b"\x00" * (512 * 1024), "big.png", "image/png", "larger than 512 KB"),
])
def test_bad_logos_are_refused_beside_the_field_and_the_previous_logo_is_kept(board_client, db, club, data, name,
                                                                               claimed, message):
    alpha, _, _ = club
    with club_scope(db):
        alpha.logo, alpha.logo_content_type = tiny_webp(), "image/webp"
        db.commit()
    response = board_client.post(f"/board/organisations/{alpha.id}/edit", data={
        "name": "Alpha Changed", "domains": "alpha.example", "logo": upload(data, name, claimed),
    }, content_type="multipart/form-data")
    assert response.status_code == 400
    errors = field_errors(response, "logo")
    assert errors and message in errors[0], errors
    [organisation] = fresh(db, Organisation, id=alpha.id)
    assert organisation.logo == tiny_webp() and organisation.logo_content_type == "image/webp"
    assert organisation.name == "Alpha"


def test_a_new_organisation_with_a_bad_logo_is_not_created(board_client, db):
    response = board_client.post("/board/organisations/new", data={
        "slug": "textco", "name": "Text Co", "domains": "textco.example",
        "logo": upload(b"hello world " * 10, "logo.png", "image/png"),
    }, content_type="multipart/form-data")
    assert response.status_code == 400
    assert field_errors(response, "logo")
    assert fresh(db, Organisation, slug="textco") == []


def test_a_logo_can_be_removed_and_then_is_not_found(app, board_client, db, club):
    alpha, _, _ = club
    assert app.test_client().get("/organisations/alpha/logo").status_code == 404  # none yet
    assert app.test_client().get("/organisations/nowhere/logo").status_code == 404
    with club_scope(db):
        alpha.logo, alpha.logo_content_type = tiny_png(), "image/png"
        db.commit()
    assert app.test_client().get("/organisations/alpha/logo").status_code == 200
    response = board_client.post(f"/board/organisations/{alpha.id}/edit",
                                 data={"name": "Alpha", "domains": "alpha.example", "remove_logo": "y"})
    assert response.status_code == 302
    [organisation] = fresh(db, Organisation, id=alpha.id)
    assert organisation.logo is None and organisation.logo_content_type is None
    assert app.test_client().get("/organisations/alpha/logo").status_code == 404


# --- Suspension ---

def test_suspending_an_organisation_locks_its_people_out_on_their_next_request(app, board_client, db, club, sign_in):
    alpha, _, _ = club
    participant = make_user(db, alpha)
    admin = make_org_admin(db, alpha)
    db.commit()
    participant_client = sign_in(app.test_client(), participant)
    admin_client = sign_in(app.test_client(), admin)
    assert participant_client.get("/me/").status_code == 200
    assert admin_client.get("/o/alpha/").status_code == 200

    response = board_client.post(f"/board/organisations/{alpha.id}/suspend")
    assert response.status_code == 302
    assert fresh(db, Organisation, id=alpha.id)[0].status == "suspended"
    assert len(audited(db, "organisation.suspended")) == 1
    assert participant_client.get("/me/").status_code == 401
    assert admin_client.get("/me/").status_code == 401
    assert board_client.get("/o/alpha/").status_code == 404
    page = board_client.get("/board/organisations").get_data(as_text=True)
    assert "Suspended" in page and f"/board/organisations/{alpha.id}/reactivate" in page

    # Suspending again changes nothing; reactivating lets people sign in again.
    board_client.post(f"/board/organisations/{alpha.id}/suspend")
    assert len(audited(db, "organisation.suspended")) == 1
    assert board_client.post(f"/board/organisations/{alpha.id}/reactivate").status_code == 302
    assert fresh(db, Organisation, id=alpha.id)[0].status == "active"
    assert len(audited(db, "organisation.reactivated")) == 1
    assert sign_in(app.test_client(), participant).get("/me/").status_code == 200
    assert board_client.get("/o/alpha/").status_code == 200


def test_a_board_member_cannot_suspend_their_own_organisation(board_client, db, club):
    _, beta, _ = club
    response = board_client.post(f"/board/organisations/{beta.id}/suspend", follow_redirects=True)
    assert response.status_code == 200
    assert "you cannot suspend your own organisation" in response.get_data(as_text=True)
    assert fresh(db, Organisation, id=beta.id)[0].status == "active"


# --- Exclusions ---

def test_exclusions_are_stored_once_in_order_and_refused_twice(board_client, db, club):
    alpha, beta, _ = club
    assert alpha.id < beta.id
    response = board_client.post("/board/exclusions", data={
        "organisation_a": beta.id, "organisation_b": alpha.id, "reason": "  direct competitors "})
    assert response.status_code == 302
    [exclusion] = fresh(db, OrganisationExclusion)
    assert (exclusion.organisation_a_id, exclusion.organisation_b_id) == (alpha.id, beta.id)
    assert exclusion.reason == "direct competitors"
    [event] = audited(db, "exclusion.added")
    assert event.details == {"organisations": [alpha.id, beta.id], "reason": "direct competitors"}
    page = board_client.get("/board/exclusions").get_data(as_text=True)
    assert "Alpha and Beta" in page and "direct competitors" in page

    for first, second in ((alpha.id, beta.id), (beta.id, alpha.id)):
        response = board_client.post("/board/exclusions", data={"organisation_a": first, "organisation_b": second})
        assert response.status_code == 400
        assert field_errors(response, "organisation_b") == ["These two organisations are already never paired."]
    assert len(fresh(db, OrganisationExclusion)) == 1


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"organisation_a": "same", "organisation_b": "same"}, "organisation_b", "Choose two different organisations."),
    ({"organisation_a": "0", "organisation_b": "beta"}, "organisation_a", "Choose an organisation."),
    ({"organisation_a": "alpha", "organisation_b": "999999"}, "organisation_b", "Not a valid choice"),
    ({"organisation_a": "alpha", "organisation_b": "beta", "reason": "x" * 301}, "reason", "300"),
])
def test_bad_exclusions_are_explained(board_client, db, club, data, field, message):
    alpha, beta, _ = club
    ids = {"same": alpha.id, "alpha": alpha.id, "beta": beta.id}
    form = {key: str(ids.get(value, value)) for key, value in data.items()}
    response = board_client.post("/board/exclusions", data=form)
    assert response.status_code == 400
    errors = field_errors(response, field)
    assert errors and message in errors[0], errors
    assert fresh(db, OrganisationExclusion) == []


def test_an_exclusion_is_removed(board_client, db, club):
    alpha, beta, _ = club
    exclusion_id = make_exclusion(db, alpha, beta, reason="competitors").id
    db.commit()
    assert board_client.post(f"/board/exclusions/{exclusion_id}/remove").status_code == 302
    assert fresh(db, OrganisationExclusion) == []
    assert len(audited(db, "exclusion.removed")) == 1
    assert board_client.post(f"/board/exclusions/{exclusion_id}/remove").status_code == 404


# --- Topics ---

def test_the_board_keeps_the_topic_catalogue(board_client, db):
    response = board_client.post("/board/topics", data={
        "slug": "Open-Source", "label_de": "Open Source", "label_fr": "Logiciel libre", "label_it": "Software libero",
        "label_en": "Open source"})
    assert response.status_code == 302
    [topic] = fresh(db, Topic, slug="open-source")
    assert (topic.label_de, topic.label_fr, topic.label_it, topic.label_en, topic.is_active) == (
        "Open Source", "Logiciel libre", "Software libero", "Open source", True)
    assert len(audited(db, "topic.created")) == 1

    response = board_client.post(f"/board/topics/{topic.id}/edit", data={
        "label_de": "Quelloffene Software", "label_fr": "Logiciel libre", "label_it": "Software open source",
        "label_en": "Open-source software"})
    assert response.status_code == 302
    [topic] = fresh(db, Topic, slug="open-source")
    assert (topic.label_de, topic.label_it, topic.label_en) == (
        "Quelloffene Software", "Software open source", "Open-source software")
    [event] = audited(db, "topic.changed")
    assert set(event.details["labels"]) == {"de", "it", "en"}
    assert event.details["labels"]["it"] == {"from": "Software libero", "to": "Software open source"}

    assert board_client.post(f"/board/topics/{topic.id}/deactivate").status_code == 302
    assert fresh(db, Topic, slug="open-source")[0].is_active is False
    page = board_client.get("/board/topics").get_data(as_text=True)
    assert "Not offered" in page and f"/board/topics/{topic.id}/reactivate" in page
    assert board_client.post(f"/board/topics/{topic.id}/reactivate").status_code == 302
    assert fresh(db, Topic, slug="open-source")[0].is_active is True
    assert [len(audited(db, a)) for a in ("topic.deactivated", "topic.reactivated")] == [1, 1]
    assert board_client.post(f"/board/topics/{topic.id}/delete").status_code in (404, 405)  # never deleted


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"slug": "existing"}, "slug", "Another topic already uses this short name."),
    ({"slug": "no spaces"}, "slug", "lowercase letters"),
    ({"label_fr": ""}, "label_fr", "Enter the French label."),
    ({"label_it": " "}, "label_it", "Enter the Italian label."),
    ({"label_de": "   "}, "label_de", "Enter the German label."),
    ({"label_en": "x" * 121}, "label_en", "120"),
])
def test_bad_topics_are_explained_beside_the_field(board_client, db, data, field, message):
    make_catalogue_topic(db, slug="existing")
    db.commit()
    form = {"slug": "fresh-topic", "label_de": "Neu", "label_fr": "Nouveau", "label_it": "Nuovo", "label_en": "New",
            **data}
    response = board_client.post("/board/topics", data=form)
    assert response.status_code == 400
    errors = field_errors(response, field)
    assert errors and message in errors[0], errors
    assert fresh(db, Topic, slug="fresh-topic") == []


def test_editing_a_topic_needs_every_label(board_client, db):
    topic = make_catalogue_topic(db, "Data literacy")
    db.commit()
    response = board_client.post(f"/board/topics/{topic.id}/edit",
                                 data={"label_de": "", "label_fr": "Données", "label_it": "Dati", "label_en": "Data"})
    assert response.status_code == 400
    assert field_errors(response, "label_de") == ["Enter the German label."]
    assert fresh(db, Topic, id=topic.id)[0].label_en == "Data literacy"
    assert board_client.get("/board/topics/999999/edit").status_code == 404


# --- Pages ---

def test_board_pages_show_the_sections_with_the_current_one_marked(board_client):
    for path, label in (("/board/organisations", "Organisations"), ("/board/organisations/new", "Organisations"),
                        ("/board/exclusions", "Exclusions"), ("/board/topics", "Topics")):
        body = board_client.get(path).get_data(as_text=True)
        assert re.search(rf'aria-current="page">{label}</a>', body), path
        for href in ("/board/", "/board/cohorts/", "/board/organisations", "/board/exclusions", "/board/topics"):
            assert f'href="{href}"' in body


def test_organisations_page_queries_do_not_grow_with_the_club(board_client, db, count_queries):
    def add(count: int) -> None:
        for _ in range(count):
            organisation = make_organisation(db)
            make_org_admin(db, organisation)
            with club_scope(db):
                organisation.logo, organisation.logo_content_type = tiny_png(), "image/png"
                organisation.domains.append(OrganisationDomain(domain=f"more-{organisation.slug}.example"))
        db.commit()

    add(1)
    with count_queries() as small:
        assert board_client.get("/board/organisations").status_code == 200
    add(12)
    with count_queries() as large:
        response = board_client.get("/board/organisations")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('<img class="org-logo"') == 13
    assert not any("logo," in s.lower() or ".logo " in s.lower() for s in large.statements), "logos not loaded"
    assert large.count == small.count, (small.statements, large.statements)


def test_exclusions_and_topics_pages_queries_do_not_grow(board_client, db, count_queries, club):
    alpha, beta, _ = club
    with count_queries() as small:
        assert board_client.get("/board/exclusions").status_code == 200
        assert board_client.get("/board/topics").status_code == 200
    for _ in range(6):
        make_exclusion(db, make_organisation(db), make_organisation(db))
        make_catalogue_topic(db)
    db.commit()
    with count_queries() as large:
        assert board_client.get("/board/exclusions").status_code == 200
        assert board_client.get("/board/topics").status_code == 200
    assert large.count == small.count, (small.statements, large.statements)
