"""The programme: a cohort's calendar of events, invitations and answers, calendar files and feeds."""
