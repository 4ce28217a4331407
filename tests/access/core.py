"""Access table of the foundation and identity routes.

(endpoint, method) -> status for anonymous, a participant of organisation A, A's admin, a board member,
on A's URLs (see tests/integration/platform/test_access_table.py for the people and ids).
"""

ACCESS = {
    ("public.landing", "GET"): (200, 200, 200, 200),
    ("public.health", "GET"): (200, 200, 200, 200),
    ("public.choose_language", "POST"): (302, 302, 302, 302),
    ("identity.sign_in", "GET"): (200, 302, 302, 302),
    ("identity.sign_in", "POST"): (400, 302, 302, 302),
    ("identity.link_sent", "GET"): (200, 200, 200, 200),
    ("identity.use_link", "GET"): (400, 400, 400, 400),
    ("identity.use_link", "POST"): (400, 400, 400, 400),
    ("identity.sign_out", "POST"): (302, 302, 302, 302),
    ("sso.continue_", "GET"): (404, 404, 404, 404),
    ("sso.start", "GET"): (404, 404, 404, 404),
    ("sso.callback", "GET"): (404, 404, 404, 404),
    ("participant.home", "GET"): (401, 200, 200, 200),
    ("tenants.people", "GET"): (401, 404, 200, 200),
    ("tenants.admins", "GET"): (401, 404, 200, 200),
    ("tenants.admins", "POST"): (401, 404, 400, 400),
    ("tenants.remove_admin", "POST"): (401, 404, 302, 302),
    ("tenants.invite", "POST"): (401, 404, 302, 302),
    ("tenants.sso_settings", "GET"): (401, 404, 200, 200),
    ("tenants.sso_settings", "POST"): (401, 404, 400, 400),
    ("board.overview", "GET"): (401, 403, 403, 200),
    ("board.organisations", "GET"): (401, 403, 403, 200),
    ("board.invite_admin", "POST"): (401, 403, 403, 400),
}


