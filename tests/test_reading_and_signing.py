"""Reading modules section by section and signing, end to end through real launches."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select, update

from courses.loader import MODULES_DIR, catalogue
from lms_plugin import db
from lms_plugin.models import EvidenceRecord, Person
from tests.lti_platform import TOOL_URL, TestPlatform, csrf_token

PART_ONE = "kcsie-2025-part-one"


def read_all(client, key: str) -> None:
    module = catalogue()[key]
    for section in module.sections:
        page = client.get(f"{TOOL_URL}/modules/{key}/sections/{section.number}")
        assert page.status_code == 200
        resp = client.post(f"{TOOL_URL}/modules/{key}/sections/{section.number}/read",
                           data={"csrf_token": csrf_token(page.text)})
        assert resp.status_code == 302


def sign(client, key: str, name: str = "Alex Example", confirm: bool = True):
    page = client.get(f"{TOOL_URL}/modules/{key}/sign")
    data = {"csrf_token": csrf_token(page.text), "typed_name": name}
    if confirm:
        data["confirm"] = "yes"
    return client.post(f"{TOOL_URL}/modules/{key}/sign", data=data)


def acks(app) -> list[EvidenceRecord]:
    """Acknowledgement rows, detached with their columns loaded."""
    with app.app_context():
        rows = list(db.session().scalars(
            select(EvidenceRecord).where(EvidenceRecord.kind == "acknowledgement")
            .order_by(EvidenceRecord.id)))
        db.session().expunge_all()
        return rows


def test_staff_reads_part_one_signs_and_sees_it_on_my_training(app, client, platform):
    home = platform.launch_and_follow(client)
    assert "KCSIE 2025 Part one" in home.text
    assert "KCSIE 2025 Annex B" in home.text
    assert "KCSIE 2025 Annex A" not in home.text
    assert "Annex C" not in home.text

    first = client.get(f"{TOOL_URL}/modules/{PART_ONE}/sections/1")
    assert 'role="progressbar"' in first.text
    assert "Open Government Licence v3.0" in first.text
    read_all(client, PART_ONE)
    overview = client.get(f"{TOOL_URL}/modules/{PART_ONE}")
    total = len(catalogue()[PART_ONE].sections)
    assert f"{total} of {total} sections read" in overview.text

    done = sign(client, PART_ONE, "Alex  Example ")
    assert done.status_code == 302
    signed = client.get(TOOL_URL + done.headers["Location"])
    assert "You signed to confirm you have read and understood" in signed.text

    [ack_row] = acks(app)
    module = catalogue()[PART_ONE]
    with app.app_context():
        ack = db.session().get(EvidenceRecord, ack_row.id)
        person = db.session().scalars(select(Person)).one()
        assert ack.person_id == person.id
        assert ack.organisation_id == person.organisation_id
        assert ack.subject == PART_ONE
        assert ack.subject_version == module.sha256
        assert ack.data["content_sha256"] == module.sha256
        assert ack.data["module_version"] == "1"
        assert ack.data["capture"] == "self"
        assert module.title in ack.data["declaration"]
        assert ack.data["launch"] == {
            "platform_id": person.platform_id,
            "deployment_id": "deployment-1",
            "context_id": "course-1",
            "context_title": "Staff safeguarding",
            "resource_link_id": "resource-1",
        }
        assert ack.text("typed_name") == "Alex Example"
        assert ack.created_at.tzinfo is not None
        ack_id = ack.id

    record = client.get(TOOL_URL + "/my-training")
    assert module.title in record.text and "Signed online" in record.text
    certificate = client.get(f"{TOOL_URL}/my-training/{ack_id}/certificate")
    assert "Certificate of acknowledgement" in certificate.text
    assert "Alex Example" in certificate.text
    assert "KCSIE 2025" in certificate.text


def test_double_submit_creates_one_acknowledgement(app, client, platform):
    platform.launch_and_follow(client)
    read_all(client, PART_ONE)
    page = client.get(f"{TOOL_URL}/modules/{PART_ONE}/sign")
    data = {"csrf_token": csrf_token(page.text), "typed_name": "Alex Example", "confirm": "yes"}
    first = client.post(f"{TOOL_URL}/modules/{PART_ONE}/sign", data=data)
    second = client.post(f"{TOOL_URL}/modules/{PART_ONE}/sign", data=data)
    assert first.status_code == second.status_code == 302
    assert len(acks(app)) == 1


def test_reading_progress_survives_and_resumes(app, client, platform):
    platform.launch_and_follow(client)
    for number in (1, 2):
        page = client.get(f"{TOOL_URL}/modules/{PART_ONE}/sections/{number}")
        client.post(f"{TOOL_URL}/modules/{PART_ONE}/sections/{number}/read",
                    data={"csrf_token": csrf_token(page.text)})
    # A new browser session (closed tab): progress comes back and reading resumes at 3.
    fresh = app.test_client()
    platform.launch_and_follow(fresh)
    overview = fresh.get(f"{TOOL_URL}/modules/{PART_ONE}")
    assert "2 of" in overview.text
    assert f'href="/modules/{PART_ONE}/sections/3">Continue reading' in overview.text


def test_cannot_sign_before_reading_everything(app, client, platform):
    platform.launch_and_follow(client)
    page = client.get(f"{TOOL_URL}/modules/{PART_ONE}/sign")
    assert "Read every section before you sign" in page.text
    token = csrf_token(client.get(f"{TOOL_URL}/modules/{PART_ONE}/sections/1").text)
    resp = client.post(f"{TOOL_URL}/modules/{PART_ONE}/sign",
                       data={"csrf_token": token, "typed_name": "A B",
                             "confirm": "yes"})
    assert resp.status_code == 400
    assert acks(app) == []


@pytest.mark.parametrize(("name", "confirm", "message"), [
    ("Alex Example", False, "Tick the box"),
    (" ", True, "Type your full name"),
    ("Bob", True, "Type your own name. Your school&#39;s system knows you as Alex Example"),
])
def test_signing_needs_a_name_and_a_confirmation(app, client, platform, name, confirm, message):
    platform.launch_and_follow(client)
    read_all(client, PART_ONE)
    resp = sign(client, PART_ONE, name, confirm)
    assert resp.status_code == 400
    assert message in resp.text
    assert acks(app) == []


def test_a_preferred_name_signs_and_the_certificate_names_the_account_holder(app, client,
                                                                            platform):
    platform.launch_and_follow(client)
    read_all(client, PART_ONE)
    page = client.get(f"{TOOL_URL}/modules/{PART_ONE}/sign")
    assert 'name="typed_name" type="text" required autocomplete="name" maxlength="200" value=""' \
        in page.text  # signing means typing it, not accepting a filled-in box
    assert sign(client, PART_ONE, "Álex  EXAMPLE-Smith").status_code == 302
    [ack] = acks(app)
    certificate = client.get(f"{TOOL_URL}/my-training/{ack.id}/certificate").text
    name = certificate.split('class="cert-name">')[1].split("<")[0]
    assert name == "Alex Example"
    assert "<dt>Signature</dt><dd>Álex EXAMPLE-Smith</dd>" in certificate
    with app.app_context():  # the LMS renames them later: the certificate keeps its name
        db.session().execute(update(Person).values(name="Alex Renamed"))
        db.session().commit()
    certificate = client.get(f"{TOOL_URL}/my-training/{ack.id}/certificate").text
    assert certificate.split('class="cert-name">')[1].split("<")[0] == "Alex Example"


@pytest.mark.parametrize(("lms_name", "typed", "accepted"), [
    ("Sam Teacher", "S Teacher", True),
    ("Sam Teacher", "Samantha Teacher-Jones", True),
    ("Sam Teacher", "sam", True),
    ("Mr J Smith", "John Smith", True),
    ("Łukasz Wałęsa", "Lukasz Walesa", True),
    ("Søren Ødegård", "Soren Odegard", True),
    ("Işıl Yılmaz", "Isil Yilmaz", True),
    ("Siân Lloyd", "Sian Lloyd", True),
    ("Mary-Jane O'Brien", "MaryJane OBrien", True),
    ("Mary-Jane O'Brien", "Mary Jane O Brien", True),
    ("jsmith", "John Smith", True),  # a username, not a name: nothing to compare
    ("s.teacher@oakfield.sch.uk", "Sam Teacher", True),
    ("Wang Xiaoming", "王小明", True),
    ("", "Anyone", True),
    ("Sam Teacher", "Bob", False),
    ("Sam Teacher", "Mr Bob", False),
    ("Mr J Smith", "Mr Bob", False),
    ("Mr J Smith", "J Bob", False),
])
def test_a_signature_must_be_the_signers_own_name(lms_name, typed, accepted):
    from lms_plugin.services.acknowledgements import could_be_own_name

    assert could_be_own_name(typed, lms_name) is accepted


def test_forms_without_the_csrf_token_are_refused(app, client, platform):
    platform.launch_and_follow(client)
    resp = client.post(f"{TOOL_URL}/modules/{PART_ONE}/sections/1/read")
    assert resp.status_code == 400
    assert "This form has expired" in resp.text
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(EvidenceRecord)) == 0


def test_non_child_facing_staff_get_annex_a(app, client, platform):
    launch_coordinator_and_set(app, platform, works_with_children=False)
    home = platform.launch_and_follow(client)
    assert "KCSIE 2025 Annex A" in home.text
    assert "KCSIE 2025 Part one" not in home.text


def test_dsl_gets_annex_c(app, client, platform):
    launch_coordinator_and_set(app, platform, roles=["dsl"])
    home = platform.launch_and_follow(client)
    assert "KCSIE 2025 Annex C" in home.text
    assert "KCSIE 2025 Part one" in home.text
    with app.app_context():
        [change] = db.session().scalars(
            select(EvidenceRecord).where(EvidenceRecord.kind == "profile_change")).all()
        assert change.data == {"works_with_children": True, "safeguarding_roles": ["dsl"]}
        assert change.recorded_by_id is not None


def launch_coordinator_and_set(app, platform, works_with_children=True, roles=()):
    """Alex launches once; then a coordinator of the same school sets their flags."""
    platform.launch_and_follow(app.test_client())
    coordinator = platform.coordinator(app)
    with app.app_context():
        alex_id = db.session().scalars(
            select(Person.id).where(Person.subject == "user-1")).one()
    page = coordinator.get(f"{TOOL_URL}/coordinator/people/{alex_id}")
    assert page.status_code == 200
    data = {"csrf_token": csrf_token(page.text),
            "works_with_children": "yes" if works_with_children else "no", "roles": list(roles)}
    resp = coordinator.post(f"{TOOL_URL}/coordinator/people/{alex_id}/profile", data=data)
    assert resp.status_code == 302
    return coordinator, alex_id


def test_coordinator_records_a_paper_acknowledgement_marked_as_such(app, client, platform):
    coordinator, alex_id = launch_coordinator_and_set(app, platform)
    page = coordinator.get(f"{TOOL_URL}/coordinator/people/{alex_id}")
    base = {"csrf_token": csrf_token(page.text), "module": PART_ONE,
            "typed_name": "Alex Example", "signed_on": "2026-09-02"}
    no_note = coordinator.post(f"{TOOL_URL}/coordinator/people/{alex_id}/acknowledgements",
                               data={**base, "note": "  "})
    assert no_note.status_code == 400 and "Add a note" in no_note.text
    assert acks(app) == []
    ok = coordinator.post(f"{TOOL_URL}/coordinator/people/{alex_id}/acknowledgements",
                          data={**base, "note": "Signed at INSET; form in the SCR binder"})
    assert ok.status_code == 302
    [ack] = acks(app)
    assert ack.data["capture"] == "on_behalf" and ack.data["signed_on"] == "2026-09-02"
    assert ack.recorded_by_id is not None
    person_page = coordinator.get(f"{TOOL_URL}/coordinator/people/{alex_id}")
    assert "Recorded on their behalf by Cora Ordinator" in person_page.text
    assert "Signed at INSET" in person_page.text
    platform.launch_and_follow(client)
    mine = client.get(TOOL_URL + "/my-training")
    assert "Recorded on their behalf by Cora Ordinator" in mine.text
    cert = client.get(f"{TOOL_URL}/my-training/{ack.id}/certificate")
    assert "signed on paper 2026-09-02" in cert.text


def test_coordinator_withdraws_an_acknowledgement_as_a_new_row(app, client, platform):
    coordinator, alex_id = launch_coordinator_and_set(app, platform)
    page = coordinator.get(f"{TOOL_URL}/coordinator/people/{alex_id}")
    coordinator.post(f"{TOOL_URL}/coordinator/people/{alex_id}/acknowledgements",
                     data={"csrf_token": csrf_token(page.text), "module": PART_ONE,
                           "typed_name": "Alex Example", "signed_on": "2026-09-02",
                           "note": "paper"})
    [ack] = acks(app)
    resp = coordinator.post(f"{TOOL_URL}/coordinator/acknowledgements/{ack.id}/withdraw",
                            data={"csrf_token": csrf_token(page.text),
                                  "reason": "Wrong person"})
    assert resp.status_code == 302
    with app.app_context():
        kinds = db.session().scalars(select(EvidenceRecord.kind).order_by(
            EvidenceRecord.seq)).all()
    assert kinds == ["acknowledgement", "withdrawal"]
    platform.launch_and_follow(client)
    assert "Not started" in client.get(TOOL_URL + "/home").text


def test_coordinator_cannot_touch_another_schools_people(app, client, platform):
    other = TestPlatform(deployment_id="dep-other", organisation="Other School")
    other.register(app)
    other.launch_and_follow(app.test_client(), sub="x-1", name="Xander Other")
    with app.app_context():
        xander = db.session().scalars(select(Person.id).where(Person.subject == "x-1")).one()
    coordinator, _ = launch_coordinator_and_set(app, platform)
    assert coordinator.get(f"{TOOL_URL}/coordinator/people/{xander}").status_code == 404
    page = coordinator.get(f"{TOOL_URL}/modules/{PART_ONE}/sections/1")
    resp = coordinator.post(f"{TOOL_URL}/coordinator/people/{xander}/profile",
                            data={"csrf_token": csrf_token(page.text),
                                  "works_with_children": "no"})
    assert resp.status_code == 404


def test_changed_content_asks_to_sign_again_and_shows_what_changed(make_app, tmp_path):
    content = tmp_path / "modules"
    shutil.copytree(MODULES_DIR, content)
    app = make_app(CONTENT_DIR=str(content))
    platform = TestPlatform()
    platform.register(app)
    client = app.test_client()
    platform.launch_and_follow(client)
    key = "kcsie-2025-whats-new"
    read_all_in(client, app, key)
    assert sign(client, key).status_code == 302

    section = sorted((content / key).glob("02-*.md"))[0]
    section.write_text(section.read_text() + "\nA sentence added in a revision.\n")
    catalogue.cache_clear()
    try:
        overview = client.get(f"{TOOL_URL}/modules/{key}")
        assert "This module has changed since you signed it" in overview.text
        assert "Updated: read and sign again" in overview.text
        changed = overview.text.split("New or changed:")[1].split("</ul>")[0]
        assert "2." in changed and "1." not in changed
        assert "1 of 2 sections read" in overview.text  # the unchanged one counts
        page = client.get(f"{TOOL_URL}/modules/{key}/sections/2")
        assert "Changed since you last signed" in page.text
        client.post(f"{TOOL_URL}/modules/{key}/sections/2/read",
                    data={"csrf_token": csrf_token(page.text)})
        assert sign(client, key).status_code == 302
        history = acks(app)
        assert len(history) == 2
        assert history[0].subject_version != history[1].subject_version
        record = client.get(TOOL_URL + "/my-training")
        assert record.text.count("What changed in KCSIE 2025") >= 2
    finally:
        catalogue.cache_clear()


def read_all_in(client, app, key: str) -> None:
    with app.app_context():
        from lms_plugin.content import modules

        module = modules()[key]
    for section in module.sections:
        page = client.get(f"{TOOL_URL}/modules/{key}/sections/{section.number}")
        client.post(f"{TOOL_URL}/modules/{key}/sections/{section.number}/read",
                    data={"csrf_token": csrf_token(page.text)})
