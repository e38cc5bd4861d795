"""Caliper payloads in the shapes of the IMS Caliper 1.1 and 1.2 specification examples.

The 1.1 envelope is the spec's "Mixed Payload" example (§5.3): entities described first,
then events that refer to them by IRI. The 1.2 events follow the spec's fixtures for
AssessmentEvent Submitted, GradeEvent Graded and Person with otherIdentifiers. Each helper
returns a fresh copy, so a test may change it.
"""

import copy
from typing import Any

V1P1 = "http://purl.imsglobal.org/ctx/caliper/v1p1"
V1P2 = "http://purl.imsglobal.org/ctx/caliper/v1p2"

SECTION = "https://example.edu/terms/201801/courses/7/sections/1"
QUIZ = "https://example.edu/terms/201801/courses/7/sections/1/assess/1?ver=v1p0"
ATTEMPT = "https://example.edu/terms/201801/courses/7/sections/1/assess/1/users/554433/attempts/1"
STUDENT = "https://example.edu/users/554433"

_MIXED_V1P1: dict[str, Any] = {
    "sensor": "https://example.edu/sensors/1",
    "sendTime": "2018-11-15T11:05:01.000Z",
    "dataVersion": V1P1,
    "data": [
        {
            "@context": V1P1,
            "id": STUDENT,
            "type": "Person",
            "dateCreated": "2018-08-01T06:00:00.000Z",
            "dateModified": "2018-09-02T11:30:00.000Z",
        },
        {
            "@context": V1P1,
            "id": QUIZ,
            "type": "Assessment",
            "name": "Quiz One",
            "dateToStartOn": "2018-08-16T05:00:00.000Z",
            "dateToSubmit": "2018-09-28T11:59:59.000Z",
            "maxAttempts": 2,
            "maxScore": 15.0,
            "maxSubmits": 2,
            "version": "1.0",
        },
        {"@context": V1P1, "id": "https://example.edu", "type": "SoftwareApplication", "version": "v2"},
        {
            "@context": V1P1,
            "id": SECTION,
            "type": "CourseSection",
            "academicSession": "Fall 2018",
            "courseNumber": "CPS 435-01",
            "name": "CPS 435 Learning Analytics, Section 01",
            "category": "seminar",
            "subOrganizationOf": {
                "id": "https://example.edu/terms/201801/courses/7",
                "type": "CourseOffering",
                "courseNumber": "CPS 435",
            },
            "dateCreated": "2018-08-01T06:00:00.000Z",
        },
        {
            "@context": V1P1,
            "id": "urn:uuid:c51570e4-f8ed-4c18-bb3a-dfe51b2cc594",
            "type": "AssessmentEvent",
            "actor": STUDENT,
            "action": "Started",
            "object": QUIZ,
            "generated": {
                "id": ATTEMPT,
                "type": "Attempt",
                "assignee": STUDENT,
                "assignable": QUIZ,
                "count": 1,
                "dateCreated": "2018-11-15T10:15:00.000Z",
                "startedAtTime": "2018-11-15T10:15:00.000Z",
            },
            "eventTime": "2018-11-15T10:15:00.000Z",
            "edApp": "https://example.edu",
            "group": SECTION,
        },
        {
            "@context": V1P1,
            "id": "urn:uuid:dad88464-0c20-4a19-a1ba-ddf2f9c3ff33",
            "type": "AssessmentEvent",
            "actor": STUDENT,
            "action": "Submitted",
            "object": QUIZ,
            "generated": {
                "id": ATTEMPT,
                "type": "Attempt",
                "assignee": STUDENT,
                "assignable": QUIZ,
                "count": 1,
                "dateCreated": "2018-11-15T10:15:00.000Z",
                "startedAtTime": "2018-11-15T10:15:00.000Z",
                "endedAtTime": "2018-11-15T10:55:12.000Z",
                "duration": "PT40M12S",
            },
            "eventTime": "2018-11-15T10:25:30.000Z",
            "edApp": "https://example.edu",
            "group": SECTION,
        },
        {
            "@context": V1P1,
            "id": "urn:uuid:a50ca17f-5971-47bb-8fca-4e6e6879001d",
            "type": "GradeEvent",
            "actor": {"id": "https://example.edu/autograder", "type": "SoftwareApplication", "version": "v2"},
            "action": "Graded",
            "object": {
                "id": ATTEMPT,
                "type": "Attempt",
                "assignee": STUDENT,
                "assignable": QUIZ,
                "count": 1,
                "dateCreated": "2018-11-15T10:15:00.000Z",
                "startedAtTime": "2018-11-15T10:15:00.000Z",
                "endedAtTime": "2018-11-15T10:55:12.000Z",
                "duration": "PT40M12S",
            },
            "eventTime": "2018-11-15T10:57:06.000Z",
            "edApp": "https://example.edu",
            "generated": {
                "id": ATTEMPT + "/scores/1",
                "type": "Score",
                "attempt": ATTEMPT,
                "maxScore": 15.0,
                "scoreGiven": 10.0,
                "scoredBy": "https://example.edu/autograder",
                "comment": "auto-graded exam",
                "dateCreated": "2018-11-15T10:56:00.000Z",
            },
            "group": SECTION,
        },
    ],
}

_PERSON_V1P2: dict[str, Any] = {
    "id": STUDENT,
    "type": "Person",
    "name": "Jane Doe",
    "otherIdentifiers": [
        {
            "type": "SystemIdentifier",
            "identifier": "example.edu:71ee7e42-f6d2-414a-80db-b69ac2defd4",
            "identifierType": "LisSourcedId",
        },
        {
            "type": "SystemIdentifier",
            "identifier": "https://example.edu/users/554433",
            "identifierType": "LtiUserId",
            "source": {"id": "https://example.edu", "type": "SoftwareApplication"},
        },
        {
            "type": "SystemIdentifier",
            "identifier": "jane@example.edu",
            "identifierType": "EmailAddress",
            "source": "https://example.edu",
        },
    ],
}

_ASSIGNABLE_COMPLETED_V1P2: dict[str, Any] = {
    "@context": V1P2,
    "id": "urn:uuid:3a648e68-f00d-4c08-aa59-8738e1884f2c",
    "type": "AssignableEvent",
    "profile": "AssignableProfile",
    "actor": {"id": STUDENT, "type": "Person"},
    "action": "Completed",
    "object": {
        "id": "https://example.edu/terms/201601/courses/7/sections/1/assign/2",
        "type": "AssignableDigitalResource",
        "name": "Week 9 Reflection",
        "dateToSubmit": "2016-11-14T11:59:59.000Z",
        "maxScore": 3.0,
    },
    "eventTime": "2016-11-12T10:15:00.000Z",
    "edApp": {"id": "https://example.edu", "type": "SoftwareApplication"},
    "group": {
        "id": "https://example.edu/terms/201601/courses/7/sections/1",
        "type": "CourseSection",
        "courseNumber": "CPS 435-01",
        "academicSession": "Fall 2016",
    },
}

_TOOL_USE_V1P2: dict[str, Any] = {
    "@context": V1P2,
    "id": "urn:uuid:7e10e4f3-a0d8-4430-95bd-783ffae4d916",
    "type": "ToolUseEvent",
    "profile": "ToolUseProfile",
    "actor": {"id": STUDENT, "type": "Person"},
    "action": "Used",
    "object": {"id": "https://example.edu", "type": "SoftwareApplication"},
    "eventTime": "2016-11-15T10:15:00.000Z",
    "edApp": {"id": "https://example.edu", "type": "SoftwareApplication"},
}


def mixed_v1p1() -> dict[str, Any]:
    return copy.deepcopy(_MIXED_V1P1)


def person_v1p2() -> dict[str, Any]:
    return copy.deepcopy(_PERSON_V1P2)


def assignable_completed_v1p2() -> dict[str, Any]:
    return copy.deepcopy(_ASSIGNABLE_COMPLETED_V1P2)


def tool_use_v1p2() -> dict[str, Any]:
    return copy.deepcopy(_TOOL_USE_V1P2)


def envelope(*items: dict[str, Any], version: str = V1P2) -> dict[str, Any]:
    return {
        "sensor": "https://example.edu/sensors/1",
        "sendTime": "2016-11-15T11:05:01.000Z",
        "dataVersion": version,
        "data": list(items),
    }
