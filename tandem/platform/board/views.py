"""The board's pages, and the public logos of member organisations."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask import abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.board.forms import (
    ConfirmForm,
    ExclusionForm,
    NewOrganisationForm,
    NewTopicForm,
    OrganisationForm,
    TopicForm,
)
from tandem.platform.board.models import Topic
from tandem.platform.board.operations import (
    add_exclusion,
    approve_domain,
    create_organisation,
    create_topic,
    refuse_domain,
    remove_exclusion,
    set_organisation_status,
    set_topic_active,
    update_organisation,
    update_topic,
)
from tandem.platform.board.queries import (
    LIFECYCLE,
    cohort_summaries,
    exclusion_list,
    member_organisations,
    organisation_choices,
    organisations_with_admins,
    topics_with_use,
)
from tandem.platform.database import db_session
from tandem.platform.forms import validated
from tandem.platform.i18n import current_language
from tandem.platform.transaction import request_transaction
from tandem.tenants.forms import AddAdminForm
from tandem.tenants.models import Organisation, OrganisationStatus
from tandem.tenants.operations import grant_org_admin

Page = str | Response | tuple[str, int]
LOGO_MAX_AGE = 3600  # seconds; the URL does not change with the logo, so browsers check back hourly


def _status(form: FlaskForm) -> int:
    return 400 if form.errors else 200


def _confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


@allow(Role.BOARD)
def overview() -> str:
    session = db_session()
    return render_template(
        "board/overview.html",
        summaries=cohort_summaries(session),
        organisations=member_organisations(session),
        lifecycle=LIFECYCLE,
    )


# --- Member organisations ---

def _organisations_page(form: AddAdminForm, form_for: int | None) -> str:
    rows = organisations_with_admins(db_session())
    pending = [(row.organisation, domain) for row in rows for domain in row.organisation.domains
               if not domain.is_approved]
    return render_template("board/organisations.html", rows=rows, form=form, form_for=form_for,
                           confirm_form=ConfirmForm(), pending_domains=pending)


@allow(Role.BOARD)
def organisations() -> str:
    return _organisations_page(AddAdminForm(), None)


def _organisation(organisation_id: int) -> Organisation:
    organisation = db_session().get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


def _at(organisation: Organisation) -> str:
    return url_for("board.organisations", _anchor=f"organisation-{organisation.id}")


@allow(Role.BOARD)
def invite_admin(organisation_id: int) -> Page:
    """The board names an organisation's admin by e-mail (the first one, or another)."""
    session = db_session()
    organisation = _organisation(organisation_id)
    form = AddAdminForm()
    if form.validate_on_submit():
        with request_transaction(form) as outcome:
            person = grant_org_admin(session, organisation, email=validated(form.email.data),
                                     display_name=validated(form.display_name.data), actor_user_id=current_user.id,
                                     language=current_language())
            outcome.say(_("%(name)s is now an admin of %(organisation)s.", name=person.display_name,
                          organisation=organisation.name))
        if outcome.committed:
            return redirect(url_for("board.organisations"))
    return _organisations_page(form, organisation.id), 400


@allow(Role.BOARD)
def organisation_new() -> Page:
    session = db_session()
    form = NewOrganisationForm()
    if form.validate_on_submit():
        with request_transaction(form) as outcome:
            organisation = create_organisation(
                session, slug=validated(form.slug.data), name=validated(form.name.data), domains=form.domain_list,
                logo=form.logo_data, logo_content_type=form.logo_content_type, actor_user_id=current_user.id,
            )
            outcome.say(_("%(organisation)s is now a member organisation. Name its first admin below.",
                          organisation=organisation.name))
        if outcome.committed:
            return redirect(_at(organisation))
    return render_template("board/organisation_form.html", form=form, organisation=None), _status(form)


@allow(Role.BOARD)
def organisation_edit(organisation_id: int) -> Page:
    session = db_session()
    organisation = _organisation(organisation_id)
    defaults = {"name": organisation.name, "domains": "\n".join(d.domain for d in organisation.domains)}
    form = OrganisationForm(data=None if request.method == "POST" else defaults)
    if form.validate_on_submit():
        with request_transaction(form) as outcome:
            update_organisation(
                session, organisation, name=validated(form.name.data), domains=form.domain_list, logo=form.logo_data,
                logo_content_type=form.logo_content_type, remove_logo=form.remove_logo.data,
                actor_user_id=current_user.id,
            )
            outcome.say(_("The changes to %(organisation)s are saved.", organisation=organisation.name))
        if outcome.committed:
            return redirect(_at(organisation))
    return render_template("board/organisation_form.html", form=form, organisation=organisation), _status(form)


def _change_status(organisation_id: int, status: OrganisationStatus) -> Response:
    session = db_session()
    organisation = _organisation(organisation_id)
    _confirmed()
    with request_transaction(refused=lambda reason: _("Not changed: %(reason)s", reason=reason)) as outcome:
        changed = set_organisation_status(session, organisation, status, actor_user_id=current_user.id,
                                          actor_organisation_id=current_user.organisation_id)
        if not changed:
            outcome.say(_("Nothing to change: %(organisation)s already has this status.",
                          organisation=organisation.name), "info")
        elif status == OrganisationStatus.SUSPENDED:
            outcome.say(_("%(organisation)s is suspended: its people can no longer sign in.",
                          organisation=organisation.name))
        else:
            outcome.say(_("%(organisation)s is active again: its people can sign in.",
                          organisation=organisation.name))
    return redirect(_at(organisation))


@allow(Role.BOARD)
def organisation_suspend(organisation_id: int) -> Response:
    return _change_status(organisation_id, OrganisationStatus.SUSPENDED)


@allow(Role.BOARD)
def organisation_reactivate(organisation_id: int) -> Response:
    return _change_status(organisation_id, OrganisationStatus.ACTIVE)


@allow(Role.BOARD)
def domain_approve(domain_id: int) -> Response:
    """An organisation admin added the domain; from now on it routes sign-ins to that organisation."""
    session = db_session()
    _confirmed()
    with request_transaction() as outcome:
        try:
            domain, changed = approve_domain(session, domain_id, actor_user_id=current_user.id)
        except LookupError:
            abort(404)
        if changed:
            outcome.say(_("%(domain)s is approved: its addresses now sign in with %(organisation)s.",
                          domain=domain.domain, organisation=domain.organisation.name))
        else:
            outcome.say(_("Nothing to change: %(domain)s is already approved.", domain=domain.domain), "info")
    return redirect(url_for("board.organisations"))


@allow(Role.BOARD)
def domain_refuse(domain_id: int) -> Response:
    session = db_session()
    _confirmed()
    with request_transaction(refused=lambda reason: _("Not changed: %(reason)s", reason=reason)) as outcome:
        try:
            organisation, domain = refuse_domain(session, domain_id, actor_user_id=current_user.id)
        except LookupError:
            abort(404)
        outcome.say(_("%(domain)s is refused: %(organisation)s no longer has it, and it is free again.",
                      domain=domain, organisation=organisation.name))
    return redirect(url_for("board.organisations"))


@allow(Role.PUBLIC)
def organisation_logo(organisation_slug: str) -> Response:
    """A member organisation's logo, with the content type found from its bytes when it was uploaded."""
    row = db_session().execute(
        sa.select(Organisation.logo, Organisation.logo_content_type)
        .where(Organisation.slug == organisation_slug.lower(), Organisation.logo.is_not(None))
    ).first()
    if row is None:
        abort(404)
    logo, content_type = row
    assert logo is not None, "the query selects only organisations with a logo"
    response = make_response(logo)
    response.headers["Content-Type"] = content_type
    response.headers["Content-Disposition"] = "inline"
    # Uploaded bytes: never sniffed as another type, and never a page that runs anything, even opened alone
    # (logos uploaded before they were drawn anew on upload are served as they were stored).
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.cache_control.public = True
    response.cache_control.max_age = LOGO_MAX_AGE
    response.set_etag(hashlib.sha256(logo).hexdigest())
    return response.make_conditional(request)


# --- Exclusions ---

@allow(Role.BOARD)
def exclusions() -> Page:
    session = db_session()
    form = ExclusionForm()
    form.set_choices(organisation_choices(session))
    if form.validate_on_submit():
        with request_transaction(form) as outcome:
            add_exclusion(session, form.organisation_a.data, form.organisation_b.data, reason=form.reason.data,
                          actor_user_id=current_user.id)
            outcome.say(_("The two organisations will never be paired."))
        if outcome.committed:
            return redirect(url_for("board.exclusions"))
    return render_template("board/exclusions.html", form=form, rows=exclusion_list(session),
                           confirm_form=ConfirmForm()), _status(form)


@allow(Role.BOARD)
def exclusion_remove(exclusion_id: int) -> Response:
    session = db_session()
    _confirmed()
    with request_transaction() as outcome:
        try:
            remove_exclusion(session, exclusion_id, actor_user_id=current_user.id)
        except LookupError:
            abort(404)
        outcome.say(_("The exclusion is removed: the two organisations may be paired again."))
    return redirect(url_for("board.exclusions"))


# --- The topic catalogue ---

def _topic(topic_id: int) -> Topic:
    topic = db_session().get(Topic, topic_id)
    if topic is None:
        abort(404)
    return topic


@allow(Role.BOARD)
def topics() -> Page:
    session = db_session()
    form = NewTopicForm()
    if form.validate_on_submit():
        with request_transaction(form) as outcome:
            topic = create_topic(session, slug=validated(form.slug.data), label_de=validated(form.label_de.data),
                                 label_fr=validated(form.label_fr.data), label_it=validated(form.label_it.data),
                                 label_en=validated(form.label_en.data), actor_user_id=current_user.id)
            outcome.say(_("The topic “%(topic)s” is added.", topic=topic.label(current_language())))
        if outcome.committed:
            return redirect(url_for("board.topics"))
    return render_template("board/topics.html", form=form, rows=topics_with_use(session),
                           confirm_form=ConfirmForm()), _status(form)


@allow(Role.BOARD)
def topic_edit(topic_id: int) -> Page:
    session = db_session()
    topic = _topic(topic_id)
    defaults = {"label_de": topic.label_de, "label_fr": topic.label_fr, "label_it": topic.label_it,
                "label_en": topic.label_en}
    form = TopicForm(data=None if request.method == "POST" else defaults)
    if form.validate_on_submit():
        with request_transaction(form) as outcome:
            update_topic(session, topic, label_de=validated(form.label_de.data),
                         label_fr=validated(form.label_fr.data), label_it=validated(form.label_it.data),
                         label_en=validated(form.label_en.data), actor_user_id=current_user.id)
            outcome.say(_("The topic “%(topic)s” is saved.", topic=topic.label(current_language())))
        if outcome.committed:
            return redirect(url_for("board.topics"))
    return render_template("board/topic_form.html", form=form, topic=topic), _status(form)


def _topic_active(topic_id: int, active: bool) -> Response:
    session = db_session()
    topic = _topic(topic_id)
    _confirmed()
    with request_transaction() as outcome:
        set_topic_active(session, topic, active, actor_user_id=current_user.id)
        label = topic.label(current_language())
        if active:
            outcome.say(_("“%(topic)s” is offered again.", topic=label))
        else:
            outcome.say(_("“%(topic)s” is no longer offered. Profiles that chose it keep it.", topic=label))
    return redirect(url_for("board.topics"))


@allow(Role.BOARD)
def topic_deactivate(topic_id: int) -> Response:
    return _topic_active(topic_id, False)


@allow(Role.BOARD)
def topic_reactivate(topic_id: int) -> Response:
    return _topic_active(topic_id, True)
