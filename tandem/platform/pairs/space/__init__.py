"""The pair's own page, its agreement and goals, the mentor's request for help, the confirmation at closing."""
