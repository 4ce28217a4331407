"""Matching runs: start, run (the job), retry, read; the progress page."""
