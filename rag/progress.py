"""Progress of a draft: the callbacks drafting reports to, and a throttled live preview for a page."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable, Protocol

PREVIEW_INTERVAL = 0.1  # seconds between refreshes of a streaming preview
PREVIEW_CHARS = 3000  # the preview shows the tail of the text written so far


class Progress(Protocol):
    """Callbacks for each stage; the CLI prints them, the web page drives st.status."""

    def stage(self, name: str) -> None: ...

    def section_start(self, index: int, total: int, title: str) -> None: ...

    def token(self, index: int, text: str) -> None: ...

    def section_end(self, index: int, total: int) -> None: ...


class SilentProgress:
    """Progress that reports nothing."""

    def stage(self, name: str) -> None:
        pass

    def section_start(self, index: int, total: int, title: str) -> None:
        pass

    def token(self, index: int, text: str) -> None:
        pass

    def section_end(self, index: int, total: int) -> None:
        pass


@dataclass
class LivePreview:
    """Progress for a page: stages pass straight through; the label says which parts are being written
    (several at once with a model); each part's streamed text is shown under its title, in the
    outline's order, at most every ``interval`` seconds and in full when a part ends. An LLM streams
    hundreds of tokens a second, and every refresh sends the preview's text to the browser again."""

    on_stage: Callable[[str], None]
    on_label: Callable[[str], None]
    show: Callable[[str], None]
    interval: float = PREVIEW_INTERVAL
    parts: dict[int, list[str]] = field(default_factory=dict)
    running: dict[int, str] = field(default_factory=dict)
    done: int = 0
    shown_at: float = -math.inf

    @property
    def text(self) -> str:
        return "\n\n".join("".join(self.parts[index]) for index in sorted(self.parts))

    def stage(self, name: str) -> None:
        self.on_stage(name)

    def section_start(self, index: int, total: int, title: str) -> None:
        self.parts[index] = [f"{title}\n"]
        self.running[index] = title
        self._label(total)

    def token(self, index: int, text: str) -> None:
        self.parts.setdefault(index, []).append(text)
        if time.monotonic() - self.shown_at >= self.interval:
            self._show()

    def section_end(self, index: int, total: int) -> None:
        self.running.pop(index, None)
        self.done += 1
        self._label(total)
        self._show()

    def _label(self, total: int) -> None:
        writing = "、".join(self.running[i] for i in sorted(self.running))
        self.on_label(f"已完成 {self.done}/{total} 部分" + (f"，正在起草：{writing}" if writing else ""))

    def _show(self) -> None:
        self.show(self.text[-PREVIEW_CHARS:])
        self.shown_at = time.monotonic()
