"""Settings read once from the environment (or Streamlit secrets): paths, Chroma, embedder, LLM."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping
from urllib.parse import urlparse

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class LLMConfig:
    """An OpenAI-compatible chat endpoint. ``api_key`` is never shown or logged."""

    base_url: str = ""
    api_key: str = field(default="", repr=False)
    model: str = ""
    timeout: float = 60.0  # seconds between two reads of the stream
    max_retries: int = 3
    deadline: float = 300.0  # seconds for one call, retries included, however the server behaves
    concurrency: int = 4  # sections drafted at once
    system_in_user: bool = False  # for servers whose chat template drops the system message (llama.cpp's gemma)
    context_tokens: int = 0  # the model's context window when known (prompt + answer must fit), 0 = unknown

    @property
    def configured(self) -> bool:
        """True when a model and an endpoint (or key for the default endpoint) are set."""
        return bool(self.model and (self.base_url or self.api_key))

    @property
    def host(self) -> str:
        """The endpoint's host (and port) for display: never a user name or key written into the URL."""
        parsed = urlparse(self.base_url)
        if not parsed.hostname:
            return "api.openai.com"
        return parsed.hostname + (f":{parsed.port}" if parsed.port else "")


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with offline defaults."""

    data_dir: Path = PROJECT_ROOT / "data"
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    chroma_host: str = ""
    chroma_port: int = 8000
    embed_base_url: str = ""
    embed_api_key: str = field(default="", repr=False)
    embed_model: str = ""
    e5_engine: str = "auto"
    llm: LLMConfig = LLMConfig()

    @property
    def chroma_dir(self) -> Path:
        """Where embedded Chroma keeps its files."""
        return self.data_dir / "chroma"

    def with_paths(self, data_dir: Path | None = None, corpus_dir: Path | None = None) -> "Settings":
        """A copy with other directories."""
        return replace(self, data_dir=data_dir or self.data_dir, corpus_dir=corpus_dir or self.corpus_dir)


E5_ENGINES = ("auto", "bundled")


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names it, in Chinese."""


class StoreUnavailableError(RuntimeError):
    """The configured Chroma server cannot be reached; the message says which, in Chinese."""


def _number(name: str, text: str, kind: type, low: float, high: float) -> float:
    """``text`` as a number of ``kind`` within [low, high], else a SettingsError naming the variable."""
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise SettingsError(f"设置 {name}={text!r} 无效：应为 {low:g}～{high:g} 之间的{'整数' if kind is int else '数字'}")
    return value


def _flag(name: str, text: str) -> bool:
    """A yes/no setting: 1/true/yes or 0/false/no, else a SettingsError naming the variable."""
    value = text.lower()
    if value not in ("1", "true", "yes", "0", "false", "no"):
        raise SettingsError(f"设置 {name}={text!r} 无效：应为 1 或 0")
    return value in ("1", "true", "yes")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read settings from ``env`` (default: the process environment); SettingsError on an unusable value."""
    env = os.environ if env is None else env

    def get(*names: str, default: str = "") -> str:
        for name in names:
            value = str(env.get(name, "") or "").strip()
            if value:
                return value
        return default

    llm = LLMConfig(
        base_url=get("LLM_BASE_URL", "OPENAI_BASE_URL"),
        api_key=get("LLM_API_KEY", "OPENAI_API_KEY"),
        model=get("LLM_MODEL", "OPENAI_MODEL"),
        timeout=_number("LLM_TIMEOUT", get("LLM_TIMEOUT", default="60"), float, 1, 3600),
        max_retries=_number("LLM_MAX_RETRIES", get("LLM_MAX_RETRIES", default="3"), int, 0, 10),
        deadline=_number("LLM_DEADLINE", get("LLM_DEADLINE", default="300"), float, 5, 7200),
        concurrency=_number("LLM_CONCURRENCY", get("LLM_CONCURRENCY", default="4"), int, 1, 16),
        context_tokens=_number("LLM_CONTEXT_TOKENS", get("LLM_CONTEXT_TOKENS", default="0"), int, 0, 10_000_000),
        system_in_user=_flag("LLM_SYSTEM_IN_USER", get("LLM_SYSTEM_IN_USER", default="0")),
    )
    engine = get("E5_ENGINE", default="auto")
    if engine not in E5_ENGINES:
        raise SettingsError(f"设置 E5_ENGINE={engine!r} 无效：应为 {' 或 '.join(E5_ENGINES)}")
    return Settings(
        data_dir=Path(get("REPORT_DATA_DIR", default=str(PROJECT_ROOT / "data"))),
        corpus_dir=Path(get("REPORT_CORPUS_DIR", default=str(PROJECT_ROOT / "corpus"))),
        chroma_host=get("CHROMA_HOST"),
        chroma_port=_number("CHROMA_PORT", get("CHROMA_PORT", default="8000"), int, 1, 65535),
        embed_base_url=get("EMBED_BASE_URL"),
        embed_api_key=get("EMBED_API_KEY", "LLM_API_KEY", "OPENAI_API_KEY"),
        embed_model=get("EMBED_MODEL"),
        e5_engine=engine,
        llm=llm,
    )


PAGE_SETTINGS = ("LLM_BASE_URL", "LLM_MODEL", "LLM_API_KEY")  # what the page may set for one session


def deployed_model(env: Mapping[str, str]) -> bool:
    """Whether the deployment (environment or secrets) names a model: then the page cannot change it."""
    return any(str(env.get(name, "") or "").strip() for name in ("LLM_MODEL", "OPENAI_MODEL"))


def resolve_settings(env: Mapping[str, str], secrets: Mapping[str, str] | None = None,
                     page: Mapping[str, str] | None = None) -> Settings:
    """The one Settings of a page session: the environment, Streamlit secrets over it, and — only when
    neither names a model — the model settings entered on the page for this session."""
    deployed = {**env, **(secrets or {})}
    chosen = {} if deployed_model(deployed) else {k: v for k, v in (page or {}).items() if k in PAGE_SETTINGS and v}
    return load_settings({**deployed, **chosen})
