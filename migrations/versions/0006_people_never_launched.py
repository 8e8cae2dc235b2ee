"""People the tool knows before their first launch (demo, later roster sync): no launch time.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.alter_column("last_launch_at", existing_type=sa.DateTime(timezone=True),
                           nullable=True)


def downgrade() -> None:
    op.execute("UPDATE people SET last_launch_at = CURRENT_TIMESTAMP "
               "WHERE last_launch_at IS NULL")
    with op.batch_alter_table("people") as batch:
        batch.alter_column("last_launch_at", existing_type=sa.DateTime(timezone=True),
                           nullable=False)
