"""The Flask application: the only package that knows about HTTP, sessions and the database."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import redis
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from lms_plugin import db
from lms_plugin.config import SETTINGS_VARIABLES, Settings, default_instance_path
from lms_plugin.rendering import kcsie_ref
from lms_plugin.timefmt import london


def _who_to_tell() -> list[Any]:
    """The signed-in person's school's confirmed contacts, for the "Who to tell" panel."""
    from flask_login import current_user

    from lms_plugin.content import contacts_for

    if not current_user.is_authenticated:
        return []
    return contacts_for(current_user.organisation_id)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. Entries of `config` named like settings environment variables
    (DATABASE_URL, BASE_URL, TOOL_MODE, ...) override them; the rest go into `app.config`."""
    config = dict(config or {})
    env_overrides = {k: str(config.pop(k)) for k in list(config) if k in SETTINGS_VARIABLES}
    instance = Path(env_overrides.pop("INSTANCE_PATH", None) or default_instance_path()).resolve()
    app = Flask(__name__, instance_path=str(instance))
    settings = Settings.from_env(instance, env={**os.environ, **env_overrides})
    app.config["SETTINGS"] = settings
    app.config["SECRET_KEY"] = settings.secret_key
    # Inside an LMS iframe the session cookie is third-party: it must be SameSite=None; Secure,
    # and partitioned (CHIPS) so browsers phasing out third-party cookies still keep it.
    app.config["SESSION_COOKIE_NAME"] = "sgt_session"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SECURE"] = settings.https
    app.config["SESSION_COOKIE_SAMESITE"] = "None" if settings.https else "Lax"
    app.config["SESSION_COOKIE_PARTITIONED"] = settings.https
    app.config["POLICY_MAX_BYTES"] = settings.policy_max_bytes
    app.config.update(config)
    # Requests may carry a policy upload of up to POLICY_MAX_BYTES plus the form around it.
    app.config["MAX_CONTENT_LENGTH"] = (config.get("MAX_CONTENT_LENGTH")
                                        or app.config["POLICY_MAX_BYTES"] + 1024 * 1024)

    # Behind a reverse proxy, trust one hop of X-Forwarded-Proto/Host so pylti1.3 sees https.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    db.init_app(app, settings.database_url)
    if settings.redis_url:
        app.extensions["redis"] = redis.Redis.from_url(settings.redis_url)

    from lms_plugin import auth, cli, csrf, forms
    from lms_plugin.views import coordinator, errors, learner, lti, policies, quiz

    auth.init_app(app)
    csrf.init_app(app)
    forms.init_app(app)
    errors.init_app(app)
    app.register_blueprint(lti.bp)
    app.register_blueprint(learner.bp)
    app.register_blueprint(coordinator.bp)
    app.register_blueprint(quiz.bp)
    app.register_blueprint(policies.bp)
    if settings.demo:
        from lms_plugin.views import devplatform

        app.register_blueprint(devplatform.bp)
    cli.init_app(app)

    app.jinja_env.filters["london"] = london
    app.jinja_env.filters["kcsie_ref"] = kcsie_ref

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {"demo_mode": settings.demo, "who_to_tell": _who_to_tell}

    logging.getLogger("lms_plugin").setLevel(logging.INFO)
    return app
