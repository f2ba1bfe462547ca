"""A local OpenAI-compatible chat server for tests: real HTTP, SSE streaming, scripted faults.

Scripted behaviours are consumed one per request: ``Reply(text)``, ``Status(429)``,
``Delay(seconds)`` (answer late, to trip the client's timeout), ``Cut(text)`` (stream half of
the text, then drop the connection without the end marker), ``Length(text)`` (finish_reason
"length"), ``KeepAlive()`` (SSE comments forever, never a token) and ``NotJSON()`` (data that is not
JSON). With nothing scripted, it answers like a compliant model: the facts listed in the prompt,
one numbered item each — bent by the server's :class:`Persona` (a "bad model" that invents a number
or an honour, copies an exemplar, drops a fact, nests headings, echoes the prompt), which a repair
request fixes unless the persona is stubborn. ``tokens_per_second`` simulates generation speed
(one character taken as one token).
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


@dataclass
class Length:
    text: str


@dataclass
class KeepAlive:
    seconds: float = 3600.0


@dataclass
class NotJSON:
    pass


Behaviour = Union[Reply, Status, Delay, Cut, Length, KeepAlive, NotJSON]
INVENTED_NUMBER = "全年共开展专题活动97次。"
INVENTED_HONOUR = "支部荣获全国先进基层党组织称号。"
REPAIR_MARK = "经核对有以下问题"


@dataclass
class Persona:
    """How a bad model bends the compliant answer; ``stubborn`` ones repeat it when asked to repair."""

    invent_number: bool = False
    invent_honour: bool = False
    copy_exemplar: bool = False
    drop_fact: bool = False
    nested: bool = False
    echo: bool = False
    stubborn: bool = False


def fenced(block: str) -> str:
    """The first <<< … >>> data block of a prompt part."""
    match = re.search(r"<<<\n(.*?)\n>>>", block, flags=re.S)
    return match.group(1) if match else ""


def prompt_facts(prompt: str) -> list[str]:
    """The facts a drafting prompt lists."""
    block = prompt.split("用户事实（", 1)[-1].split("范文片段", 1)[0]
    return re.findall(r"^\d+\. (.+)$", fenced(block), flags=re.M)


def exemplar_sentence(prompt: str) -> str:
    """The first long sentence of the prompt's first exemplar."""
    block = fenced(prompt.split("范文片段", 1)[-1])
    for sentence in re.findall(r"[^。；！？\n]{18,}[。；！？]", re.sub(r"【范文\d+】", "\n", block)):
        if "*" not in sentence and "X" not in sentence:
            return sentence
    return ""


def bent_answer(messages: list[dict[str, Any]], persona: Persona) -> str:
    """The compliant answer, bent by the persona (a repair request straightens it unless stubborn)."""
    prompt = "\n".join(m.get("content", "") for m in messages)
    first = next((m.get("content", "") for m in messages if m.get("role") == "user"), prompt)
    answer = compliant_answer(first)
    repair = REPAIR_MARK in (messages[-1].get("content", "") if messages else "")
    if repair and not persona.stubborn or "修改要求" in prompt:
        return answer
    lines = answer.split("\n")
    facts = prompt_facts(first)
    if persona.drop_fact and len(facts) > 1:
        lines = [line for line in lines if not (line[:1].isdigit() and facts[-1].rstrip("。") in line)]
    extra = []
    if persona.invent_number:
        extra.append(INVENTED_NUMBER)
    if persona.invent_honour:
        extra.append(INVENTED_HONOUR)
    copied = exemplar_sentence(first)
    if persona.copy_exemplar and copied:
        extra.append(copied)
    if extra:
        lines[0] = lines[0] + "".join(extra)
    if persona.nested:
        lines = ["一、总体情况", *lines[:1], "二、具体做法", *lines[1:]]
    if persona.echo:
        lines = ["范文片段（只学结构文风，不照抄，不当事实）：", *lines, "【范文1】XX支部坚持……"]
    return "\n".join(lines)


def compliant_answer(prompt: str) -> str:
    """What a well-behaved model would write: each listed fact as an item, or 【待补充】."""
    facts = prompt_facts(prompt)
    if "修改要求" in prompt:
        original = prompt.split("原文：", 1)[-1].split("可用的用户事实", 1)[0].strip()
        return original + "\n（已按要求修改）" if original else "（已按要求修改）"
    if not facts:
        return "支部将继续坚持以习近平新时代中国特色社会主义思想为指导，扎实做好各项工作。【待补充】"
    if "撰写“开篇概述”" in prompt:  # one paragraph that summarises, no list
        return "一年来，支部认真贯彻上级部署，" + "；".join(fact.rstrip("。") for fact in facts) + "。现将有关情况总结如下："
    return "支部认真贯彻上级部署，扎实推进各项工作。\n" + "\n".join(
        f"{index}.{fact.rstrip('。')}。" for index, fact in enumerate(facts, 1))


@dataclass
class FakeOpenAI:
    """The server's state: scripted behaviours and every request body received."""

    script: deque = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0
    persona: Persona = field(default_factory=Persona)
    tokens_per_second: float = 0.0  # 0: as fast as it can
    send_usage: bool = True
    rules: list[tuple[str, Behaviour]] = field(default_factory=list)  # a prompt holding the text → that behaviour, always
    in_flight: int = 0
    max_in_flight: int = 0
    generated_chars: int = 0  # characters streamed in all (at tokens_per_second, their generation time)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def push(self, *behaviours: Behaviour) -> None:
        self.script.extend(behaviours)


def _chunk(text: str, finish: str | None = None, usage: dict[str, int] | None = None) -> bytes:
    payload = {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": int(time.time()),
               "model": "fake-model", "choices": [{"index": 0, "delta": {"content": text} if text else {},
                                                   "finish_reason": finish}]}
    if usage:
        payload["usage"] = usage
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
            with state.lock:
                state.requests.append(body)
                state.in_flight += 1
                state.max_in_flight = max(state.max_in_flight, state.in_flight)
            try:
                self._answer(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client hung up (a deadline, or it had the finish chunk and stopped reading)
            finally:
                with state.lock:
                    state.in_flight -= 1

        def _answer(self, body: dict[str, Any]) -> None:
            prompt = "\n".join(m.get("content", "") for m in body.get("messages", []))
            ruled = [behaviour for text, behaviour in state.rules if text in prompt]
            behaviour = ruled[0] if ruled else state.script.popleft() if state.script else None
            if isinstance(behaviour, Status):
                self._json(behaviour.code, {"error": {"message": f"scripted {behaviour.code}", "type": "test"}})
                return
            if isinstance(behaviour, Delay):
                time.sleep(behaviour.seconds)
                behaviour = None
            messages = body.get("messages", [])
            text = behaviour.text if isinstance(behaviour, (Reply, Cut, Length)) else bent_answer(messages, state.persona)
            if not body.get("stream"):
                self._json(200, {"id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
                                 "model": body.get("model", ""), "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": text}}]})
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            if isinstance(behaviour, KeepAlive):
                self._keep_alive(behaviour.seconds)
                return
            if isinstance(behaviour, NotJSON):
                self.wfile.write(b"data: {this is not json\n\n")
                self.wfile.flush()
                return
            pieces = _split(text, behaviour.pieces if isinstance(behaviour, Reply) else 6)
            if state.tokens_per_second:
                pieces = _split(text, max(1, len(text) // 4))
            if isinstance(behaviour, Cut):
                for piece in pieces[: max(1, len(pieces) // 2)]:
                    self.wfile.write(_chunk(piece))
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            with state.lock:
                state.generated_chars += len(text)
            for piece in pieces:
                if state.tokens_per_second:
                    time.sleep(len(piece) / state.tokens_per_second)
                self.wfile.write(_chunk(piece))
                self.wfile.flush()
            usage = {"prompt_tokens": len(prompt), "completion_tokens": len(text),
                     "total_tokens": len(prompt) + len(text)} if state.send_usage else None
            self.wfile.write(_chunk("", "length" if isinstance(behaviour, Length) else "stop", usage))
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

        def _keep_alive(self, seconds: float) -> None:
            """SSE comments every 0.1 s and never a token, until the client hangs up."""
            ends = time.monotonic() + seconds
            try:
                while time.monotonic() < ends:
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass

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


def chat_for(state: FakeOpenAI, **overrides: Any) -> "OpenAIChat":
    """A chat client for the fake server (short timeouts and back-off; ``overrides`` change its LLMConfig)."""
    from dataclasses import replace

    from core.config import LLMConfig
    from core.llm import OpenAIChat

    config = LLMConfig(base_url=state.base_url, api_key="sk-test-secret", model="fake-model", timeout=2.0, max_retries=3)
    return OpenAIChat(replace(config, **overrides), backoff_seconds=0.01)


if __name__ == "__main__":  # run standalone: python -m tests.fake_openai PORT
    import sys

    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), make_handler(FakeOpenAI()))
    server.serve_forever()
