"""Operator commands: `flask --app wsgi lti ...` and `flask --app wsgi demo seed`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from lms_plugin import db
from lms_plugin.lti import keys
from lms_plugin.lti.launch_store import purge_expired
from lms_plugin.services.platforms import (
    PlatformDetails,
    PlatformRegistrationError,
    register_platform,
)

lti_cli = AppGroup("lti", help="LTI registration and keys.")
content_cli = AppGroup("content", help="Training content.")
evidence_cli = AppGroup("evidence", help="The tamper-evident evidence record.")
demo_cli = AppGroup("demo", help="Demo data for trying the tool without an LMS.")


@lti_cli.command("register-platform")
@click.option("--issuer", required=True, help="The platform's issuer (Moodle: the site URL).")
@click.option("--client-id", required=True, help="The client id the platform gave the tool.")
@click.option("--auth-login-url", required=True, help="The platform's OIDC auth endpoint.")
@click.option("--auth-token-url", required=True, help="The platform's OAuth2 token endpoint.")
@click.option("--key-set-url", required=True, help="The platform's public keyset (JWKS) URL.")
@click.option(
    "--deployment-id", "deployment_ids", multiple=True, required=True,
    help="A deployment id; repeat the option, or re-run the command, to add more.",
)
@click.option("--org", required=True, help="The school or setting these deployments serve.")
@click.option("--auth-audience", default=None, help="Token audience, if not the token URL.")
@click.option("--name", default="", help="A label for the platform, e.g. 'Moodle'.")
def register_platform_command(
    issuer: str,
    client_id: str,
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str,
    deployment_ids: tuple[str, ...],
    org: str,
    auth_audience: str | None,
    name: str,
) -> None:
    """Register an LMS platform and its deployment(s) for an organisation."""
    for label, url in (
        ("--auth-login-url", auth_login_url),
        ("--auth-token-url", auth_token_url),
        ("--key-set-url", key_set_url),
    ):
        if not url.startswith(("https://", "http://")):
            raise click.BadParameter(f"must be an http(s) URL, not {url!r}", param_hint=label)
    org_name = " ".join(org.split())
    if not org_name:
        raise click.BadParameter("must not be empty", param_hint="--org")
    session = db.session()
    try:
        register_platform(
            session,
            PlatformDetails(
                issuer=issuer.strip(),
                client_id=client_id,
                auth_login_url=auth_login_url,
                auth_token_url=auth_token_url,
                key_set_url=key_set_url,
                auth_audience=auth_audience,
                name=name,
            ),
            deployment_ids=list(deployment_ids),
            organisation_name=org_name,
        )
        session.commit()
    except PlatformRegistrationError as exc:
        session.rollback()
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Registered {issuer} (client id {client_id}) with deployment(s) "
        f"{', '.join(deployment_ids)} for {org_name!r}."
    )


@lti_cli.command("rotate-key")
def rotate_key_command() -> None:
    """Make a new signing key; the old one stays in the JWKS until `retire-keys`."""
    key = keys.rotate(db.session())
    click.echo(f"New signing key {key.kid}. Run `lti retire-keys` once platforms have refetched.")


@lti_cli.command("retire-keys")
def retire_keys_command() -> None:
    """Remove every key but the current signing key from the JWKS."""
    retired = keys.retire_old_keys(db.session())
    click.echo("Retired: " + (", ".join(retired) if retired else "nothing to retire"))


@lti_cli.command("sync-grades")
@click.option("--limit", default=10_000, show_default=True, help="Most jobs to try this run.")
def sync_grades_command(limit: int) -> None:
    """Send queued quiz scores to the LMS gradebooks; retries failures with backoff.

    Safe to run from cron, and safe to run twice at once (each job is leased).
    """
    from lms_plugin.lti.runtime import http_session
    from lms_plugin.services.grades import sync

    report = sync(db.session(), http_session(), limit=limit)
    click.echo(f"sent {report.sent}, failed {report.failed} (will retry), "
               f"skipped {report.skipped}")
    for error in report.errors[:20]:
        click.echo(f"  {error}")


@lti_cli.command("purge-state")
def purge_state_command() -> None:
    """Delete expired launch state (safe to run from cron)."""
    click.echo(f"Deleted {purge_expired(db.session())} expired rows.")


@demo_cli.command("seed")
def demo_seed_command() -> None:
    """Register the built-in demo platform and demo school (demo mode only)."""
    settings = current_app.config["SETTINGS"]
    if not settings.demo:
        raise click.ClickException("Demo data is only for TOOL_MODE=demo.")
    from lms_plugin import devplatform

    session = db.session()
    devplatform.register(session, settings)
    keys.signing_key(session)
    session.commit()
    click.echo(f"Demo ready: open {settings.url('/dev-platform/')}")


@content_cli.command("check")
def content_check_command() -> None:
    """Validate every module and question bank; print each problem with file and line."""
    from pathlib import Path

    from courses.loader import MODULES_DIR, check
    from quizzes.loader import BANKS_DIR, check_banks

    modules, problems = check(Path(current_app.config.get("CONTENT_DIR") or MODULES_DIR))
    banks, bank_problems = check_banks(
        [m.key for m in modules], Path(current_app.config.get("BANKS_DIR") or BANKS_DIR)
    )
    problems += bank_problems
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise SystemExit(1)
    sections = sum(len(m.sections) for m in modules)
    questions = sum(len(b.questions) for b in banks)
    click.echo(f"{len(modules)} modules, {sections} sections, {len(banks)} question banks, "
               f"{questions} questions: all valid.")


@evidence_cli.command("verify")
@click.option("--org", default=None, help="Organisation slug, name or id (default: all).")
def evidence_verify_command(org: str | None) -> None:
    """Check every evidence chain; name each altered, deleted or reordered row; exit 1 if any."""
    from sqlalchemy import or_, select

    from lms_plugin.models import Organisation
    from lms_plugin.services.evidence import organisations_with_evidence, verify_organisation

    session = db.session()
    if org:
        clauses = [Organisation.slug == org, Organisation.name == org]
        if org.isdigit():
            clauses.append(Organisation.id == int(org))
        found = session.scalars(select(Organisation.id).where(or_(*clauses))).all()
        if not found:
            raise click.ClickException(f"No organisation {org!r}.")
        org_ids = list(found)
    else:
        org_ids = organisations_with_evidence(session)
    key = current_app.config["SETTINGS"].evidence_key
    failed = False
    for org_id in org_ids:
        report = verify_organisation(session, key, org_id)
        if report.ok:
            click.echo(f"organisation {org_id}: {report.rows} rows, chain intact")
        else:
            failed = True
            click.echo(f"organisation {org_id}: {report.rows} rows, "
                       f"{len(report.problems)} problem(s)")
            for problem in report.problems:
                click.echo(f"  {problem}")
    if failed:
        raise SystemExit(1)


def init_app(app: Flask) -> None:
    app.cli.add_command(lti_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(evidence_cli)
