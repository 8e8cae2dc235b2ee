"""Grade passback outbox, and the LMS line item used for each module.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-20
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grade_jobs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"),
                  nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("platform_id", sa.Integer(), sa.ForeignKey("platforms.id"), nullable=False),
        sa.Column("attempt_id", sa.Integer(), sa.ForeignKey("quiz_attempts.id"),
                  nullable=False, unique=True),
        sa.Column("module_key", sa.String(200), nullable=False),
        sa.Column("module_title", sa.String(300), nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("ags", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("score_sent", sa.Double(), nullable=True),
    )
    op.create_index("ix_grade_jobs_organisation_id", "grade_jobs", ["organisation_id"])
    op.create_index("ix_grade_jobs_due", "grade_jobs", ["status", "next_attempt_at"])
    op.create_table(
        "grade_lineitems",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("platform_id", sa.Integer(), sa.ForeignKey("platforms.id"), nullable=False),
        sa.Column("lineitems_url", sa.String(500), nullable=False),
        sa.Column("module_key", sa.String(200), nullable=False),
        sa.Column("lineitem_url", sa.String(500), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("platform_id", "lineitems_url", "module_key",
                            name="uq_grade_lineitem"),
    )


def downgrade() -> None:
    op.drop_table("grade_lineitems")
    op.drop_index("ix_grade_jobs_due", table_name="grade_jobs")
    op.drop_index("ix_grade_jobs_organisation_id", table_name="grade_jobs")
    op.drop_table("grade_jobs")
