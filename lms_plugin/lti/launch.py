"""OIDC login and id_token launch over pylti1.3, hardened.

pylti1.3 does the protocol; this module adds what it leaves out: nonces consumed only after the
token is proven genuine, `alg` pinned to RS256, audience and `azp` checked, a little clock
leeway, platform keys cached briefly and refetched when a `kid` is new, and one typed error per
kind of failure.
"""

from __future__ import annotations

import hashlib
from typing import Any

import jwt
import requests
from flask import Response
from jwcrypto.jwk import JWK
from pylti1p3.contrib.flask import FlaskCookieService, FlaskMessageLaunch, FlaskOIDCLogin
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms_plugin.lti.errors import LaunchError
from lms_plugin.lti.tool_conf import DatabaseToolConf
from lms_plugin.models import Platform

ALGORITHM = "RS256"
CLOCK_LEEWAY_SECONDS = 30
PLATFORM_KEYS_CACHE_SECONDS = 300
LOGIN_PARAMS = (
    "iss",
    "login_hint",
    "target_link_uri",
    "lti_message_hint",
    "lti_deployment_id",
    "client_id",
)


class ToolCookieService(FlaskCookieService):
    """pylti1.3's cookies, made partitioned (CHIPS) so they survive in an LMS iframe."""

    def update_response(self, response: Response) -> None:
        secure = bool(self._request.is_secure())
        for key, data in self._cookie_data_to_set.items():
            response.set_cookie(
                key,
                data["value"],
                max_age=data["exp"],
                path="/",
                httponly=True,
                secure=secure,
                samesite="None" if secure else "Lax",
                partitioned=secure,
            )


class ToolOIDCLogin(FlaskOIDCLogin):
    """Third-party login initiation, keeping the login parameters for a new-window retry."""

    def start(self, launch_url: str) -> Response:
        params = {k: v for k in LOGIN_PARAMS if (v := self._get_request_param(k))}
        self.pass_params_to_launch({"login": params})
        try:
            return self.redirect(launch_url)
        except OIDCException as exc:
            message = str(exc)
            if "registration" in message.lower():
                raise LaunchError(
                    "unknown_platform",
                    f"issuer {params.get('iss')!r} client_id {params.get('client_id')!r}",
                ) from exc
            raise LaunchError("missing_login_params", message) from exc


class ToolMessageLaunch(FlaskMessageLaunch):
    """An id_token launch validated in a safe order, failing with a `LaunchError`."""

    platform: Platform

    def __init__(
        self,
        request: Any,
        tool_config: DatabaseToolConf,
        db: Session,
        store: LaunchDataStorage[Any],
        http: requests.Session | None = None,
    ) -> None:
        super().__init__(
            request,
            tool_config,
            cookie_service=ToolCookieService(request),
            launch_data_storage=store,
            requests_session=http,
        )
        self._db = db
        self._store = store

    @classmethod
    def restore(
        cls,
        launch_id: str,
        request: Any,
        tool_config: DatabaseToolConf,
        db: Session,
        store: LaunchDataStorage[Any],
    ) -> ToolMessageLaunch:
        """A launch validated earlier in this browser, read back from the launch store."""
        launch = cls(request, tool_config, db, store)
        body = launch.get_session_service().get_launch_data(launch_id) if launch_id else None
        if not body:
            raise LaunchError("launch_expired", "launch data not found")
        launch.set_launch_id(launch_id).set_auto_validation(False)
        launch.set_jwt({"body": body}).set_restored()
        launch._validate_registration()
        return launch

    def get_client_id(self) -> str:
        body = self._jwt.get("body", {})
        aud = body.get("aud")
        return body.get("azp") or (aud[0] if isinstance(aud, list) else aud)  # type: ignore

    def validate(self) -> ToolMessageLaunch:
        if self._restored:
            raise LtiException("Can't validate restored launch")
        self._validated = True
        try:
            if not self._get_request_param("id_token"):
                raise LaunchError("missing_id_token")
            self._validate_state()
            self._step("invalid_token", self.validate_jwt_format)
            self._validate_registration()
            self._validate_signature()
            self._step("unknown_deployment", self.validate_deployment)
            self._step("invalid_message", self.validate_message)
            # Last: a nonce is spent only by a token that passed every other check.
            self._validate_nonce()
            self.save_launch_data()
        except Exception:
            self._validated = False
            raise
        return self

    @staticmethod
    def _step(code: str, check: Any) -> None:
        try:
            check()
        except LtiException as exc:
            raise LaunchError(code, str(exc)) from exc

    def _validate_state(self) -> None:
        state = self._get_request_param("state")
        if not state:
            raise LaunchError("state_mismatch", "no state parameter")
        try:
            self.validate_state()
        except LtiException as exc:
            # The login happened (we kept its parameters) but the browser did not send the state
            # cookie back: it blocks the tool's cookies in the LMS frame.
            if self._cookie_service.get_cookie(state) is None and self.login_params():
                raise LaunchError("cookies_blocked", "state cookie missing") from exc
            raise LaunchError("state_mismatch", str(exc)) from exc

    def login_params(self) -> dict[str, str]:
        """The parameters of the OIDC login this launch answers, if we still have them."""
        state = self._get_request_param("state")
        saved = self._session_service.get_state_params(state) if state else None
        return dict(saved.get("login", {})) if saved else {}

    def _validate_registration(self) -> None:
        body = self._jwt["body"]
        iss = body.get("iss")
        if not iss or not isinstance(iss, str):
            raise LaunchError("invalid_message", "no iss claim")
        aud = body.get("aud")
        audiences = [aud] if isinstance(aud, str) else list(aud or [])
        azp = body.get("azp")
        if not audiences:
            raise LaunchError("wrong_audience", "no aud claim")
        if len(audiences) > 1 and not azp:
            raise LaunchError("wrong_audience", "several audiences and no azp")
        if azp and azp not in audiences:
            raise LaunchError("wrong_audience", "azp is not one of the audiences")
        client_id = azp or audiences[0]
        platforms = self._db.scalars(select(Platform).where(Platform.issuer == iss)).all()
        if not platforms:
            raise LaunchError("unknown_platform", f"issuer {iss!r}")
        platform = next((p for p in platforms if p.client_id == client_id), None)
        if platform is None:
            raise LaunchError("wrong_audience", f"client id {client_id!r} is not registered")
        self.platform = platform
        self._registration = self._tool_config.registration_for(platform)

    def _validate_signature(self) -> None:
        header = self._jwt.get("header", {})
        if header.get("alg") != ALGORITHM:
            raise LaunchError("unsupported_algorithm", f"alg {header.get('alg')!r}")
        kid = header.get("kid")
        if not kid:
            raise LaunchError("unknown_key", "no kid in the token header")
        public_pem = self._platform_key(kid)
        try:
            jwt.decode(
                self._get_id_token(),
                public_pem,
                algorithms=[ALGORITHM],
                audience=self.platform.client_id,
                issuer=self.platform.issuer,
                leeway=CLOCK_LEEWAY_SECONDS,
                options={"require": ["exp", "iat"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise LaunchError("expired_token", str(exc)) from exc
        except jwt.ImmatureSignatureError as exc:
            raise LaunchError("expired_token", f"not valid yet: {exc}") from exc
        except jwt.MissingRequiredClaimError as exc:
            raise LaunchError("invalid_message", str(exc)) from exc
        except jwt.InvalidAudienceError as exc:
            raise LaunchError("wrong_audience", str(exc)) from exc
        except jwt.InvalidTokenError as exc:
            raise LaunchError("bad_signature", str(exc)) from exc

    def _platform_key(self, kid: str) -> bytes:
        """The platform's public key for `kid`: inline key set, cache, or a fresh fetch."""
        if self.platform.key_set:
            key = _find_key(self.platform.key_set, kid)
            if key is None:
                raise LaunchError("unknown_key", f"kid {kid!r}")
            return key
        url = self.platform.key_set_url or ""
        if not url.startswith(("https://", "http://")):
            raise LaunchError("platform_keys_unavailable", "no key set URL registered")
        cache_key = "platform-jwks-" + hashlib.sha256(url.encode()).hexdigest()
        cached = self._store.get_value(cache_key)
        if cached and (key := _find_key(cached, kid)):
            return key
        # Unknown kid: the platform may have rotated its keys since we cached them.
        fresh = self._fetch_key_set(url)
        self._store.set_value(cache_key, fresh, PLATFORM_KEYS_CACHE_SECONDS)
        key = _find_key(fresh, kid)
        if key is None:
            raise LaunchError("unknown_key", f"kid {kid!r} not in {url}")
        return key

    def _fetch_key_set(self, url: str) -> dict[str, Any]:
        try:
            resp = self._requests_session.get(url, timeout=5)
            resp.raise_for_status()
            key_set = resp.json()
        except (requests.RequestException, ValueError) as exc:
            raise LaunchError("platform_keys_unavailable", f"{url}: {exc}") from exc
        if not isinstance(key_set, dict) or not isinstance(key_set.get("keys"), list):
            raise LaunchError("platform_keys_unavailable", f"{url} is not a JWKS")
        return key_set

    def _validate_nonce(self) -> None:
        nonce = self._jwt["body"].get("nonce")
        if not nonce:
            raise LaunchError("missing_nonce")
        if not self._session_service.check_nonce(nonce):
            raise LaunchError("nonce_reused", "nonce unknown, expired or already used")


def _find_key(key_set: dict[str, Any], kid: str) -> bytes | None:
    for key in key_set.get("keys", []):
        if key.get("kid") == kid and key.get("alg", ALGORITHM) == ALGORITHM:
            try:
                return JWK(**key).export_to_pem()
            except (ValueError, TypeError) as exc:
                raise LaunchError("unknown_key", f"kid {kid!r} is not a usable RSA key") from exc
    return None
