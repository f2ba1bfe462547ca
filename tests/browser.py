"""A running Streamlit app and a Chromium page (Debian's package, driven by Playwright)."""
from __future__ import annotations

import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from core.config import PROJECT_ROOT, Settings
from tests.servers import free_port, running

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def streamlit_app(settings: Settings, log: Path, script: Path = PROJECT_ROOT / "app.py", **env: str) -> Iterator[str]:
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "OPENAI_"))}
    environment.update(REPORT_DATA_DIR=str(settings.data_dir), REPORT_CORPUS_DIR=str(settings.corpus_dir), **env)
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    with running(command, f"http://127.0.0.1:{port}/_stcore/health", log, env=environment, timeout=120):
        yield f"http://127.0.0.1:{port}"


@contextmanager
def browser_page() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(60_000)
        try:
            yield page
        finally:
            browser.close()
