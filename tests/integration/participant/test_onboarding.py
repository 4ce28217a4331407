"""A nominee's invitation, consent and profile: accepting and declining, who may see what, validation."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.cohorts.models import OCCUPYING_STATUSES, CohortState, Participation, ParticipationStatus
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.participant.consent import CONSENT_TEXT_SHA256, CONSENT_VERSION, consent_text_sha256
from tandem.platform.participant.models import Profile, ProfileTopic
from tandem.platform.tenancy import club_scope
from tests.factories import (
    make_catalogue_topic,
    make_cohort,
    make_complete_profile,
    make_org_admin,
    make_organisation,
    make_participation,
    make_user,
)

EN = {"Accept-Language": "en"}


@pytest.fixture()
def club(db):
    alpha = make_organisation(db, "alpha", name="Alpha Bank")
    beta = make_organisation(db, "beta")
    cohort = make_cohort(db, name="Cohort 2027", kickoff_on=date(2027, 3, 1), symposium_venue="Kursaal Bern",
                         meeting_every_min_weeks=3, meeting_every_max_weeks=5, languages=["de", "fr"])
    nominee = make_user(db, alpha, display_name="Lea Keller", preferred_language="en")
    colleague = make_user(db, alpha)
    outsider = make_user(db, beta)
    admins = [make_org_admin(db, alpha, preferred_language="de"), make_org_admin(db, alpha, preferred_language="fr")]
    make_org_admin(db, beta)
    participations = {
        "nominee": make_participation(db, nominee, cohort, status=ParticipationStatus.INVITED),
        "colleague": make_participation(db, colleague, cohort, role="mentee", status=ParticipationStatus.INVITED),
        "outsider": make_participation(db, outsider, cohort, role="mentee", status=ParticipationStatus.INVITED),
    }
    topics = [make_catalogue_topic(db, label) for label in ("AI at work", "Social media", "Remote teams",
                                                             "Data literacy", "Podcasts")]
    make_catalogue_topic(db, "Retired topic", is_active=False)
    db.commit()
    return {"alpha": alpha, "cohort": cohort, "nominee": nominee, "colleague": colleague, "outsider": outsider,
            "admins": admins, "participations": participations, "topics": topics}


def reload(db, model, id_):
    with club_scope(db):
        db.expire_all()
        return db.get(model, id_)


def audit_actions(db) -> list[str]:
    with club_scope(db):
        return list(db.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def outbox(db, kind: str) -> list[OutboxMessage]:
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


# --- The invitation and the consent ---

def test_home_links_the_invitation(client, sign_in, club):
    sign_in(client, club["nominee"])
    page = client.get("/me/", headers=EN).get_data(as_text=True)
    assert "Cohort 2027" in page
    assert f'href="/me/participations/{club["participations"]["nominee"].id}"' in page
    assert "Read the invitation and answer" in page


def test_the_invitation_explains_taking_part(client, sign_in, club):
    sign_in(client, club["nominee"])
    response = client.get(f"/me/participations/{club['participations']['nominee'].id}", headers=EN)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in ("about six months", "every 3 to 5 weeks", "Kursaal Bern", "March 1, 2027", "Who sees what",
                 "How your data is used", "see the status of your nomination and your profile",
                 "your tandem partner sees your profile", "separate consent", CONSENT_VERSION,
                 "Accept and take part", "Decline"):
        assert text in page, text


def test_the_consent_text_changes_only_with_a_new_version():
    assert consent_text_sha256() == CONSENT_TEXT_SHA256, (
        "participant/_consent.html or a translation of one of its messages changed: set a new CONSENT_VERSION "
        "and CONSENT_TEXT_SHA256 in tandem/platform/participant/consent.py"
    )


def test_accepting_records_the_consent_with_time_and_version(client, sign_in, db, club):
    participation = club["participations"]["nominee"]
    sign_in(client, club["nominee"])
    response = client.post(f"/me/participations/{participation.id}/accept")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/me/participations/{participation.id}/profile"
    stored = reload(db, Participation, participation.id)
    assert stored.status == ParticipationStatus.ACTIVE
    assert stored.consent_version == CONSENT_VERSION
    assert stored.consent_at is not None and stored.answered_at == stored.consent_at
    assert audit_actions(db)[-1] == "participation.accepted"
    assert outbox(db, "nomination_declined") == []


def test_a_nominee_not_yet_invited_may_answer_too(client, sign_in, db, club):
    participation = club["participations"]["nominee"]
    with club_scope(db):
        db.get(Participation, participation.id).status = ParticipationStatus.NOMINATED
        db.commit()
    sign_in(client, club["nominee"])
    assert client.post(f"/me/participations/{participation.id}/accept").status_code == 302
    assert reload(db, Participation, participation.id).status == ParticipationStatus.ACTIVE


def occupying(db, organisation_id: int, cohort_id: int) -> int:
    with club_scope(db):
        return db.scalar(sa.select(sa.func.count(Participation.id)).where(
            Participation.organisation_id == organisation_id, Participation.cohort_id == cohort_id,
            Participation.status.in_(OCCUPYING_STATUSES)))


def test_declining_frees_the_place_and_tells_every_admin_in_their_language(client, sign_in, db, club):
    participation = club["participations"]["nominee"]
    before = occupying(db, club["alpha"].id, club["cohort"].id)
    sign_in(client, club["nominee"])
    response = client.post(f"/me/participations/{participation.id}/decline", follow_redirects=True, headers=EN)
    assert response.status_code == 200
    assert "You declined to take part in Cohort 2027" in response.get_data(as_text=True)
    stored = reload(db, Participation, participation.id)
    assert stored.status == ParticipationStatus.DECLINED
    assert stored.answered_at is not None and stored.consent_at is None and stored.consent_version is None
    assert occupying(db, club["alpha"].id, club["cohort"].id) == before - 1
    mails = outbox(db, "nomination_declined")
    assert {(m.recipient, m.language) for m in mails} == {(a.email, a.preferred_language) for a in club["admins"]}
    assert all("Lea Keller" in m.subject and "Cohort 2027" in m.subject for m in mails)
    assert all(m.organisation_id == club["alpha"].id for m in mails)
    assert "participation.declined" in audit_actions(db)


def test_answering_twice_is_refused(client, sign_in, db, club):
    participation = club["participations"]["nominee"]
    sign_in(client, club["nominee"])
    assert client.post(f"/me/participations/{participation.id}/accept").status_code == 302
    response = client.post(f"/me/participations/{participation.id}/decline", headers=EN)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/me/participations/{participation.id}"
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "You have already answered this invitation." in page
    assert "Accept and take part" not in page
    assert reload(db, Participation, participation.id).status == ParticipationStatus.ACTIVE
    assert outbox(db, "nomination_declined") == []
    again = client.post(f"/me/participations/{participation.id}/accept", headers=EN)
    assert again.status_code == 302
    assert audit_actions(db).count("participation.accepted") == 1


def test_a_cohort_past_matching_takes_no_answers(client, sign_in, db, club):
    participation = club["participations"]["nominee"]
    with club_scope(db):
        db.get(type(club["cohort"]), club["cohort"].id).state = CohortState.RUNNING
        db.commit()
    sign_in(client, club["nominee"])
    client.post(f"/me/participations/{participation.id}/accept")
    assert reload(db, Participation, participation.id).status == ParticipationStatus.INVITED


@pytest.mark.parametrize("other", ["colleague", "outsider"])
def test_another_persons_participation_does_not_exist_for_me(client, sign_in, db, club, other):
    """A colleague's (same organisation) or an outsider's participation: 404 everywhere, nothing changes."""
    target = club["participations"][other]
    sign_in(client, club["nominee"])
    base = f"/me/participations/{target.id}"
    assert client.get(base).status_code == 404
    assert client.get(base + "/profile").status_code == 404
    assert client.post(base + "/profile", data={"languages": ["de"]}).status_code == 404
    assert client.post(base + "/accept").status_code == 404
    assert client.post(base + "/decline").status_code == 404
    stored = reload(db, Participation, target.id)
    assert stored.status == ParticipationStatus.INVITED and stored.answered_at is None
    assert outbox(db, "nomination_declined") == []
    page = client.get("/me/").get_data(as_text=True)
    assert f"/me/participations/{target.id}" not in page


# --- The profile ---

@pytest.fixture()
def active(db, club):
    participation = club["participations"]["nominee"]
    with club_scope(db):
        db.get(Participation, participation.id).status = ParticipationStatus.ACTIVE
        db.commit()
    return participation


def valid_form(topics, **changes):
    data = {
        f"topic_{topics[0].id}": "2", f"topic_{topics[1].id}": "1", f"topic_{topics[2].id}": "3",
        f"topic_{topics[3].id}": "chosen",
        "languages": ["de", "it"], "format": "in_person", "city": "Lausanne", "weekdays": ["mon", "thu"],
        "career_band": "0-2", "bio": "Product designer at Alpha Bank.", "aims": "Show how we use AI tools.",
    }
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def stored_profile(db, participation_id):
    with club_scope(db):
        db.expire_all()
        profile = db.scalar(sa.select(Profile).where(Profile.participation_id == participation_id))
        topics = dict(db.execute(sa.select(ProfileTopic.topic_id, ProfileTopic.rank)
                                 .where(ProfileTopic.participation_id == participation_id)).all())
    return profile, topics


def test_the_profile_form_offers_the_active_topics_in_my_language(client, sign_in, club, active):
    sign_in(client, club["nominee"])
    response = client.get(f"/me/participations/{active.id}/profile", headers=EN)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "AI at work" in page and "Retired topic" not in page
    assert "Topics you offer" in page and "What you hope to give your mentee" in page  # a mentor's labels
    assert 'role="progressbar"' in page or "<progress" in page
    assert "Profile 0% complete" in page
    client.post("/language", data={"language": "de"})
    assert "AI at work (de)" in client.get(f"/me/participations/{active.id}/profile").get_data(as_text=True)


def test_a_profile_is_saved_with_its_ranks_and_shown_complete(client, sign_in, db, club, active):
    topics = club["topics"]
    sign_in(client, club["nominee"])
    response = client.post(f"/me/participations/{active.id}/profile", data=valid_form(topics), headers=EN)
    assert response.status_code == 302, response.get_data(as_text=True)
    profile, ranks = stored_profile(db, active.id)
    assert ranks == {topics[0].id: 2, topics[1].id: 1, topics[2].id: 3, topics[3].id: None}
    assert profile.languages == ["de", "it"] and profile.format == "in_person" and profile.city == "Lausanne"
    assert profile.weekdays == ["mon", "thu"] and profile.career_band == "0-2"
    assert profile.bio == "Product designer at Alpha Bank." and profile.aims == "Show how we use AI tools."
    assert "profile.saved" in audit_actions(db)
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Profile 100% complete" in page and "Your profile is saved." in page
    assert 'value="100"' in page
    home = client.get("/me/", headers=EN).get_data(as_text=True)
    assert "Profile 100% complete" in home


def test_saving_again_replaces_the_topics(client, sign_in, db, club, active):
    topics = club["topics"]
    sign_in(client, club["nominee"])
    client.post(f"/me/participations/{active.id}/profile", data=valid_form(topics))
    again = {k: v for k, v in valid_form(topics).items() if not k.startswith("topic_")}
    again[f"topic_{topics[4].id}"] = "1"
    again["format"] = "remote"
    again["city"] = ""
    assert client.post(f"/me/participations/{active.id}/profile", data=again).status_code == 302
    profile, ranks = stored_profile(db, active.id)
    assert ranks == {topics[4].id: 1}
    assert profile.format == "remote" and profile.city is None


def test_an_incomplete_profile_shows_what_is_missing(client, sign_in, db, club, active):
    topics = club["topics"]
    sign_in(client, club["nominee"])
    data = valid_form(topics, bio="", aims="", career_band=None, **{f"topic_{topics[2].id}": "",
                                                                    f"topic_{topics[3].id}": ""})
    assert client.post(f"/me/participations/{active.id}/profile", data=data).status_code == 302
    home = client.get("/me/", headers=EN).get_data(as_text=True)
    assert "Profile 56% complete" in home  # 5 of 9 parts
    for missing in ("Your top three topics", "Career stage", "Short bio", "What you hope to give your mentee"):
        assert missing in home


def _invalid_cases():
    return [
        ("no topics", lambda t: {f"topic_{x.id}": "" for x in t}, "topics", "Choose at least one topic."),
        ("two firsts", lambda t: {f"topic_{t[0].id}": "1"}, "topic_{0}", "Only one topic can be your 1st priority."),
        ("top three not ranked", lambda t: {f"topic_{t[2].id}": "chosen"}, "topics", "Mark your top three"),
        ("bad rank", lambda t: {f"topic_{t[4].id}": "7"}, "topic_{4}", "Not a valid choice"),
        ("no language", lambda t: {"languages": None}, "languages", "Choose at least one language."),
        ("no cohort language", lambda t: {"languages": ["it", "en"]}, "languages",
         "Choose at least one of this cohort"),
        ("unknown language", lambda t: {"languages": ["de", "xx"]}, "languages", "not a valid choice"),
        ("no format", lambda t: {"format": None}, "format", "Choose how you want to meet."),
        ("bad format", lambda t: {"format": "telepathy"}, "format", "Choose how you want to meet."),
        ("no city in person", lambda t: {"city": "  "}, "city", "Enter the city where you can meet in person."),
        ("no city for both", lambda t: {"city": None, "format": "both"}, "city", "Enter the city"),
        ("no weekday", lambda t: {"weekdays": None}, "weekdays", "Choose at least one weekday."),
        ("weekend", lambda t: {"weekdays": ["sat"]}, "weekdays", "not a valid choice"),
        ("bad band", lambda t: {"career_band": "40-50"}, "career_band", "Choose one of the bands."),
        ("long bio", lambda t: {"bio": "x" * 1501}, "bio", "At most 1500 characters."),
        ("long aims", lambda t: {"aims": "y" * 1501}, "aims", "At most 1500 characters."),
    ]


@pytest.mark.parametrize(("case", "change", "field", "message"), _invalid_cases(), ids=[c[0] for c in _invalid_cases()])
def test_every_profile_error_is_shown_beside_its_field_and_nothing_is_written(client, sign_in, db, club, active,
                                                                             case, change, field, message):
    topics = club["topics"]
    make_complete_profile(db, active, topics[3:5], city="Thun", bio="Before")
    db.commit()
    before = stored_profile(db, active.id)
    before_values = (before[0].city, before[0].bio, before[0].languages, before[0].format, before[1])
    sign_in(client, club["nominee"])
    data = valid_form(topics, **change(topics))
    field_id = field.format(*[t.id for t in topics]) if "{" in field else field
    field_id = field_id if not field_id.startswith("topic_") else f"topic_{field_id.split('_')[1]}"
    response = client.post(f"/me/participations/{active.id}/profile", data=data, headers=EN)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    error_at = page.index(f'id="{field_id}-error-1"')
    assert message in page[error_at:error_at + 400], page[error_at:error_at + 400]
    # the summary links to the field, or to the first option of a group of options, which is in the page
    linked = re.search(rf'href="#({re.escape(field_id)}(?:-0)?)"', page)
    assert linked, "the error summary does not link to the field"
    assert f'id="{linked.group(1)}"' in page
    after = stored_profile(db, active.id)
    assert (after[0].city, after[0].bio, after[0].languages, after[0].format, after[1]) == before_values
    assert "profile.saved" not in audit_actions(db)


def test_a_remote_profile_needs_no_city(client, sign_in, db, club, active):
    sign_in(client, club["nominee"])
    data = valid_form(club["topics"], format="remote", city=None)
    assert client.post(f"/me/participations/{active.id}/profile", data=data).status_code == 302
    assert stored_profile(db, active.id)[0].city is None


def test_the_profile_waits_for_the_answer(client, sign_in, db, club):
    participation = club["participations"]["nominee"]  # still invited
    sign_in(client, club["nominee"])
    response = client.get(f"/me/participations/{participation.id}/profile")
    assert response.status_code == 302 and response.headers["Location"] == f"/me/participations/{participation.id}"
    response = client.post(f"/me/participations/{participation.id}/profile", data=valid_form(club["topics"]))
    assert response.status_code == 302
    assert stored_profile(db, participation.id) == (None, {})


def test_the_profile_is_read_only_once_matching_has_started(client, sign_in, db, club, active):
    topics = club["topics"]
    make_complete_profile(db, active, topics[:3], bio="Frozen bio")
    with club_scope(db):
        db.get(type(club["cohort"]), club["cohort"].id).state = CohortState.MATCHING
    db.commit()
    sign_in(client, club["nominee"])
    page = client.get(f"/me/participations/{active.id}/profile", headers=EN).get_data(as_text=True)
    assert "can no longer be changed" in page and "Frozen bio" in page
    assert 'class="form profile-form"' not in page
    response = client.post(f"/me/participations/{active.id}/profile", data=valid_form(topics, bio="New"))
    assert response.status_code == 302
    assert stored_profile(db, active.id)[0].bio == "Frozen bio"


def test_home_queries_do_not_grow_with_participations(client, sign_in, db, count_queries, club):
    person = make_user(db, club["alpha"])
    db.commit()
    sign_in(client, person)

    def add(count: int) -> None:
        for i in range(count):
            cohort = make_cohort(db)
            status = (ParticipationStatus.ACTIVE, ParticipationStatus.INVITED, ParticipationStatus.DECLINED)[i % 3]
            participation = make_participation(db, person, cohort, status=status)
            if status == ParticipationStatus.ACTIVE:
                make_complete_profile(db, participation, club["topics"][: 1 + i % 4])
        db.commit()

    add(2)
    with count_queries() as small:
        assert client.get("/me/").status_code == 200
    add(12)
    with count_queries() as large:
        response = client.get("/me/")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('class="completeness') >= 5
    assert large.count == small.count, (small.statements, large.statements)
