"""Checks every form the tool receives gets before any view sees it."""

from __future__ import annotations

from flask import Flask, abort, request


def init_app(app: Flask) -> None:
    @app.before_request
    def _refuse_unstorable_text() -> None:
        # PostgreSQL cannot store a NUL character: say so rather than fail deep in a view.
        if request.method != "POST":
            return
        texts = [*request.form.values(), *(f.filename or "" for f in request.files.values())]
        if any("\x00" in t for t in texts):
            abort(400, "The form contains a character that cannot be stored (a NUL). "
                       "Remove it and try again.")
