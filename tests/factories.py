"""Small factories for test data. They write in club scope, explicitly, and flush (no commit)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.board.models import BoardMember
from tandem.platform.cohorts.models import (
    Cohort,
    CohortState,
    Participation,
    ParticipationRole,
    ParticipationStatus,
)
from tandem.platform.database import utcnow
from tandem.platform.identity.models import User
from tandem.platform.programme.models import EventKind, EventStatus, ProgrammeEvent
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import DomainStatus, Organisation, OrganisationAdmin, OrganisationDomain

_sequence = itertools.count(1)


def _n() -> int:
    return next(_sequence)


def make_organisation(session: Session, slug: str | None = None, **fields: Any) -> Organisation:
    slug = slug or f"org-{_n()}"
    with club_scope(session):
        organisation = Organisation(slug=slug, name=fields.pop("name", slug.replace("-", " ").title()), **fields)
        organisation.domains.append(OrganisationDomain(domain=f"{slug}.example", status=DomainStatus.APPROVED))
        session.add(organisation)
        session.flush()
    return organisation


def make_user(session: Session, organisation: Organisation, **fields: Any) -> User:
    n = _n()
    with club_scope(session):
        user = User(
            organisation_id=organisation.id,
            email=fields.pop("email", f"person{n}@{organisation.slug}.example"),
            display_name=fields.pop("display_name", f"Person {n}"),
            **fields,
        )
        session.add(user)
        session.flush()
    return user


def make_board_member(session: Session, organisation: Organisation, **fields: Any) -> User:
    user = make_user(session, organisation, **fields)
    with club_scope(session):
        session.add(BoardMember(user_id=user.id))
        session.flush()
    return user


def make_org_admin(session: Session, organisation: Organisation, **fields: Any) -> User:
    user = make_user(session, organisation, **fields)
    with club_scope(session):
        session.add(OrganisationAdmin(organisation_id=organisation.id, user_id=user.id))
        session.flush()
    return user


def make_cohort(session: Session, state: str = CohortState.NOMINATIONS_OPEN, **fields: Any) -> Cohort:
    n = _n()
    kickoff = fields.pop("kickoff_on", date(2027, 3, 1))
    with club_scope(session):
        cohort = Cohort(
            slug=fields.pop("slug", f"cohort-{n}"),
            name=fields.pop("name", f"Cohort {n}"),
            state=state,
            nomination_deadline=fields.pop("nomination_deadline", kickoff - timedelta(days=30)),
            kickoff_on=kickoff,
            closing_on=fields.pop("closing_on", kickoff + timedelta(days=182)),
            symposium_on=fields.pop("symposium_on", kickoff + timedelta(days=200)),
            **fields,
        )
        session.add(cohort)
        session.flush()
    return cohort


def make_participation(session: Session, user: User, cohort: Cohort,
                       role: str = ParticipationRole.MENTOR,
                       status: str = ParticipationStatus.NOMINATED, **fields: Any) -> Participation:
    with club_scope(session):
        participation = Participation(organisation_id=user.organisation_id, user_id=user.id,
                                      cohort_id=cohort.id, role=role, status=status, **fields)
        session.add(participation)
        session.flush()
    return participation


# --- Participant onboarding: the topic catalogue and profiles ---

def make_catalogue_topic(session: Session, label: str | None = None, **fields: Any) -> Any:
    """A topic of the catalogue, labelled in every language (`label` in English, marked in de, fr and it)."""
    from tandem.platform.board.models import Topic

    n = _n()
    label = label or f"Topic {n}"
    with club_scope(session):
        topic = Topic(slug=fields.pop("slug", f"topic-{n}"), label_en=label,
                      label_de=fields.pop("label_de", f"{label} (de)"),
                      label_fr=fields.pop("label_fr", f"{label} (fr)"),
                      label_it=fields.pop("label_it", f"{label} (it)"), **fields)
        session.add(topic)
        session.flush()
    return topic


def make_complete_profile(session: Session, participation: Participation, topics: list[Any],
                          **fields: Any) -> Any:
    """A complete profile for `participation`: every part filled in, the first three topics ranked 1 to 3."""
    from tandem.platform.participant.models import Profile, ProfileTopic

    values: dict[str, Any] = dict(languages=["de", "en"], format="both", city="Bern", weekdays=["tue", "thu"],
                                  career_band="3-5", bio="I work on digital services.", aims="Share what I know.")
    values.update(fields)
    with club_scope(session):
        profile = Profile(participation_id=participation.id, organisation_id=participation.organisation_id,
                          **values)
        session.add(profile)
        for index, topic in enumerate(topics):
            session.add(ProfileTopic(participation_id=participation.id, organisation_id=participation.organisation_id,
                                     topic_id=topic.id, rank=index + 1 if index < 3 else None))
        session.flush()
    return profile


# --- The board: member organisations, exclusions, logos ---

def make_exclusion(session: Session, first: Organisation, second: Organisation, reason: str | None = None) -> Any:
    """Two organisations never paired, stored once with the smaller id first."""
    from tandem.platform.board.models import OrganisationExclusion

    low, high = sorted((first.id, second.id))
    with club_scope(session):
        exclusion = OrganisationExclusion(organisation_a_id=low, organisation_b_id=high, reason=reason)
        session.add(exclusion)
        session.flush()
    return exclusion


def tiny_png(width: int = 1, height: int = 1) -> bytes:
    """A real, decodable PNG (RGB, every pixel red), written by hand."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def tiny_jpeg(width: int = 1, height: int = 1) -> bytes:
    """The head of a baseline JPEG: start of image, JFIF, a frame header with the size, end of image."""
    import struct

    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def tiny_webp() -> bytes:
    """A real 1x1 lossless WebP."""
    return (b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00"
            b"\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")


def pillow_image(image_format: str, width: int = 8, height: int = 8, mode: str = "RGB") -> bytes:
    """A real image written by Pillow ("PNG", "JPEG", "WEBP"): a gradient, half transparent in mode RGBA."""
    from io import BytesIO

    from PIL import Image

    image = Image.new(mode, (width, height))
    image.putdata([(x * 255 // max(width - 1, 1), y * 255 // max(height - 1, 1), 90, 128)[:len(mode)]
                   for y in range(height) for x in range(width)])
    out = BytesIO()
    image.save(out, format=image_format)
    return out.getvalue()


# --- Cohorts: quotas and pairs ---

def make_quota(session: Session, cohort: Cohort, organisation: Organisation, mentors: int = 2,
               mentees: int = 2) -> Any:
    """How many mentors and mentees `organisation` may nominate for `cohort` (tenant-owned, written in club scope)."""
    from tandem.platform.cohorts.models import CohortQuota

    with club_scope(session):
        quota = CohortQuota(cohort_id=cohort.id, organisation_id=organisation.id, mentors=mentors, mentees=mentees)
        session.add(quota)
        session.flush()
    return quota


def make_pair(session: Session, mentor: Participation, mentee: Participation, status: str = "active",
              run: Any = None, score: float | None = None, explanation: dict[str, Any] | None = None) -> Any:
    """A pair of two participations of one cohort: of `run` if given, else set by the board (no run)."""
    from tandem.platform.workbench.models import Pair

    with club_scope(session):
        pair = Pair(cohort_id=mentor.cohort_id, mentor_participation_id=mentor.id,
                    mentee_participation_id=mentee.id, status=status, matching_run_id=run.id if run else None,
                    score=score, explanation=explanation)
        session.add(pair)
        session.flush()
    return pair


def _tandem_explanation(topics) -> dict:
    """A plausible stored explanation of a pair sharing `topics[0]` and `topics[1]`."""
    return {
        "topics": {"value": 1.0, "weight": 0.4, "code": "all_offered",
                   "params": {"wanted": [[topics[0].id, 1], [topics[1].id, 2]],
                              "shared": [[topics[0].id, 1], [topics[1].id, 2]], "missing": []}},
        "format": {"value": 1.0, "weight": 0.25, "code": "in_person",
                   "params": {"mentor_format": "both", "mentee_format": "both", "city": "Bern", "remote_too": True}},
        "weekdays": {"value": 1.0, "weight": 0.15, "code": "shared", "params": {"days": ["tue", "thu"]}},
        "career_gap": {"value": 1.0, "weight": 0.2, "code": "clear_gap",
                       "params": {"mentor_band": "0-2", "mentee_band": "21+", "steps": 4}},
    }


def make_tandem(db, mentor_org, mentee_org, topics, *, cohort=None, mentor=None, mentee=None,
                activated_days_ago: int = 1, state: str = CohortState.RUNNING):
    """An active pair with complete profiles in a (new) running cohort."""
    cohort = cohort or make_cohort(db, state)
    mentor = mentor or make_user(db, mentor_org)
    mentee = mentee or make_user(db, mentee_org)
    mentor_part = make_participation(db, mentor, cohort, role="mentor", status="active")
    mentee_part = make_participation(db, mentee, cohort, role="mentee", status="active")
    make_complete_profile(db, mentor_part, topics, languages=["de", "en"], format="both", city="Bern",
                          weekdays=["tue", "thu"], career_band="0-2")
    make_complete_profile(db, mentee_part, topics, languages=["en", "fr"], format="both", city="Bern",
                          weekdays=["mon", "tue", "thu"], career_band="21+")
    pair = make_pair(db, mentor_part, mentee_part, status="active", score=0.91,
                     explanation=_tandem_explanation(topics))
    with club_scope(db):
        pair.activated_at = utcnow() - timedelta(days=activated_days_ago)
        db.flush()
    return mentor_part, mentee_part, pair


def make_matching_run(session: Session, cohort: Cohort, status: str = "succeeded", **values: Any) -> Any:
    """A matching run of `cohort` (default: finished, with empty figures), without running the engine."""
    from tandem.platform.workbench.models import MatchingRun

    finished = status in ("succeeded", "failed")
    fields: dict[str, Any] = {
        "progress": 100 if finished else 0,
        "parameters": {"weights": {"topics": 0.4, "format": 0.25, "weekdays": 0.15, "career_gap": 0.2},
                       "threshold": 0.5, "based_on_run_id": None},
        "figures": {} if status == "succeeded" else None,
        "unmatched": [] if status == "succeeded" else None,
    }
    fields.update(values)
    if "number" not in fields:
        with club_scope(session):
            fields["number"] = (session.scalar(sa.select(sa.func.max(MatchingRun.number))
                                               .where(MatchingRun.cohort_id == cohort.id)) or 0) + 1
    run = MatchingRun(cohort_id=cohort.id, status=status, **fields)
    session.add(run)
    session.flush()
    return run

def make_kickoff(db, cohort, status: str = EventStatus.PUBLISHED, kind: str = EventKind.KICKOFF,
                 day: date | None = None, venue: str | None = None) -> ProgrammeEvent:
    """A dated event of the cohort's programme (the kick-off, published, on its kick-off date by default),
    written as the programme's operations would leave it, without invitations."""
    with club_scope(db):
        day = day or {EventKind.KICKOFF: cohort.kickoff_on, EventKind.CLOSING: cohort.closing_on,
                      EventKind.SYMPOSIUM: cohort.symposium_on}[kind]
        start = datetime.combine(day, time(16), tzinfo=UTC)
        event = ProgrammeEvent(uid=f"{kind}-{cohort.id}@test", cohort_id=cohort.id, kind=kind, status=status,
                               titles={"en": kind.title()}, starts_at=start, ends_at=start + timedelta(hours=3),
                               venue_name=venue, audience=["mentors", "mentees"],
                               published_at=utcnow() if status == EventStatus.PUBLISHED else None)
        db.add(event)
        db.flush()
    return event


def make_story(db, pair, *, confirmed: bool = True, chosen: bool = False, position: int = 0,
               **fields: Any) -> Any:
    """The pair's story for the showcase, written as the partners' operations would leave it (confirmed by both
    at its version by default), without consents (nothing of the people is public)."""
    from tandem.platform.showcase.models import Story

    values: dict[str, Any] = {"language": "en", "title": f"What we learned, pair {pair.id}",
                              "mentee_learned": "How younger colleagues use social media.",
                              "mentor_learned": "How a board decides.", "tip": "Meet in person first."}
    values.update(fields)
    version = values.pop("version", 1)
    with club_scope(db):
        story = Story(pair_id=pair.id, cohort_id=pair.cohort_id, version=version, chosen=chosen,
                      position=position, **values)
        if confirmed:
            story.mentor_confirmed_version = story.mentee_confirmed_version = version
            story.mentor_confirmed_at = story.mentee_confirmed_at = utcnow()
        db.add(story)
        db.flush()
    return story
