"""End-to-end launches: signed by a platform key, validated by pylti1.3, landing on a page."""

from __future__ import annotations

import jwt
from sqlalchemy import func, select

from lms_plugin import db
from lms_plugin.models import Person
from tests.lti_platform import (
    DEEP_LINKING_SETTINGS,
    INSTRUCTOR,
    LIS,
    TOOL_URL,
    TestPlatform,
    deep_link_jwt,
    pick_modules,
)


def people(app) -> list[dict]:
    with app.app_context():
        return [
            {
                "subject": p.subject,
                "name": p.name,
                "email": p.email,
                "tool_role": p.tool_role,
                "organisation": p.organisation.name,
            }
            for p in db.session().scalars(select(Person))
        ]


def test_staff_launch_greets_by_name_and_lists_modules(app, client, platform):
    page = platform.launch_and_follow(client)
    assert page.status_code == 200
    assert "Hello, Alex Example" in page.text
    assert "Your modules" in page.text
    [person] = people(app)
    assert person == {
        "subject": "user-1",
        "name": "Alex Example",
        "email": "alex@school.example",
        "tool_role": "staff",
        "organisation": "Test School",
    }


def test_instructor_lands_on_coordinator_home(app, client, platform):
    page = platform.launch_and_follow(
        client, **{"https://purl.imsglobal.org/spec/lti/claim/roles": [INSTRUCTOR]}
    )
    assert page.request.path == "/coordinator/"
    assert "Safeguarding coordinator for <strong>Test School</strong>" in page.text
    assert "alex@school.example" in page.text


def test_institution_administrator_is_a_coordinator(app, client, platform):
    admin = LIS + "institution/person#Administrator"
    page = platform.launch_and_follow(
        client, **{"https://purl.imsglobal.org/spec/lti/claim/roles": [admin]}
    )
    assert page.request.path == "/coordinator/"


def test_relaunch_updates_name_and_email_without_duplicating(app, client, platform):
    platform.launch_and_follow(client)
    platform.launch_and_follow(client, name="Alex Renamed", email="alex.r@school.example")
    [person] = people(app)
    assert (person["name"], person["email"]) == ("Alex Renamed", "alex.r@school.example")


def test_launch_without_name_or_email_keeps_what_we_knew(app, client, platform):
    platform.launch_and_follow(client)
    page = platform.launch_and_follow(client, name=None, given_name=None, family_name=None,
                                      email=None)
    assert "Hello, Alex Example" in page.text


def test_staff_cannot_open_coordinator_pages(app, client, platform):
    platform.launch_and_follow(client)
    assert client.get(TOOL_URL + "/coordinator/").status_code == 403


def test_pages_need_a_launch(client):
    resp = client.get(TOOL_URL + "/home")
    assert resp.status_code == 401
    assert "Open the tool from your course" in resp.text


def test_coordinator_sees_only_their_own_organisation(app, client, make_app):
    school_a = TestPlatform(deployment_id="dep-a", organisation="School A")
    school_b = TestPlatform(deployment_id="dep-b", organisation="School B")
    school_a.register(app)
    school_b.register(app)
    school_b.launch_and_follow(app.test_client(), sub="b-teacher", name="Bea From B",
                               email="bea@b.example")
    page = school_a.launch_and_follow(
        client, **{"https://purl.imsglobal.org/spec/lti/claim/roles": [INSTRUCTOR]}
    )
    assert "School A" in page.text
    assert "Bea From B" not in page.text


def test_one_person_per_platform_subject_and_organisation(app, client, platform):
    for _ in range(3):
        platform.launch_and_follow(app.test_client())
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Person)) == 1


def test_deep_linking_picker_returns_chosen_modules_to_the_platform(app, client, platform):
    picker = platform.launch(client, **DEEP_LINKING_SETTINGS)
    assert "Add safeguarding training to your course" in picker.text
    assert "KCSIE 2025 Annex C" in picker.text
    resp = pick_modules(client, picker, ["kcsie-2025-annex-c", "kcsie-2025-part-one"])
    assert resp.status_code == 200
    assert 'action="https://lms.school.example/deeplink/return"' in resp.text
    message = jwt.decode(deep_link_jwt(resp.text), options={"verify_signature": False})
    items = message["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert [i["custom"]["module"] for i in items] == ["kcsie-2025-annex-c",
                                                       "kcsie-2025-part-one"]
    assert all(i["url"] == TOOL_URL + "/lti/launch" for i in items)


def test_deep_linking_picker_needs_a_choice(app, client, platform):
    picker = platform.launch(client, **DEEP_LINKING_SETTINGS)
    resp = pick_modules(client, picker, [])
    assert resp.status_code == 400
    assert "Choose at least one module" in resp.text


def test_deep_linking_picker_refuses_a_forged_form(app, client, platform):
    platform.launch(client, **DEEP_LINKING_SETTINGS)
    resp = client.post(TOOL_URL + "/lti/deep-link", data={"module": ["kcsie-2025-annex-c"]})
    assert resp.status_code == 400


def test_resource_link_from_the_picker_opens_its_module(app, client, platform):
    page = platform.launch_and_follow(
        client, **{"https://purl.imsglobal.org/spec/lti/claim/custom": {
            "module": "kcsie-2025-annex-c"}},
    )
    assert page.request.path == "/modules/kcsie-2025-annex-c"
    assert "KCSIE 2025 Annex C" in page.text
