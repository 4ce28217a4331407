"""A web worker does not load the engine's NumPy and SciPy (about 75 MB a process) by serving pages either:
what pages need of the engine (its vocabulary, stored explanations, weights) lives apart from the solver.

tests/unit/platform/test_architecture.py checks that building the app imports neither; here a fresh process
builds the app as a worker does, serves the pages that show the engine's results (a participant's partner
card with the explanation, the board's workbench of a matched cohort, its rules and settings, the overview),
and only then looks at `sys.modules`. Evaluating a pair by hand (a POST) and the matching job load the engine.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = textwrap.dedent("""
    import sys
    from tandem import create_app
    from tandem.platform.database import Base
    from tandem.platform.tenancy import use_club_scope
    from tests.factories import (make_board_member, make_catalogue_topic, make_cohort, make_matching_run,
                                 make_organisation, make_tandem, make_user)
    from tests.fixtures.services import config_for_tests, sign_in_client

    app = create_app(config_for_tests("sqlite:///{path}", REDIS_URL="redis://127.0.0.1:9/15"))
    Base.metadata.create_all(app.extensions["tandem.db"].engine)
    with app.app_context():
        session = app.extensions["tandem.db"].session()
        use_club_scope(session)
        first, second = make_organisation(session, "stadtwerke"), make_organisation(session, "spital")
        board = make_board_member(session, first)
        topics = [make_catalogue_topic(session) for _ in range(3)]
        cohort = make_cohort(session, "running")
        run = make_matching_run(session, cohort)
        partner = make_user(session, first, display_name="Noemi Partnerin")
        mentor, mentee, pair = make_tandem(session, first, second, topics, cohort=cohort, mentor=partner)
        pair.matching_run_id = run.id
        session.commit()
        ids = board.id, mentee.user_id, cohort.id
    app.extensions["tandem.db"].session.remove()
    board_id, mentee_id, cohort_id = ids
    pages = [(mentee_id, "/me/"), (board_id, "/board/"), (board_id, f"/board/cohorts/{{cohort_id}}/matching"),
             (board_id, f"/board/cohorts/{{cohort_id}}/matching/rules"),
             (board_id, f"/board/cohorts/{{cohort_id}}/matching/settings"), (None, "/")]
    for user_id, path in pages:
        client = app.test_client()
        if user_id is not None:
            sign_in_client(client, user_id)
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code)
        assert "Noemi Partnerin" in answer.text or path not in ("/me/", f"/board/cohorts/{{cohort_id}}/matching")
    print(sorted({{m.split('.')[0] for m in sys.modules}} & {{'numpy', 'scipy'}}))
""")


def test_serving_the_pages_that_show_the_engines_results_loads_neither_numpy_nor_scipy(tmp_path):
    script = SCRIPT.format(path=tmp_path / "web.db")
    answer = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                            cwd=ROOT, check=False)
    assert answer.returncode == 0, answer.stdout[-2000:] + answer.stderr[-4000:]
    assert answer.stdout.strip().splitlines()[-1] == "[]", answer.stdout[-2000:] + answer.stderr[-2000:]


def test_the_check_would_see_the_engine(tmp_path):
    """A guard for the test above: the same look at `sys.modules` sees the engine once something loads it."""
    script = "import sys\nimport tandem.platform.matching.engine\n" \
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'scipy'}))\n"
    answer = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            cwd=ROOT, check=True)
    assert answer.stdout.strip().splitlines()[-1] == "['numpy', 'scipy']"
