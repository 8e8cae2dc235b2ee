"""The built-in demo platform: real signed launches, and never available in production."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from lms_plugin import create_app
from lms_plugin.config import ConfigError

DEMO_URL = "http://127.0.0.1:5000"


def form_fields(page: str) -> tuple[str, dict[str, str]]:
    action = html.unescape(re.search(r'action="([^"]+)"', page)[1])
    return action, {k: html.unescape(v) for k, v in re.findall(r'name="(\w+)" value="([^"]*)"',
                                                                page)}


@pytest.fixture
def demo_app(make_app):
    app = make_app(TOOL_MODE="demo", BASE_URL=DEMO_URL)
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    return app


@pytest.mark.parametrize(
    ("persona", "landing", "greeting", "sees"),
    [
        ("staff", "/home", "Hello, Sam Teacher", "KCSIE 2025 Part one"),
        ("dsl", "/home", "Hello, Dana Lead", "KCSIE 2025 Annex C"),
        ("caretaker", "/home", "Hello, Kim Caretaker", "KCSIE 2025 Annex A"),
        ("coordinator", "/coordinator/", "Hello, Chris Coordinator", "Dana Lead"),
    ],
)
def test_demo_persona_launches_through_the_real_lti_endpoints(demo_app, persona, landing,
                                                              greeting, sees):
    client = demo_app.test_client()
    index = client.get(DEMO_URL + "/dev-platform/")
    assert f"/dev-platform/course/{persona}" in index.text
    course = client.get(DEMO_URL + f"/dev-platform/course/{persona}")
    assert f'src="/dev-platform/start/{persona}"' in course.text
    action, fields = form_fields(client.get(DEMO_URL + f"/dev-platform/start/{persona}").text)
    assert action == "/lti/login"
    to_platform = client.post(DEMO_URL + action, data=fields)
    assert to_platform.status_code == 302
    auth = urlsplit(to_platform.headers["Location"])
    assert auth.path == "/dev-platform/auth"
    action, fields = form_fields(
        client.get(DEMO_URL + auth.path, query_string=dict(parse_qsl(auth.query))).text
    )
    assert action == DEMO_URL + "/lti/launch"
    launched = client.post(action, data=fields, follow_redirects=True)
    assert launched.request.path == landing
    assert greeting in launched.text
    assert sees in launched.text
    if persona == "coordinator":  # only the coordinator has launched so far
        rows = re.findall(r'<tr><td data-label="Name">.*?</tr>', launched.text)
        assert len(rows) == 4
        dana = next(r for r in rows if "Dana Lead" in r)
        assert '<td data-label="Last opened">Not yet</td>' in dana
        assert "Not yet" not in next(r for r in rows if "Chris Coordinator" in r)


def test_seed_is_idempotent(demo_app):
    result = demo_app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output


def test_demo_platform_is_absent_in_production(client):
    assert client.get("https://tool.example/dev-platform/").status_code == 404
    assert client.get("https://tool.example/dev-platform/start/staff").status_code == 404


def test_demo_seed_refuses_in_production(app):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code != 0
    assert "only for TOOL_MODE=demo" in result.output


@pytest.mark.parametrize(
    "base_url", ["https://safeguarding.school.example", "http://10.0.0.5:5000", "http://0.0.0.0"]
)
def test_demo_mode_cannot_start_on_a_public_address(tmp_path, base_url):
    with pytest.raises(ConfigError, match="only allowed when BASE_URL is on this machine"):
        create_app({"TOOL_MODE": "demo", "BASE_URL": base_url, "INSTANCE_PATH": str(tmp_path),
                    "DATABASE_URL": "sqlite://"})


def test_unknown_mode_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="TOOL_MODE"):
        create_app({"TOOL_MODE": "dev", "INSTANCE_PATH": str(tmp_path),
                    "DATABASE_URL": "sqlite://"})


def test_demo_platform_refuses_a_foreign_redirect_uri(demo_app):
    resp = demo_app.test_client().get(
        DEMO_URL + "/dev-platform/auth",
        query_string={"client_id": "demo-tool", "redirect_uri": "https://evil.example/",
                      "response_type": "id_token", "scope": "openid", "nonce": "n",
                      "state": "s", "login_hint": "staff"},
    )
    assert resp.status_code == 400
    assert "redirect_uri" in resp.text
