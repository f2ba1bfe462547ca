"""Progress of a draft: the callbacks drafting reports to, and a throttled live preview for a page."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable, Protocol

PREVIEW_INTERVAL = 0.1  # seconds between refreshes of a streaming preview
PREVIEW_CHARS = 3000  # the preview shows the tail of the text written so far


class Progress(Protocol):
    """Callbacks for each stage; the CLI prints them, the web page drives st.status."""

    def stage(self, name: str) -> None: ...

    def section_start(self, index: int, total: int, title: str) -> None: ...

    def token(self, text: str) -> None: ...

    def section_end(self, index: int, total: int) -> None: ...


class SilentProgress:
    """Progress that reports nothing."""

    def stage(self, name: str) -> None:
        pass

    def section_start(self, index: int, total: int, title: str) -> None:
        pass

    def token(self, text: str) -> None:
        pass

    def section_end(self, index: int, total: int) -> None:
        pass


@dataclass
class LivePreview:
    """Progress for a page: stages and section labels pass straight through; streamed text is shown
    at most every ``interval`` seconds and in full at each section's end. An LLM streams hundreds of
    tokens a second, and every refresh sends the preview's text to the browser again."""

    on_stage: Callable[[str], None]
    on_label: Callable[[str], None]
    show: Callable[[str], None]
    interval: float = PREVIEW_INTERVAL
    text: str = ""
    shown_at: float = -math.inf

    def stage(self, name: str) -> None:
        self.on_stage(name)

    def section_start(self, index: int, total: int, title: str) -> None:
        self.on_label(f"正在起草第 {index}/{total} 部分：{title}")
        self.text += f"\n\n{title}\n"

    def token(self, text: str) -> None:
        self.text += text
        if time.monotonic() - self.shown_at >= self.interval:
            self._show()

    def section_end(self, index: int, total: int) -> None:
        self._show()

    def _show(self) -> None:
        self.show(self.text[-PREVIEW_CHARS:])
        self.shown_at = time.monotonic()
