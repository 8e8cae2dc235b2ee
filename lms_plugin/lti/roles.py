"""Mapping LTI roles to the tool's roles: staff and safeguarding coordinators."""

from __future__ import annotations

from collections.abc import Iterable

STAFF = "staff"
COORDINATOR = "coordinator"

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
# Exact role URIs that make someone a coordinator. Sub-roles such as
# membership/Instructor#TeachingAssistant deliberately do not: they are not the course owner.
_COORDINATOR_ROLES = {
    LIS + "membership#Instructor",
    LIS + "institution/person#Administrator",
    LIS + "system/person#Administrator",
    # Short forms, as Moodle's names and roles service and some older platforms send them.
    "Instructor",
    "Administrator",
}


def tool_role(lti_roles: Iterable[str]) -> str:
    """`coordinator` for instructors and administrators, otherwise `staff`."""
    return COORDINATOR if any(r.strip() in _COORDINATOR_ROLES for r in lti_roles) else STAFF
