"""A draft written on a thread of its own, so that it finishes and is saved whatever the page does
meanwhile (another click reruns the page's script, a closed tab ends it); the page only reads the
progress and picks up the saved draft when the run is over."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Callable

from rag.draft import Draft, DraftError
from rag.progress import LivePreview, Progress

log = logging.getLogger(__name__)


@dataclass
class DraftRun:
    """One running (or finished) draft: what it has reported so far and how it ended."""

    label: str = "正在起草…"
    stages: list[str] = field(default_factory=list)
    preview: str = ""
    error: str = ""  # set when the run failed or stopped part-way (what was written is saved)
    draft_id: int | None = None
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def finished(self) -> bool:
        return self.done.is_set()

    def progress(self) -> Progress:
        """The progress callbacks the drafting thread reports to."""
        return LivePreview(self.stages.append, lambda label: setattr(self, "label", label),
                           lambda text: setattr(self, "preview", text))

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the run ends or ``timeout`` passes (the page waits briefly for a quick draft; tests
        wait for the end); True when it has ended."""
        return self.done.wait(timeout)


def start_run(write: Callable[[Progress], Draft], save: Callable[[Draft, bool], int]) -> DraftRun:
    """Start ``write`` on a daemon thread; ``save(draft, complete)`` keeps the result (or the part a
    failed run wrote) before the run counts as finished."""
    run = DraftRun()

    def work() -> None:
        try:
            run.draft_id = save(write(run.progress()), True)
        except DraftError as error:
            run.draft_id = save(error.draft, False)
            run.error = f"{error}。已写出的部分已保存，可稍后重试。"
        except Exception as error:  # noqa: BLE001 — a thread's failure must reach the page, not vanish
            log.exception("drafting failed")
            run.error = f"起草出错：{error}。已填写的事实仍在，可稍后重试。"
        finally:
            run.done.set()

    threading.Thread(target=work, name="draft-run", daemon=True).start()
    return run
