"""A school's own documents: imported drafts, published versions, confirmed key contacts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-20
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "policy_documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"),
                  nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("declaration", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("organisation_id", "kind", name="uq_policy_doc_kind"),
    )
    op.create_index("ix_policy_documents_organisation_id", "policy_documents",
                    ["organisation_id"])
    op.create_table(
        "policy_drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"),
                  nullable=False),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("policy_documents.id"),
                  nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("source_filename", sa.String(255), nullable=False),
        sa.Column("source_format", sa.String(10), nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_policy_drafts_organisation_id", "policy_drafts", ["organisation_id"])
    op.create_table(
        "policy_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"),
                  nullable=False),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("policy_documents.id"),
                  nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("pages", sa.JSON(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("draft_id", sa.Integer(), sa.ForeignKey("policy_drafts.id"), nullable=True),
        sa.Column("published_by_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("document_id", "number", name="uq_policy_version"),
    )
    op.create_index("ix_policy_versions_organisation_id", "policy_versions",
                    ["organisation_id"])
    op.create_table(
        "school_contacts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"),
                  nullable=False),
        sa.Column("role", sa.String(200), nullable=False),
        sa.Column("role_key", sa.String(40), nullable=True),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("phone", sa.String(40), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_school_contacts_organisation_id", "school_contacts",
                    ["organisation_id"])


def downgrade() -> None:
    for table in ("school_contacts", "policy_versions", "policy_drafts", "policy_documents"):
        op.drop_index(f"ix_{table}_organisation_id", table_name=table)
        op.drop_table(table)
