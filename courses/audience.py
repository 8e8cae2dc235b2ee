"""Who must read which module: plain rules over a person's flags and safeguarding roles.

KCSIE 2025: staff who work directly with children read Part one and Annex B; staff who do not
read Annex A instead; leaders (headteacher, DSL and deputies, governors) read the whole of it,
Part one included; DSLs and deputies also read Annex C.
"""

from __future__ import annotations

from collections.abc import Iterable

from courses.model import Module

ROLES = {
    "headteacher": "Headteacher",
    "dsl": "Designated safeguarding lead (DSL)",
    "deputy_dsl": "Deputy DSL",
    "governor": "Governor or trustee",
    "prevent_lead": "Prevent lead",
    "designated_teacher": "Designated teacher for looked-after children",
    "online_safety_lead": "Online safety coordinator",
}
LEADERS = {"headteacher", "dsl", "deputy_dsl", "governor"}
DSL_ROLES = {"dsl", "deputy_dsl"}


def audiences_for(works_with_children: bool, roles: Iterable[str]) -> set[str]:
    """The audience tags that apply to a person."""
    held = set(roles)
    tags = {"all"}
    tags.add("direct" if works_with_children or held & LEADERS else "indirect")
    if held & DSL_ROLES:
        tags.add("dsl")
    return tags


def required_modules(
    modules: Iterable[Module], works_with_children: bool, roles: Iterable[str]
) -> list[Module]:
    """Modules this person must read, in a sensible reading order."""
    tags = audiences_for(works_with_children, roles)
    return [m for m in modules if tags & set(m.audience)]
