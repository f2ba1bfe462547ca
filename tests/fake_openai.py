"""A local OpenAI-compatible chat server for tests: real HTTP, SSE streaming, scripted faults.

Scripted behaviours are consumed one per request: ``Reply(text)``, ``Status(429)``,
``Delay(seconds)`` (answer late, to trip the client's timeout) and ``Cut(text)`` (stream half of
the text, then drop the connection without the end marker). With nothing scripted, it answers like
a compliant model: the facts listed in the prompt, one numbered item each.
"""
from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Union


@dataclass
class Reply:
    text: str
    pieces: int = 6


@dataclass
class Status:
    code: int


@dataclass
class Delay:
    seconds: float


@dataclass
class Cut:
    text: str


Behaviour = Union[Reply, Status, Delay, Cut]


def compliant_answer(prompt: str) -> str:
    """What a well-behaved model would write: each listed fact as an item, or 【待补充】."""
    block = prompt.split("用户事实（", 1)[-1].split("范文片段", 1)[0]
    facts = re.findall(r"^\d+\. (.+)$", block, flags=re.M)
    if "修改要求" in prompt:
        original = prompt.split("原文：", 1)[-1].split("可用的用户事实", 1)[0].strip()
        return original + "\n（已按要求修改）" if original else "（已按要求修改）"
    if not facts:
        return "支部将继续坚持以习近平新时代中国特色社会主义思想为指导，扎实做好各项工作。【待补充】"
    return "支部认真贯彻上级部署，扎实推进各项工作。\n" + "\n".join(
        f"{index}.{fact.rstrip('。')}。" for index, fact in enumerate(facts, 1))


@dataclass
class FakeOpenAI:
    """The server's state: scripted behaviours and every request body received."""

    script: deque = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def push(self, *behaviours: Behaviour) -> None:
        self.script.extend(behaviours)


def _chunk(text: str, finish: str | None = None) -> bytes:
    payload = {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": int(time.time()),
               "model": "fake-model", "choices": [{"index": 0, "delta": {"content": text} if text else {},
                                                   "finish_reason": finish}]}
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode()


def _split(text: str, pieces: int) -> list[str]:
    size = max(1, -(-len(text) // max(1, pieces)))
    return [text[i:i + size] for i in range(0, len(text), size)]


def make_handler(state: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._json(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            state.requests.append(body)
            behaviour = state.script.popleft() if state.script else None
            if isinstance(behaviour, Status):
                self._json(behaviour.code, {"error": {"message": f"scripted {behaviour.code}", "type": "test"}})
                return
            if isinstance(behaviour, Delay):
                time.sleep(behaviour.seconds)
                behaviour = None
            prompt = "\n".join(m.get("content", "") for m in body.get("messages", []))
            text = behaviour.text if isinstance(behaviour, (Reply, Cut)) else compliant_answer(prompt)
            if not body.get("stream"):
                self._json(200, {"id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
                                 "model": body.get("model", ""), "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": text}}]})
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            pieces = _split(text, behaviour.pieces if isinstance(behaviour, Reply) else 6)
            if isinstance(behaviour, Cut):
                for piece in pieces[: max(1, len(pieces) // 2)]:
                    self.wfile.write(_chunk(piece))
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            for piece in pieces:
                self.wfile.write(_chunk(piece))
                self.wfile.flush()
            self.wfile.write(_chunk("", "stop"))
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

        def _json(self, code: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


class FakeOpenAIServer:
    """Runs :class:`FakeOpenAI` on a free localhost port in a background thread."""

    def __init__(self) -> None:
        self.state = FakeOpenAI()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self.state))
        self._server.daemon_threads = True
        self.state.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self.state

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()


if __name__ == "__main__":  # run standalone: python -m tests.fake_openai PORT
    import sys

    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), make_handler(FakeOpenAI()))
    server.serve_forever()
