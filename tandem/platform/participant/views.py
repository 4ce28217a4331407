"""A participant's own pages (their organisation's scope; their own rows only)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.clock import today as clock_today
from tandem.platform.cohorts.models import Participation, ParticipationStatus
from tandem.platform.database import db_session
from tandem.platform.forms import validated
from tandem.platform.i18n import current_language
from tandem.platform.outcomes.surveys.queries import my_open_surveys
from tandem.platform.participant.completeness import PARTS
from tandem.platform.participant.consent import CONSENT_TEMPLATE, CONSENT_VERSION
from tandem.platform.participant.forms import (
    CHOSEN,
    TOPIC_PREFIX,
    AnswerForm,
    ProfileForm,
    profile_form_class,
)
from tandem.platform.participant.labels import (
    CAREER_BAND_LABELS,
    FORMAT_LABELS,
    LANGUAGE_LABELS,
    WEEKDAY_LABELS,
    part_label,
)
from tandem.platform.participant.loading import own_participation
from tandem.platform.participant.operations import (
    ANSWERABLE_STATES,
    ANSWERABLE_STATUSES,
    PROFILE_EDITABLE_STATES,
    ProfileInput,
    accept_invitation,
    decline_invitation,
    save_profile,
)
from tandem.platform.participant.partner import partners_of
from tandem.platform.participant.queries import ProfilePage, ended_pairs, my_participations, profile_page
from tandem.platform.participant.why import why_you_two
from tandem.platform.programme.forms import MY_ANSWER_LABELS
from tandem.platform.programme.queries import my_events
from tandem.platform.programme.wording import event_words
from tandem.platform.rematch.queries import REMATCH_STATES, latest_requests, rematch_open_until, window_weeks
from tandem.platform.transaction import request_transaction

LABELS = {"languages": LANGUAGE_LABELS, "formats": FORMAT_LABELS, "weekdays": WEEKDAY_LABELS,
          "career_bands": CAREER_BAND_LABELS}




def _can_answer(participation: Participation) -> bool:
    return participation.status in ANSWERABLE_STATUSES and participation.cohort.state in ANSWERABLE_STATES


@allow(Role.PARTICIPANT)
def home() -> str:
    session = db_session()
    rows = my_participations(session, current_user.id)
    ids = [row.participation.id for row in rows]
    partners = partners_of(session, current_user.id, ids, current_language())
    requests = latest_requests(session, list(partners))
    weeks = window_weeks()
    tandems = {}
    for row in rows:
        partner = partners.get(row.participation.id)
        if partner is None:
            continue
        latest = requests.get(row.participation.id)
        until = rematch_open_until(partner.activated_at, row.participation.cohort.kickoff_on, weeks)
        tandems[row.participation.id] = {
            "partner": partner,
            "why": why_you_two(partner),
            "request": latest if latest is not None and latest.pair_id == partner.pair_id else None,
            "rematch_until": until,
            "can_ask": (until is not None and clock_today() <= until
                        and row.participation.cohort.state in REMATCH_STATES),
        }
    events = my_events(session, current_user.id, limit=3)  # one statement, however many events
    surveys = my_open_surveys(session, current_user.id, clock_today())  # one statement
    return render_template("participant/home.html", rows=rows, part_label=part_label, tandems=tandems,
                           ended=ended_pairs(session, ids), surveys=surveys,
                           labels=LABELS, events=events, event_words=event_words,
                           event_answer_labels=MY_ANSWER_LABELS)


@allow(Role.PARTICIPANT)
def participation(participation_id: int) -> str:
    item = own_participation(participation_id)
    return render_template("participant/participation.html", participation=item, cohort=item.cohort,
                           can_answer=_can_answer(item), form=AnswerForm(), consent_template=CONSENT_TEMPLATE,
                           consent_version=CONSENT_VERSION)


def _answer(participation_id: int, accept: bool) -> Response:
    session = db_session()
    if not AnswerForm().validate_on_submit():
        abort(400)
    try:
        with request_transaction() as outcome:
            if accept:
                item = accept_invitation(session, participation_id, user_id=current_user.id)
                outcome.say(_("Thank you for taking part in %(cohort)s. Please fill in your profile now: it is what "
                              "we match you on.", cohort=item.cohort.name))
            else:
                item = decline_invitation(session, participation_id, user_id=current_user.id,
                                          default_language=current_app.config["TANDEM"].default_language)
                outcome.say(_("You declined to take part in %(cohort)s. Your organisation has been told.",
                              cohort=item.cohort.name), "info")
    except LookupError:
        abort(404)
    if not outcome.committed:
        return redirect(url_for("participant.participation", participation_id=participation_id))
    if accept:
        return redirect(url_for("participant.profile", participation_id=item.id))
    return redirect(url_for("participant.home"))


@allow(Role.PARTICIPANT)
def accept(participation_id: int) -> Response:
    return _answer(participation_id, accept=True)


@allow(Role.PARTICIPANT)
def decline(participation_id: int) -> Response:
    return _answer(participation_id, accept=False)


def _form_defaults(page: ProfilePage) -> dict[str, object]:
    values: dict[str, object] = {
        f"{TOPIC_PREFIX}{topic_id}": (str(rank) if rank else CHOSEN) for topic_id, rank in page.chosen.items()
    }
    profile = page.profile
    if profile is not None:
        values.update(languages=profile.languages, format=profile.format, city=profile.city or "",
                      weekdays=profile.weekdays, career_band=profile.career_band, bio=profile.bio or "",
                      aims=profile.aims or "")
    return values


def _profile_input(form: ProfileForm) -> ProfileInput:
    return ProfileInput(topics=form.chosen_topics(), languages=validated(form.languages.data), format=form.format.data,
                        city=form.city.data, weekdays=validated(form.weekdays.data), career_band=form.career_band.data,
                        bio=form.bio.data, aims=form.aims.data)


@allow(Role.PARTICIPANT)
def profile(participation_id: int) -> str | Response | tuple[str, int]:
    session = db_session()
    item = own_participation(participation_id)
    if item.status != ParticipationStatus.ACTIVE:
        flash(_("Accept the invitation before you fill in your profile."), "info")
        return redirect(url_for("participant.participation", participation_id=item.id))
    language = current_language()
    page = profile_page(session, item, language)
    editable = item.cohort.state in PROFILE_EDITABLE_STATES
    form_class = profile_form_class(page.topics, language)
    form = form_class(data=None if request.method == "POST" else _form_defaults(page),
                      cohort_languages=item.cohort.languages or (), role=item.role)
    if request.method == "POST":
        if not editable:
            flash(_("Profiles cannot be changed any more: the matching for this cohort has started."), "error")
            return redirect(url_for("participant.profile", participation_id=item.id))
        if form.validate_on_submit():
            with request_transaction(form) as outcome:
                save_profile(session, item, _profile_input(form), user_id=current_user.id)
                outcome.say(_("Your profile is saved."))
            if outcome.committed:
                return redirect(url_for("participant.profile", participation_id=item.id))
            if outcome.refusal is not None:  # flashed; a conflict shows the form again
                return redirect(url_for("participant.participation", participation_id=item.id))
    return render_template(
        "participant/profile.html", participation=item, cohort=item.cohort, form=form, page=page,
        completeness=page.completeness, editable=editable, labels=LABELS, part_label=part_label, parts=PARTS,
        cohort_languages=", ".join(str(LANGUAGE_LABELS.get(code, code)) for code in item.cohort.languages or ()),
    ), (400 if form.errors else 200)
