"""Cookies in an LMS iframe: SameSite=None; Secure behind a proxy, and a way out when blocked."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from tests.lti_platform import TOOL_URL


def new_window_link(html: str) -> str:
    link = re.search(r'id="new-window" class="button" href="([^"]+)"', html)[1]
    return link.replace("&amp;", "&")


def set_cookies(resp) -> list[str]:
    return resp.headers.getlist("Set-Cookie")


def test_login_over_https_sets_iframe_safe_state_cookie(client, platform):
    login = platform.login(client)
    [state_cookie] = [c for c in set_cookies(login.response) if c.startswith("lti1p3-state-")]
    assert "Secure" in state_cookie
    assert "SameSite=None" in state_cookie
    assert "Partitioned" in state_cookie
    assert "HttpOnly" in state_cookie


def test_behind_a_proxy_x_forwarded_proto_makes_cookies_secure(client, platform):
    resp = client.post(
        "http://tool.example/lti/login",
        data={"iss": platform.issuer, "login_hint": "u", "client_id": platform.client_id,
              "target_link_uri": TOOL_URL + "/lti/launch"},
        headers={"X-Forwarded-Proto": "https"},
    )
    assert resp.status_code == 302
    cookie = next(c for c in set_cookies(resp) if c.startswith("lti1p3-state-"))
    assert "Secure" in cookie and "SameSite=None" in cookie


def test_session_cookie_after_launch_is_iframe_safe(client, platform):
    resp = platform.launch(client)
    session_cookie = next(c for c in set_cookies(resp) if c.startswith("sgt_session="))
    assert "Secure" in session_cookie
    assert "SameSite=None" in session_cookie
    assert "Partitioned" in session_cookie


def test_blocked_state_cookie_offers_a_new_window_that_works(app, client, platform):
    login = platform.login(client)
    token = platform.sign(platform.claims(login.nonce))
    no_cookies = app.test_client()  # the browser that dropped the tool's cookies in the iframe
    resp = no_cookies.post(login.redirect_uri, data={"id_token": token, "state": login.state})
    assert resp.status_code == 400
    assert "Open in a new window" in resp.text
    link = new_window_link(resp.text)
    assert link.startswith("/lti/login?")
    params = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert params["lti1p3_new_window"] == "1"
    assert params["iss"] == platform.issuer
    # In the new window the login starts again and the launch succeeds.
    relogin = no_cookies.get(TOOL_URL + link)
    assert relogin.status_code == 302
    query = {k: v[0] for k, v in parse_qs(urlsplit(relogin.headers["Location"]).query).items()}
    fresh = platform.sign(platform.claims(query["nonce"]))
    ok = no_cookies.post(query["redirect_uri"], data={"id_token": fresh, "state": query["state"]})
    assert ok.status_code == 302


def test_blocked_session_cookie_offers_a_new_window_with_a_one_time_ticket(app, client, platform):
    resp = platform.launch(client)
    continue_url = TOOL_URL + resp.headers["Location"]
    blocked = app.test_client()  # the session cookie never came back
    page = blocked.get(continue_url)
    assert page.status_code == 200
    assert "Open in a new window" in page.text
    new_window = new_window_link(page.text)
    landed = blocked.get(TOOL_URL + new_window, follow_redirects=True)
    assert "Hello, Alex Example" in landed.text
    # The ticket is spent: a second use signs nobody in.
    stranger = app.test_client()
    assert stranger.get(TOOL_URL + new_window).status_code == 401


def test_continue_with_working_cookies_goes_straight_home(client, platform):
    resp = platform.launch(client)
    page = client.get(TOOL_URL + resp.headers["Location"], follow_redirects=True)
    assert page.request.path == "/home"
    assert "Hello, Alex Example" in page.text
