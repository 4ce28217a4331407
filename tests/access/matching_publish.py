"""Access table of publishing and rematch requests under /board/cohorts/<cohort_id>/matching (club board
only; everyone else 403, anonymous people 401). POSTs without a form answer 400 (nothing is changed).

`arrange` makes an active pair in the table's cohort and an open rematch request of its mentor
(`request_id`)."""

from tandem.platform.rematch.models import RematchRequest
from tandem.platform.tenancy import club_scope
from tests.factories import make_pair, make_participation, make_user

ACCESS = {
    ("workbench.publish", "POST"): (401, 403, 403, 400),
    ("rematch.requests", "GET"): (401, 403, 403, 200),
    ("rematch.decide", "POST"): (401, 403, 403, 400),
}


def arrange(db, context):
    cohort = context["cohort"]
    mentor = make_participation(db, make_user(db, context["alpha"]), cohort, role="mentor", status="active")
    mentee = make_participation(db, make_user(db, context["beta"]), cohort, role="mentee", status="active")
    pair = make_pair(db, mentor, mentee, status="active")
    with club_scope(db):
        request = RematchRequest(organisation_id=mentor.organisation_id, participation_id=mentor.id,
                                 pair_id=pair.id, reason="We do not get along.")
        db.add(request)
        db.flush()
    return {"request_id": request.id}
