"""The schema: SQLAlchemy 2.0 typed models. Every schema change also gets an Alembic migration."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always hands back an aware UTC datetime (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store UTC-aware datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON}


class Organisation(Base):
    """A school or setting: the unit every query is scoped to."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    deployments: Mapped[list[Deployment]] = relationship(back_populates="organisation")


class Platform(Base):
    """An LMS registration (Moodle site, Canvas developer key): one issuer and client id."""

    __tablename__ = "platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id", name="uq_platform_issuer_client"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(255))
    client_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(200), default="")
    auth_login_url: Mapped[str] = mapped_column(String(500))
    auth_token_url: Mapped[str] = mapped_column(String(500))
    auth_audience: Mapped[str | None] = mapped_column(String(500))
    key_set_url: Mapped[str | None] = mapped_column(String(500))
    # A platform may give its keys inline instead of a URL (the demo platform does).
    key_set: Mapped[dict[str, Any] | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    deployments: Mapped[list[Deployment]] = relationship(back_populates="platform")


class Deployment(Base):
    """An LTI deployment of the tool on a platform, tied to the organisation it serves."""

    __tablename__ = "deployments"
    __table_args__ = (
        UniqueConstraint("platform_id", "deployment_id", name="uq_deployment_platform_dep"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    platform: Mapped[Platform] = relationship(back_populates="deployments")
    organisation: Mapped[Organisation] = relationship(back_populates="deployments")


class Person(UserMixin, Base):
    """Someone who launched the tool: one per (organisation, platform, LTI subject).

    Keying on the organisation too keeps a trust's schools apart when one LMS serves several.
    """

    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("organisation_id", "platform_id", "subject", name="uq_person_identity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"))
    subject: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(200), default="")
    given_name: Mapped[str | None] = mapped_column(String(100))
    family_name: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    lti_roles: Mapped[list[str]] = mapped_column(default=list)
    tool_role: Mapped[str] = mapped_column(String(20), default="staff")
    # Set by a coordinator: LMS roles do not say who works with children or who is the DSL.
    works_with_children: Mapped[bool] = mapped_column(Boolean, default=True)
    safeguarding_roles: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_launch_at: Mapped[datetime | None]  # None until their first launch

    organisation: Mapped[Organisation] = relationship()

    @property
    def is_coordinator(self) -> bool:
        return self.tool_role == "coordinator"

    @property
    def display_name(self) -> str:
        return self.name or " ".join(p for p in (self.given_name, self.family_name) if p) or (
            "Colleague"
        )


class ToolKey(Base):
    """The tool's RSA signing keys. The newest unretired key signs; all unretired are published."""

    __tablename__ = "tool_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(100), unique=True)
    private_key_pem: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column()


class LtiStateEntry(Base):
    """Short-lived LTI launch state shared by every worker: nonces, state params, launch data."""

    __tablename__ = "lti_state"
    __table_args__ = (Index("ix_lti_state_expires_at", "expires_at"),)

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column()


class EvidenceRecord(Base):
    """One append-only piece of evidence, chained to the previous record of its organisation.

    `row_hash` covers every column below except the personal free text, which lives in
    `EvidenceText` as salted digests so it can be erased without breaking the chain.
    Nothing updates or deletes these rows: corrections and withdrawals are new rows.
    """

    __tablename__ = "evidence"
    __table_args__ = (
        UniqueConstraint("organisation_id", "seq", name="uq_evidence_org_seq"),
        Index("ix_evidence_person_subject", "person_id", "kind", "subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    subject: Mapped[str] = mapped_column(String(200), default="")
    subject_version: Mapped[str] = mapped_column(String(64), default="")
    item: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    text_digests: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))
    hmac: Mapped[str] = mapped_column(String(64))

    texts: Mapped[list[EvidenceText]] = relationship(lazy="selectin", viewonly=True)
    recorded_by: Mapped[Person | None] = relationship(foreign_keys=[recorded_by_id])

    def text(self, field: str) -> str | None:
        """Personal free text recorded with this row, unless erased."""
        return next((t.value for t in self.texts if t.field == field), None)


class EvidenceText(Base):
    """Erasable personal free text of an evidence row (typed name, notes), with its salt."""

    __tablename__ = "evidence_text"

    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), primary_key=True)
    field: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    salt: Mapped[str] = mapped_column(String(32))


class EvidenceHead(Base):
    """The last row of each organisation's chain, so a deleted tail is detected too."""

    __tablename__ = "evidence_heads"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    row_hash: Mapped[str] = mapped_column(String(64))
    hmac: Mapped[str] = mapped_column(String(64))


class QuizAttempt(Base):
    """One try at a module's quiz. Its seed rebuilds the paper; the marked answers are evidence."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (Index("ix_quiz_attempts_person_module", "person_id", "module_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    module_key: Mapped[str] = mapped_column(String(200))
    bank_sha256: Mapped[str] = mapped_column(String(64))
    seed: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    score: Mapped[float | None] = mapped_column()
    passed: Mapped[bool | None] = mapped_column(Boolean)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"))
    launch: Mapped[dict[str, Any]] = mapped_column(default=dict)


class GradeJob(Base):
    """A score waiting to reach the LMS gradebook: the durable outbox for grade passback.

    Written in the same transaction as the quiz attempt it reports, so no score is lost when
    the LMS is down; `lti sync-grades` retries with backoff until the LMS accepts it.
    """

    __tablename__ = "grade_jobs"
    __table_args__ = (Index("ix_grade_jobs_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"))
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id"), unique=True)
    module_key: Mapped[str] = mapped_column(String(200))
    module_title: Mapped[str] = mapped_column(String(300))
    user_id: Mapped[str] = mapped_column(String(255))  # the LTI subject
    ags: Mapped[dict[str, Any]] = mapped_column()  # the launch's AGS endpoint claim
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | sent
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    score_sent: Mapped[float | None] = mapped_column()


class GradeLineItem(Base):
    """The LMS line item that holds one module's scores in one course gradebook.

    One row per (platform, line items URL, module): the unique key makes sure two workers
    never both create a column for the same module in the same gradebook.
    """

    __tablename__ = "grade_lineitems"
    __table_args__ = (
        UniqueConstraint("platform_id", "lineitems_url", "module_key", name="uq_grade_lineitem"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"))
    lineitems_url: Mapped[str] = mapped_column(String(500))
    module_key: Mapped[str] = mapped_column(String(200))
    lineitem_url: Mapped[str | None] = mapped_column(String(500))
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)


class PolicyDocument(Base):
    """One of a school's own documents staff must sign (safeguarding policy, code of conduct...).

    Its published versions become a reading module; `declaration` overrides the default wording.
    """

    __tablename__ = "policy_documents"
    __table_args__ = (UniqueConstraint("organisation_id", "kind", name="uq_policy_doc_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    declaration: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PolicyDraft(Base):
    """An imported document under review: proposed sections, flags and contacts as JSON.

    Drafts are working copies; only a published `PolicyVersion` is ever shown to staff.
    """

    __tablename__ = "policy_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("policy_documents.id"))
    title: Mapped[str] = mapped_column(String(300))
    source_filename: Mapped[str] = mapped_column(String(255))
    source_format: Mapped[str] = mapped_column(String(10))
    source_sha256: Mapped[str] = mapped_column(String(64))
    review_date: Mapped[date | None] = mapped_column()
    # {"sections": [...], "flags": [...], "contacts": [...]}, each item with its review state
    content: Mapped[dict[str, Any]] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft|published|discarded
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[PolicyDocument] = relationship()


class PolicyVersion(Base):
    """A published version: the exact pages staff read, fingerprinted; never changed afterwards.

    Publishing also appends a row to the evidence chain carrying `sha256`, so an altered
    version is detectable against the chain.
    """

    __tablename__ = "policy_versions"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_policy_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("policy_documents.id"))
    number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    effective_date: Mapped[date] = mapped_column()
    review_date: Mapped[date | None] = mapped_column()
    pages: Mapped[list[Any]] = mapped_column(JSON)  # [{"title": ..., "body": ...}] as shown
    sha256: Mapped[str] = mapped_column(String(64))
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("policy_drafts.id"))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[PolicyDocument] = relationship()


class SchoolContact(Base):
    """A key contact the coordinator confirmed: shown to staff as "Who to tell"."""

    __tablename__ = "school_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(200))
    role_key: Mapped[str | None] = mapped_column(String(40))
    names: Mapped[list[str]] = mapped_column(default=list)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)
