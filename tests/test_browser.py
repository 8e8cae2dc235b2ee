"""In a real browser (Debian's Chromium): the demo platform launches the tool in an iframe."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from tests.http_server import serve

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it as root)"
)
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
