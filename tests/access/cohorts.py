"""Access table of the board's cohort pages under /board/cohorts (club board only, club scope).

The table's cohort (`cohort_id`) takes nominations, so its settings and quotas can be changed. POSTs without
a form answer 400 (nothing is changed); anonymous people get 401, everyone but the board 403.
"""

ACCESS = {
    ("cohorts.index", "GET"): (401, 403, 403, 200),
    ("cohorts.new", "GET"): (401, 403, 403, 200),
    ("cohorts.new", "POST"): (401, 403, 403, 400),
    ("cohorts.show", "GET"): (401, 403, 403, 200),
    ("cohorts.edit", "GET"): (401, 403, 403, 200),
    ("cohorts.edit", "POST"): (401, 403, 403, 400),
    ("cohorts.quotas", "GET"): (401, 403, 403, 200),
    ("cohorts.quotas", "POST"): (401, 403, 403, 400),
    ("cohorts.transition", "POST"): (401, 403, 403, 400),
    ("cohorts.nominations", "GET"): (401, 403, 403, 200),
    ("cohorts.nominations_csv", "GET"): (401, 403, 403, 200),
}


def arrange(db, context):
    """The table's cohort is the one the context made (nominations open): nothing else is needed."""
    return {"cohort_id": context["cohort"].id}
