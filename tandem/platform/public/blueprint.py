from flask import Blueprint

from tandem.platform.public import views

public = Blueprint("public", __name__)
public.add_url_rule("/", "landing", views.landing)
public.add_url_rule("/language", "choose_language", views.choose_language, methods=["POST"])
public.add_url_rule("/healthz", "health", views.health)
