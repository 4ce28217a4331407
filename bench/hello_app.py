"""A bare Flask app that answers "Hello, World!": the yardstick of bench/throughput.py.

Served by the same Gunicorn with the same settings (deploy/gunicorn.conf.py) as Tandem, built by a factory
called once in every worker, as Tandem is:

    gunicorn -c deploy/gunicorn.conf.py "bench.hello_app:create_app()"

Its rate is what the server, the framework and the load client cost on this machine with nothing of an
application's own; a page's rate divided by it is what bench/throughput.py reports.
"""

from __future__ import annotations

from flask import Flask


def create_app() -> Flask:
    app = Flask("hello")

    @app.get("/")
    def hello() -> str:
        return "Hello, World!"

    return app
