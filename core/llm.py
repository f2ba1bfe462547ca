"""The one seam to a language model: any OpenAI-compatible chat endpoint, streamed, with retries.

Errors after the last retry are specific, and text already streamed travels with the error.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, Generator, TypeVar

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
    if isinstance(error, ValueError):
        return "模型服务返回了无法解析的数据（不是 JSON）"
    return f"{type(error).__name__}: {error}"


def retryable(error: Exception) -> bool:
    """Connection problems, timeouts, 429 and 5xx are worth another try; 4xx are not."""
    import httpx
    import openai

    if isinstance(error, (openai.APITimeoutError, openai.APIConnectionError, httpx.HTTPError, ValueError)):
        return True
    return isinstance(error, openai.APIStatusError) and error.status_code in RETRYABLE_STATUS


@dataclass(frozen=True)
class Finish:
    """How a streamed answer ended: the API's finish reason and token counts when it gave them."""

    reason: str  # "stop", "length" (cut off by the output limit or the answer cap) …
    prompt_tokens: int | None = None
    completion_tokens: int | None = None

    @property
    def cut_off(self) -> bool:
        """The answer stopped because of a length limit, not because the model finished."""
        return self.reason == "length"


MAX_ANSWER_CHARS = 8000  # a section longer than this is a model that does not stop


@dataclass
class OpenAIChat:
    """Chat completions through the ``openai`` SDK against any compatible base URL."""

    config: LLMConfig
    backoff_seconds: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    max_answer_chars: int = MAX_ANSWER_CHARS

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

    def stream(self, messages: list[Message], temperature: float = 0.4,
               max_tokens: int | None = None) -> Generator[str, None, Finish]:
        """Yield text pieces as they arrive and return how the answer ended.

        Retries (connection errors, 429/5xx, an empty answer, data that is not JSON) only while
        nothing has been yielded. The whole call, retries included, ends by ``config.deadline``
        seconds even if the server keeps the stream alive without sending text."""
        import httpx
        import openai

        if self.config.system_in_user:
            messages = fold_system(messages)
        attempts = 1 + max(0, self.config.max_retries)
        deadline = time.monotonic() + self.config.deadline
        received: list[str] = []
        size = 0
        for attempt in range(1, attempts + 1):
            expired = threading.Event()
            timer: threading.Timer | None = None
            try:
                extra = {"max_tokens": max_tokens} if max_tokens else {}
                response = self._client.chat.completions.create(
                    model=self.config.model, messages=messages, temperature=temperature, stream=True, **extra,
                )
                timer = threading.Timer(max(0.0, deadline - time.monotonic()), _expire, (response, expired))
                timer.daemon = True
                timer.start()
                reason, usage = "", None
                for chunk in response:
                    usage = getattr(chunk, "usage", None) or usage
                    if not chunk.choices:
                        continue
                    piece = chunk.choices[0].delta.content or ""
                    if piece:
                        received.append(piece)
                        size += len(piece)
                        yield piece
                    if size > self.max_answer_chars:
                        response.close()
                        return Finish("length")
                    if chunk.choices[0].finish_reason is not None:
                        reason = chunk.choices[0].finish_reason
                        if usage is not None or not received:
                            break
                if expired.is_set():
                    raise _Expired()
                if reason and received:
                    return Finish(reason, getattr(usage, "prompt_tokens", None), getattr(usage, "completion_tokens", None))
                if received:
                    raise LLMError("模型输出在中途断开（未收到结束标记）", "".join(received), attempt)
                error_text = "模型返回了空内容"
            except _Expired:
                raise LLMError(f"超过单次调用总时限 {self.config.deadline:g} 秒，已停止等待",
                               "".join(received), attempt) from None
            except (openai.APIError, httpx.HTTPError, ValueError) as error:
                if expired.is_set():
                    raise LLMError(f"超过单次调用总时限 {self.config.deadline:g} 秒，已停止等待",
                                   "".join(received), attempt) from error
                if received:
                    raise LLMError(f"模型输出在中途断开：{describe(error)}", "".join(received), attempt) from error
                if not retryable(error) or attempt == attempts:
                    raise LLMError(f"{describe(error)}，已尝试 {attempt} 次", "", attempt) from error
                error_text = describe(error)
            finally:
                if timer is not None:
                    timer.cancel()
            if attempt == attempts:
                raise LLMError(f"{error_text}，已尝试 {attempt} 次", "", attempt)
            pause = self.backoff_seconds * 2 ** (attempt - 1)
            if time.monotonic() + pause >= deadline:
                raise LLMError(f"{error_text}；再试将超过总时限 {self.config.deadline:g} 秒", "", attempt)
            self.sleep(pause)
        raise AssertionError("unreachable")

    def complete(self, messages: list[Message], temperature: float = 0.4, max_tokens: int | None = None) -> str:
        """The whole answer as one string."""
        pieces: list[str] = []
        finish = drain(self.stream(messages, temperature, max_tokens), pieces.append)
        if finish.cut_off:
            raise LLMError("模型输出因长度上限被截断", "".join(pieces))
        return "".join(pieces)


def check_connection(config: LLMConfig) -> str:
    """Ask the model for one short answer (no retries, 30 s at most); its text, or LLMError saying why."""
    from dataclasses import replace

    chat = OpenAIChat(replace(config, max_retries=0, timeout=min(config.timeout, 15.0), deadline=30.0))
    pieces: list[str] = []
    drain(chat.stream([{"role": "user", "content": "请只回复一个字：好"}], temperature=0.0, max_tokens=8), pieces.append)
    return "".join(pieces).strip()


def fold_system(messages: list[Message]) -> list[Message]:
    """The system message's rules moved to the front of the first user message, for servers whose chat
    template drops system messages (llama.cpp's ``gemma`` format): the rules must still reach the model."""
    rules = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    rest = [dict(m) for m in messages if m["role"] != "system"]
    for message in rest:
        if message["role"] == "user" and rules:
            message["content"] = f"{rules}\n\n{message['content']}"
            break
    return rest


class _Expired(Exception):
    """The call's overall deadline passed."""


def _expire(response: object, expired: threading.Event) -> None:
    """Timer callback: mark the deadline and close the stream so that the reading thread wakes."""
    expired.set()
    response.close()


T = TypeVar("T")


def drain(stream: Generator[str, None, T], on_piece: Callable[[str], object]) -> T:
    """Pass every piece of a stream to ``on_piece``; return the stream's own result (how it ended)."""
    while True:
        try:
            on_piece(next(stream))
        except StopIteration as stop:
            return stop.value
