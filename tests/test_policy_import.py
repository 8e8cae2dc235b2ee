"""The policy importer on three real schools' policies, on Word and PDF versions of them, and
on text it has never seen: sections, contacts, flags, and the files it must refuse."""

from __future__ import annotations

import contextlib
import random
import re
from datetime import date

import markdown
import pytest

from courses.policy_import import ImportedPolicy, ImportRefused, import_policy
from courses.policy_import.phones import normalise_phone
from courses.policy_import.review_date import parse_date, review_date
from courses.policy_import.roles import ROLES, role_key
from tests.policy_files import (
    LEICESTERSHIRE,
    ST_STEPHENS,
    STEPPING_STONES,
    docx_from_lines,
    encrypted_pdf,
    heading_style,
    pdf,
    pdf_without_text,
    seed_lines,
    zip_that_is_not_docx,
)

SAFE_TAGS = {"p", "ul", "ol", "li", "strong", "em", "code", "br", "hr", "a"}


@pytest.fixture(scope="module")
def stepping_stones() -> ImportedPolicy:
    return import_policy(STEPPING_STONES.name, STEPPING_STONES.read_bytes())


@pytest.fixture(scope="module")
def leicestershire() -> ImportedPolicy:
    return import_policy(LEICESTERSHIRE.name, LEICESTERSHIRE.read_bytes())


@pytest.fixture(scope="module")
def st_stephens() -> ImportedPolicy:
    return import_policy(ST_STEPHENS.name, ST_STEPHENS.read_bytes())


def numbers(policy: ImportedPolicy) -> list[str]:
    return [s.number for s in policy.sections]


def section(policy: ImportedPolicy, number: str, nth: int = 0):
    return [s for s in policy.sections if s.number == number][nth]


def flags(policy: ImportedPolicy, kind: str) -> dict[int, str]:
    return {f.line: f.text for f in policy.flags if f.kind == kind}


def contact(policy: ImportedPolicy, key: str):
    found = [c for c in policy.contacts if role_key(c.role) == key]
    assert len(found) == 1, (key, policy.contacts)  # one entry per role
    return found[0]


def surnames(names: list[str]) -> list[str]:
    return [n.split()[-1].split(".")[-1] for n in names]


# --- the three seeds ----------------------------------------------------------------------

def test_stepping_stones(stepping_stones):
    policy = stepping_stones
    assert policy.title == "Stepping Stones Alternative Provision Safeguarding Policy"
    assert policy.source_format == "txt" and re.fullmatch(r"[0-9a-f]{64}", policy.source_sha256)
    first, numbered = policy.sections[0], policy.sections[1:]
    assert (first.number, first.title, first.line) == ("", "Language", 9)
    assert "Early Help refers to mechanisms" in first.body
    assert [(s.number, s.title) for s in numbered] == [(str(n), t) for n, t in enumerate([
        "Rationale", "Outline and Aims", "Purpose", "Equality Statement",
        "Statutory Guidance and Legislation", "Definitions", "Prevention",
        "Roles and Responsibilities", "Confidentiality", "Whistleblowing/Confidential Reporting",
        "Notifying Parents",
        "Allegations of abuse made against other pupils: Peer on Peer abuse, Sexual violence "
        "or Harassment",
        "Attendance", "The Curriculum", "Online Safety"], start=1)]
    assert all("[bookmark" not in s.body for s in policy.sections)
    assert section(policy, "15").body.startswith("At Stepping Stones, we recognise that e-safety")
    assert "**Child on Child Abuse**" in section(policy, "6").body  # a sub-heading stays in
    head = next(c for c in policy.contacts if c.role == "Head of Provision")
    assert head.names == ["Joshua Lee Roscoe"]
    assert policy.review_date == date(2025, 8, 1)
    assert not [f for f in policy.flags if f.kind in ("numbering", "empty_section")]


def test_leicestershire(leicestershire):
    policy = leicestershire
    assert numbers(policy) == [str(n) for n in range(1, 52)] + [
        "Appendix 1", "Appendix 2", "Appendix 3"]
    first = section(policy, "1")
    assert first.title == "The Purpose and Aims of our Child Protection and Safeguarding Policy"
    assert "1\\. Our policy and procedures aim" in first.body  # a list item, not a section
    assert "3\\. Our policy and procedures are designed to ensure" in first.body
    assert section(policy, "Appendix 1").title == "AP Child Protection & Safeguarding Flow Chart"
    assert "If the child is at immediate risk dial 101" in section(policy, "Appendix 1").body

    untitled = flags(policy, "untitled")
    assert set(untitled) == {108, 114, 120, 129}
    assert section(policy, "16").title == "Provide a safe environment for our learners"
    assert section(policy, "14").title.startswith("Ensure that every member of staff")
    empty = flags(policy, "empty_section")
    assert {250, 253, 256, 259, 391, 394, 397} <= set(empty)  # 33-36 and 49-51
    assert {19, 22} <= set(empty)  # "Date of Last review" / "Date of next review"
    instructions = flags(policy, "instruction")
    assert "Explain how you ensure" in instructions[105]
    assert {3, 4, 26, 79, 106, 383, 386} <= set(instructions)
    assert set(flags(policy, "unsafe_advice")) == {435}
    assert "immediate risk dial 101" in flags(policy, "unsafe_advice")[435]
    assert {180, 251, 254, 257, 260} <= set(flags(policy, "empty_bullet"))

    davis = next(c for c in policy.contacts if "Charlotte Davis" in c.names)
    assert davis.phone == "0116 305 6314"
    assert davis.email.lower() == "charlotte.davis@leics.gov.uk"
    lado = contact(policy, "lado")
    assert lado.email == "CFS-LADO@leics.gov.uk" and lado.phone == "0116 305 4141"
    assert contact(policy, "social_care").phone == "0116 305 0005"
    assert contact(policy, "nspcc_whistleblowing").phone == "0800 028 0285"
    assert contact(policy, "police").phone == "101"
    keys = {role_key(c.role) for c in policy.contacts}
    assert "dsl" not in keys and "deputy_dsl" not in keys  # their rows are empty...
    placeholders = flags(policy, "placeholder")
    assert "has no name" in placeholders[39] and "has no name" in placeholders[43]  # ...flagged
    assert policy.review_date is None


def test_st_stephens_sections(st_stephens):
    policy = st_stephens
    assert policy.title == "St. Stephen's Junior School Child Protection Policy"
    titles = [(s.number, s.title) for s in policy.sections]
    assert titles[:6] == [
        ("", "Key Contacts"),
        ("", "What to do if you have a welfare concern in Name of School"),
        ("1", "Child Focused Approach to Safeguarding"), ("1.1", "Introduction"),
        ("1.2", "Policy Context"), ("1.3", "Definition of Safeguarding")]
    assert [t for n, t in titles if n == "3.4"] == ["Transferring Child Protection Files",
                                                    "Multi-Agency Working"]
    assert ("5.3", "Children missing or absent from education") in titles
    assert "6\\. Children being absent from education" in section(policy, "5.3").body
    assert "5.4" in numbers(policy) and "6" not in numbers(policy)[:numbers(policy).index("5.4")]
    assert ("6", "Online Safety") in titles
    assert ("6.3.2", "Decision making and reviewing our filtering and monitoring provision") \
        in titles
    assert ("10", "Physical Safety") in titles
    assert [n for n in numbers(policy) if n.startswith("10")] == ["10", "10.1", "10.2", "10.3"]
    assert titles[-3:] == [("11", "Local Support"), ("Appendix 1", "Categories of Abuse"),
                           ("Appendix 2", "Support Organisations")]
    # The contents list (lines 30-109) is neither a section nor part of one.
    assert not [s for s in policy.sections if 30 <= s.line <= 109]
    assert all("Policy compliance, monitoring and review\t8" not in s.body and
               "Children who are absent from education....." not in s.body
               for s in policy.sections)
    key_contacts = policy.sections[0].body
    assert "- Designated Safeguarding Leads (DSLs) — Mrs L Cutts Mrs S Heaney" in key_contacts
    assert "Appendix 2: Support Organisations and Resources" not in key_contacts
    assert section(policy, "1").level == 1 and section(policy, "1.1").level == 2
    assert section(policy, "6.3.1").level == 3
    assert policy.review_date == date(2025, 9, 1)


def test_st_stephens_flags(st_stephens):
    policy = st_stephens
    assert all(not 30 <= f.line <= 109 for f in policy.flags)  # never on the contents list
    assert "Name of School" in flags(policy, "placeholder")[111]
    numbering = flags(policy, "numbering")
    assert "3.4" in numbering[455] and "6.1" in numbering[828] and "6.2.3" in numbering[917]
    missing = flags(policy, "missing_appendix")
    assert "appendix 5" in missing[890] and "appendix 4" in missing[892]
    assert set(missing) == {890, 892}
    assert "line 659" in flags(policy, "duplicate")[694]
    contradiction = [f for f in policy.flags if f.kind == "contradiction"]
    assert len(contradiction) == 1
    text = contradiction[0].text
    assert "Anderton" in text and "Anderdon" in text and "26" in text and "959" in text
    assert "amend as appropriate" in flags(policy, "instruction")[959].lower()
    assert {433, 857, 1071} <= set(flags(policy, "empty_bullet"))
    # One flag per line per kind, however many placeholders the line holds.
    assert len({(f.kind, f.line) for f in policy.flags}) == len(policy.flags)
    assert "[school/college]" in flags(policy, "placeholder")[135]


def test_superseded_guidance_is_flagged(st_stephens, leicestershire, stepping_stones):
    outdated = flags(st_stephens, "outdated_guidance")
    assert outdated[532] == "Cites KCSIE 2023, since replaced by KCSIE 2025"
    assert outdated[375] == ("Cites KCSIE 2021 and Working Together 2018, since replaced by "
                             "KCSIE 2025 and Working Together 2023")
    assert 17 not in outdated and 203 not in outdated  # "KCSIE 2025" is current
    assert flags(leicestershire, "outdated_guidance")[9].startswith("Cites KCSIE 2023")
    assert flags(stepping_stones, "outdated_guidance")[63] == (
        "Cites Working Together 2018, since replaced by Working Together 2023")
    current = ("Read Keeping Children Safe in Education (September 2025) and the Children Act "
               "1989.\n\nWorking Together to Safeguard Children and the Children Act 2004.\n\n"
               "Working together with the police under the Sexual Offences Act 2003.\n\n"
               "Working together with the local authority, call 0300 123 2019.\n\n"
               "Working Together to Safeguard Children (December 2023).\n")
    assert not flags(import_policy("p.txt", current.encode()), "outdated_guidance")


def test_st_stephens_contacts(st_stephens):
    policy = st_stephens
    assert role_key(policy.contacts[0].role) == "dsl"
    assert contact(policy, "dsl").names == ["Mrs L Cutts", "Mrs S Heaney"]
    assert surnames(contact(policy, "deputy_dsl").names) == ["Sazant", "Taylor", "May", "Gough"]
    assert contact(policy, "headteacher").names == ["Mrs L Cutts", "Mrs S Heaney"]
    assert contact(policy, "safeguarding_governor").names == ["N. Anderton", "A. Porter"]
    teacher = contact(policy, "designated_teacher").names
    assert len(teacher) == 1 and teacher[0].endswith("Jo Sazant")
    assert contact(policy, "social_care").phone == "0300 041 1111" == \
        normalise_phone("03000 411111") == normalise_phone("03000 411 111")
    assert contact(policy, "nspcc_whistleblowing").phone == "0800 028 0285"
    police = contact(policy, "police")
    assert police.phone == "101" and police.role == "Police (non-emergency)"  # 999 is no contact
    assert "Karyn Taylor" in contact(policy, "mental_health_lead").names
    assert not [c for c in policy.contacts if not (c.names or c.phone or c.email)]
    # A long list of national organisations' websites proposes no contacts; a helpline with
    # a number does.
    assert [c.phone for c in policy.contacts if c.line > 1245] == ["0800 136 663"]


def test_summary_shape(st_stephens):
    summary = st_stephens.summary()
    assert set(summary) == {"sections", "contacts", "flags"}
    assert all(set(s) == {"number", "title", "words"} for s in summary["sections"])
    assert all(set(c) == {"role", "names", "phone", "email"} for c in summary["contacts"])
    assert all(set(f) == {"kind", "text", "line"} for f in summary["flags"])
    assert all(len(f["text"]) <= 260 for f in summary["flags"])


def test_section_bodies_are_safe_markdown(st_stephens, leicestershire, stepping_stones):
    for policy in (st_stephens, leicestershire, stepping_stones):
        for s in policy.sections:
            rendered = markdown.markdown(s.body)
            assert set(re.findall(r"</?([a-zA-Z0-9]+)", rendered)) <= SAFE_TAGS, s.number
            assert "](#)" not in s.body and "javascript:" not in rendered
    body = section(st_stephens, "11").body
    assert "    - Front Door Service: 03000 411111" in body  # nested as in the source
    assert "shorespace.org.uk" in section(st_stephens, "Appendix 2").body
    assert "<https://" not in section(st_stephens, "Appendix 2").body


# --- Word and PDF -------------------------------------------------------------------------

def test_docx_with_heading_styles_and_a_table_matches_the_text(st_stephens):
    lines = seed_lines(ST_STEPHENS)
    data = docx_from_lines(lines, style=heading_style, title_line=5, table=(23, 28))
    policy = import_policy("st-stephens.docx", data)
    assert policy.source_format == "docx"
    assert policy.title == st_stephens.title
    assert [(s.number, s.title, s.line) for s in policy.sections] == \
        [(s.number, s.title, s.line) for s in st_stephens.sections]
    assert [(c.role, c.names, c.phone, c.email) for c in policy.contacts] == \
        [(c.role, c.names, c.phone, c.email) for c in st_stephens.contacts]
    assert {(f.kind, f.line) for f in policy.flags} == \
        {(f.kind, f.line) for f in st_stephens.flags}


def test_docx_without_heading_styles_still_finds_the_sections(stepping_stones):
    policy = import_policy("stepping-stones.docx", docx_from_lines(
        seed_lines(STEPPING_STONES)))
    assert [(s.number, s.title) for s in policy.sections] == \
        [(s.number, s.title) for s in stepping_stones.sections]
    assert policy.title == stepping_stones.title
    assert policy.review_date == date(2025, 8, 1)


def test_markdown_file():
    text = (
        "# Hillside School Safeguarding Policy\n\nReview date: March 2026\n\n"
        "## 1. Introduction\n\nHillside School keeps children safe. This paragraph is wrapped\n"
        "across two lines in the source file.\n\n## 2. Roles\n\n"
        "**Designated safeguarding lead:** Dr Sam Patel, 01632 960123, dsl@Hillside.example\n\n"
        "1. This numbered list is not a heading.\n2. Nor is this one.\n\n"
        "## Appendix 1: Useful contacts\n\n- NSPCC whistleblowing helpline: 0800 028 0285\n"
        "- See <https://www.nspcc.org.uk> and [our site](https://hillside.example).\n")
    policy = import_policy("hillside.md", text.encode())
    assert policy.title == "Hillside School Safeguarding Policy"
    assert [(s.number, s.title) for s in policy.sections] == [
        ("1", "Introduction"), ("2", "Roles"), ("Appendix 1", "Useful contacts")]
    assert "wrapped across two lines" in section(policy, "1").body
    assert "1\\. This numbered list is not a heading." in section(policy, "2").body
    assert "our site (https://hillside.example)" in section(policy, "Appendix 1").body
    dsl = contact(policy, "dsl")
    assert (dsl.names, dsl.phone, dsl.email) == (["Dr Sam Patel"], "01632 960123",
                                                 "dsl@hillside.example")
    assert contact(policy, "nspcc_whistleblowing").phone == "0800 028 0285"
    assert policy.review_date == date(2026, 3, 1)


def test_pdf_with_repeated_header_and_page_numbers():
    pages = [
        ["Oakfield Primary School", "Safeguarding Policy", "Review date: 1 September 2026",
         "1. Introduction",
         "Oakfield Primary School is committed to safeguarding and promoting the welfare of all",
         "children. Everyone who works here shares this responsibility.", "2. Key contacts",
         "Designated Safeguarding Lead: Mrs A Khan", "Deputy DSL: Mr B Jones", "Page 1 of 3"],
        ["Oakfield Primary - Safeguarding Policy", "3. Recognising abuse",
         "There are four categories of abuse: physical, emotional,",
         "sexual abuse and neglect. Staff record concerns the same day.", "Page 2 of 3"],
        ["Oakfield Primary - Safeguarding Policy", "4. Reporting concerns",
         "Staff tell the DSL without delay. If a child is in immediate danger, call 999.",
         "Children's social care (Front Door): 03000 411111", "Page 3 of 3"],
    ]
    policy = import_policy("oakfield.pdf", pdf(pages))
    assert policy.source_format == "pdf"
    assert policy.title == "Oakfield Primary School Safeguarding Policy"
    assert [(s.number, s.title) for s in policy.sections] == [
        ("1", "Introduction"), ("2", "Key contacts"), ("3", "Recognising abuse"),
        ("4", "Reporting concerns")]
    assert "welfare of all children. Everyone" in section(policy, "1").body
    assert all("Page" not in s.body and "Oakfield Primary -" not in s.body
               for s in policy.sections)
    assert contact(policy, "dsl").names == ["Mrs A Khan"]
    assert contact(policy, "social_care").phone == "0300 041 1111"
    assert policy.review_date == date(2026, 9, 1)
    assert not policy.flags


# --- refusals -----------------------------------------------------------------------------

OLE2 = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)


@pytest.mark.parametrize("filename, data, message", [
    ("policy.doc", OLE2, ".docx"),
    ("policy.exe", b"MZ\x90\x00", "Word document (.docx), a PDF (.pdf) or a text file"),
    ("policy.odt", b"PK\x03\x04", "Save As"),
    ("policy", b"text", ".txt or .md"),
    ("policy.docx", b"", "empty"),
    ("policy.docx", random.Random(7).randbytes(4000), "isn't a readable Word document"),
    ("policy.docx", b"PK\x03\x04 not really a zip", "isn't a readable Word document"),
    ("policy.docx", zip_that_is_not_docx(), "zip archive but not a Word document"),
    ("policy.docx", OLE2, "password-protected"),
    ("policy.pdf", encrypted_pdf(), "password-protected"),
    ("policy.pdf", pdf_without_text(), "scanned"),
    ("policy.pdf", b"%PDF-1.4 garbage", "isn't a readable PDF"),
    ("policy.txt", b"caf\x81 \xff\xfe policy", "UTF-8"),
    ("policy.txt", b"MZ\x00\x00\x01binary", "doesn't read as a text file"),
    ("policy.txt", b" \n\t\n", "no text"),
])
def test_refusals_say_why(filename, data, message):
    with pytest.raises(ImportRefused) as refused:
        import_policy(filename, data)
    assert message in str(refused.value)


def test_size_limit_is_given_in_megabytes():
    with pytest.raises(ImportRefused, match=r"largest policy we accept is 1 MB"):
        import_policy("policy.txt", b"x " * 600_000, max_bytes=1_048_576)
    assert import_policy("policy.txt", b"Policy\n\n1. Purpose\n\nText.\n", max_bytes=100)


def test_damaged_files_only_ever_raise_import_refused():
    good = {
        "a.docx": docx_from_lines(["Policy", "", "1. Purpose", "We keep children safe."]),
        "b.pdf": pdf([["Policy", "1. Purpose", "We keep children safe."]]),
        "c.txt": b"Policy\n\n1. Purpose\n\nWe keep children safe.\n",
    }
    rng = random.Random(11)
    for name, data in good.items():
        assert import_policy(name, data).sections
        for _ in range(12):
            cut = data[:rng.randrange(1, len(data))]
            mangled = bytearray(data)
            for _ in range(8):
                mangled[rng.randrange(len(mangled))] = rng.randrange(256)
            for broken in (cut, bytes(mangled)):
                with contextlib.suppress(ImportRefused):  # anything else fails the test
                    import_policy(name, broken)


# --- text it has never seen ---------------------------------------------------------------

SYNTHETIC = """Riverside Academy
Child Protection Policy

Contents
Part 1 Overview ........ 2
Section 1 Purpose ........ 2
Section 2 Reporting concerns ........ 3
Section 3 Training ........ 4
Who to contact ........ 5

Part 1 Overview

Section 1: Purpose
[bookmark: _Toc123]This policy explains how staff at Riverside Academy keep children safe.
1. Listen to the child.
2. Record what was said.
3. Tell the DSL the same day.

Section 2 Recording and reporting concerns
Staff record concerns on the day & report them <at once> to the DSL.
· Use the online form
\t· Include the child's words
\u00b7 \n
Who to contact
Designated Safeguarding Lead: Mr Tom Reed
Deputy DSL: Ms Priya Shah
Children's social care (MASH): 0300 123 4567
Please see Appendix B for the referral form.

Section 3 Training
All staff complete safeguarding training every year, including online safety.
All staff complete safeguarding training every year, including online safety.
Staff whose training has lapsed do not work unsupervised with children.

Appendix A: Referral form
1. Child's name
2. Concern
"""


def test_unseen_policy_with_parts_sections_lists_and_a_misleading_contents_list():
    policy = import_policy("riverside.txt", SYNTHETIC.encode())
    assert policy.title == "Riverside Academy Child Protection Policy"
    assert [(s.number, s.title, s.line) for s in policy.sections] == [
        ("Part 1", "Overview", 11), ("1", "Purpose", 13),
        ("2", "Recording and reporting concerns", 19), ("", "Who to contact", 25),
        ("3", "Training", 31), ("Appendix A", "Referral form", 36)]
    purpose = section(policy, "1").body
    assert purpose.startswith("This policy explains") and "[bookmark" not in purpose
    assert "1\\. Listen to the child." in purpose and "3\\. Tell the DSL" in purpose
    reporting = section(policy, "2").body
    assert "on the day &amp; report them &lt;at once&gt; to the DSL" in reporting
    assert "- Use the online form\n    - Include the child's words" in reporting
    assert all("........" not in s.body for s in policy.sections)
    assert not [f for f in policy.flags if f.line <= 9]  # nothing on the contents list
    assert set(flags(policy, "empty_bullet")) == {23}
    assert "appendix B" in flags(policy, "missing_appendix")[29]
    assert "line 32" in flags(policy, "duplicate")[33]
    assert not flags(policy, "empty_section")  # Part 1 holds sections 1 to 3
    assert contact(policy, "dsl").names == ["Mr Tom Reed"]
    assert contact(policy, "deputy_dsl").names == ["Ms Priya Shah"]
    assert contact(policy, "social_care").phone == "0300 123 4567"
    assert "2\\. Concern" in section(policy, "Appendix A").body


def test_contradiction_between_table_and_text_and_a_blank_date():
    text = ("Safeguarding Policy\n\nDate: \n\n1. Key contacts\n\n"
            "Designated Safeguarding Lead\tMrs Ann Brown\n"
            "Chair of Governors\tMr Colin Grey\n\n"
            "2. Roles\n\nThe school has appointed John Smith as the Designated Safeguarding "
            "Lead (DSL).\nOur chair of governors is Colin Grey.\n")
    policy = import_policy("p.txt", text.encode())
    assert "Date left blank" in flags(policy, "placeholder")[3]
    contradiction = flags(policy, "contradiction")
    assert set(contradiction) == {12}
    assert "Ann Brown" in contradiction[12] and "John Smith" in contradiction[12]
    assert contact(policy, "dsl").names == ["Mrs Ann Brown"]  # the table's, not a guess
    assert contact(policy, "chair_of_governors").names == ["Mr Colin Grey"]


def test_unnumbered_headings_are_found_when_nothing_else_marks_them():
    text = ("OAKWOOD NURSERY\nSAFEGUARDING POLICY\n\n"
            "This policy sets out how we keep children safe at Oakwood Nursery.\n\n"
            "Our Designated Safeguarding Lead\n"
            "Our DSL is Mrs Jane Carter. She can be contacted on 01632 960555.\n\n"
            "Recognising Abuse\nStaff know the signs of abuse and neglect and act at once.\n")
    policy = import_policy("oakwood.txt", text.encode())
    assert policy.title == "OAKWOOD NURSERY SAFEGUARDING POLICY"
    assert [(s.number, s.title, s.line) for s in policy.sections] == [
        ("", "Introduction", 4), ("", "Our Designated Safeguarding Lead", 6),
        ("", "Recognising Abuse", 9)]
    dsl = contact(policy, "dsl")
    assert (dsl.names, dsl.phone) == (["Mrs Jane Carter"], "01632 960555")


def test_export_and_ocr_debris_is_cleaned_up():
    text = ("Policy\n\n1. Reporting\n[image: Flowchart of reporting]\n|\n"
            "Staff who are worried about a child report it the same day to the desig-\n"
            "nated safeguarding lead and record\n\nwhat the child said.\n"
            "Ask the DSL <b>first</b> & see [the flowchart](#).\n"
            "**2. Training:**\nAll staff are trained.\n")
    policy = import_policy("p.txt", text.encode())
    assert [(s.number, s.title) for s in policy.sections] == [("1", "Reporting"),
                                                             ("2", "Training")]
    body = section(policy, "1").body
    assert "(image: Flowchart of reporting)" in body and "\n|\n" not in body
    assert "to the designated safeguarding lead and record what the child said." in body
    assert "Ask the DSL &lt;b&gt;first&lt;/b&gt; &amp; see the flowchart." in body
    assert "<b>" not in markdown.markdown(body)


def test_windows_text_and_crlf_keep_line_numbers():
    text = "Policy\r\n\r\n1. Purpose\r\nCaf\xe9 staff: (insert name here)\r\n".encode("cp1252")
    policy = import_policy("p.txt", text)
    assert policy.sections[0].line == 3 and "Café" in policy.sections[0].body
    assert set(flags(policy, "placeholder")) == {4}


# --- the small parts ----------------------------------------------------------------------

@pytest.mark.parametrize("written, normalised", [
    ("03000 411 111", "0300 041 1111"), ("03000 41 11 11", "0300 041 1111"),
    ("020 7008 0151", "020 7008 0151"), ("0116 305 6314", "0116 305 6314"),
    ("0121 496 0000", "0121 496 0000"), ("01622 392051", "01622 392051"),
    ("Mobile07773937244.", "07773 937244"), ("0800 028 0285", "0800 028 0285"),
    ("[0800 136 663](tel:0800136663)", "0800 136 663"), ("+44 (0)116 305 6314", "0116 305 6314"),
    ("Police Tel:101", "101"), ("999", "999"), ("call 01234", None), ("15/08/2024", None),
])
def test_phone_numbers_have_one_form(written, normalised):
    assert normalise_phone(written) == normalised


def test_role_keys_are_stable():
    assert all(role_key(role.label) == role.key for role in ROLES)
    assert role_key("Designated Safeguarding Leads (DSLs)") == "dsl"
    assert role_key("Deputy Designated Safeguarding Lead") == "deputy_dsl"
    assert role_key("LA Child Protection Contact/LADO") == "lado"
    assert role_key("First Response") == role_key("Front Door Service") == "social_care"
    assert role_key("NSPCC help/whistleblowing line") == "nspcc_whistleblowing"
    assert role_key("Deputy Headteacher") is None
    assert role_key("Safeguarding Co-ordinator") is None


def test_review_dates():
    assert review_date(["Review Date: August 2025"]) == date(2025, 8, 1)
    assert review_date(["Date of Review: September 2025"]) == date(2025, 9, 1)
    assert review_date(["Date of next review: 1 September 2026"]) == date(2026, 9, 1)
    assert review_date(["Next review: 09/2026"]) == date(2026, 9, 1)
    assert review_date(["Next review date: 03/04/2026"]) == date(2026, 4, 3)  # day first
    assert review_date(["5. Date of next review", "Review date:"]) is None
    assert parse_date("31st March 2027") == date(2027, 3, 31)
