"""Launch failures a person can meet, each with a status and words that say what to do."""

from __future__ import annotations

from dataclasses import dataclass

_ASK_ADMIN = "Ask your school's LMS administrator to check the tool's registration."
_RELAUNCH = "Go back to your course and open the activity again."

# code: (HTTP status, title, what the person can do)
CATALOGUE: dict[str, tuple[int, str, str]] = {
    "missing_login_params": (400, "The LMS did not send a complete login request", _ASK_ADMIN),
    "unknown_platform": (403, "This LMS is not registered with the tool", _ASK_ADMIN),
    "missing_id_token": (400, "The launch did not include a sign-in token", _RELAUNCH),
    "invalid_token": (400, "The sign-in token could not be read", _RELAUNCH),
    "unsupported_algorithm": (400, "The sign-in token uses a signing method we do not accept",
                              _ASK_ADMIN),
    "state_mismatch": (400, "This launch does not match a login started in this browser",
                       _RELAUNCH),
    "cookies_blocked": (400, "Your browser blocked the tool's cookies", _RELAUNCH),
    "wrong_audience": (403, "The sign-in token was issued for a different tool", _ASK_ADMIN),
    "unknown_key": (403, "The sign-in token was signed with a key the LMS does not publish",
                    _ASK_ADMIN),
    "platform_keys_unavailable": (502, "The LMS's public keys could not be fetched",
                                  "Try again in a minute; if it keeps happening, "
                                  + _ASK_ADMIN[0].lower() + _ASK_ADMIN[1:]),
    "bad_signature": (403, "The sign-in token's signature is not valid", _ASK_ADMIN),
    "expired_token": (400, "The sign-in token has expired",
                      _RELAUNCH + " If it keeps happening, the server clocks may differ."),
    "unknown_deployment": (403, "This deployment of the tool is not registered", _ASK_ADMIN),
    "invalid_message": (400, "The launch message is missing information the tool needs",
                        _ASK_ADMIN),
    "nonce_reused": (400, "This launch has already been used", _RELAUNCH),
    "missing_nonce": (400, "The sign-in token has no nonce", _ASK_ADMIN),
    "launch_expired": (400, "This page has expired", _RELAUNCH),
}


@dataclass
class LaunchError(Exception):
    """A refused launch; `detail` is safe to log and show (it never holds the token)."""

    code: str
    detail: str = ""

    @property
    def status(self) -> int:
        return CATALOGUE[self.code][0]

    @property
    def title(self) -> str:
        return CATALOGUE[self.code][1]

    @property
    def advice(self) -> str:
        return CATALOGUE[self.code][2]

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}" if self.detail else self.code
