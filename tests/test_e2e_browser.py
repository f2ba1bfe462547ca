"""End to end in a real browser: Debian's Chromium driven by Playwright against `streamlit run`.

Screenshots of every step go to artifacts/screenshots/ (git-ignored) for a person to look at.
"""
from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import docx
import pytest

from core.config import PROJECT_ROOT, Settings
from tests.browser import CHROMIUM, browser_page, streamlit_app
from tests.fake_openai import FakeOpenAIServer

SHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs it)")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def fill(page, label: str, value: str) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(value)
    field.press("Tab")


def draft_in_browser(page, url: str, prefix: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="载入示例").click()
    page.get_by_text("全年召开支部党员大会4次").first.wait_for()
    fill(page, "单位（支部名称）", "机关第一党支部")
    fill(page, "年度", "2024")
    shot(page, f"{prefix}1-facts")
    page.get_by_role("button", name="② 起草全文").click()
    page.get_by_text("起草完成").wait_for()
    page.get_by_text("机关第一党支部2024年度工作总结").first.wait_for()
    shot(page, f"{prefix}2-draft")


def test_offline_flow_in_a_real_browser(indexed_settings: Settings, tmp_path: Path) -> None:
    workspace = f"e2e{uuid.uuid4().hex[:8]}"
    with streamlit_app(indexed_settings, tmp_path / "app.log") as base, browser_page() as page:
        url = f"{base}/?ws={workspace}"
        draft_in_browser(page, url, "offline-")
        assert page.get_by_text("离线模式").first.is_visible()

        with page.expect_download() as download_info:
            page.get_by_role("button", name="下载 Word（.docx）").click()
        path = tmp_path / "draft.docx"
        download_info.value.save_as(path)
        paragraphs = [p.text for p in docx.Document(path).paragraphs]
        assert paragraphs[0] == "机关第一党支部2024年度工作总结"
        assert "一、强化理论武装，筑牢思想根基" in paragraphs and "二、夯实基层基础，提升组织力" in paragraphs

        page.get_by_role("tab", name="修改").click()
        fill(page, "修改要求", "补充以下事实：开展读书分享会4次")
        page.get_by_role("button", name="生成修改").click()
        page.get_by_text("修改后", exact=True).wait_for()
        page.get_by_text("改动（").wait_for()  # the reader's diff, the new sentence on green
        page.locator("[data-testid='stMarkdownContainer']").get_by_text("开展读书分享会4次").first.wait_for()
        shot(page, "offline-3-revise")
        page.get_by_role("button", name="采纳修改").click()
        page.get_by_role("button", name="撤销").wait_for()

        page.get_by_role("tab", name="评分").click()
        page.get_by_role("button", name="开始评分").click()
        page.get_by_text("总分").wait_for()
        shot(page, "offline-4-score")

        page.goto(url)  # a reload: the draft must still be in this workspace's history
        page.get_by_role("tab", name="历史").click()
        page.get_by_text("机关第一党支部2024年度工作总结").first.wait_for()
        page.get_by_text("2 个版本").first.wait_for()
        shot(page, "offline-5-history")
        page.get_by_role("button", name="打开").first.click()
        page.get_by_role("tab", name="修改").click()
        page.get_by_role("button", name="生成修改").wait_for()

    # A restart of the app: the same address finds the same drafts.
    with streamlit_app(indexed_settings, tmp_path / "app2.log") as base, browser_page() as page:
        page.goto(f"{base}/?ws={workspace}")
        page.get_by_role("tab", name="历史").click()
        page.get_by_text("机关第一党支部2024年度工作总结").first.wait_for()
        shot(page, "offline-6-after-restart")


def test_corpus_upload_in_a_real_browser(indexed_settings: Settings, tmp_path: Path) -> None:
    # A corpus of its own (the embedding cache is copied, so indexing it is quick).
    settings = indexed_settings.with_paths(data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus")
    shutil.copytree(indexed_settings.corpus_dir, settings.corpus_dir)
    settings.data_dir.mkdir()
    shutil.copy(indexed_settings.data_dir / "embeddings.sqlite", settings.data_dir)
    binary = tmp_path / "scan.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    report = tmp_path / "user_report.txt"
    report.write_text("2024年，支部坚持以习近平新时代中国特色社会主义思想为指导。\n一、加强理论学习\n"
                      "1.组织集中学习。全年组织学习。\n二、夯实组织基础\n1.落实三会一课。按时召开会议。\n", encoding="utf-8")
    with streamlit_app(settings, tmp_path / "app.log") as base, browser_page() as page:
        page.goto(f"{base}/?ws=e2ecorpus")
        page.get_by_role("tab", name="语料").click()
        uploader = page.locator("[data-testid='stFileUploader'] input[type='file']").last
        uploader.set_input_files(str(binary))
        page.get_by_text("scan.txt").wait_for()  # the upload reached the app before the click
        page.get_by_role("button", name="加入语料库").click()
        page.get_by_text("不是文本文件").wait_for()
        uploader.set_input_files(str(report))
        page.get_by_text("user_report.txt").wait_for()
        page.get_by_text("scan.txt").wait_for(state="detached")
        page.get_by_role("button", name="加入语料库").click()
        page.get_by_text("已加入 user_report.txt").wait_for()
        shot(page, "corpus-upload")
    assert (settings.corpus_dir / "user_report.txt").exists()


def test_llm_flow_in_a_real_browser(indexed_settings: Settings, tmp_path: Path) -> None:
    with FakeOpenAIServer() as server:
        env = {"LLM_BASE_URL": server.base_url, "LLM_API_KEY": "sk-e2e-secret", "LLM_MODEL": "fake-model"}
        with streamlit_app(indexed_settings, tmp_path / "app.log", **env) as base, browser_page() as page:
            draft_in_browser(page, f"{base}/?ws=e2ellm{uuid.uuid4().hex[:6]}", "llm-")
            assert page.get_by_text("大模型：fake-model").first.is_visible()
            assert "sk-e2e-secret" not in page.content()
            assert len(server.requests) >= 5 and all(r["stream"] for r in server.requests)
