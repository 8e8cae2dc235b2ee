"""Module content: the shipped modules pass `content check`, and broken ones are reported."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courses.audience import required_modules
from courses.loader import MODULES_DIR, catalogue, check

SHIPPED = ["kcsie-2025-annex-a", "kcsie-2025-annex-b", "kcsie-2025-annex-c",
           "kcsie-2025-part-one", "kcsie-2025-whats-new"]


def test_content_check_command_passes_on_shipped_modules(app):
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "5 modules" in result.output
    assert "4 question banks" in result.output


def test_shipped_modules_are_substantive_and_attributed():
    modules = catalogue()
    assert sorted(modules) == SHIPPED
    for module in modules.values():
        assert module.edition == "KCSIE 2025"
        assert "Open Government Licence v3.0" in module.licence
        assert module.source_url.startswith("https://www.gov.uk/")
        for section in module.sections:
            assert section.kcsie_paragraphs, section.title
    words = {k: sum(len(s.body.split()) for s in m.sections) for k, m in modules.items()}
    for key in ("kcsie-2025-part-one", "kcsie-2025-annex-b", "kcsie-2025-annex-c"):
        assert words[key] > 3000, (key, words[key])
    assert words["kcsie-2025-annex-a"] > 1500


def test_shipped_content_avoids_the_known_policy_errors():
    text = "\n".join(s.body for m in catalogue().values() for s in m.sections).lower()
    assert "dial 101" not in text
    assert "four main categories" not in text
    categories = " ".join(s.body for s in catalogue()["kcsie-2025-part-one"].sections).lower()
    for category in ("physical abuse", "emotional abuse", "sexual abuse", "neglect"):
        assert category in categories
    part_one = " ".join(s.body for s in catalogue()["kcsie-2025-part-one"].sections)
    assert "999" in part_one
    assert "0800 028 0285" in part_one


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    root = tmp_path / "modules"
    shutil.copytree(MODULES_DIR / "kcsie-2025-whats-new", root / "kcsie-2025-whats-new")
    return root / "kcsie-2025-whats-new"


def problems_for(root: Path) -> list[str]:
    _, problems = check(root)
    return [str(p) for p in problems]


def test_problems_name_file_and_line(broken):
    meta = broken / "module.yaml"
    meta.write_text(meta.read_text().replace("audience: [all]", "audience: [everyone]")
                    .replace('version: "1"', "version: 1"))
    section = broken / "01-what-changed.md"
    lines = section.read_text().split("\n")
    lines.insert(6, "If a child is in immediate danger, call 101.")
    lines.insert(7, "Ring the front door on 0116 305 0005.")
    section.write_text("\n".join(lines))
    found = problems_for(broken.parent)
    assert any(f"{meta}:" in p and "audience" in p for p in found)
    assert any(f"{meta}:" in p and "version" in p for p in found)
    assert any(f"{section}:7: 101 next to immediate danger" in p for p in found)
    assert any(f"{section}:8: phone number" in p for p in found)


def test_missing_citation_and_html_are_reported(broken):
    section = broken / "02-what-stayed-the-same.md"
    text = section.read_text()
    start = text.index("kcsie_paragraphs")
    end = text.index("\n", start)
    section.write_text(text[:start] + "kcsie_paragraphs: []" + text[end:] + "\n<b>bold</b>\n")
    found = problems_for(broken.parent)
    assert any("kcsie_paragraphs must be a non-empty list" in p for p in found)
    assert any("raw HTML is not allowed" in p for p in found)


def test_misnamed_section_and_unknown_key(broken):
    (broken / "01-what-changed.md").rename(broken / "1-what-changed.md")
    meta = broken / "module.yaml"
    meta.write_text(meta.read_text() + "colour: blue\n")
    found = problems_for(broken.parent)
    assert any("name sections NN-slug.md" in p for p in found)
    assert any("colour: unknown key" in p for p in found)


def test_content_check_exits_non_zero_on_problems(make_app, broken):
    (broken / "module.yaml").write_text("key: [unclosed\n")
    app = make_app(CONTENT_DIR=str(broken.parent))
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert "not valid YAML" in result.output


@pytest.mark.parametrize(
    ("works_with_children", "roles", "expected"),
    [
        (True, [], {"kcsie-2025-part-one", "kcsie-2025-annex-b", "kcsie-2025-whats-new"}),
        (False, [], {"kcsie-2025-annex-a", "kcsie-2025-whats-new"}),
        (True, ["dsl"], {"kcsie-2025-part-one", "kcsie-2025-annex-b", "kcsie-2025-annex-c",
                         "kcsie-2025-whats-new"}),
        (False, ["deputy_dsl"], {"kcsie-2025-part-one", "kcsie-2025-annex-b",
                                 "kcsie-2025-annex-c", "kcsie-2025-whats-new"}),
        (False, ["governor"], {"kcsie-2025-part-one", "kcsie-2025-annex-b",
                               "kcsie-2025-whats-new"}),
    ],
)
def test_who_reads_what(works_with_children, roles, expected):
    keys = {m.key for m in required_modules(catalogue().values(), works_with_children, roles)}
    assert keys == expected


def test_modules_come_in_reading_order():
    keys = [m.key for m in required_modules(catalogue().values(), True, ["dsl"])]
    assert keys == ["kcsie-2025-part-one", "kcsie-2025-annex-b", "kcsie-2025-annex-c",
                    "kcsie-2025-whats-new"]
