"""CSRF protection for the tool's own forms (its cookies are SameSite=None inside an LMS frame)."""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, request, session

# Cross-site posts by design: LTI messages from the LMS, and the registration form, which
# the registration token authenticates (the LMS frame may carry no cookie of ours yet).
EXEMPT_ENDPOINTS = {"lti.login", "lti.launch", "lti.register_finish"}
EXEMPT_BLUEPRINTS = {"devplatform"}  # the demo LMS's own pages


def token() -> str:
    """The session's CSRF token, for a hidden `csrf_token` field."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def validate() -> None:
    """Abort with 400 unless the form carries this session's token."""
    sent = request.form.get("csrf_token", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent, expected):
        abort(400, "This form has expired. Go back, reload the page and try again.")


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = token

    @app.before_request
    def _check() -> None:
        if (request.method == "POST" and request.endpoint not in EXEMPT_ENDPOINTS
                and request.blueprint not in EXEMPT_BLUEPRINTS):
            validate()
