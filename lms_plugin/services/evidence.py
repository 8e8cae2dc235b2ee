"""The tamper-evident evidence chain: append-only rows, hash-linked per organisation, HMAC-signed.

Each row's hash covers its identifiers, its facts and salted digests of any personal free text;
the free text itself sits in `evidence_text`, so it can be erased without breaking the chain.
`verify` recomputes every hash and HMAC and names each altered, deleted or reordered row.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from lms_plugin.models import EvidenceHead, EvidenceRecord, EvidenceText, utcnow

GENESIS = "0" * 64
FORMAT_VERSION = 1
_ATTEMPTS = 8


@dataclass
class NewEvidence:
    """What a caller wants recorded; the chain fields are filled in by `append`."""

    kind: str
    person_id: int | None
    subject: str = ""
    subject_version: str = ""
    item: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    recorded_by_id: int | None = None


def text_digest(salt: str, value: str) -> str:
    return hashlib.sha256((salt + "\x00" + value).encode()).hexdigest()


def _canonical(
    organisation_id: int,
    seq: int,
    kind: str,
    person_id: int | None,
    recorded_by_id: int | None,
    subject: str,
    subject_version: str,
    item: int | None,
    data: dict[str, Any],
    text_digests: dict[str, Any],
    created_at: datetime,
    prev_hash: str,
) -> bytes:
    document = {
        "v": FORMAT_VERSION,
        "org": organisation_id,
        "seq": seq,
        "kind": kind,
        "person": person_id,
        "recorded_by": recorded_by_id,
        "subject": subject,
        "subject_version": subject_version,
        "item": item,
        "data": data,
        "texts": text_digests,
        "at": created_at.isoformat(timespec="microseconds"),
        "prev": prev_hash,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _row_hash_of(row: EvidenceRecord | Row[Any]) -> str:
    return hashlib.sha256(
        _canonical(
            row.organisation_id, row.seq, row.kind, row.person_id, row.recorded_by_id,
            row.subject, row.subject_version, row.item, row.data, row.text_digests,
            row.created_at, row.prev_hash,
        )
    ).hexdigest()


def _mac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _head_mac(key: bytes, organisation_id: int, seq: int, row_hash: str) -> str:
    return _mac(key, f"head:{organisation_id}:{seq}:{row_hash}")


def seal(key: bytes, record: EvidenceRecord) -> None:
    """Set a row's hash (over its content and `prev_hash`) and its HMAC."""
    record.row_hash = _row_hash_of(record)
    record.hmac = _mac(key, record.row_hash)


def seal_head(key: bytes, head: EvidenceHead, seq: int, row_hash: str) -> None:
    """Point an organisation's chain head at its last row, signed."""
    head.seq, head.row_hash = seq, row_hash
    head.hmac = _head_mac(key, head.organisation_id, seq, row_hash)


def _locked_head(db: Session, organisation_id: int) -> EvidenceHead | None:
    """The organisation's chain head, locked against other appenders until commit."""
    if db.get_bind().dialect.name == "sqlite":
        # SQLite ignores FOR UPDATE. A no-op write takes its single writer lock first, so a
        # second appender waits on the busy timeout instead of reading a head about to go stale.
        db.execute(
            update(EvidenceHead)
            .where(EvidenceHead.organisation_id == organisation_id)
            .values(seq=EvidenceHead.seq)
            .execution_options(synchronize_session=False)
        )
    return db.scalars(
        select(EvidenceHead)
        .where(EvidenceHead.organisation_id == organisation_id)
        .with_for_update()
        # Sessions keep objects across commits: read the head as it is now, not as last seen.
        .execution_options(populate_existing=True)
    ).first()


def append(
    db: Session,
    key: bytes,
    organisation_id: int,
    new: NewEvidence,
    existing: Callable[[Session], EvidenceRecord | None] | None = None,
    on_row: Callable[[Session, EvidenceRecord], None] | None = None,
) -> EvidenceRecord:
    """Append a row to the organisation's chain and commit; returns it.

    `existing`, run inside the same locked transaction, may return a row that already records
    the same thing (a double submit): then nothing is written and that row is returned.
    `on_row` makes other changes that must commit together with the row, or not at all.
    Concurrent appends to one organisation are serialised; losers of a race retry.
    """
    for attempt in range(_ATTEMPTS):
        try:
            head = _locked_head(db, organisation_id)
            if existing is not None and (found := existing(db)) is not None:
                db.rollback()
                return found
            seq = head.seq + 1 if head else 1
            prev_hash = head.row_hash if head else GENESIS
            salts = {name: secrets.token_hex(16) for name in new.texts}
            record = EvidenceRecord(
                organisation_id=organisation_id,
                seq=seq,
                kind=new.kind,
                person_id=new.person_id,
                recorded_by_id=new.recorded_by_id,
                subject=new.subject,
                subject_version=new.subject_version,
                item=new.item,
                data=new.data,
                text_digests={n: text_digest(salts[n], v) for n, v in new.texts.items()},
                created_at=utcnow(),
                prev_hash=prev_hash,
            )
            seal(key, record)
            db.add(record)
            db.flush()
            for name, value in new.texts.items():
                db.add(EvidenceText(evidence_id=record.id, field=name, value=value,
                                    salt=salts[name]))
            if head is None:
                head = EvidenceHead(organisation_id=organisation_id)
                db.add(head)
            seal_head(key, head, seq, record.row_hash)
            if on_row is not None:
                on_row(db, record)
            db.commit()
            return record
        except (IntegrityError, OperationalError):
            db.rollback()
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class ChainProblem:
    organisation_id: int
    seq: int | None
    evidence_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"row {self.evidence_id} (seq {self.seq})" if self.evidence_id else "chain end"
        return f"organisation {self.organisation_id}, {where}: {self.problem}"


@dataclass
class ChainReport:
    organisation_id: int
    rows: int = 0
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _texts_by_row(db: Session, organisation_id: int) -> dict[int, list[Row[Any]]]:
    rows = db.execute(
        select(EvidenceText.evidence_id, EvidenceText.field, EvidenceText.value,
               EvidenceText.salt)
        .join(EvidenceRecord, EvidenceRecord.id == EvidenceText.evidence_id)
        .where(EvidenceRecord.organisation_id == organisation_id)
    )
    grouped: dict[int, list[Row[Any]]] = {}
    for row in rows:
        grouped.setdefault(row.evidence_id, []).append(row)
    return grouped


def _rows(db: Session, organisation_id: int) -> Iterator[Row[Any]]:
    table = EvidenceRecord.__table__
    yield from db.execute(
        select(table).where(table.c.organisation_id == organisation_id).order_by(table.c.seq),
        execution_options={"yield_per": 2000},
    )


def verify_organisation(db: Session, key: bytes, organisation_id: int) -> ChainReport:
    """Check one organisation's chain end to end, in one pass (linear in rows)."""
    report = ChainReport(organisation_id)
    texts = _texts_by_row(db, organisation_id)
    expected_seq, expected_prev = 1, GENESIS
    last_seq, last_hash = 0, GENESIS

    def problem(row: Row[Any] | None, message: str) -> None:
        report.problems.append(ChainProblem(
            organisation_id, row.seq if row else None, row.id if row else None, message
        ))

    for row in _rows(db, organisation_id):
        report.rows += 1
        if row.seq != expected_seq:
            if row.seq > expected_seq:
                problem(row, f"rows {expected_seq}..{row.seq - 1} before it are missing "
                             "(deleted)")
            else:
                problem(row, "out of order (sequence number reused or moved)")
        if _row_hash_of(row) != row.row_hash:
            problem(row, "content altered (its hash no longer matches)")
        elif not hmac.compare_digest(_mac(key, row.row_hash), row.hmac):
            problem(row, "signature invalid (rewritten without the server key)")
        if row.prev_hash != expected_prev:
            problem(row, "does not follow the previous row (a row was deleted, inserted or "
                         "reordered)")
        for text in texts.get(row.id, []):
            if row.text_digests.get(text.field) != text_digest(text.salt, text.value):
                problem(row, f"recorded {text.field.replace('_', ' ')} altered")
        expected_seq, expected_prev = row.seq + 1, row.row_hash
        last_seq, last_hash = row.seq, row.row_hash

    head = db.get(EvidenceHead, organisation_id)
    if head is None:
        if report.rows:
            problem(None, "chain head record is missing")
    elif not hmac.compare_digest(_head_mac(key, organisation_id, head.seq, head.row_hash),
                                 head.hmac):
        problem(None, "chain head signature invalid")
    elif (head.seq, head.row_hash) != (last_seq, last_hash):
        problem(None, f"the chain should end at row {head.seq}, but ends at {last_seq} "
                      "(rows at the end deleted or altered)")
    return report


def organisations_with_evidence(db: Session) -> list[int]:
    ids = set(db.scalars(select(EvidenceHead.organisation_id)))
    ids |= set(db.scalars(select(EvidenceRecord.organisation_id).distinct()))
    return sorted(ids)
