"""Operator commands: `flask --app wsgi lti ...` and `flask --app wsgi demo seed`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from lms_plugin import db
from lms_plugin.config import current_settings
from lms_plugin.lti import keys
from lms_plugin.lti.launch_store import purge_expired
from lms_plugin.services.platforms import (
    PlatformDetails,
    PlatformRegistrationError,
    organisations_matching,
    register_platform,
)
from lms_plugin.services.policies import KINDS

lti_cli = AppGroup("lti", help="LTI registration and keys.")
content_cli = AppGroup("content", help="Training content.")
evidence_cli = AppGroup("evidence", help="The tamper-evident evidence record.")
policy_cli = AppGroup("policy", help="A school's own policy documents.")
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
    settings = current_settings()
    if not settings.demo:
        raise click.ClickException("Demo data is only for TOOL_MODE=demo.")
    from lms_plugin import devplatform

    session = db.session()
    devplatform.register(session, settings)
    keys.signing_key(session)
    session.commit()
    if devplatform.add_demo_policy_draft(session):
        click.echo("Added a real school's safeguarding policy as a draft for the demo "
                   "coordinator to review and publish.")
    click.echo(f"Demo ready: open {settings.url('/dev-platform/')}")


@content_cli.command("check")
def content_check_command() -> None:
    """Validate every module and question bank; print each problem with file and line."""
    from courses.loader import check
    from lms_plugin.content import banks_dir, modules_dir
    from quizzes.loader import check_banks

    modules, problems = check(modules_dir())
    banks, bank_problems = check_banks([m.key for m in modules], banks_dir())
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
    from sqlalchemy import select

    from lms_plugin.models import PolicyVersion
    from lms_plugin.services.evidence import organisations_with_evidence, verify_organisation
    from lms_plugin.services.policies import check_versions

    session = db.session()
    if org:
        org_ids = [o.id for o in organisations_matching(session, org)]
        if not org_ids:
            raise click.ClickException(f"No organisation {org!r}.")
    else:
        org_ids = sorted(set(organisations_with_evidence(session))
                         | set(session.scalars(select(PolicyVersion.organisation_id))))
    key = current_settings().evidence_key
    failed = False
    for org_id in org_ids:
        report = verify_organisation(session, key, org_id)
        version_problems = check_versions(session, org_id)
        if version_problems:
            failed = True
            for problem in version_problems:
                click.echo(f"organisation {org_id}: {problem}")
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


@policy_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", required=True, help="Organisation slug, name or id.")
@click.option("--title", default=None, help="Title staff see (default: the document's own).")
@click.option("--kind", type=click.Choice(list(KINDS)), default="safeguarding",
              show_default=True, help="Which of the school's documents this is.")
@click.option("--json", "as_json", is_flag=True, help="Print sections, contacts and flags.")
def policy_import_command(file: Path, org: str, title: str | None, kind: str,
                          as_json: bool) -> None:
    """Import a policy (.docx, .pdf, .txt, .md) as a draft for the coordinator to review."""
    from courses.policy_import import ImportRefused, import_policy
    from lms_plugin.services.policy_drafts import create_draft

    session = db.session()
    found = organisations_matching(session, org)
    if len(found) != 1:
        raise click.ClickException(f"No organisation {org!r}." if not found else
                                   f"{org!r} names {len(found)} organisations: use the slug.")
    try:
        imported = import_policy(file.name, file.read_bytes(), title=title,
                                 max_bytes=current_app.config["POLICY_MAX_BYTES"])
    except ImportRefused as exc:
        raise click.ClickException(str(exc)) from None
    draft = create_draft(session, found[0].id, kind, imported, file.name)
    if as_json:
        click.echo(json.dumps(imported.summary(), indent=2, ensure_ascii=False))
    else:
        click.echo(f"Draft {draft.id} of {found[0].name}'s {KINDS[kind].lower()}: "
                   f"{len(imported.sections)} sections, {len(imported.contacts)} contacts "
                   f"proposed, {len(imported.flags)} flags. Review it at "
                   f"/coordinator/policies/drafts/{draft.id}")


def init_app(app: Flask) -> None:
    app.cli.add_command(lti_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(evidence_cli)
    app.cli.add_command(policy_cli)
