"""Evidence chain (acknowledgements, reading progress) and who-reads-what flags on people.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-20
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PG_GUARD = """
CREATE FUNCTION evidence_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'evidence rows are append-only: write a new row instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER evidence_append_only BEFORE UPDATE OR DELETE ON evidence
    FOR EACH ROW EXECUTE FUNCTION evidence_append_only();
"""
SQLITE_GUARDS = [
    """CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence
       BEGIN SELECT RAISE(ABORT, 'evidence rows are append-only: write a new row instead'); END""",
    """CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence
       BEGIN SELECT RAISE(ABORT, 'evidence rows are append-only: write a new row instead'); END""",
]


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(
            sa.Column("works_with_children", sa.Boolean(), nullable=False,
                      server_default=sa.true())
        )
        batch.add_column(
            sa.Column("safeguarding_roles", sa.JSON(), nullable=False, server_default="[]")
        )
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"),
                  nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("subject_version", sa.String(64), nullable=False),
        sa.Column("item", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("text_digests", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("row_hash", sa.String(64), nullable=False),
        sa.Column("hmac", sa.String(64), nullable=False),
        sa.UniqueConstraint("organisation_id", "seq", name="uq_evidence_org_seq"),
    )
    op.create_index("ix_evidence_person_subject", "evidence", ["person_id", "kind", "subject"])
    op.create_table(
        "evidence_text",
        sa.Column("evidence_id", sa.Integer(), sa.ForeignKey("evidence.id"), primary_key=True),
        sa.Column("field", sa.String(40), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("salt", sa.String(32), nullable=False),
    )
    op.create_table(
        "evidence_heads",
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"),
                  primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("row_hash", sa.String(64), nullable=False),
        sa.Column("hmac", sa.String(64), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_GUARD)
    else:
        for statement in SQLITE_GUARDS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER evidence_append_only ON evidence")
        op.execute("DROP FUNCTION evidence_append_only()")
    else:
        op.execute("DROP TRIGGER evidence_no_update")
        op.execute("DROP TRIGGER evidence_no_delete")
    op.drop_table("evidence_heads")
    op.drop_table("evidence_text")
    op.drop_index("ix_evidence_person_subject", table_name="evidence")
    op.drop_table("evidence")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("safeguarding_roles")
        batch.drop_column("works_with_children")
