"""In a real browser (Debian's Chromium): the demo platform launches the tool in an iframe."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from courses.loader import catalogue
from tests.http_server import free_port, serve

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it as root)"
)
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture
def demo_server(make_app):
    port = free_port()
    app = make_app(TOOL_MODE="demo", BASE_URL=f"http://127.0.0.1:{port}", TESTING=False)
    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    with serve(app, port=port) as base:
        yield base


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
        yield context.new_page()
        browser.close()


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize(
    ("persona", "name", "heading"),
    [("staff", "Sam Teacher", "Your modules"), ("coordinator", "Chris Coordinator",
                                                 "People who have opened the tool")],
)
def test_demo_launch_in_an_iframe(demo_server, page, persona, name, heading):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(demo_server + "/dev-platform/")
    page.get_by_role("link", name=f"Launch as {name}").click()
    frame = page.frame_locator("iframe[title='Safeguarding training']")
    frame.get_by_role("heading", name=f"Hello, {name}").wait_for(timeout=15000)
    assert frame.get_by_role("heading", name=heading).is_visible()
    page.screenshot(path=str(ARTIFACTS / f"launch-{persona}.png"), full_page=True)
    tool = next(f for f in page.frames if f.url.startswith(demo_server + "/home")
                or "/coordinator" in f.url)
    assert tool.url.startswith(demo_server)
    page.goto(tool.url)  # the tool page itself, checked for accessibility
    assert serious_violations(page) == []


def test_read_and_sign_part_one_in_the_lms_frame(demo_server, page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(demo_server + "/dev-platform/course/staff")
    tool = page.frame_locator("iframe[title='Safeguarding training']")
    tool.get_by_role("link", name="KCSIE 2025 Part one: safeguarding information for all staff"
                     ).click()
    tool.get_by_role("link", name="Start reading").click()
    sections = catalogue()["kcsie-2025-part-one"].sections
    for section in sections:
        tool.get_by_text(f"Section {section.number} of {len(sections)}").wait_for()
        tool.get_by_role("heading", name=section.title).wait_for()
        if section.number == 1:
            page.screenshot(path=str(ARTIFACTS / "read-section.png"), full_page=True)
        last = section.number == len(sections)
        label = "finish" if last else "next"
        tool.get_by_role("button", name=f"I have read this section – {label}").click()
    tool.get_by_role("heading", name="Read and understood").wait_for()
    tool.get_by_label("Type your full name").fill("Sam Teacher")
    tool.get_by_label("I confirm the declaration above").check()
    page.screenshot(path=str(ARTIFACTS / "sign.png"), full_page=True)
    tool.get_by_role("button", name="Sign").click()
    tool.get_by_role("heading", name="Signed").wait_for()
    tool.get_by_role("link", name="View certificate").click()
    tool.get_by_role("heading", name="Certificate of acknowledgement").wait_for()
    page.screenshot(path=str(ARTIFACTS / "certificate.png"), full_page=True)
    tool.get_by_role("link", name="Back to my training record").click()
    tool.get_by_role("heading", name="My training record").wait_for()
    row = tool.get_by_role("row").filter(has_text="KCSIE 2025 Part one")
    assert row.count() == 1
    assert "Signed online" in row.inner_text()


def test_reading_pages_are_accessible(demo_server, page):
    page.goto(demo_server + "/dev-platform/course/dsl")
    page.frame_locator("iframe").get_by_role("heading", name="Hello, Dana Lead").wait_for()
    for path in ("/home", "/modules/kcsie-2025-annex-c", "/modules/kcsie-2025-annex-c/sections/1",
                 "/modules/kcsie-2025-annex-c/sign", "/my-training",
                 "/modules/kcsie-2025-annex-c/quiz"):
        page.goto(demo_server + path)
        assert serious_violations(page) == [], path


def test_full_quiz_in_the_lms_frame(demo_server, page):
    from quizzes.loader import check_banks

    bank = {b.module: b for b in check_banks(catalogue())[0]}["kcsie-2025-annex-a"]
    module = catalogue()["kcsie-2025-annex-a"]
    page.goto(demo_server + "/dev-platform/course/caretaker")
    tool = page.frame_locator("iframe[title='Safeguarding training']")
    tool.get_by_role("link", name=module.title).click()
    tool.get_by_role("link", name="Start reading").click()
    for section in module.sections:
        tool.get_by_role("heading", name=section.title).wait_for()
        label = "finish" if section.number == len(module.sections) else "next"
        tool.get_by_role("button", name=f"I have read this section – {label}").click()
    tool.get_by_label("Type your full name").fill("Kim Caretaker")
    tool.get_by_label("I confirm the declaration above").check()
    tool.get_by_role("button", name="Sign").click()
    tool.get_by_role("link", name="Take the quiz").click()
    tool.get_by_role("button", name="Start the quiz").click()
    tool.get_by_role("button", name="Submit answers").wait_for()
    for fieldset in tool.locator("fieldset").all():
        legend = fieldset.locator("legend").inner_text()
        question = next(q for q in bank.questions if q.text in legend)
        for index in question.correct:
            fieldset.get_by_label(question.options[index], exact=True).check()
    page.screenshot(path=str(ARTIFACTS / "quiz.png"), full_page=True)
    tool.get_by_role("button", name="Submit answers").click()
    tool.get_by_role("heading", name="Passed: 100%").wait_for()
    page.screenshot(path=str(ARTIFACTS / "quiz-result.png"), full_page=True)
    tool.get_by_role("link", name="Your modules").click()
    item = tool.get_by_role("listitem").filter(has_text=module.title)
    item.get_by_text("Complete").wait_for()


def clear_flags(tool) -> None:
    """Dismiss the template flags in bulk, then St Stephen's one contradiction on its own."""
    tool.get_by_role("button", name=re.compile("dismiss all")).click()
    tool.get_by_text(re.compile(r"Dismissed \d+ flags")).wait_for()
    contradictions = tool.get_by_role("region", name=re.compile("^Contradictions"))
    contradictions.get_by_role("button", name=re.compile("^Dismiss")).click()
    tool.get_by_role("heading", name="Flags to check (0 open)").wait_for()


def test_policy_review_publish_read_sign_and_resign_in_the_lms_frame(demo_server, page,
                                                                     tmp_path):
    """The demo school's imported policy: the coordinator confirms the DSL and publishes; staff
    see who to tell, read and sign; a revised version asks them to sign again."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(demo_server + "/dev-platform/course/coordinator")
    tool = page.frame_locator("iframe[title='Safeguarding training']")
    tool.get_by_role("link", name="School documents staff must sign").click()
    tool.get_by_role("link", name="Child Protection Policy").first.click()
    tool.get_by_role("heading", name="Key contacts found").wait_for()
    page.screenshot(path=str(ARTIFACTS / "policy-review.png"), full_page=True)
    dsl = tool.locator("form[aria-label$=': Designated safeguarding lead']")
    dsl.get_by_role("button", name="Confirm").click()
    tool.get_by_text("Staff now see this contact").wait_for()
    clear_flags(tool)
    publish(tool, "September 2025")
    tool.get_by_role("cell", name=re.compile("1: September 2025")).wait_for()
    page.screenshot(path=str(ARTIFACTS / "policy-published.png"), full_page=True)

    page.goto(demo_server + "/dev-platform/course/staff")
    tool = page.frame_locator("iframe[title='Safeguarding training']")
    who = tool.get_by_role("complementary", name="Who to tell")
    who.get_by_text("Mrs L Cutts").wait_for()
    tool.get_by_role("link", name="Child Protection Policy").first.click()
    page.screenshot(path=str(ARTIFACTS / "policy-module.png"), full_page=True)
    tool.get_by_role("link", name="Start reading").click()
    read_to_the_end(tool)
    sign_as(tool, page, "Sam Teacher", "policy-sign.png")

    revised = tmp_path / "st-stephens-revised.txt"
    source = (Path(__file__).resolve().parent / "seeds"
              / "st-stephens-junior-child-protection-policy.txt")
    revised.write_text(source.read_text().replace(
        "The trustee board and leadership team have a strategic responsibility",
        "The governing board and leadership team have a strategic responsibility"))
    page.goto(demo_server + "/dev-platform/course/coordinator")
    tool = page.frame_locator("iframe[title='Safeguarding training']")
    tool.get_by_role("link", name="School documents staff must sign").click()
    tool.get_by_label("File").set_input_files(str(revised))
    tool.get_by_role("button", name="Upload and review").click()
    tool.get_by_role("heading", name="Key contacts found").wait_for()
    clear_flags(tool)
    publish(tool, "January 2026")

    page.goto(demo_server + "/dev-platform/course/staff")
    tool = page.frame_locator("iframe[title='Safeguarding training']")
    tool.get_by_role("link", name="Child Protection Policy").first.click()
    tool.get_by_role("heading", name="This module has changed since you signed it").wait_for()
    page.screenshot(path=str(ARTIFACTS / "policy-resign.png"), full_page=True)
    changed = tool.get_by_role("note").get_by_role("link")
    assert changed.count() == 1 and "Key Responsibilities" in changed.inner_text()
    changed.click()
    tool.get_by_text("Changed since you last signed").wait_for()
    read_to_the_end(tool)
    sign_as(tool, page, "Sam Teacher", "policy-resign-sign.png")
    tool.get_by_role("link", name="My training record").click()
    tool.get_by_role("heading", name="My training record").wait_for()
    rows = tool.get_by_role("row").filter(has_text="Child Protection Policy")
    assert rows.count() == 2
    page.screenshot(path=str(ARTIFACTS / "policy-record.png"), full_page=True)


def publish(tool, label: str) -> None:
    tool.get_by_label("Version label").fill(label)
    tool.get_by_role("button", name="Publish to all staff").click()
    tool.get_by_role("heading", name="Versions").wait_for()


def read_to_the_end(tool) -> None:
    """From the section shown, click "I have read this section" through to the sign page."""
    where = tool.get_by_text(re.compile(r"Section \d+ of \d+"))
    first, total = map(int, re.findall(r"\d+", where.inner_text())[-2:])
    for number in range(first, total + 1):
        tool.get_by_text(f"Section {number} of {total}").wait_for()
        label = "finish" if number == total else "next"
        tool.get_by_role("button", name=f"I have read this section – {label}").click()
    tool.get_by_role("heading", name="Read and understood").wait_for()


def sign_as(tool, page, name: str, screenshot: str) -> None:
    tool.get_by_label("Type your full name").fill(name)
    tool.get_by_label("I confirm the declaration above").check()
    page.screenshot(path=str(ARTIFACTS / screenshot), full_page=True)
    tool.get_by_role("button", name="Sign").click()
    tool.get_by_role("heading", name="Signed").wait_for()


def test_policy_pages_are_accessible(demo_server, page):
    page.goto(demo_server + "/dev-platform/course/coordinator")
    page.frame_locator("iframe").get_by_role("heading", name="Hello, Chris Coordinator").wait_for()
    page.goto(demo_server + "/coordinator/policies")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Child Protection Policy").first.click()
    page.get_by_role("heading", name="Key contacts found").wait_for()
    assert serious_violations(page) == []
    page.goto(demo_server + "/coordinator/contacts")
    assert serious_violations(page) == []
