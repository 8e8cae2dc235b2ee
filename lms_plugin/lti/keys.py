"""The tool's own RSA key pair: created on first use, rotated by an operator command."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms_plugin.models import ToolKey, utcnow


def generate_rsa_pem() -> str:
    """A fresh 2048-bit RSA private key in PEM (PKCS#8)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_jwk(private_pem: str) -> dict[str, Any]:
    """The public JWK of a private key, with the RFC 7638 thumbprint as `kid` (as pylti1.3 does)."""
    jwk = JWK.from_pem(private_pem.encode())
    public = json.loads(jwk.export_public())
    public["kid"] = jwk.thumbprint()
    public["alg"] = "RS256"
    public["use"] = "sig"
    return public


def public_pem(jwk: dict[str, Any]) -> str:
    """A public JWK as PEM (cheap, unlike loading the private key: ~30 ms for RSA checks)."""
    return JWK(**jwk).export_to_pem().decode()


def _new_key(db: Session) -> ToolKey:
    pem = generate_rsa_pem()
    jwk = public_jwk(pem)
    key = ToolKey(kid=jwk["kid"], private_key_pem=pem, public_jwk=jwk)
    db.add(key)
    db.flush()
    return key


def signing_key(db: Session) -> ToolKey:
    """The key the tool signs with now; generated and stored on first use."""
    key = db.scalars(
        select(ToolKey).where(ToolKey.retired_at.is_(None)).order_by(ToolKey.id.desc()).limit(1)
    ).first()
    if key is None:
        key = _new_key(db)
        db.commit()
    return key


def published_keys(db: Session) -> list[dict[str, Any]]:
    """Public JWKs of every key not yet retired, newest first."""
    signing_key(db)
    keys = db.scalars(
        select(ToolKey).where(ToolKey.retired_at.is_(None)).order_by(ToolKey.id.desc())
    )
    return [k.public_jwk for k in keys]


def rotate(db: Session) -> ToolKey:
    """Make a new signing key; older keys stay published until retired."""
    key = _new_key(db)
    db.commit()
    return key


def retire_old_keys(db: Session, now: datetime | None = None) -> list[str]:
    """Stop publishing every key except the current signing key; returns the retired kids."""
    current = signing_key(db)
    old = db.scalars(
        select(ToolKey).where(ToolKey.retired_at.is_(None), ToolKey.id != current.id)
    ).all()
    for key in old:
        key.retired_at = now or utcnow()
    db.commit()
    return [k.kid for k in old]
