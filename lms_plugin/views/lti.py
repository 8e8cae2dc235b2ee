"""LTI endpoints: OIDC login, launch, JWKS, dynamic registration, Canvas configuration."""

from __future__ import annotations

import logging
import secrets
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user
from pylti1p3.contrib.flask import FlaskRequest
from pylti1p3.deep_link_resource import DeepLinkResource

from lms_plugin import db
from lms_plugin.auth import current_person
from lms_plugin.config import current_settings
from lms_plugin.content import catalogue_for
from lms_plugin.lti import dynamic_registration, keys
from lms_plugin.lti.errors import LaunchError
from lms_plugin.lti.launch import ToolCookieService, ToolMessageLaunch, ToolOIDCLogin
from lms_plugin.lti.runtime import http_session, launch_store
from lms_plugin.lti.tool_conf import DatabaseToolConf, find_deployment
from lms_plugin.models import Person
from lms_plugin.services.identity import record_launch

bp = Blueprint("lti", __name__)
log = logging.getLogger("lms_plugin.lti")

TICKET_SECONDS = 300
CONTEXT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/context"
RESOURCE_LINK_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/resource_link"
DEPLOYMENT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
CUSTOM_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/custom"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"


def _allow_http_platforms() -> bool:
    """Plain-http platform URLs: only for the demo and for local test platforms."""
    return current_settings().demo or bool(current_app.config.get("ALLOW_HTTP_PLATFORMS"))


@bp.route("/lti/login", methods=["GET", "POST"])
def login() -> Response:
    """OIDC third-party login initiation: redirect the browser to the platform's auth endpoint."""
    store = launch_store()
    oidc = ToolOIDCLogin(
        FlaskRequest(),
        DatabaseToolConf(db.session()),
        cookie_service=ToolCookieService(FlaskRequest()),
        launch_data_storage=store,
    )
    return oidc.start(current_settings().url(url_for("lti.launch")))


@bp.post("/lti/launch")
def launch() -> Any:
    """The id_token launch: validate, sign the person in, send them to their page."""
    dbs = db.session()
    store = launch_store()
    msg = ToolMessageLaunch(FlaskRequest(), DatabaseToolConf(dbs), dbs, store, http_session())
    try:
        msg.validate()
    except LaunchError as exc:
        if exc.code == "cookies_blocked":
            return _cookies_blocked(msg.login_params())
        raise
    claims = msg.get_launch_data()
    deployment = find_deployment(
        dbs, msg.platform.issuer, msg.platform.client_id, claims[DEPLOYMENT_CLAIM]
    )
    assert deployment is not None  # validated above
    person = record_launch(dbs, deployment, claims)
    dbs.commit()
    login_user(person)
    context = claims.get(CONTEXT_CLAIM) or {}
    session["launch"] = {
        "launch_id": msg.get_launch_id(),
        "platform_id": deployment.platform_id,
        "deployment_id": deployment.deployment_id,
        "context_id": context.get("id"),
        "context_title": context.get("title") or context.get("label"),
        "resource_link_id": (claims.get(RESOURCE_LINK_CLAIM) or {}).get("id"),
        "ags": claims.get(AGS_CLAIM),
    }
    log.info("LTI launch: person %s organisation %s", person.id, person.organisation_id)
    if msg.is_deep_link_launch():
        session["deep_link_launch_id"] = msg.get_launch_id()
        return render_template("lti/picker.html",
                               modules=catalogue_for(person.organisation_id).values())
    # A resource link made by the picker names its module: open it directly.
    target = (claims.get(CUSTOM_CLAIM) or {}).get("module")
    next_url = (url_for("learner.module", key=target)
                if target in catalogue_for(person.organisation_id) else None)
    ticket = secrets.token_urlsafe(24)
    store.set_value("ticket-" + ticket, {"person_id": person.id, "next": next_url},
                    TICKET_SECONDS)
    return redirect(url_for("lti.continue_launch", ticket=ticket))


@bp.post("/lti/deep-link")
@login_required
def deep_link_response() -> Any:
    """Send the modules an instructor picked back to the LMS as resource links."""
    dbs = db.session()
    msg = ToolMessageLaunch.restore(
        session.get("deep_link_launch_id", ""), FlaskRequest(), DatabaseToolConf(dbs), dbs,
        launch_store(),
    )
    catalogue = catalogue_for(current_person().organisation_id)
    chosen = [catalogue[k] for k in request.form.getlist("module") if k in catalogue]
    if not chosen:
        return render_template("lti/picker.html", modules=catalogue.values(),
                               error="Choose at least one module to add."), 400
    resources = [
        DeepLinkResource()
        .set_url(current_settings().url(url_for("lti.launch")))
        .set_title(module.title)
        .set_custom_params({"module": module.key})
        for module in chosen
    ]
    session.pop("deep_link_launch_id", None)
    return msg.get_deep_link().output_response_form(resources)


@bp.get("/lti/continue")
def continue_launch() -> Any:
    """First page after a launch: proves the session cookie arrived, else offers a new window."""
    ticket = request.args.get("ticket", "")
    store = launch_store()
    data = store.get_value("ticket-" + ticket) if ticket else None
    if data is None:
        if current_user.is_authenticated:
            return redirect(url_for("learner.index"))
        return render_template("errors/signed_out.html"), 401
    landing = data.get("next") or url_for("learner.index")
    if current_user.is_authenticated and current_user.id == data["person_id"]:
        store.check_value("ticket-" + ticket)
        return redirect(landing)
    if request.args.get("new_window"):
        # Top-level window: first-party cookies work. The ticket is spent here, once.
        if not store.check_value("ticket-" + ticket):
            return render_template("errors/signed_out.html"), 401
        person = db.session().get(Person, data["person_id"])
        if person is None:
            abort(404)
        login_user(person)
        return redirect(landing)
    new_window = url_for("lti.continue_launch", ticket=ticket, new_window=1)
    return render_template("lti/cookies_blocked.html", new_window_url=new_window), 200


def _cookies_blocked(login_params: dict[str, str]) -> tuple[str, int]:
    retry = url_for("lti.login") + "?" + urlencode({**login_params, "lti1p3_new_window": "1"})
    return render_template("lti/cookies_blocked.html", new_window_url=retry), 400


@bp.get("/.well-known/jwks.json")
def jwks() -> Response:
    """The tool's public keys (current and not yet retired), each with its `kid`."""
    resp = jsonify({"keys": keys.published_keys(db.session())})
    resp.headers["Cache-Control"] = "public, max-age=300"
    return resp


@bp.get("/lti/canvas.json")
def canvas_config() -> Response:
    """The JSON configuration Canvas takes for an LTI 1.3 developer key."""
    return jsonify(dynamic_registration.canvas_configuration(current_settings()))


@bp.get("/lti/register")
def register_start() -> Any:
    """LTI Dynamic Registration, step 1: read the platform's configuration, ask for the school."""
    config_url = request.args.get("openid_configuration", "")
    token = request.args.get("registration_token", "")
    platform_config = dynamic_registration.fetch_platform_configuration(
        config_url, http_session(), allow_http=_allow_http_platforms()
    )
    return render_template(
        "lti/register.html",
        platform=platform_config,
        openid_configuration=config_url,
        registration_token=token,
        error=None,
    )


@bp.post("/lti/register")
def register_finish() -> Any:
    """Step 2: post the tool's registration to the platform and store what it answers."""
    config_url = request.form.get("openid_configuration", "")
    token = request.form.get("registration_token", "")
    org_name = " ".join(request.form.get("organisation", "").split())
    platform_config = dynamic_registration.fetch_platform_configuration(
        config_url, http_session(), allow_http=_allow_http_platforms()
    )
    if not org_name:
        return render_template(
            "lti/register.html",
            platform=platform_config,
            openid_configuration=config_url,
            registration_token=token,
            error="Enter the name of the school or setting this registration is for.",
        ), 400
    result = dynamic_registration.register(
        db.session(), current_settings(), platform_config, token, org_name, http_session()
    )
    return render_template("lti/registered.html", result=result)
