"""In-process stand-ins for unit tests that need neither real vectors nor HTTP: a hashing embedder
and a chat client with OpenAIChat's interface. The LLM path's own tests go through real HTTP
(tests/fake_openai.py) and retrieval's through the real embedder."""
from __future__ import annotations

import hashlib
from collections import deque
from dataclasses import dataclass, field
from typing import Generator, Sequence

import numpy as np

from core.config import LLMConfig
from core.llm import Finish, Message
from tests.fake_openai import Persona, bent_answer


class HashEmbedder:
    """Unit vectors from hashed character pairs: texts that share characters land near each other."""

    def __init__(self, name: str = "hash-test", dim: int = 64) -> None:
        self.name = name
        self.dim = dim

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for i in range(max(1, len(text) - 1)):
            digest = hashlib.blake2b(text[i:i + 2].encode(), digest_size=4).digest()
            vector[int.from_bytes(digest, "little") % self.dim] += 1.0
        return vector / max(float(np.linalg.norm(vector)), 1e-12)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vector(text) for text in texts]) if texts else np.zeros((0, self.dim), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


@dataclass
class FakeChat:
    """Answers like tests/fake_openai.py's compliant model (bent by ``persona``), or the scripted
    ``answers`` in turn; records every request."""

    config: LLMConfig = field(default_factory=lambda: LLMConfig(model="fake-chat", base_url="inproc://"))
    persona: Persona = field(default_factory=Persona)
    answers: deque = field(default_factory=deque)
    requests: list[dict] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.config.model

    def stream(self, messages: list[Message], temperature: float = 0.4,
               max_tokens: int | None = None) -> Generator[str, None, Finish]:
        self.requests.append({"messages": messages, "max_tokens": max_tokens})
        text = self.answers.popleft() if self.answers else bent_answer(messages, self.persona)
        for start in range(0, len(text), 16):
            yield text[start:start + 16]
        return Finish("stop")

    def complete(self, messages: list[Message], temperature: float = 0.4, max_tokens: int | None = None) -> str:
        return "".join(self.stream(messages, temperature, max_tokens))
