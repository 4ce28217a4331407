"""Access table of the participant's own pages under /me (the invitation, answering it, the profile).

The table's participation is the participant's, status nominated: only they may open or answer it; their
organisation's admin and the board get 404 (a participation page is its person's alone). The profile of a
participation that is not yet active sends its person to the invitation (302); so does asking for another
partner without a partner (302, to the home page).
"""

ACCESS = {
    ("participant.participation", "GET"): (401, 200, 404, 404),
    ("participant.accept", "POST"): (401, 302, 404, 404),
    ("participant.decline", "POST"): (401, 302, 404, 404),
    ("participant.profile", "GET"): (401, 302, 404, 404),
    ("participant.profile", "POST"): (401, 302, 404, 404),
    ("rematch.ask", "GET"): (401, 302, 404, 404),
    ("rematch.ask", "POST"): (401, 302, 404, 404),
}
