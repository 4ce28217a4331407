"""Access table of the organisation admin's nominations under /o/<org_slug>/nominations (its admins and the
board; everyone else gets 404, anonymous people 401). POSTs without a form answer 400; withdrawing and
inviting the context's participation (nominated, in a cohort taking nominations) redirect back."""

ACCESS = {
    ("nominations.index", "GET"): (401, 404, 200, 200),
    ("nominations.nominate", "GET"): (401, 404, 200, 200),
    ("nominations.nominate", "POST"): (401, 404, 400, 400),
    ("nominations.csv_template", "GET"): (401, 404, 200, 200),
    ("nominations.upload", "GET"): (401, 404, 200, 200),
    ("nominations.upload", "POST"): (401, 404, 400, 400),
    ("nominations.confirm_import", "POST"): (401, 404, 400, 400),
    ("nominations.withdraw", "POST"): (401, 404, 302, 302),
    ("nominations.invite", "POST"): (401, 404, 302, 302),
}


def arrange_foreign(db, context):
    """B's participation (nominated, in the open cohort): A's people must not withdraw or invite it."""
    return {"participation_id": context["participations"]["b"].id}
