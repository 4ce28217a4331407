from flask import Blueprint

from tandem.tenants import views
from tandem.tenants.resolution import resolve_organisation

organisation_area = Blueprint("organisation", __name__, url_prefix="/o/<org_slug>")
organisation_area.url_value_preprocessor(resolve_organisation)
organisation_area.url_defaults(views.add_org_slug)
organisation_area.add_url_rule("/", "people", views.people)
organisation_area.add_url_rule(
    "/participations/<int:participation_id>/invite", "invite", views.invite, methods=["POST"]
)
organisation_area.add_url_rule("/settings/sso", "sso_settings", views.sso_settings, methods=["GET", "POST"])
organisation_area.add_url_rule("/admins", "admins", views.admins, methods=["GET", "POST"])
organisation_area.add_url_rule("/admins/<int:admin_id>/remove", "remove_admin", views.remove_admin, methods=["POST"])
