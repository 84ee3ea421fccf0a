"""Real protocol peers on loopback for the ENT tests: a CAS server, an OpenID Connect provider
and a student-records REST service. Each is a small stdlib HTTP server in a thread, speaking
the protocol over real sockets, so django-cas-ng's, allauth's and our HTTP client's own code
runs; each can be told to misbehave the ways real servers do."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from ent.dev_idp import cas_failure_xml, cas_success_xml

PORTS = range(8400, 8500)  # this worktree's port range


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # a client that gave up (timeout tests) is expected, not worth a traceback


def start(handler_class, state) -> tuple[_Server, str]:
    """Binds the first free port of the range and serves in a daemon thread."""
    for port in PORTS:
        try:
            server = _Server(("127.0.0.1", port), handler_class)
        except OSError:
            continue
        server.state = state
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server, f"http://127.0.0.1:{port}"
    raise RuntimeError("no free port in 8400-8499")


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    @property
    def state(self):
        return self.server.state

    def query(self) -> dict:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

    def form(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        return {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}

    def send(self, status: int, body: bytes = b"", content_type="application/json", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, status: int, data) -> None:
        self.send(status, json.dumps(data).encode())

    def redirect(self, location: str) -> None:
        self.send(302, headers=[("Location", location)], content_type="text/plain")


# --- CAS --------------------------------------------------------------------------------------


class CasState:
    def __init__(self):
        self.people = {}  # login -> attributes
        self.tickets = {}  # ticket -> (login, service, issued_at)
        self.ticket_seconds = 10.0
        self.validate_twice = False  # a lenient server that lets a ticket be validated again
        self.delay = 0.0
        self.broken = False
        self.validations = 0
        self.logouts = []  # the service each logout came back to

    def issue(self, login: str, service: str) -> str:
        ticket = f"ST-{secrets.token_urlsafe(16)}"
        self.tickets[ticket] = (login, service, time.monotonic())
        return ticket


class CasHandler(_Handler):
    def do_GET(self):
        path = urlsplit(self.path).path
        query = self.query()
        if path == "/cas/login":
            # A real CAS asks for the password; the tests name the person directly.
            login = query.get("test_user", "")
            if login not in self.state.people:
                return self.send(200, b"<form>login</form>", "text/html")
            ticket = self.state.issue(login, query["service"])
            separator = "&" if "?" in query["service"] else "?"
            return self.redirect(f"{query['service']}{separator}{urlencode({'ticket': ticket})}")
        if path == "/cas/p3/serviceValidate":
            self.state.validations += 1
            time.sleep(self.state.delay)
            if self.state.broken:
                return self.send(200, b"<html>Service Unavailable", "text/html")
            ticket, service = query.get("ticket", ""), query.get("service", "")
            issued = self.state.tickets.get(ticket)
            if issued and not self.state.validate_twice:
                del self.state.tickets[ticket]
            if issued is None:
                body = cas_failure_xml("INVALID_TICKET", f"Ticket {ticket} not recognized")
            elif time.monotonic() - issued[2] > self.state.ticket_seconds:
                body = cas_failure_xml("INVALID_TICKET", f"Ticket {ticket} expired")
            elif issued[1] != service:
                body = cas_failure_xml("INVALID_SERVICE", "Ticket issued for another service")
            else:
                body = cas_success_xml(issued[0], self.state.people[issued[0]])
            return self.send(200, body, "application/xml; charset=utf-8")
        if path == "/cas/logout":
            self.state.logouts.append(query.get("service", ""))
            return self.redirect(query["service"]) if "service" in query else self.send(200)
        return self.send(404)


# --- OpenID Connect ---------------------------------------------------------------------------


class OidcState:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"
        self.client_id = "ecandidat"
        self.client_secret = "s3cret-for-tests"
        self.person = {}
        self.codes = {}
        self.tamper = {}  # claims to override in the next ID tokens, or special switches
        self.authorize_requests = []
        self.token_requests = []
        self.issued_id_tokens = []
        self.logouts = []  # the end-session requests' parameters
        self.url = ""

    def id_token(self, request: dict) -> str:
        now = int(time.time())
        claims = {
            "iss": self.url,
            "aud": self.client_id,
            "sub": self.person["sub"],
            "iat": now,
            "exp": now + 300,
            "nonce": request.get("nonce"),
            **{k: v for k, v in self.person.items() if k != "sub"},
        }
        claims.update({k: v for k, v in self.tamper.items() if not k.startswith("_")})
        claims = {k: v for k, v in claims.items() if v is not None}
        key = self.other_key if self.tamper.get("_other_key") else self.key
        token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})
        self.issued_id_tokens.append(token)
        return token


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class OidcHandler(_Handler):
    def do_GET(self):
        path = urlsplit(self.path).path
        state = self.state
        if path == "/.well-known/openid-configuration":
            return self.send_json(
                200,
                {
                    "issuer": state.url,
                    "authorization_endpoint": f"{state.url}/authorize",
                    "token_endpoint": f"{state.url}/token",
                    "userinfo_endpoint": f"{state.url}/userinfo",
                    "jwks_uri": f"{state.url}/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "token_endpoint_auth_methods_supported": ["client_secret_post"],
                    "code_challenge_methods_supported": ["S256"],
                    **(
                        {}
                        if state.tamper.get("_no_end_session")
                        else {"end_session_endpoint": f"{state.url}/logout?realm=students"}
                    ),
                },
            )
        if path == "/logout":
            query = self.query()
            state.logouts.append(query)
            return self.redirect(query["post_logout_redirect_uri"])
        if path == "/jwks":
            jwk = jwt.algorithms.RSAAlgorithm.to_jwk(state.key.public_key(), as_dict=True)
            return self.send_json(200, {"keys": [{**jwk, "kid": state.kid, "alg": "RS256"}]})
        if path == "/authorize":
            query = self.query()
            state.authorize_requests.append(query)
            if query.get("client_id") != state.client_id:
                return self.send(400, b"unknown client", "text/plain")
            code = secrets.token_urlsafe(16)
            state.codes[code] = query
            params = urlencode({"code": code, "state": query.get("state", "")})
            return self.redirect(f"{query['redirect_uri']}?{params}")
        if path == "/userinfo":
            if not self.headers.get("Authorization", "").startswith("Bearer at-"):
                return self.send(401)
            return self.send_json(200, state.person)
        return self.send(404)

    def do_POST(self):
        state = self.state
        if urlsplit(self.path).path != "/token":
            return self.send(404)
        form = self.form()
        state.token_requests.append(form)
        request = state.codes.pop(form.get("code", ""), None)
        if (
            request is None
            or form.get("client_id") != state.client_id
            or form.get("client_secret") != state.client_secret
            or form.get("redirect_uri") != request.get("redirect_uri")
        ):
            return self.send_json(400, {"error": "invalid_grant"})
        challenge = request.get("code_challenge")
        if challenge and _s256(form.get("code_verifier", "")) != challenge:
            return self.send_json(400, {"error": "invalid_grant", "error_description": "PKCE"})
        answer = {
            "access_token": f"at-{secrets.token_urlsafe(8)}",
            "token_type": "Bearer",
            "expires_in": 300,
        }
        if not state.tamper.get("_no_id_token"):
            answer["id_token"] = state.id_token(request)
        return self.send_json(200, answer)


# --- Student records --------------------------------------------------------------------------


class RecordsState:
    def __init__(self):
        self.token = "records-token"
        self.records = []  # JSON dicts
        self.mode = "ok"  # ok, slow, error, garbage, huge, redirect
        self.delay = 0.0
        self.requests = []


class RecordsHandler(_Handler):
    def do_GET(self):
        state = self.state
        parts = urlsplit(self.path)
        state.requests.append(self.path)
        if self.headers.get("Authorization") != f"Bearer {state.token}":
            return self.send_json(401, {"error": "unauthorized"})
        if state.mode == "slow":
            time.sleep(state.delay)
        if state.mode == "error":
            return self.send(500, b"Internal Server Error", "text/plain")
        if state.mode == "garbage":
            return self.send(200, b"<html>maintenance</html>", "text/html")
        if state.mode == "huge":
            return self.send(200, b"[" + b"0," * 700_000 + b"0]")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path.startswith("/api/students/"):
            number = parts.path.rsplit("/", 1)[1]
            found = [r for r in state.records if r["student_number"] == number]
        elif parts.path == "/api/students":
            found = [
                r
                for r in state.records
                if r.get("ine") == query.get("ine") and r["birth_date"] == query.get("birth_date")
            ]
        else:
            return self.send(404)
        if not found:
            return self.send_json(404, {"error": "not found"})
        return self.send_json(200, found[0])
