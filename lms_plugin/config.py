"""Settings read from environment variables, with defaults that work on a laptop."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app

SETTINGS_VARIABLES = frozenset({
    "DATABASE_URL", "SECRET_KEY", "EVIDENCE_KEY", "BASE_URL", "REDIS_URL", "TOOL_MODE",
    "INSTANCE_PATH", "POLICY_MAX_MB",
})
PRODUCTION = "production"
DEMO = "demo"


class ConfigError(RuntimeError):
    """The environment describes a configuration the tool refuses to run with."""


def _read_or_create_secret(path: Path) -> str:
    # Generated once and kept, so sessions survive restarts without a secret in the repo.
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value


def default_instance_path() -> Path:
    """INSTANCE_PATH, or `instance/` at the repository root: where local state lives."""
    repo_root = Path(__file__).resolve().parent.parent
    return Path(os.environ.get("INSTANCE_PATH") or repo_root / "instance")


def is_loopback_url(url: str) -> bool:
    """True when the URL's host is this machine (localhost or a loopback address)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Settings:
    """Everything the app needs to know about its environment."""

    database_url: str
    secret_key: str
    base_url: str
    evidence_key: bytes
    redis_url: str | None = None
    mode: str = PRODUCTION
    instance_path: Path = field(default_factory=lambda: Path("instance"))
    policy_max_bytes: int = 10 * 1024 * 1024

    @property
    def demo(self) -> bool:
        return self.mode == DEMO

    @property
    def https(self) -> bool:
        return self.base_url.startswith("https://")

    def url(self, path: str) -> str:
        """Absolute public URL for a path of this tool."""
        return self.base_url.rstrip("/") + path

    @classmethod
    def from_env(cls, instance_path: Path, env: dict[str, str] | None = None) -> Settings:
        """Build settings from the environment; refuses demo mode on a public address."""
        env = dict(os.environ if env is None else env)
        instance_path.mkdir(parents=True, exist_ok=True)
        mode = env.get("TOOL_MODE", PRODUCTION).strip().lower() or PRODUCTION
        if mode not in (PRODUCTION, DEMO):
            raise ConfigError(f"TOOL_MODE must be '{PRODUCTION}' or '{DEMO}', not {mode!r}")
        base_url = env.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
        if mode == DEMO and not is_loopback_url(base_url):
            # The demo platform signs launches for anyone who clicks: never on a real address.
            raise ConfigError(
                "TOOL_MODE=demo is only allowed when BASE_URL is on this machine "
                f"(localhost or 127.0.0.1), not {base_url}"
            )
        database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path.resolve()}/tool.db"
        secret_key = env.get("SECRET_KEY") or _read_or_create_secret(instance_path / "secret_key")
        # Separate from SECRET_KEY: rotating session secrets must never invalidate evidence.
        evidence_key = env.get("EVIDENCE_KEY") or _read_or_create_secret(
            instance_path / "evidence_key"
        )
        max_mb = env.get("POLICY_MAX_MB", "10")
        try:
            policy_max_bytes = int(float(max_mb) * 1024 * 1024)
        except ValueError:
            raise ConfigError(f"POLICY_MAX_MB must be a number of megabytes, not {max_mb!r}"
                              ) from None
        return cls(
            database_url=database_url,
            secret_key=secret_key,
            evidence_key=evidence_key.encode(),
            base_url=base_url,
            redis_url=env.get("REDIS_URL") or None,
            mode=mode,
            instance_path=instance_path,
            policy_max_bytes=policy_max_bytes,
        )


def current_settings() -> Settings:
    """The running app's settings (inside an app context)."""
    return current_app.config["SETTINGS"]
