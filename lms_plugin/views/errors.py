"""Error pages: every failure a person can cause gets a page that says what to do, never a trace."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from lms_plugin import db
from lms_plugin.lti.dynamic_registration import RegistrationError
from lms_plugin.lti.errors import LaunchError
from lms_plugin.services.platforms import PlatformRegistrationError

log = logging.getLogger("lms_plugin.errors")


def init_app(app: Flask) -> None:
    @app.errorhandler(LaunchError)
    def _launch_error(exc: LaunchError) -> tuple[str, int]:
        # The code and detail only: never the id_token or personal data.
        log.warning("LTI launch refused at %s: %s", request.path, exc)
        return render_template("errors/launch.html", error=exc), exc.status

    @app.errorhandler(RegistrationError)
    def _registration_error(exc: RegistrationError) -> tuple[str, int]:
        log.warning("Dynamic registration failed: %s", exc)
        return render_template("lti/registration_failed.html", message=str(exc)), exc.status

    @app.errorhandler(PlatformRegistrationError)
    def _registration_conflict(exc: PlatformRegistrationError) -> tuple[str, int]:
        return render_template("lti/registration_failed.html", message=str(exc)), 409

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc: RequestEntityTooLarge) -> tuple[str, int]:
        limit = app.config["POLICY_MAX_BYTES"] / 1024 / 1024
        if request.mimetype == "multipart/form-data":  # reading request.files would re-raise
            exc.description = (f"The file is too large to upload: the limit is {limit:g} MB. "
                               "Save it without images, or as plain text, and try again.")
        else:
            exc.description = "What you sent is too large. Shorten it and try again."
        return render_template("errors/http.html", error=exc), 413

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> tuple[str, int]:
        return render_template("errors/http.html", error=exc), exc.code or 500

    if app.testing:
        return  # let tests see the real exception

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> tuple[str, int]:
        log.exception("Unexpected error at %s", request.path)
        # The failed request may have left a broken transaction; the error page reads too.
        db.session().rollback()
        return render_template("errors/unexpected.html"), 500
