"""A school's own policy, end to end through real launches: upload, review, publish, read,
sign, quiz on who to tell, and re-sign a revised version."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms_plugin import db
from lms_plugin.content import banks_for
from lms_plugin.models import (
    EvidenceRecord,
    Organisation,
    Person,
    PolicyDocument,
    PolicyDraft,
    PolicyVersion,
    QuizAttempt,
    SchoolContact,
)
from lms_plugin.services.evidence import verify_organisation
from lms_plugin.services.quizzes import paper_for
from tests.lti_platform import TOOL_URL, TestPlatform, csrf_token
from tests.policy_files import LEICESTERSHIRE, ST_STEPHENS, STEPPING_STONES

KEY = "school-safeguarding"


def staff(platform, app, sub: str = "user-1", name: str = "Alex Example"):
    client = app.test_client()
    platform.launch_and_follow(client, sub=sub, name=name)
    return client


def token(client) -> str:
    return csrf_token(client.get(f"{TOOL_URL}/coordinator/policies").text)


def upload(client, data: bytes, filename: str, kind: str = "safeguarding", **extra):
    return client.post(f"{TOOL_URL}/coordinator/policies/upload", data={
        "csrf_token": token(client), "kind": kind,
        "document": (io.BytesIO(data), filename), **extra,
    }, content_type="multipart/form-data")


def post(client, path: str, **data):
    return client.post(TOOL_URL + path, data={"csrf_token": token(client), **data})


def draft_row(app, draft_id: int) -> PolicyDraft:
    with app.app_context():
        draft = db.session().get(PolicyDraft, draft_id)
        db.session().expunge(draft)
        return draft


def confirm_proposed(client, app, draft_id: int, role_key_wanted: str) -> None:
    from courses.policy_import.roles import role_key

    contacts = draft_row(app, draft_id).content["contacts"]
    index = next(i for i, c in enumerate(contacts) if role_key(c["role"]) == role_key_wanted)
    c = contacts[index]
    resp = post(client, f"/coordinator/policies/drafts/{draft_id}/contacts/{index}",
                action="confirm", role=c["role"], names=", ".join(c["names"]),
                phone=c["phone"] or "", email=c["email"] or "")
    assert resp.status_code == 302, resp.text


def publish_all(client, draft_id: int, label: str, effective: date | None = None):
    post(client, f"/coordinator/policies/drafts/{draft_id}/flags/dismiss-open")
    with client.application.app_context():
        flags = db.session().get(PolicyDraft, draft_id).content["flags"]
    for index in [i for i, f in enumerate(flags) if f["state"] == "open"]:
        post(client, f"/coordinator/policies/drafts/{draft_id}/flags/{index}", state="dismissed")
    return post(client, f"/coordinator/policies/drafts/{draft_id}/publish", label=label,
                effective_date=(effective or date.today()).isoformat())


def read_and_sign(client):
    overview = client.get(f"{TOOL_URL}/modules/{KEY}")
    assert overview.status_code == 200
    pages = len(re.findall(rf'href="/modules/{KEY}/sections/\d+"', overview.text.split(
        '<ol class="sections">')[1].split("</ol>")[0]))
    for number in range(1, pages + 1):
        page = client.get(f"{TOOL_URL}/modules/{KEY}/sections/{number}")
        assert page.status_code == 200
        client.post(f"{TOOL_URL}/modules/{KEY}/sections/{number}/read",
                    data={"csrf_token": csrf_token(page.text)})
    sign_page = client.get(f"{TOOL_URL}/modules/{KEY}/sign")
    resp = client.post(f"{TOOL_URL}/modules/{KEY}/sign", data={
        "csrf_token": csrf_token(sign_page.text), "typed_name": "Alex Example",
        "confirm": "yes"})
    assert resp.status_code == 302, resp.text
    return sign_page


def test_flags_are_grouped_and_unsafe_advice_is_decided_one_by_one(app, platform):
    boss = platform.coordinator(app)
    draft_id = int(upload(boss, LEICESTERSHIRE.read_bytes(), LEICESTERSHIRE.name)
                   .headers["Location"].rsplit("/", 1)[1])
    review = boss.get(f"{TOOL_URL}/coordinator/policies/drafts/{draft_id}").text
    assert review.index("Unsafe advice (") < review.index("Template instructions (")
    assert "dial 101" in review

    def states() -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for f in draft_row(app, draft_id).content["flags"]:
            found.setdefault(f["kind"], set()).add(f["state"])
        return found

    refused = post(boss, f"/coordinator/policies/drafts/{draft_id}/flags/dismiss-open",
                   kind="unsafe_advice")
    assert refused.status_code == 400 and "one by one" in refused.text
    assert states()["unsafe_advice"] == {"open"}

    assert post(boss, f"/coordinator/policies/drafts/{draft_id}/flags/dismiss-open",
                kind="instruction").status_code == 302
    assert states()["instruction"] == {"dismissed"}
    assert states()["empty_section"] == {"open"}

    post(boss, f"/coordinator/policies/drafts/{draft_id}/flags/dismiss-open")
    after = states()
    assert after["unsafe_advice"] == {"open"}
    assert all(s == {"dismissed"} for k, s in after.items() if k != "unsafe_advice")
    refused = post(boss, f"/coordinator/policies/drafts/{draft_id}/publish",
                   label="2025", effective_date=date.today().isoformat())
    assert refused.status_code == 400 and "open flag" in refused.text


def test_upload_review_publish_read_sign_quiz_and_resign(app, platform):
    boss = platform.coordinator(app)
    alex = staff(platform, app)
    assert "Who to tell" not in alex.get(f"{TOOL_URL}/home").text

    resp = upload(boss, ST_STEPHENS.read_bytes(), ST_STEPHENS.name)
    assert resp.status_code == 302
    draft_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    review = boss.get(TOOL_URL + resp.headers["Location"])
    assert "1.1 Introduction" in review.text and "Categories of Abuse" in review.text
    assert "Name of School" in review.text  # the placeholder flag is listed for review
    waiting = f'href="/coordinator/policies/drafts/{draft_id}">Review St. Stephen&#39;s'
    assert waiting in boss.get(f"{TOOL_URL}/coordinator/").text

    # Nothing reaches staff before the coordinator confirms and publishes.
    home = alex.get(f"{TOOL_URL}/home").text
    assert "Mrs L Cutts" not in home and "Who to tell" not in home
    assert alex.get(f"{TOOL_URL}/modules/{KEY}").status_code == 404

    confirm_proposed(boss, app, draft_id, "dsl")
    confirm_proposed(boss, app, draft_id, "deputy_dsl")
    confirm_proposed(boss, app, draft_id, "headteacher")
    post(boss, "/coordinator/contacts", role="Chair of governors", names="Mr C Chairman",
         phone="01632 960 001", email="")
    home = alex.get(f"{TOOL_URL}/home").text
    assert "Who to tell" in home and "Mrs L Cutts" in home and "Mrs R Gough" in home

    refused = post(boss, f"/coordinator/policies/drafts/{draft_id}/publish",
                   label="September 2025", effective_date=date.today().isoformat())
    assert refused.status_code == 400 and "open flag" in refused.text
    done = publish_all(boss, draft_id, "September 2025")
    assert done.status_code == 302
    assert waiting not in boss.get(f"{TOOL_URL}/coordinator/").text

    with app.app_context():
        version = db.session().scalars(select(PolicyVersion)).one()
        published = db.session().scalars(select(EvidenceRecord).where(
            EvidenceRecord.kind == "policy_published")).one()
        assert published.subject == KEY and published.subject_version == version.sha256
        assert published.data["label"] == "September 2025"
        assert re.fullmatch(r"[0-9a-f]{64}", version.sha256)

    home = alex.get(f"{TOOL_URL}/home").text
    assert "Child Protection Policy" in home
    sign_page = read_and_sign(alex)
    assert "I have read and understood" in sign_page.text
    assert "will follow it" in sign_page.text

    # The policy's quiz asks who to tell, with other confirmed names as wrong answers.
    overview = alex.get(f"{TOOL_URL}/modules/{KEY}/quiz")
    assert overview.status_code == 200
    assert "<p>3 questions. The pass mark is 100%." in overview.text
    started = alex.post(f"{TOOL_URL}/modules/{KEY}/quiz/start",
                        data={"csrf_token": csrf_token(overview.text)})
    attempt_page = alex.get(TOOL_URL + started.headers["Location"])
    assert "Who is our designated safeguarding lead" in attempt_page.text or \
        "Who are our designated safeguarding leads" in attempt_page.text
    assert "Who do you tell about a concern about the headteacher?" in attempt_page.text
    with app.app_context():
        attempt = db.session().scalars(select(QuizAttempt)).one()
        org_id = attempt.organisation_id
        paper = paper_for(attempt, banks_for(org_id)[KEY])
        answers = {f"q-{i.question.id}": [str(n) for n in sorted(i.question.correct)]
                   for i in paper}
        head_q = next(i.question for i in paper if i.question.id == "school-head-concern")
        assert head_q.options[min(head_q.correct)] == "Mr C Chairman"
        assert "Mrs L Cutts" in head_q.options  # the headteacher is a wrong answer here
    result = alex.post(TOOL_URL + started.headers["Location"],
                       data={"csrf_token": csrf_token(attempt_page.text), **answers})
    assert result.status_code == 302
    feedback = alex.get(TOOL_URL + result.headers["Location"]).text
    assert "Our policy names them as our DSLs." in feedback  # two DSLs: plural wording
    policy_item = alex.get(f"{TOOL_URL}/home").text.split(f'href="/modules/{KEY}"')[1]
    assert "Complete" in policy_item.split("</li>")[0]

    # A revised policy: one section changes, so everyone signs again and sees what changed.
    revised = ST_STEPHENS.read_text().replace(
        "The trustee board and leadership team have a strategic responsibility",
        "The governing board and leadership team have a strategic responsibility")
    resp = upload(boss, revised.encode(), "revised.txt")
    draft2 = int(resp.headers["Location"].rsplit("/", 1)[1])
    assert publish_all(boss, draft2, "January 2026").status_code == 302
    overview = alex.get(f"{TOOL_URL}/modules/{KEY}").text
    assert "This module has changed since you signed it" in overview
    changed = overview.split("New or changed:")[1].split("</ul>")[0]
    assert "Key Responsibilities" in changed and "Child Focused" not in changed
    page = alex.get(f"{TOOL_URL}/modules/{KEY}/sections/1")
    assert "Changed since you last signed" not in page.text
    read_and_sign(alex)
    with app.app_context():
        acks = db.session().scalars(select(EvidenceRecord).where(
            EvidenceRecord.kind == "acknowledgement", EvidenceRecord.subject == KEY)).all()
        versions = db.session().scalars(select(PolicyVersion).order_by(
            PolicyVersion.number)).all()
        assert [a.subject_version for a in acks] == [v.sha256 for v in versions]
        assert verify_organisation(db.session(), app.config["SETTINGS"].evidence_key,
                                   org_id).ok
    versions_page = boss.get(f"{TOOL_URL}/coordinator/policies/safeguarding").text
    assert versions_page.count("1 of 2") == 2  # Alex signed each version; Cora neither


@pytest.mark.parametrize("filename, data, message", [
    ("policy.exe", b"MZ\x90\x00", "docx"),
    ("policy.docx", b"", "empty"),
    ("policy.docx", b"PK\x03\x04 not really a zip", "docx"),
    ("policy.pdf", b"%PDF-1.4 garbage", "PDF"),
])
def test_bad_uploads_are_refused_with_a_message_and_nothing_is_stored(
        app, platform, filename, data, message):
    boss = platform.coordinator(app)
    resp = upload(boss, data, filename)
    assert resp.status_code == 400
    assert message.lower() in resp.text.lower()
    with app.app_context():
        assert db.session().scalar(select(func.count(PolicyDraft.id))) == 0
        assert db.session().scalar(select(func.count(PolicyDocument.id))) == 0


def test_oversize_uploads_are_refused(make_app):
    app = make_app(POLICY_MAX_BYTES=2048)
    platform = TestPlatform()
    platform.register(app)
    boss = platform.coordinator(app)
    resp = upload(boss, b"x " * 1500, "policy.txt")
    assert resp.status_code == 400 and "MB" in resp.text
    resp = upload(boss, b"x " * 1_000_000, "policy.txt")  # beyond what a request may carry
    assert resp.status_code == 413 and "The file is too large to upload" in resp.text
    resp = post(boss, "/coordinator/contacts", role="DSL", names="x" * 3_000_000)
    assert resp.status_code == 413 and "What you sent is too large" in resp.text
    with app.app_context():
        assert db.session().scalar(select(func.count(PolicyDraft.id))) == 0


def test_uploaded_text_cannot_inject_html(app, platform):
    boss = platform.coordinator(app)
    text = ("# Safeguarding policy\n\n## 1. Who we are\n\nHello <script>alert(1)</script> "
            "and [a link](javascript:alert(1)).\n\nDesignated Safeguarding Lead: Ms Ann Lead\n")
    draft_id = int(upload(boss, text.encode(), "p.md").headers["Location"].rsplit("/", 1)[1])
    review = boss.get(f"{TOOL_URL}/coordinator/policies/drafts/{draft_id}").text
    assert "<script>alert(1)" not in review
    assert publish_all(boss, draft_id, "v1").status_code == 302
    page = staff(platform, app).get(f"{TOOL_URL}/modules/{KEY}/sections/1").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "javascript:" not in page


def test_schools_cannot_see_each_others_drafts_policies_or_contacts(app, platform):
    boss = platform.coordinator(app)
    draft_id = int(upload(boss, STEPPING_STONES.read_bytes(), STEPPING_STONES.name)
                   .headers["Location"].rsplit("/", 1)[1])
    post(boss, "/coordinator/contacts", role="Designated safeguarding lead",
         names="Ms Dee Esel", phone="", email="dsl@school.example")
    assert publish_all(boss, draft_id, "v1").status_code == 302

    other = TestPlatform(deployment_id="dep-other", organisation="Other School")
    other.register(app)
    other_boss = other.coordinator(app, sub="other-coord")
    assert other_boss.get(f"{TOOL_URL}/coordinator/policies/drafts/{draft_id}").status_code \
        == 404
    assert post(other_boss, f"/coordinator/policies/drafts/{draft_id}/discard").status_code \
        == 404
    other_staff = staff(other, app, sub="other-1")
    home = other_staff.get(f"{TOOL_URL}/home").text
    assert "Stepping Stones" not in home and "Dee Esel" not in home
    assert other_staff.get(f"{TOOL_URL}/modules/{KEY}").status_code == 404
    assert draft_row(app, draft_id).status == "published"


def test_other_documents_use_the_same_mechanism_and_their_own_declaration(app, platform):
    boss = platform.coordinator(app)
    text = ("Staff Code of Conduct\n\n1. Purpose\n\nStaff set an example to pupils.\n\n"
            "2. Gifts\n\nStaff do not accept gifts of more than token value.\n")
    draft_id = int(upload(boss, text.encode(), "code.txt", kind="code_of_conduct")
                   .headers["Location"].rsplit("/", 1)[1])
    post(boss, "/coordinator/policies/code_of_conduct/declaration",
         declaration="I will follow the code of conduct at all times.")
    assert publish_all(boss, draft_id, "2026").status_code == 302
    alex = staff(platform, app)
    assert "Staff Code of Conduct" in alex.get(f"{TOOL_URL}/home").text
    key = "school-code_of_conduct"
    for number in (1, 2):
        page = alex.get(f"{TOOL_URL}/modules/{key}/sections/{number}")
        alex.post(f"{TOOL_URL}/modules/{key}/sections/{number}/read",
                  data={"csrf_token": csrf_token(page.text)})
    sign_page = alex.get(f"{TOOL_URL}/modules/{key}/sign").text
    assert "I will follow the code of conduct at all times." in sign_page
    alex.post(f"{TOOL_URL}/modules/{key}/sign", data={
        "csrf_token": csrf_token(sign_page), "typed_name": "Alex Example", "confirm": "yes"})
    with app.app_context():
        ack = db.session().scalars(select(EvidenceRecord).where(
            EvidenceRecord.kind == "acknowledgement")).one()
        assert ack.data["declaration"] == "I will follow the code of conduct at all times."
        assert key not in banks_for(ack.organisation_id)  # no contact questions here


def test_review_date_reminder_on_the_coordinator_home(app, platform):
    boss = platform.coordinator(app)
    text = "Safeguarding Policy\n\n1. Purpose\n\nWe keep children safe.\n"
    for review, expected in ((date.today() + timedelta(days=20), "is due for review"),
                             (date.today() - timedelta(days=1), "overdue")):
        draft_id = int(upload(boss, text.encode(), "p.txt").headers["Location"]
                       .rsplit("/", 1)[1])
        post(boss, f"/coordinator/policies/drafts/{draft_id}/details", title="Our policy",
             review_date=review.isoformat())
        page = boss.get(f"{TOOL_URL}/coordinator/policies/drafts/{draft_id}").text
        assert ("has passed: if this version has been reviewed" in page) == (
            review < date.today())
        publish_all(boss, draft_id, str(review))
        home = boss.get(f"{TOOL_URL}/coordinator/").text
        assert expected in home, home
    draft_id = int(upload(boss, text.encode(), "p.txt").headers["Location"].rsplit("/", 1)[1])
    post(boss, f"/coordinator/policies/drafts/{draft_id}/details", title="Our policy",
         review_date=(date.today() + timedelta(days=200)).isoformat())
    publish_all(boss, draft_id, "later")
    assert "due for review" not in boss.get(f"{TOOL_URL}/coordinator/").text


def test_a_version_with_a_future_effective_date_waits(app, platform):
    boss = platform.coordinator(app)
    first = int(upload(boss, b"Policy\n\n1. Purpose\n\nVersion one text.\n", "a.txt")
                .headers["Location"].rsplit("/", 1)[1])
    publish_all(boss, first, "one")
    second = int(upload(boss, b"Policy\n\n1. Purpose\n\nVersion two text.\n", "b.txt")
                 .headers["Location"].rsplit("/", 1)[1])
    publish_all(boss, second, "two", date.today() + timedelta(days=7))
    page = staff(platform, app).get(f"{TOOL_URL}/modules/{KEY}/sections/1").text
    assert "Version one text." in page and "Version two text." not in page


def test_review_edits_rename_split_merge_and_drop(app, platform):
    boss = platform.coordinator(app)
    text = ("Policy\n\n1. First\n\nPara one.\n\nPara two.\n\n2. Second\n\nMore text.\n\n"
            "3. Third\n\nLast text.\n")
    draft_id = int(upload(boss, text.encode(), "p.txt").headers["Location"].rsplit("/", 1)[1])
    base = f"/coordinator/policies/drafts/{draft_id}/sections"
    titles = lambda: [(s["number"], s["title"]) for s in  # noqa: E731
                      draft_row(app, draft_id).content["sections"]]
    assert titles() == [("1", "First"), ("2", "Second"), ("3", "Third")]
    post(boss, f"{base}/0", action="save", number="1", title="Opening", level="1",
         body="Para one.\n\nPara two.")
    post(boss, f"{base}/0", action="split", at="1", number="1A", title="Middle")
    assert titles() == [("1", "Opening"), ("1A", "Middle"), ("2", "Second"), ("3", "Third")]
    post(boss, f"{base}/2", action="merge")
    assert titles() == [("1", "Opening"), ("1A", "Middle"), ("3", "Third")]
    assert "**2 Second**" in draft_row(app, draft_id).content["sections"][1]["body"]
    post(boss, f"{base}/2", action="drop")
    assert titles() == [("1", "Opening"), ("1A", "Middle")]
    bad = post(boss, f"{base}/0", action="merge")
    assert bad.status_code == 400 and "nothing before it" in bad.text
    assert post(boss, f"{base}/9", action="drop").status_code == 400


def test_cli_imports_a_policy_as_a_draft_and_prints_json(app, platform):
    platform.launch_and_follow(app.test_client())  # the school exists once it has launched
    runner = app.test_cli_runner()
    result = runner.invoke(args=["policy", "import", str(STEPPING_STONES), "--org",
                                 "Test School", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert set(summary) == {"sections", "contacts", "flags"}
    assert {"number": "1", "title": "Rationale"} in [
        {"number": s["number"], "title": s["title"]} for s in summary["sections"]]
    assert all(set(s) == {"number", "title", "words"} for s in summary["sections"])
    assert all(set(c) == {"role", "names", "phone", "email"} for c in summary["contacts"])
    assert all(set(f) == {"kind", "text", "line"} for f in summary["flags"])
    with app.app_context():
        draft = db.session().scalars(select(PolicyDraft)).one()
        org = db.session().scalars(select(Organisation)).one()
        assert draft.organisation_id == org.id and draft.status == "draft"

    titled = runner.invoke(args=["policy", "import", str(STEPPING_STONES), "--org",
                                 "test-school", "--title", "Our policy"])
    assert titled.exit_code == 0 and "Review it at /coordinator/policies/drafts/" in \
        titled.output
    missing = runner.invoke(args=["policy", "import", str(STEPPING_STONES), "--org", "Nope"])
    assert missing.exit_code != 0 and "No organisation 'Nope'" in missing.output
    bad = Path(app.instance_path) / "policy.doc"
    bad.write_bytes(b"\xd0\xcf\x11\xe0")
    refused = runner.invoke(args=["policy", "import", str(bad), "--org", "Test School"])
    assert refused.exit_code != 0 and ".docx" in refused.output
    with app.app_context():
        assert db.session().scalar(select(func.count(PolicyDraft.id))) == 2
        assert db.session().scalar(select(func.count(SchoolContact.id))) == 0
        assert db.session().scalar(select(func.count(Person.id))) == 1


def test_contact_questions_never_offer_the_right_person_as_a_wrong_answer():
    from quizzes.contact_questions import ContactFacts, contact_bank

    bank = contact_bank(KEY, [
        ContactFacts("dsl", ("Mrs L Cutts",)),
        ContactFacts("headteacher", ("Laura Cutts",)),  # the same person, written fully
        ContactFacts("deputy_dsl", ("Mr R May", "Mrs R Gough")),
        ContactFacts("chair_of_governors", ("Mr C Chairman",)),
    ])
    assert bank is not None and bank.pass_mark == 100
    by_id = {q.id: q for q in bank.questions}
    dsl = by_id["school-dsl"]
    assert [dsl.options[i] for i in dsl.correct] == ["Mrs L Cutts"]
    assert "Laura Cutts" not in dsl.options and "Mr C Chairman" in dsl.options
    deputies = by_id["school-deputy-dsl"]
    assert deputies.type == "multiple"
    assert {deputies.options[i] for i in deputies.correct} == {"Mr R May", "Mrs R Gough"}
    head = by_id["school-head-concern"]
    assert [head.options[i] for i in head.correct] == ["Mr C Chairman"]
    assert "Laura Cutts" in head.options  # telling the head is the mistake to avoid
    # With only one person confirmed there is no real choice, so no question.
    assert contact_bank(KEY, [ContactFacts("dsl", ("Mrs L Cutts",))]) is None


def test_policy_pages_are_for_coordinators_and_viewing_changes_nothing(app, platform):
    alex = staff(platform, app)
    for path in ("/coordinator/policies", "/coordinator/contacts",
                 "/coordinator/policies/safeguarding"):
        assert alex.get(TOOL_URL + path).status_code == 403
    token_page = alex.get(f"{TOOL_URL}/modules/kcsie-2025-part-one/sections/1").text
    refused = alex.post(f"{TOOL_URL}/coordinator/contacts", data={
        "csrf_token": csrf_token(token_page), "role": "Designated safeguarding lead",
        "names": "Mallory"})
    assert refused.status_code == 403
    boss = platform.coordinator(app)
    page = boss.get(f"{TOOL_URL}/coordinator/policies/whistleblowing")
    assert page.status_code == 200 and "Not published yet" in page.text
    assert boss.get(f"{TOOL_URL}/coordinator/policies/nonsense").status_code == 404
    with app.app_context():
        assert db.session().scalar(select(func.count(PolicyDocument.id))) == 0
        assert db.session().scalar(select(func.count(SchoolContact.id))) == 0


def test_contact_edits_refuse_clearly_and_change_nothing_when_refused(app, platform):
    boss = platform.coordinator(app)
    draft_id = int(upload(boss, ST_STEPHENS.read_bytes(), ST_STEPHENS.name)
                   .headers["Location"].rsplit("/", 1)[1])
    confirm_proposed(boss, app, draft_id, "dsl")
    dsl_index = next(i for i, c in enumerate(draft_row(app, draft_id).content["contacts"])
                     if c["state"] == "confirmed")
    refused = post(boss, f"/coordinator/policies/drafts/{draft_id}/contacts/{dsl_index}",
                   action="reject")
    assert refused.status_code == 400 and "already confirmed" in refused.text
    # Adding a second DSL by hand must not silently replace the first.
    added = post(boss, "/coordinator/contacts", role="Designated Safeguarding Lead",
                 names="Mr New Person", phone="", email="")
    assert added.status_code == 400 and "already a contact" in added.text
    post(boss, "/coordinator/contacts", role="Vice Principal", names="Mr V Vice", phone="",
         email="")
    for data in ({"role": "DSL", "names": "X", "email": "a@b" * 200},
                 {"role": "DSL\x00", "names": "X"},
                 {"role": "DSL", "names": "X", "contact_id": "²"}):
        assert post(boss, "/coordinator/contacts", **data).status_code == 400
    post(boss, f"/coordinator/policies/drafts/{draft_id}/discard")
    late = post(boss, f"/coordinator/policies/drafts/{draft_id}/contacts/1", action="confirm",
                role="Headteacher", names="Mr Late")
    assert late.status_code == 400
    assert post(boss, f"/coordinator/policies/drafts/{draft_id}/sections/x",
                action="drop").status_code == 404
    with app.app_context():
        contacts = {c.role: c.names for c in db.session().scalars(select(SchoolContact))}
    assert contacts == {"Designated safeguarding lead": ["Mrs L Cutts", "Mrs S Heaney"],
                        "Vice Principal": ["Mr V Vice"]}


def test_a_quiz_started_before_the_contacts_changed_starts_again(app, platform):
    boss = platform.coordinator(app)
    post(boss, "/coordinator/contacts", role="Designated safeguarding lead",
         names="Ms Dee Esel", phone="", email="")
    post(boss, "/coordinator/contacts", role="Deputy DSL", names="Mr Dep Uty", phone="",
         email="")
    draft_id = int(upload(boss, b"Policy\n\n1. Purpose\n\nWe keep children safe.\n", "p.txt")
                   .headers["Location"].rsplit("/", 1)[1])
    publish_all(boss, draft_id, "v1")
    alex = staff(platform, app)
    read_and_sign(alex)
    overview = alex.get(f"{TOOL_URL}/modules/{KEY}/quiz")
    first = alex.post(f"{TOOL_URL}/modules/{KEY}/quiz/start",
                      data={"csrf_token": csrf_token(overview.text)}).headers["Location"]
    post(boss, "/coordinator/contacts", role="Headteacher", names="Mrs Head", phone="",
         email="")  # a new name changes the wrong answers, so the bank
    assert alex.get(TOOL_URL + first).status_code == 409
    overview = alex.get(f"{TOOL_URL}/modules/{KEY}/quiz")
    second = alex.post(f"{TOOL_URL}/modules/{KEY}/quiz/start",
                       data={"csrf_token": csrf_token(overview.text)}).headers["Location"]
    assert second != first and alex.get(TOOL_URL + second).status_code == 200


def test_a_file_with_an_absurdly_long_line_is_refused(app, platform):
    resp = upload(platform.coordinator(app), b"x" * 30_000, "p.txt")
    assert resp.status_code == 400 and "does not look like a policy" in resp.text


def test_evidence_verify_detects_an_altered_published_version(app, platform, database_url):
    from sqlalchemy import text

    from tests.evidence_db import raw_connection

    boss = platform.coordinator(app)
    draft_id = int(upload(boss, b"Policy\n\n1. Purpose\n\nTell the DSL at once.\n", "p.txt")
                   .headers["Location"].rsplit("/", 1)[1])
    publish_all(boss, draft_id, "v1")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["evidence", "verify"]).exit_code == 0
    with app.app_context():
        version = db.session().scalars(select(PolicyVersion)).one()
        pages = json.dumps([{"title": p["title"], "body": p["body"].replace(
            "at once", "when convenient")} for p in version.pages])
    with raw_connection(database_url) as conn:
        conn.execute(text("UPDATE policy_versions SET pages = :p"), {"p": pages})
    result = runner.invoke(args=["evidence", "verify"])
    assert result.exit_code == 1 and "text was altered after publishing" in result.output
