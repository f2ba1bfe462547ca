"""Choose the writer: the configured OpenAI-compatible model, or the offline engine."""
from __future__ import annotations

from core.config import Settings
from core.llm import OpenAIChat
from rag.offline import OfflineWriter
from rag.model_writer import LLMWriter


def make_chat(settings: Settings) -> OpenAIChat | None:
    """The chat client when an endpoint is configured, else None."""
    return OpenAIChat(settings.llm) if settings.llm.configured else None


def make_writer(settings: Settings) -> LLMWriter | OfflineWriter:
    """An LLM writer when an endpoint is configured, else the offline engine."""
    chat = make_chat(settings)
    return LLMWriter(chat) if chat else OfflineWriter()
