"""A fake LMS gradebook (LTI AGS) on a real loopback port: token endpoint, line items, scores.

It checks the tool's client assertion against the tool's published JWKS and records every
score it accepts, so tests can prove each one arrived exactly once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import jwt
from flask import Flask, abort, jsonify, request
from jwcrypto.jwk import JWK

from tests.http_server import serve


class FakeGradebook:
    def __init__(self, tool_jwks: Callable[[], dict[str, Any]]) -> None:
        self.tool_jwks = tool_jwks
        self.scores: list[dict[str, Any]] = []
        self.score_urls: list[str] = []
        self.lineitems: list[dict[str, Any]] = []
        self.tokens: set[str] = set()
        self._lock = threading.Lock()
        self.base = ""
        self.reject_tokens = False  # the LMS refuses the tool's client assertion
        self.delay = 0.0  # seconds before answering a score: a slow LMS

    def app(self) -> Flask:
        app = Flask("fake-lms")

        def bearer() -> None:
            token = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if token not in self.tokens:
                abort(401)

        @app.post("/token")
        def token():
            if self.reject_tokens:
                return jsonify({"error": "invalid_client"}), 401
            assertion = request.form.get("client_assertion", "")
            kid = jwt.get_unverified_header(assertion).get("kid")
            key = next(k for k in self.tool_jwks()["keys"] if k["kid"] == kid)
            jwt.decode(assertion, JWK(**key).export_to_pem(), algorithms=["RS256"],
                       audience=self.base + "/token")
            access = f"token-{len(self.tokens) + 1}"
            self.tokens.add(access)
            return jsonify({"access_token": access, "token_type": "bearer", "expires_in": 3600,
                            "scope": request.form.get("scope", "")})

        @app.get("/lineitems")
        def list_lineitems():
            bearer()
            return jsonify(self.lineitems)

        @app.post("/lineitems")
        def create_lineitem():
            bearer()
            with self._lock:
                item = {**request.get_json(force=True),
                        "id": f"{self.base}/lineitems/{len(self.lineitems) + 1}/lineitem"}
                self.lineitems.append(item)
            return jsonify(item)

        @app.post("/lineitems/<int:number>/lineitem/scores")
        def score(number: int):
            bearer()
            time.sleep(self.delay)
            with self._lock:
                self.scores.append({**request.get_json(force=True), "lineitem": number})
                self.score_urls.append(request.full_path)
            return "", 204

        return app

    @contextmanager
    def running(self, port: int) -> Iterator[str]:
        with serve(self.app(), port=port) as base:
            self.base = base
            yield base
