"""Signed webhooks (Standard Webhooks) from class apps and mission tools.

``POST /hooks/<source public id>/`` with ``Content-Type: application/json`` and the three
Standard Webhooks headers: ``webhook-id`` (the delivery's id, at most 200 characters),
``webhook-timestamp`` (Unix seconds, within 5 minutes of our clock) and ``webhook-signature``
(space-separated ``v1,<base64 HMAC-SHA256>`` entries over ``"{id}.{timestamp}.{body}"`` with
the source's ``whsec_`` secret; one matching entry is enough, so a sender can sign with an old
and a new secret while rotating).

The body is one event, or a batch ``{"events": [event, …]}`` of at most 500, stored all or
nothing. An event::

    {
      "id": "attendance-2025-03-10-17",        optional: the sender's own id for the event
      "type": "attendance",                    attendance | submission | grade | completion |
                                               quiz | mission | badge | approval
      "learner": {"email": "kim@school.kr",    exactly one of email, student_id, id
                  "name": "김민지"},            (id: the app's own user id); name optional
      "activity": {"id": "lab-3", "name": "Lab 3"},     name optional
      "course": "CS101",                       optional
      "value": 8.5, "max": 10,                 optional numbers (or decimal strings); max > 0
      "status": "present",                     by type: attendance present|late|absent|excused;
                                               submission submitted|late|missing; completion
                                               completed|incomplete|withdrawn; mission completed;
                                               approval approved|rejected; grade and quiz
                                               passed|failed or none
      "time": "2025-03-10T09:00:00+09:00"      when it happened, RFC 3339 with an offset
    }

No other fields are allowed. The fact's key is ``event:<id>`` when the event has an id,
otherwise ``message:<webhook-id>`` (``#<n>`` added for the n-th event of a batch), so a
redelivery of the same message, or the same event in another message, changes nothing; the
same key with other content is answered 409. A learner ``id`` is unique to this source (kept
as an account at ``urn:laurel:source:<public id>``); an email or student id links to the
organization's recipient of that email or student id.

Answers: 200 ``{"events", "created", "unchanged", "parked"}``; 400 for a body that is not
UTF-8 JSON; 401 (with the reason) for a missing, stale or wrong signature; 404 for an unknown
or deactivated source; 409 as above; 413 past 1,000,000 bytes; 415 for another Content-Type;
422 with ``errors: [{"pointer", "message"}]`` naming every problem in the events.
"""
