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


def draft_in_browser(page, url: str, prefix: str, previous: Path | None = None) -> None:
    page.goto(url)
    page.get_by_role("button", name="载入示例").click()
    page.get_by_text("全年召开支部党员大会4次").first.wait_for()
    fill(page, "单位（支部名称）", "机关第一党支部")
    fill(page, "年度", "2024")
    if previous is not None:
        page.wait_for_timeout(500)  # the reruns from the fields above have settled
        page.locator("[data-testid='stFileUploader']").filter(has_text="去年的工作报告").locator(
            "input[type='file']").set_input_files(str(previous))
        page.get_by_text(previous.name).wait_for()
    shot(page, f"{prefix}1-facts")
    page.get_by_role("button", name="② 起草全文").click()
    page.get_by_text("起草完成").wait_for()
    page.get_by_text("机关第一党支部2024年度工作总结").first.wait_for()
    shot(page, f"{prefix}2-draft")


def test_offline_flow_in_a_real_browser(indexed_settings: Settings, tmp_path: Path) -> None:
    workspace = f"e2e{uuid.uuid4().hex[:8]}"
    with streamlit_app(indexed_settings, tmp_path / "app.log") as base, browser_page() as page:
        url = f"{base}/?ws={workspace}"
        draft_in_browser(page, url, "offline-", previous=PROJECT_ROOT / "examples" / "previous_report.txt")
        assert page.get_by_text("离线模式").first.is_visible()
        page.get_by_text("去年计划的落实情况：5 项，3 项未见落实").wait_for()
        assert page.get_by_text("【待补充：去年计划“做好发展党员工作").first.is_visible()
        page.get_by_text("去年计划的落实情况").scroll_into_view_if_needed()
        shot(page, "offline-2b-previous-plans")

        with page.expect_download() as download_info:
            page.get_by_role("button", name="下载 Word（.docx）").click()
        path = tmp_path / "draft.docx"
        download_info.value.save_as(path)
        paragraphs = [p.text for p in docx.Document(path).paragraphs]
        assert paragraphs[0] == "机关第一党支部2024年度工作总结"
        assert "一、强化理论武装，筑牢思想根基" in paragraphs and "二、夯实基层基础，提升组织力" in paragraphs
        assert paragraphs[-2:] == ["机关第一党支部", "【待补充：成文日期】"]

        page.get_by_role("tab", name="修改").click()
        fill(page, "修改要求", "补充以下事实：开展读书分享会4次")
        page.get_by_role("button", name="生成修改").click()
        page.get_by_text("修改后", exact=True).wait_for()
        page.get_by_text("改动（").wait_for()  # the reader's diff, the new sentence on green
        page.locator("[data-testid='stMarkdownContainer']").get_by_text("开展读书分享会4次").first.wait_for()
        shot(page, "offline-3-revise")
        page.get_by_role("button", name="采纳修改").click()
        page.get_by_role("button", name="撤销").wait_for()

        page.get_by_text("直接编辑").click()  # edit the opening in place
        editor = page.locator("textarea[aria-label^='内容']")
        editor.wait_for()
        opening = editor.input_value()
        editor.fill(opening.replace("现将有关情况", "全年工作稳中有进。现将有关情况", 1))
        editor.press("Tab")
        page.get_by_role("button", name="保存为新版本").click()
        page.get_by_text("已保存为新版本").wait_for()
        page.locator("[data-testid='stMarkdownContainer']").get_by_text("全年工作稳中有进").first.wait_for()
        shot(page, "offline-3b-edit")

        page.get_by_role("tab", name="评分").click()
        page.get_by_role("button", name="开始评分").click()
        page.get_by_text("总分").wait_for()
        shot(page, "offline-4-score")

        page.goto(url)  # a reload: the draft must still be in this workspace's history
        page.get_by_role("tab", name="历史").click()
        page.get_by_text("机关第一党支部2024年度工作总结").first.wait_for()
        page.get_by_text("3 个版本").first.wait_for()
        page.get_by_text("版本（3）：查看、比较、恢复").click()
        page.get_by_text("手工编辑“开篇”").first.wait_for(state="attached")  # a cell of the versions table
        page.get_by_label("与之比较").click()
        page.get_by_role("option", name="第 1 版").click()
        page.get_by_text("从第 1 版到第 3 版的改动").wait_for()
        shot(page, "offline-5-versions")
        page.get_by_role("button", name="恢复第 3 版").wait_for()
        page.get_by_label("查看版本").click()
        page.get_by_role("option", name="第 1 版").click()
        page.get_by_role("button", name="恢复第 1 版").click()
        page.get_by_text("已恢复到第 1 版").wait_for()
        page.get_by_text("4 个版本").first.wait_for()
        page.get_by_role("tab", name="起草").click()
        assert page.get_by_label("单位（支部名称）", exact=True).input_value() == "机关第一党支部", "reopened with its options"

        if not page.get_by_label("工作区名称", exact=True).is_visible():  # open unless other named ones opened it
            page.get_by_text(f"工作区：{workspace}").click()
        name = f"后勤党支部{workspace[-4:]}"  # other tests of this run name workspaces in the same store
        fill(page, "工作区名称", name)  # name the workspace: found again from a bare address
        page.get_by_role("button", name="命名").click()
        page.get_by_text("已命名，其他人").wait_for()
        page.goto(base)
        page.get_by_role("button", name=f"{name}（1 份草稿）").click()
        page.get_by_role("tab", name="历史").click()
        page.get_by_text("机关第一党支部2024年度工作总结").first.wait_for()
        assert f"ws={workspace}" in page.url
        shot(page, "offline-6-workspaces")

    # A restart of the app: the same address finds the same drafts.
    with streamlit_app(indexed_settings, tmp_path / "app2.log") as base, browser_page() as page:
        page.goto(f"{base}/?ws={workspace}")
        page.get_by_role("tab", name="历史").click()
        page.get_by_text("机关第一党支部2024年度工作总结").first.wait_for()
        shot(page, "offline-7-after-restart")


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
        uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="添加报告").locator("input[type='file']")
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


def test_a_model_set_on_the_page_in_a_real_browser(indexed_settings: Settings, tmp_path: Path) -> None:
    with FakeOpenAIServer() as server, streamlit_app(indexed_settings, tmp_path / "app.log") as base, \
            browser_page() as page:
        page.goto(f"{base}/?ws=e2epage{uuid.uuid4().hex[:6]}")
        page.get_by_text("离线模式").first.wait_for()
        page.get_by_text("接入大模型").click()
        fill(page, "接口地址", server.base_url)
        fill(page, "模型名称", "page-model")
        page.get_by_label("密钥", exact=True).fill("sk-typed-on-the-page")
        page.get_by_role("button", name="使用并测试连接").click()  # straight from the key field, as people do
        page.get_by_text("连接成功").wait_for()
        page.get_by_text("大模型：page-model").first.wait_for()
        assert page.get_by_label("密钥", exact=True).input_value() == "", "the key is never shown back"
        shot(page, "page-model")
        page.get_by_role("button", name="载入示例").click()
        page.get_by_text("全年召开支部党员大会4次").first.wait_for()
        page.get_by_role("button", name="② 起草全文").click()
        page.get_by_text("起草完成").wait_for()
        assert "sk-typed-on-the-page" not in page.content()
        assert any(r["model"] == "page-model" for r in server.requests)
