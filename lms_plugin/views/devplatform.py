"""The demo platform's pages; registered only when TOOL_MODE=demo on a loopback address."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from werkzeug.exceptions import BadRequest

from lms_plugin import devplatform
from lms_plugin.config import current_settings

bp = Blueprint("devplatform", __name__, url_prefix="/dev-platform")


@bp.get("/")
def index() -> Any:
    return render_template("devplatform/index.html", personas=devplatform.PERSONAS.values())


@bp.get("/course/<persona>")
def course(persona: str) -> Any:
    """An LMS-like course page that opens the tool in an iframe, as Moodle and Canvas do."""
    chosen = devplatform.PERSONAS.get(persona) or abort(404)
    return render_template(
        "devplatform/course.html",
        persona=chosen,
        start_url=url_for("devplatform.start", persona=chosen.key),
    )


@bp.get("/start/<persona>")
def start(persona: str) -> Any:
    """Third-party login initiation, as the platform sends it to the tool."""
    chosen = devplatform.PERSONAS.get(persona) or abort(404)
    params = devplatform.login_initiation_params(current_settings(), chosen)
    return render_template(
        "devplatform/autopost.html",
        action=url_for("lti.login"),
        fields=params,
        method="post",
    )


@bp.route("/auth", methods=["GET", "POST"])
def auth() -> Any:
    """The platform's OIDC authorisation endpoint: signs an id_token and posts it to the tool."""
    params = request.values.to_dict()
    settings = current_settings()
    try:
        token = devplatform.id_token(settings, params)
    except devplatform.AuthRequestError as exc:
        return render_template("errors/http.html", error=BadRequest(str(exc))), 400
    return render_template(
        "devplatform/autopost.html",
        action=params["redirect_uri"],
        fields={"id_token": token, "state": params["state"]},
        method="post",
    )
