"""Full LTI launches per second (login, signed id_token, validation, sign-in) on SQLite."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main(count: int = 300) -> None:
    from lms_plugin import create_app
    from tests.lti_platform import TestPlatform

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        subprocess.run(
            [sys.executable, "-m", "alembic", "upgrade", "head"],
            cwd=REPO, env={**os.environ, "DATABASE_URL": url}, check=True,
        )
        app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": tmp,
                          "BASE_URL": "https://tool.example", "SECRET_KEY": "bench"})
        platform = TestPlatform()
        platform.register(app)
        client = app.test_client()
        platform.launch(client)  # warm up: key generation, caches
        start = time.perf_counter()
        for i in range(count):
            resp = platform.launch(client, sub=f"user-{i % 50}")
            assert resp.status_code == 302, resp.text
        elapsed = time.perf_counter() - start
        print(f"launches: {count} in {elapsed:.2f} s = {count / elapsed:.0f} launches/s "
              f"(SQLite, one process)")


if __name__ == "__main__":
    main()
