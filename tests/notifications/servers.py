"""Real servers on loopback for the notification tests: an SMTP server (aiosmtpd) and a fake
LINE Messaging API that checks what the real one requires."""

import json
import socket
import threading
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """An SMTP server on 127.0.0.1 that keeps what it receives. It can be stopped and started
    again on the same port (the mail server down, then up)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages = []
        self._controller = None

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@dataclass
class LineState:
    token: str
    script: list = field(default_factory=list)  # answers to give before accepting: (status, headers)
    blocked: set = field(default_factory=set)  # user IDs that blocked the account
    pushed: list = field(default_factory=list)  # accepted pushes: {"to", "text", "retry_key"}
    requests: list = field(default_factory=list)  # every push request: (status answered, body)
    accepted_keys: set = field(default_factory=set)
    bot: dict = field(default_factory=lambda: {"userId": "U" + "f" * 32, "basicId": "@ita2566", "displayName": "ITA"})


def _problem(body: dict) -> str | None:
    """What the Messaging API would refuse in a push request's body."""
    if set(body) - {"to", "messages", "notificationDisabled", "customAggregationUnits"}:
        return "unknown property"
    to = body.get("to")
    if not isinstance(to, str) or not to.startswith("U") or len(to) != 33:
        return "The property, 'to', in the request body is invalid"
    messages = body.get("messages")
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return "Size must be between 1 and 5"
    for message in messages:
        if not isinstance(message, dict) or message.get("type") != "text":
            return "Invalid message type"
        text = message.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= 5000:
            return "Length must be between 1 and 5000"
    return None


class LineHandler(BaseHTTPRequestHandler):
    state: LineState

    def log_message(self, *args) -> None:  # quiet
        pass

    def _answer(self, status: int, body: dict, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") != f"Bearer {self.state.token}":
            self._answer(401, {"message": "Authentication failed. Confirm that the access token is valid."})
            return False
        return True

    def do_GET(self) -> None:
        if self.path != "/v2/bot/info":
            return self._answer(404, {"message": "Not found"})
        if self._authorised():
            self._answer(200, self.state.bot)

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        state = self.state
        if self.path != "/v2/bot/message/push":
            return self._answer(404, {"message": "Not found"})
        if not self._authorised():
            state.requests.append((401, raw))
            return None
        if not self.headers.get("Content-Type", "").startswith("application/json"):
            state.requests.append((415, raw))
            return self._answer(415, {"message": "Unsupported Media Type"})
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        problem = _problem(body) if isinstance(body, dict) else "The request body is not JSON"
        if problem:
            state.requests.append((400, raw))
            return self._answer(400, {"message": "The request body has 1 error(s)", "details": [problem]})
        retry_key = self.headers.get("X-Line-Retry-Key")
        if retry_key:
            uuid.UUID(retry_key)  # the API requires a UUID
            if retry_key in state.accepted_keys:
                state.requests.append((409, raw))
                return self._answer(409, {"message": "The retry key is already accepted"})
        if state.script:
            status, headers = state.script.pop(0)
            state.requests.append((status, raw))
            return self._answer(status, {"message": "scripted"}, headers)
        if body["to"] in state.blocked:
            state.requests.append((400, raw))
            return self._answer(400, {"message": "Failed to send messages"})
        state.requests.append((200, raw))
        state.accepted_keys.add(retry_key)
        for message in body["messages"]:
            state.pushed.append({"to": body["to"], "text": message["text"], "retry_key": retry_key})
        return self._answer(200, {"sentMessages": [{"id": str(len(state.pushed)), "quoteToken": "q"}]})


class FakeLineApi:
    def __init__(self, token: str) -> None:
        self.state = LineState(token=token)
        handler = type("Handler", (LineHandler,), {"state": self.state})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
