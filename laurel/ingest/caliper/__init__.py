"""Caliper 1.1/1.2 event envelopes, authenticated by a bearer token.

``POST /caliper/events`` takes one envelope (``sensor``, ``sendTime``, ``dataVersion``, ``data``)
with ``Authorization: Bearer <token>`` of a Caliper source; ``GET`` is the spec's ping and
answers ``{"versions": [...], "maxPayloadSize": N}``.

Status codes, as the Caliper endpoint section says: 200 with an empty body once the envelope
is stored (re-sending it changes nothing); 400 for a body that is not an envelope or an
envelope or event of the wrong form; 401 without a valid token; 415 for a Content-Type other
than application/json; 422 for a ``dataVersion`` other than the 1.1 and 1.2 contexts. Beyond
the spec: 409 when an event id was already received with other content, 413 past the size
limits. Every error is a problem document with a JSON Pointer to the offending place.

What becomes a fact (everything else that is a well-formed event is accepted and ignored):

====================================  ===========  =====================================  ==========
Event and action                      Fact type    Object                                 Status
====================================  ===========  =====================================  ==========
AssessmentEvent Submitted             submission   the Assessment (``object``)            submitted,
AssignableEvent Submitted             submission   the assignable (``object``)            or late
                                                                                          after its
                                                                                          dateToSubmit
AssignableEvent Completed             completion   the assignable (``object``)            completed
GradeEvent Graded                     grade        ``object.assignable`` of the Attempt;  ""
                                                   value/max: ``generated`` Score's
                                                   scoreGiven/maxScore
====================================  ===========  =====================================  ==========

Not facts: the Started/Paused/Reset steps of an attempt, AssessmentItemEvent (single questions),
ToolUseEvent, SessionEvent, NavigationEvent, ViewEvent, MediaEvent, forum and annotation events;
a GradeEvent without ``scoreGiven``; events whose learner is not a Person with an IRI.

The learner is the event's ``actor`` (for GradeEvent, the Attempt's ``assignee``), recorded by
its Person IRI (identity kind ``openid``), which stays the same from one envelope to the next.
Other names sent for the same person — Caliper 1.2 ``otherIdentifiers`` (EmailAddress,
SisSourcedId, LisSourcedId, LtiUserId with its platform as ``source``) or Canvas-style
``extensions`` (``user_sis_id``, ``user_login``) — link a parked identity to the one recipient
they all point at. The course is the event's ``group`` IRI; the fact's key is the event ``id``
(``urn:uuid:…``, compared in lower case). Entities may be described once in the envelope and
referred to by IRI in its events.
"""
