from flask import Blueprint

from tandem.platform.identity import views
from tandem.tenants.resolution import resolve_organisation

identity = Blueprint("identity", __name__)
identity.add_url_rule("/sign-in", "sign_in", views.sign_in, methods=["GET", "POST"])
identity.add_url_rule("/sign-in/sent", "link_sent", views.link_sent)
identity.add_url_rule("/sign-in/link/<token>", "use_link", views.use_link, methods=["GET", "POST"])
identity.add_url_rule("/sign-out", "sign_out", views.sign_out, methods=["POST"])

sso = Blueprint("sso", __name__, url_prefix="/o/<org_slug>/sso")
sso.url_value_preprocessor(resolve_organisation)
sso.add_url_rule("/", "continue_", views.sso_continue)
sso.add_url_rule("/start", "start", views.sso_start)
sso.add_url_rule("/callback", "callback", views.sso_callback)
