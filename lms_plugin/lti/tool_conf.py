"""pylti1.3 tool configuration read from the database instead of a JSON file."""

from __future__ import annotations

from typing import Any

from pylti1p3.deployment import Deployment as LtiDeployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config import ToolConfAbstract
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms_plugin.lti import keys
from lms_plugin.models import Deployment, Platform


def find_platform(db: Session, issuer: str, client_id: str | None) -> Platform | None:
    """The platform for an issuer and client id; without a client id, the issuer's only one."""
    query = select(Platform).where(Platform.issuer == issuer)
    if client_id:
        return db.scalars(query.where(Platform.client_id == client_id)).first()
    candidates = db.scalars(query.limit(2)).all()
    return candidates[0] if len(candidates) == 1 else None


def find_deployment(
    db: Session, issuer: str, client_id: str, deployment_id: str
) -> Deployment | None:
    return db.scalars(
        select(Deployment)
        .join(Platform)
        .where(
            Platform.issuer == issuer,
            Platform.client_id == client_id,
            Deployment.deployment_id == deployment_id,
        )
    ).first()


class DatabaseToolConf(ToolConfAbstract[Any]):
    """Platforms, deployments and the tool's keys, as pylti1.3 asks for them."""

    def __init__(self, db: Session) -> None:
        super().__init__()
        self._db = db

    # Every issuer may have several client ids (several Canvas developer keys, say).
    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def registration_for(self, platform: Platform) -> Registration:
        key = keys.signing_key(self._db)
        reg = Registration()
        reg.set_issuer(platform.issuer)
        reg.set_client_id(platform.client_id)
        reg.set_auth_login_url(platform.auth_login_url)
        reg.set_auth_token_url(platform.auth_token_url)
        if platform.auth_audience:
            reg.set_auth_audience(platform.auth_audience)
        reg.set_key_set_url(platform.key_set_url)
        reg.set_key_set(platform.key_set)
        reg.set_tool_private_key(key.private_key_pem)
        reg.set_tool_public_key(keys.public_pem(key.public_jwk))
        return reg

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        return self.find_registration_by_params(iss, None, *args, **kwargs)  # type: ignore[arg-type]

    def find_registration_by_params(
        self, iss: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> Registration:
        platform = find_platform(self._db, iss, client_id)
        return self.registration_for(platform) if platform else None  # type: ignore[return-value]

    def find_deployment(self, iss: str, deployment_id: str) -> LtiDeployment | None:
        platform = find_platform(self._db, iss, None)
        if platform is None:
            return None
        return self.find_deployment_by_params(iss, deployment_id, platform.client_id)

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> LtiDeployment | None:
        row = find_deployment(self._db, iss, client_id, deployment_id)
        return LtiDeployment().set_deployment_id(row.deployment_id) if row else None

    def get_jwks(self, iss: str | None = None, client_id: str | None = None, **kwargs: Any):
        return {"keys": keys.published_keys(self._db)}
