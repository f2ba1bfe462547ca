"""Web page benchmark: cold start to an interactive page, and click-to-complete offline draft; and,
as a baseline, the cold start of a bare Streamlit page (one text area, one button) on this machine.

Uses Debian's Chromium through Playwright, like the end-to-end test. Prints figures.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from core.config import PROJECT_ROOT, load_settings
from rag.index import Index
from tests.browser import browser_page, streamlit_app


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        corpus = Path(scratch) / "corpus"
        shutil.copytree(PROJECT_ROOT / "corpus", corpus)
        settings = load_settings().with_paths(data_dir=Path(scratch) / "data", corpus_dir=corpus)
        Index(settings).sync()  # the index exists, as after `make run` once
        with browser_page() as page:
            started = time.perf_counter()
            with streamlit_app(settings, Path(scratch) / "app.log") as url:
                served = time.perf_counter() - started
                page.goto(f"{url}/?ws=bench")
                page.get_by_role("button", name="载入示例").wait_for()
                interactive = time.perf_counter() - started
                page.get_by_text("语料库：").wait_for()
                loaded = time.perf_counter() - started
                print(f"cold start: server answering {served:.2f} s, page interactive {interactive:.2f} s, "
                      f"index and models loaded {loaded:.2f} s")
                page.get_by_role("button", name="载入示例").click()
                page.get_by_text("全年召开支部党员大会4次").first.wait_for()
                times = []
                for _ in range(3):
                    clicked = time.perf_counter()
                    page.get_by_role("button", name="② 起草全文").click()
                    page.get_by_text("起草完成").wait_for()
                    times.append(time.perf_counter() - clicked)
                    page.reload()
                    page.get_by_role("button", name="载入示例").click()
                    page.get_by_text("全年召开支部党员大会4次").first.wait_for()
                print("click to complete offline draft: " + ", ".join(f"{t:.2f} s" for t in times))
            bare = Path(scratch) / "bare.py"
            bare.write_text('import streamlit as st\nst.text_area("事实")\nst.button("载入示例")\n', encoding="utf-8")
            for _ in range(2):
                started = time.perf_counter()
                with streamlit_app(settings, Path(scratch) / "bare.log", script=bare) as url:
                    page.goto(url)
                    page.get_by_role("button", name="载入示例").wait_for()
                    print(f"baseline, a bare Streamlit page: interactive {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
