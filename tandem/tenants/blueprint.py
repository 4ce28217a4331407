from flask import Blueprint

from tandem.tenants import views
from tandem.tenants.resolution import resolve_organisation

tenants = Blueprint("tenants", __name__, url_prefix="/o/<org_slug>")
tenants.url_value_preprocessor(resolve_organisation)
tenants.url_defaults(views.add_org_slug)
tenants.add_url_rule("/", "people", views.people)
tenants.add_url_rule(
    "/participations/<int:participation_id>/invite", "invite", views.invite, methods=["POST"]
)
tenants.add_url_rule("/settings/sso", "sso_settings", views.sso_settings, methods=["GET", "POST"])
tenants.add_url_rule("/admins", "admins", views.admins, methods=["GET", "POST"])
tenants.add_url_rule("/admins/<int:admin_id>/remove", "remove_admin", views.remove_admin, methods=["POST"])
