"""A fake LTI 1.3 platform on a loopback socket, for testing the tool over real HTTP.

It plays the LMS: an OIDC authorization endpoint that answers the tool's login redirect
with an id_token signed by its own RSA key (joserfc, not the tool's JWT library), its JWKS,
an OAuth2 token endpoint for the client-credentials grant with a signed client assertion
(RFC 7523, checked against the tool's published keys), a Names and Role Provisioning
Services roster in pages, and Assignment and Grade Services line items and scores.

Claims follow the shapes of the IMS LTI 1.3 Core specification's example and of what Canvas,
Moodle and Blackboard send (issuer form, deployment id form, role vocabularies); see SHAPES.
"""

import html
import json
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from tests.ingest.lti.keypool import platform_key

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
INSTITUTION_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]


@dataclass(frozen=True)
class Shape:
    """How one LMS names itself and its people."""

    issuer: str
    client_id: str
    deployment_id: str
    learner_sub: str
    teacher_sub: str
    learner_roles: tuple[str, ...]
    teacher_roles: tuple[str, ...]
    token_audience: str = ""  # Blackboard asks for its own audience in client assertions


SHAPES = {
    # Canvas cloud: one issuer for every institution, deployment "<id>:<hash>", opaque UUID subjects.
    "canvas": Shape(
        issuer="https://canvas.instructure.com",
        client_id="10000000000001",
        deployment_id="6:8865aa05b4b79b64a91a86042e43af5ea8ae79eb",
        learner_sub="a445ca99-1a64-4697-9bfa-508a118245ea",
        teacher_sub="535fa085-f771-4e5b-a3a9-1bb3a8c2aa42",
        learner_roles=(ROLE + "Learner", INSTITUTION_ROLE + "Student"),
        teacher_roles=(ROLE + "Instructor", INSTITUTION_ROLE + "Instructor"),
    ),
    # Moodle: the site URL as issuer, small-integer deployment ids and user ids.
    "moodle": Shape(
        issuer="https://moodle.school.example",
        client_id="8Yd2mRpSjmHS0rp",
        deployment_id="1",
        learner_sub="27",
        teacher_sub="3",
        learner_roles=(ROLE + "Learner",),
        teacher_roles=(ROLE + "Instructor", INSTITUTION_ROLE + "Administrator"),
    ),
    # Blackboard Learn: a fixed issuer, UUID deployments, and a separate token audience.
    "blackboard": Shape(
        issuer="https://blackboard.com",
        client_id="7f0b5a57-1a3e-4b56-9a63-4c0a0f8f6c7e",
        deployment_id="0a3b6d5e-9c3f-4d2b-8d7e-2f5a1c9b0e4d",
        learner_sub="f1a6b0c2d3e44f5a8b9c0d1e2f3a4b5c",
        teacher_sub="0c1d2e3f4a5b46c7d8e9f0a1b2c3d4e5",
        learner_roles=(ROLE + "Learner",),
        teacher_roles=(ROLE + "Instructor",),
        token_audience="https://developer.blackboard.com/api/v1/gateway/oauth2/jwttoken",
    ),
}


@dataclass
class Person:
    sub: str
    name: str
    email: str
    roles: tuple[str, ...]
    status: str = "Active"


@dataclass
class FakePlatform:
    shape: Shape
    context_id: str = "c1d2e3f4-course-cps435"
    context_title: str = "CPS 435 Learning Analytics"
    redirect_uris: list[str] = field(default_factory=list)
    tool_jwks: dict[str, Any] = field(default_factory=lambda: {"keys": []})
    people: dict[str, Person] = field(default_factory=dict)
    page_size: int = 2
    offer_nrps: bool = True
    offer_ags: bool = True
    # What the platform saw, for the tests to check.
    line_items: list[dict[str, Any]] = field(default_factory=list)
    scores: list[dict[str, Any]] = field(default_factory=list)
    deep_link_items: list[dict[str, Any]] = field(default_factory=list)
    token_requests: list[dict[str, Any]] = field(default_factory=list)
    requests_seen: list[str] = field(default_factory=list)
    refuse_scores: bool = False

    def __post_init__(self) -> None:
        self.key = platform_key()
        self._tokens: dict[str, list[str]] = {}
        self._jtis: set[str] = set()
        self._logins: dict[str, dict[str, str]] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        # A short poll interval: shutdown() waits for the next poll, half a second by default.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> "FakePlatform":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def auth_login_url(self) -> str:
        return self.base + "/auth"

    @property
    def token_url(self) -> str:
        return self.base + "/token"

    @property
    def jwks_url(self) -> str:
        return self.base + "/jwks"

    @property
    def deep_link_return_url(self) -> str:
        return self.base + "/deep_links"

    def lineitems_url(self) -> str:
        return f"{self.base}/api/lti/courses/{self.context_id}/line_items"

    def memberships_url(self) -> str:
        return f"{self.base}/api/lti/courses/{self.context_id}/names_and_roles"

    # --- id_tokens --------------------------------------------------------------------------

    def sign(self, claims: dict[str, Any], *, key: RSAKey | None = None, kid: str = "platform-key-1") -> str:
        return jwt.encode({"alg": "RS256", "kid": kid, "typ": "JWT"}, claims, key or self.key)

    def claims_for(
        self, person: Person, nonce: str, message: str = "LtiResourceLinkRequest"
    ) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.shape.issuer,
            "aud": self.shape.client_id,
            "azp": self.shape.client_id,
            "sub": person.sub,
            "exp": now + 300,
            "iat": now,
            "nonce": nonce,
            "name": person.name,
            "given_name": person.name.split(" ")[0],
            "family_name": person.name.split(" ")[-1],
            "email": person.email,
            LTI + "message_type": message,
            LTI + "version": "1.3.0",
            LTI + "deployment_id": self.shape.deployment_id,
            LTI + "target_link_uri": self.redirect_uris[0] if self.redirect_uris else "",
            LTI + "roles": list(person.roles),
            LTI + "context": {
                "id": self.context_id,
                "label": "CPS 435",
                "title": self.context_title,
                "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
            },
            LTI + "tool_platform": {
                "guid": "platform-guid-1",
                "name": "Fake LMS",
                "product_family_code": "fake",
            },
            LTI + "launch_presentation": {"document_target": "iframe", "locale": "ko-KR"},
        }
        if message == "LtiResourceLinkRequest":
            claims[LTI + "resource_link"] = {
                "id": "rl-200d101f-2c14-434a-a0f3-57c2a42369fd",
                "title": "Badges",
            }
        else:
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": self.deep_link_return_url,
                "accept_types": ["link", "ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "accept_multiple": False,
                "data": "dl-opaque-7",
            }
        if self.offer_nrps:
            claims["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"] = {
                "context_memberships_url": self.memberships_url(),
                "service_versions": ["2.0"],
            }
        if self.offer_ags:
            claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = {
                "scope": AGS_SCOPES,
                "lineitems": self.lineitems_url(),
            }
        return claims

    # --- token endpoint ---------------------------------------------------------------------

    def _grant(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(form)
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}
        if form.get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
            return 400, {"error": "invalid_request"}
        try:
            token = jwt.decode(
                form.get("client_assertion", ""), KeySet.import_key_set(self.tool_jwks), algorithms=["RS256"]
            )
            audience = self.shape.token_audience or self.token_url
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": self.shape.client_id},
                sub={"essential": True, "value": self.shape.client_id},
                aud={"essential": True, "value": audience},
                exp={"essential": True},
                jti={"essential": True},
            ).validate(token.claims)
        except (JoseError, ValueError) as error:
            return 401, {"error": "invalid_client", "error_description": str(error)}
        if token.claims["jti"] in self._jtis:
            return 401, {"error": "invalid_client", "error_description": "jti replayed"}
        self._jtis.add(token.claims["jti"])
        allowed = {NRPS_SCOPE, *AGS_SCOPES}
        scopes = [s for s in form.get("scope", "").split() if s in allowed]
        access = secrets.token_urlsafe(24)
        self._tokens[access] = scopes
        return 200, {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": " ".join(scopes),
        }

    def scopes_of(self, authorization: str) -> list[str]:
        scheme, _sep, token = authorization.partition(" ")
        return self._tokens.get(token, []) if scheme == "Bearer" else []

    # --- NRPS and AGS -----------------------------------------------------------------------

    def members_page(self, page: int) -> tuple[dict[str, Any], str | None]:
        people = list(self.people.values())
        chunk = people[page * self.page_size : (page + 1) * self.page_size]
        body = {
            "id": self.memberships_url(),
            "context": {"id": self.context_id, "label": "CPS 435", "title": self.context_title},
            "members": [
                {
                    "status": p.status,
                    "name": p.name,
                    "given_name": p.name.split(" ")[0],
                    "family_name": p.name.split(" ")[-1],
                    "email": p.email,
                    "user_id": p.sub,
                    "roles": list(p.roles),
                }
                for p in chunk
            ],
        }
        more = (page + 1) * self.page_size < len(people)
        # A page token with capitals, as Canvas's are: a client must keep it as given.
        return body, (f"{self.memberships_url()}?page=Pg{page + 1}X" if more else None)

    def create_line_item(self, item: dict[str, Any]) -> dict[str, Any]:
        created = {**item, "id": f"{self.lineitems_url()}/{len(self.line_items) + 1}"}
        self.line_items.append(created)
        return created

    # --- the authorization endpoint ---------------------------------------------------------

    def authorize(self, query: dict[str, str]) -> tuple[int, str]:
        """The OIDC authentication response: an auto-posting form carrying the id_token and state."""
        problems = []
        if query.get("scope") != "openid" or query.get("response_type") != "id_token":
            problems.append("scope/response_type")
        if query.get("response_mode") != "form_post" or query.get("prompt") != "none":
            problems.append("response_mode/prompt")
        if query.get("client_id") != self.shape.client_id:
            problems.append("client_id")
        if query.get("redirect_uri") not in self.redirect_uris:
            problems.append("redirect_uri")
        person = self.people.get(query.get("login_hint", ""))
        if person is None:
            problems.append("login_hint")
        if not query.get("nonce") or not query.get("state"):
            problems.append("nonce/state")
        if problems:
            return 400, "invalid authentication request: " + ", ".join(problems)
        assert person is not None
        message = (
            "LtiDeepLinkingRequest"
            if query.get("lti_message_hint") == "deep-link"
            else "LtiResourceLinkRequest"
        )
        token = self.sign(self.claims_for(person, query["nonce"], message))
        page = (
            f'<form method="post" action="{html.escape(query["redirect_uri"])}">'
            f'<input type="hidden" name="id_token" value="{token}">'
            f'<input type="hidden" name="state" value="{html.escape(query["state"])}">'
            "</form><script>document.forms[0].submit();</script>"
        )
        return 200, page

    def course_page(self, tool_login_url: str, who: str, storage_target: str, tamper: bool = False) -> str:
        """A course page that shows the tool in an iframe, as an LMS does. With a storage target
        it also runs the platform side of LTI postMessage Storage: values kept per sending
        origin, answered only to that origin, and every message noted for the test."""
        query = login_query(self, who, self.redirect_uris[0])
        if storage_target:
            query["lti_storage_target"] = storage_target
        src = html.escape(f"{tool_login_url}?{urlencode(query)}")
        frame = '<iframe name="storage-frame" src="about:blank" hidden></iframe>'
        return (
            "<!doctype html><html><head><title>Course</title></head><body><h1>CPS 435</h1>"
            + (frame if storage_target not in ("", "_parent") else "")
            + f'<iframe id="tool" name="tool" src="{src}" width="800" height="600"></iframe>'
            + f"<script>var tamper = {'true' if tamper else 'false'};"
            + f"{STORAGE_SCRIPT if storage_target else ''}</script></body></html>"
        )


# The platform's half of postMessage Storage. It listens in the course page itself; for a named
# frame target it answers from that frame's window, as Canvas's forwarding frame does.
STORAGE_SCRIPT = """
window.ltiMessages = [];
var stored = {};
function serve(event) {
  var data = event.data;
  if (!data || typeof data !== "object" || typeof data.subject !== "string") return;
  window.ltiMessages.push({subject: data.subject, key: data.key, origin: event.origin});
  var bucket = stored[event.origin] = stored[event.origin] || {};
  var reply = {subject: data.subject + ".response", message_id: data.message_id, key: data.key};
  if (data.subject === "lti.put_data") {
    bucket[data.key] = data.value; reply.value = data.value;
  } else if (data.subject === "lti.get_data") {
    if (tamper) reply.value = "state-of-another-login";
    else if (Object.prototype.hasOwnProperty.call(bucket, data.key)) reply.value = bucket[data.key];
    else reply.error = {code: "bad_request", message: "nothing stored under this key"};
  } else return;
  event.source.postMessage(reply, event.origin);
}
var named = document.querySelector("iframe[name=storage-frame]");
(named ? named.contentWindow : window).addEventListener("message", serve);
"""


def form_fields(page: str) -> dict[str, str]:
    """The hidden inputs of an auto-posting form (the platform's or the tool's)."""
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    }


def _handler(platform: FakePlatform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(
            self,
            status: int,
            body: Any,
            content_type: str = "application/json",
            headers: dict[str, str] | None = None,
        ) -> None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            platform.requests_seen.append(f"GET {self.path}")
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/jwks":
                return self._send(200, {"keys": [platform.key.as_dict(private=False)]})
            if url.path == "/course":
                page = platform.course_page(
                    query["tool"], query.get("who", "learner"), query.get("target", ""), "tamper" in query
                )
                return self._send(200, page, "text/html; charset=utf-8")
            if url.path == "/auth":
                status, page = platform.authorize(query)
                return self._send(status, page, "text/html; charset=utf-8")
            scopes = platform.scopes_of(self.headers.get("Authorization", ""))
            if url.path == urlsplit(platform.memberships_url()).path:
                if NRPS_SCOPE not in scopes:
                    return self._send(401, {"error": "insufficient scope"})
                if self.headers.get("Accept") != "application/vnd.ims.lti-nrps.v2.membershipcontainer+json":
                    return self._send(406, {"error": "not acceptable"})
                token = re.fullmatch(r"Pg(\d+)X", query.get("page", "Pg0X"))
                if token is None:
                    return self._send(400, {"error": "unknown page token"})
                page = int(token.group(1))
                body, next_url = platform.members_page(page)
                headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
                return self._send(
                    200, body, "application/vnd.ims.lti-nrps.v2.membershipcontainer+json", headers
                )
            if url.path == urlsplit(platform.lineitems_url()).path:
                if not set(AGS_SCOPES[:1]) & set(scopes):
                    return self._send(401, {"error": "insufficient scope"})
                items = [i for i in platform.line_items if "tag" not in query or i.get("tag") == query["tag"]]
                return self._send(200, items, "application/vnd.ims.lis.v2.lineitemcontainer+json")
            return self._send(404, {"error": "not found"})

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            platform.requests_seen.append(f"POST {url.path}")
            raw = self._body()
            if url.path == "/token":
                form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                status, body = platform._grant(form)
                return self._send(status, body)
            if url.path == "/deep_links":
                form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                try:
                    token = jwt.decode(
                        form["JWT"], KeySet.import_key_set(platform.tool_jwks), algorithms=["RS256"]
                    )
                except (JoseError, KeyError, ValueError) as error:
                    return self._send(400, {"error": str(error)})
                platform.deep_link_items.append(token.claims)
                return self._send(200, "<p>added</p>", "text/html")
            scopes = platform.scopes_of(self.headers.get("Authorization", ""))
            if url.path == urlsplit(platform.lineitems_url()).path:
                if AGS_SCOPES[0] not in scopes:
                    return self._send(401, {"error": "insufficient scope"})
                if self.headers.get("Content-Type") != "application/vnd.ims.lis.v2.lineitem+json":
                    return self._send(415, {"error": "unsupported media type"})
                created = platform.create_line_item(json.loads(raw))
                return self._send(201, created, "application/vnd.ims.lis.v2.lineitem+json")
            if url.path.startswith(urlsplit(platform.lineitems_url()).path + "/") and url.path.endswith(
                "/scores"
            ):
                if AGS_SCOPES[2] not in scopes:
                    return self._send(401, {"error": "insufficient scope"})
                if self.headers.get("Content-Type") != "application/vnd.ims.lis.v1.score+json":
                    return self._send(415, {"error": "unsupported media type"})
                if platform.refuse_scores:
                    return self._send(403, {"error": "gradebook closed"})
                line_item = self.path.rsplit("/scores", 1)[0]
                platform.scores.append({**json.loads(raw), "lineItem": f"{platform.base}{line_item}"})
                return self._send(204, "", "text/plain")
            return self._send(404, {"error": "not found"})

    return Handler


def login_query(
    platform: FakePlatform, login_hint: str, target: str, *, message_hint: str = ""
) -> dict[str, str]:
    """The third-party initiated login a platform sends to the tool (LTI Core §5.1.1.1)."""
    query = {
        "iss": platform.shape.issuer,
        "login_hint": login_hint,
        "target_link_uri": target,
        "client_id": platform.shape.client_id,
        "lti_deployment_id": platform.shape.deployment_id,
    }
    if message_hint:
        query["lti_message_hint"] = message_hint
    return query


def new_person(
    shape: Shape, *, teacher: bool = False, name: str = "Jane Doe", email: str = "jane@example.edu"
) -> Person:
    sub = shape.teacher_sub if teacher else shape.learner_sub
    return Person(
        sub=sub, name=name, email=email, roles=shape.teacher_roles if teacher else shape.learner_roles
    )


def other_person(name: str, email: str, roles: tuple[str, ...], status: str = "Active") -> Person:
    return Person(sub=str(uuid.uuid4()), name=name, email=email, roles=roles, status=status)


__all__ = [
    "SHAPES",
    "FakePlatform",
    "Person",
    "form_fields",
    "login_query",
    "new_person",
    "other_person",
    "urlencode",
]
