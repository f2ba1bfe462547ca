"""The one seam to a language model: any OpenAI-compatible chat endpoint, streamed, with retries.

Errors after the last retry are specific, and text already streamed travels with the error.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Iterator

from core.config import LLMConfig

# openai and httpx are imported where used: pages and commands that never call a model
# (the offline engine, evaluation) start about half a second faster.

Message = dict[str, str]
RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504}


class LLMError(RuntimeError):
    """The model could not answer; ``partial`` holds whatever text arrived before the failure."""

    def __init__(self, message: str, partial: str = "", attempts: int = 0) -> None:
        super().__init__(message)
        self.partial = partial
        self.attempts = attempts


def describe(error: Exception) -> str:
    """A short Chinese description of an API error, never including the key."""
    import httpx
    import openai

    if isinstance(error, (openai.APITimeoutError, httpx.TimeoutException)):
        return "请求超时"
    if isinstance(error, httpx.HTTPError):
        return f"网络连接中断（{type(error).__name__}）"
    if isinstance(error, openai.APIConnectionError):
        return "无法连接到模型服务"
    if isinstance(error, openai.RateLimitError):
        return "请求过于频繁（HTTP 429）"
    if isinstance(error, openai.AuthenticationError):
        return "API Key 无效或未授权（HTTP 401）"
    if isinstance(error, openai.NotFoundError):
        return "模型或接口地址不存在（HTTP 404）"
    if isinstance(error, openai.APIStatusError):
        return f"模型服务返回错误（HTTP {error.status_code}）"
    return f"{type(error).__name__}: {error}"


def retryable(error: Exception) -> bool:
    """Connection problems, timeouts, 429 and 5xx are worth another try; 4xx are not."""
    import httpx
    import openai

    if isinstance(error, (openai.APITimeoutError, openai.APIConnectionError, httpx.HTTPError)):
        return True
    return isinstance(error, openai.APIStatusError) and error.status_code in RETRYABLE_STATUS


@dataclass
class OpenAIChat:
    """Chat completions through the ``openai`` SDK against any compatible base URL."""

    config: LLMConfig
    backoff_seconds: float = 1.0
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        import openai

        self._client = openai.OpenAI(
            base_url=self.config.base_url or None,
            api_key=self.config.api_key or "not-needed",
            timeout=self.config.timeout,
            max_retries=0,  # retries are ours, so that partial output and attempts are known
        )

    @property
    def name(self) -> str:
        """The model name, for labels."""
        return self.config.model

    def stream(self, messages: list[Message], temperature: float = 0.4) -> Iterator[str]:
        """Yield text pieces as they arrive. Retries only while nothing has been yielded."""
        import httpx
        import openai

        attempts = 1 + max(0, self.config.max_retries)
        received: list[str] = []
        for attempt in range(1, attempts + 1):
            try:
                response = self._client.chat.completions.create(
                    model=self.config.model, messages=messages, temperature=temperature, stream=True,
                )
                for chunk in response:
                    if not chunk.choices:
                        continue
                    piece = chunk.choices[0].delta.content or ""
                    if piece:
                        received.append(piece)
                        yield piece
                    if chunk.choices[0].finish_reason is not None:
                        return
                if not received:
                    raise LLMError("模型返回了空内容", attempts=attempt)
                raise LLMError("模型输出在中途断开（未收到结束标记）", "".join(received), attempt)
            except (openai.APIError, httpx.HTTPError) as error:
                if received:
                    raise LLMError(f"模型输出在中途断开：{describe(error)}", "".join(received), attempt) from error
                if not retryable(error) or attempt == attempts:
                    raise LLMError(f"{describe(error)}，已尝试 {attempt} 次", "", attempt) from error
                self.sleep(self.backoff_seconds * 2 ** (attempt - 1))

    def complete(self, messages: list[Message], temperature: float = 0.4) -> str:
        """The whole answer as one string."""
        return "".join(self.stream(messages, temperature))
