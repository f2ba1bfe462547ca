"""党支部工作报告起草助手 — the Streamlit page. Thin: it calls rag/, eval/, report/ and history/."""
from __future__ import annotations

import os
import re
import secrets
import time
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from eval.checklist import load_checklist
from eval.proofread import apply_fix
from eval.score import score_report
from history import HistoryStore
from core.config import Settings, SettingsError, StoreUnavailableError, deployed_model, resolve_settings
from rag.background import DraftRun, start_run
from rag.corpus import (MAX_UPLOAD_MB, CorpusMissingError, NameClashError, add_file, describe_corpus, remove_file,
                        split_preview)
from rag.draft import Draft, DraftInputError, draft_report, example_facts, fact_notes, read_facts, read_sheet
from rag.e5fast import engine_status
from rag.engine import make_chat, make_writer
from core.llm import LLMError, check_connection
from rag.outline import STYLES, DraftOptions, Outline, OutlinePlan, current_choice, parse_year, part_choices
from rag.revise import RevisionError, revise, sentence_diff
from rag.session import DraftSession
from rag.verify import marked
from report import ROLE_LABELS, Report, ReportLoadError, Role, parse_text, read_text, report_parts, to_markdown, to_text
from report.docx import to_docx
from report.load import parse_file_text

if TYPE_CHECKING:
    from rag.retrieve import Retriever

st.set_page_config(page_title="党支部工作报告起草助手", page_icon="📝", layout="wide")
# Streamlit's file uploader speaks English ("Upload", "200MB per file"); every uploader here takes the
# same files and limit, so one fixed style sheet says it in Chinese (no user text is ever HTML).
UPLOADER_CSS = f"""<style>
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: "拖入文件，或点左侧按钮选择 · 每个文件 {MAX_UPLOAD_MB} MB 以内 · TXT、DOCX、MD"; font-size: 14px; }}
[data-testid="stFileUploaderDropzone"] button p {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] button p::after {{ content: "选择文件"; font-size: 14px; }}
</style>"""
st.html(UPLOADER_CSS)

KINDS = ["年度工作总结", "先锋支部创建汇报", "两年工作总结", "半年工作总结"]
LENGTHS = ["简短", "标准", "详细"]
STATUS_BADGES = {"pass": ":green[通过]", "fail": ":red[未通过]", "warn": ":orange[提醒]", "skip": ":gray[跳过]"}


def md_escape(text: str) -> str:
    """User text shown through Markdown, with Markdown syntax neutralised (HTML is never enabled)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~])", r"\\\1", text)


def deployment() -> tuple[dict[str, str], dict[str, str]]:
    """The environment and Streamlit secrets (when a secrets file exists)."""
    try:
        secrets_found = {key: str(value) for key, value in st.secrets.items() if not isinstance(value, dict)}
    except (FileNotFoundError, KeyError, AttributeError, st.errors.StreamlitSecretNotFoundError):
        secrets_found = {}
    return dict(os.environ), secrets_found


def diff_markdown(runs: list[tuple[str, str]]) -> str:
    """Sentence runs of a revision as Markdown: removed ones on red, added ones on green, lines kept."""
    colours = {"removed": "red", "added": "green"}
    return "".join("  \n".join(md_escape(part) if kind == "same" or not part else
                               f":{colours[kind]}-background[{md_escape(part)}]" for part in text.split("\n"))
                   for kind, text in runs)


def current_settings() -> Settings:
    """The one Settings of this session: environment, secrets over it, and the model entered on the page
    (only when the deployment names none). Resolved once a run and passed down."""
    env, found = deployment()
    return resolve_settings(env, found, st.session_state.get("page_llm"))


@st.cache_resource(show_spinner="正在加载语料索引…")
def open_retriever(data_dir: str, corpus_dir: str, chroma_host: str, chroma_port: int) -> "Retriever":
    """The index (synced with the corpus folder) and its retriever, shared by every session.

    Called after the input widgets are drawn, so the page is usable while Chroma loads.
    """
    from rag.index import Index
    from rag.retrieve import Retriever

    settings = current_settings()
    index = Index(settings)
    index.sync()
    retriever = Retriever(index)
    retriever.warm()
    return retriever


@st.cache_resource
def open_history(path: str) -> HistoryStore:
    return HistoryStore(Path(path))


@st.cache_resource
def checklist():
    return load_checklist()


try:
    settings = current_settings()
except SettingsError as error:
    st.error(f"{error}。请修改环境变量或 .streamlit/secrets.toml 后重新启动。")
    st.stop()
history = open_history(str(settings.data_dir / "history.sqlite"))
state = st.session_state

# A workspace code in the address keeps one person's drafts apart from another's on a shared server.
if "ws" not in st.query_params or not re.fullmatch(r"[A-Za-z0-9_-]{4,40}", st.query_params["ws"]):
    st.query_params["ws"] = secrets.token_urlsafe(9)
workspace = st.query_params["ws"]
state.setdefault("facts", "")
state.setdefault("outline", None)
for name, default in (("length", "标准"), ("include_problems", True), ("include_next_steps", True)):
    state.setdefault(name, default)
if state.get("session") is None or state.session.workspace != workspace:
    state.session = DraftSession(history, workspace)
session: DraftSession = state.session


def show_error(message: str) -> None:
    st.error(message)


def use_page_model() -> None:
    """Take the model entered on the page for this session, test it, and say how it went. The key
    field is emptied at once: the key is kept only in the session's settings, never shown again."""
    previous = state.get("page_llm", {})
    chosen = {"LLM_BASE_URL": state.get("page_llm_url", "").strip(), "LLM_MODEL": state.get("page_llm_model", "").strip(),
              "LLM_API_KEY": state.get("page_llm_key", "").strip() or previous.get("LLM_API_KEY", "")}
    state.page_llm_key = ""
    if not chosen["LLM_MODEL"] or not (chosen["LLM_BASE_URL"] or chosen["LLM_API_KEY"]):
        state.page_llm_note = ("error", "请至少填写模型名称，以及接口地址或密钥")
        return
    try:
        trial = resolve_settings({}, {}, chosen).llm
        reply = check_connection(trial)
    except (SettingsError, LLMError) as error:
        state.page_llm_note = ("error", f"连接失败：{error}。页面仍使用原来的设置。")
        return
    state.page_llm = chosen
    state.page_llm_note = ("success", f"连接成功（{trial.model} 回复：{reply[:20] or '（空）'}），"
                                      "本次会话起草和修改将使用该模型。")


def name_workspace() -> None:
    try:
        history.name_workspace(workspace, state.get("ws_name", ""))
        state.ws_name = ""
        state.ws_note = ("success", "已命名，其他人可在工作区列表中找到它")
    except ValueError as error:
        state.ws_note = ("error", str(error))


def switch_workspace(code: str) -> None:
    """Open another workspace: its drafts, in this tab (what was typed in the boxes stays)."""
    st.query_params["ws"] = code
    state.outline = None


# --- sidebar -------------------------------------------------------------------------------------
with st.sidebar:
    st.header("运行状态")
    if settings.llm.configured:
        host = settings.llm.host
        st.success(f"大模型：{settings.llm.model}（{host}）")
    else:
        st.info("离线模式：未配置大模型，草稿仅依据所填事实组稿，缺少的内容标注【待补充】。")
    with st.expander("接入大模型"):
        env, found = deployment()
        if deployed_model({**env, **found}):
            st.caption("模型由部署配置（环境变量或 .streamlit/secrets.toml）指定，页面上不能更改。")
        else:
            st.caption("仅对本次会话有效：密钥不回显、不写入历史和导出的文件。长期使用请由管理员配置环境变量或 "
                       "`.streamlit/secrets.toml`（`LLM_BASE_URL`、`LLM_API_KEY`、`LLM_MODEL`）。")
            st.text_input("接口地址", key="page_llm_url", placeholder="如 https://api.deepseek.com/v1、http://localhost:11434/v1")
            st.text_input("模型名称", key="page_llm_model", placeholder="如 deepseek-chat、qwen-plus")
            key_set = bool(state.get("page_llm", {}).get("LLM_API_KEY"))
            st.text_input("密钥", key="page_llm_key", type="password",
                          placeholder="已设置（不显示）；留空则保留" if key_set else "本地服务可不填")
            use, clear = st.columns(2)
            use.button("使用并测试连接", key="page_llm_use", on_click=use_page_model)
            clear.button("改回离线", key="page_llm_clear", disabled="page_llm" not in state,
                         on_click=lambda: [state.pop(name, None) for name in ("page_llm", "page_llm_note")])
            kind, note = state.get("page_llm_note", ("", ""))
            if note:
                (st.success if kind == "success" else st.error)(note)
    ws_name = history.workspace_name(workspace)
    named = [item for item in history.named_workspaces() if item.code != workspace]
    kind, note = state.pop("ws_note", ("", ""))
    with st.expander(f"工作区：{ws_name or workspace}", expanded=bool(note) or (not ws_name and bool(named))):
        st.caption("内网使用，无需登录。草稿保存在本工作区；收藏本页地址即可回来。命名后的工作区列在这里，"
                   "本服务器上的所有人都能看到并打开；不命名则只能凭地址找回。")
        st.text_input("工作区名称", key="ws_name", placeholder=ws_name or "如：机关第一党支部")
        st.button("命名" if not ws_name else "改名", key="ws_name_save", on_click=name_workspace)
        if note:
            (st.success if kind == "success" else st.error)(note)
        if named:
            st.caption("打开其他已命名的工作区：")
        running = state.get("draft_run") is not None and not state.draft_run.finished
        for item in named:
            st.button(f"{item.name}（{item.drafts} 份草稿）", key=f"ws_go_{item.code}", on_click=switch_workspace,
                      args=(item.code,), disabled=running, help="起草进行中，完成后再切换" if running else None)

st.title("党支部工作报告起草助手")
tab_draft, tab_revise, tab_score, tab_history, tab_corpus = st.tabs(["起草", "修改", "评分", "历史", "语料"])


def draft_options() -> DraftOptions:
    return DraftOptions(unit=state.get("unit", "").strip(), year=state.get("year", "").strip(),
                        kind=state.get("kind", KINDS[0]), length=state.get("length", "标准"),
                        include_problems=state.get("include_problems", True),
                        include_next_steps=state.get("include_next_steps", True), style=state.get("style", "arabic"))


def show_draft(draft: Draft) -> None:
    st.subheader(draft.report.title or "草稿")
    st.caption(draft.engine)
    if not draft.offline and draft.usage.calls:
        usage = draft.usage
        st.caption(f"模型调用 {usage.calls} 次（其中修正 {draft.repairs} 次），提示 {usage.prompt_tokens} tokens、"
                   f"输出 {usage.completion_tokens} tokens{'（估算）' if usage.estimated else ''}；"
                   f"删去复述提示词的行 {draft.echoes} 行；提示词版本 {draft.prompt_version}")
        flagged = sum(len(flags) for flags in draft.flags.values())
        if flagged:
            st.warning(f"核对发现 {flagged} 处问题，已在正文中标出（导出的文档不带标记），请逐一核实。")
    for warning in draft.warnings:
        st.warning(warning)
    if draft.previous_plans:
        open_plans = [plan for plan in draft.previous_plans if plan.status == "open"]
        with st.expander(f"去年计划的落实情况：{len(draft.previous_plans)} 项，{len(open_plans)} 项未见落实",
                         expanded=bool(open_plans)):
            for plan in draft.previous_plans:
                if plan.status == "addressed":
                    st.markdown(":green[**已落实**] " + md_escape(plan.plan) + "  \n"
                                + md_escape("今年事实：" + "；".join(plan.facts)))
                else:
                    st.markdown(":orange[**未见落实**] " + md_escape(plan.plan) + "  \n:orange[未见对应事实，已在草稿"
                                "相应部分留【待补充】，请补写落实情况，或写入存在问题]")
    report = session.current or draft.report
    for key, title, text in report_parts(report):
        st.markdown(f"**{md_escape(title)}**")
        flags = [flag for flag in draft.flags.get(key, []) if flag.open_in(text, draft.facts)]
        if flags:
            runs = marked(text, [flag.excerpt for flag in flags])
            st.markdown("".join(f":orange-background[{md_escape(piece)}]" if hit else md_escape(piece)
                                for piece, hit in runs).replace("\n", "  \n"))
            for flag in flags:
                st.warning(f"⚠ {flag.label}：{flag.why}（{flag.action}）", icon=None)
        else:
            st.text(text)
        sources = draft.sources.get(key, [])
        with st.expander(f"参考范文（{len(sources)}）"):
            for source in sources:
                st.caption(md_escape(f"{source.report} · {source.section}"))  # corpus text is never live Markdown
                st.text(source.excerpt)
    name = re.sub(r"[^\w\u4e00-\u9fff-]+", "_", report.title or "草稿")
    left, right = st.columns(2)
    left.download_button("下载 Word（.docx）", to_docx(report, unit=draft.options.unit), f"{name}.docx", key="download_docx",
                         mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    right.download_button("下载 Markdown", to_markdown(report).encode("utf-8"), f"{name}.md", key="download_md",
                          mime="text/markdown")


def plan_into_state(sheet) -> None:
    """Plan an outline from the facts and keep it (parts, each fact's part) for editing."""
    plan = OutlinePlan.of(sheet.facts, draft_options(), state.facts, fact_notes(sheet, draft_options().year_number))
    state.outline = plan
    for index, row in enumerate(plan.facts):
        state[plan.key(index)] = row["归入"]


def show_outline() -> Outline | None:
    """The editable outline: part headings in a table, then each fact with the part it goes to.

    Moving a fact is one choice in its "归入" box; unsure placements are marked 请确认.
    Returns the outline as edited, or None (after a message) when it cannot be used.
    """
    plan: OutlinePlan = state.outline
    for note in plan.notes:
        st.warning(note)
    st.caption("提纲各部分：可直接修改标题、增删部分。")
    parts = st.data_editor(plan.parts, key=plan.editor_key, num_rows="dynamic", width="stretch",
                           column_config={"主题": None, "部分": st.column_config.SelectboxColumn(
                               "部分", options=list(ROLE_LABELS.values()), required=True)})
    try:
        choices = part_choices(list(parts))
    except ValueError as error:
        show_error(str(error))
        return None
    if plan.unsure():
        st.warning(f"有 {len(plan.unsure())} 条事实的归类把握不大，已标“请确认”，请核对它们归入的部分。")
    st.caption("每条事实归入哪一部分（选择即移动）：")
    for index, row in enumerate(plan.facts):
        key = plan.key(index)
        if state.get(key) not in choices and choices:  # the parts were edited: keep the fact where it was
            kept = current_choice(str(state.get(key, "")), list(parts))
            state[key] = kept if kept in choices else choices[0]
        mark = "⚠ " if row["把握"].startswith("请确认") else ""
        label = md_escape(f"{mark}{row['序号']}. {row['事实']}")
        fact_column, choice_column = st.columns([3, 2], vertical_alignment="center")
        fact_column.markdown(label, help=row["把握"] or None)
        choice_column.selectbox(label, choices, key=key, label_visibility="collapsed")
    try:
        return plan.outline(list(parts), {index: state.get(plan.key(index), "") for index in range(len(plan.facts))})
    except ValueError as error:
        show_error(str(error))
        return None


def previous_report() -> Report | None:
    """Last year's report, when one was uploaded (ReportLoadError with a message when it cannot be read)."""
    upload = state.get("previous_upload")
    if upload is None:
        return None
    try:
        return parse_file_text(read_text(upload.getvalue(), upload.name), upload.name)
    except ReportLoadError as error:
        raise ReportLoadError(f"去年的报告无法读取：{error}") from error


def start_draft(facts: str, options: DraftOptions, outline: Outline | None, previous: Report | None) -> DraftRun:
    """Draft on a thread of its own: clicks elsewhere on the page, or closing it, do not stop the run,
    and the draft (or what a failed run wrote) is saved to the history when it ends."""
    writer = make_writer(settings)
    return start_run(lambda progress: draft_report(facts, options, retriever, writer, progress, outline=outline,
                                                   previous=previous),
                     lambda draft, complete: session.start(draft, facts, complete))


@st.fragment(run_every=0.5)
def show_run() -> None:
    """The running draft's progress, refreshed twice a second; the whole page reruns when it ends."""
    run: DraftRun | None = state.get("draft_run")
    if run is None:
        return
    if run.finished:
        st.rerun(scope="app")
    with st.status(run.label, expanded=True):
        for line in list(run.stages):
            st.write(line)
        st.text(run.preview)
    st.caption("起草在后台进行：可以切换到其他页签，完成后草稿自动保存到“历史”。")


# --- 起草 -----------------------------------------------------------------------------------------
with tab_draft:
    st.button("载入示例", key="load_example", on_click=lambda: state.update(facts=example_facts()))
    st.text_area("本年度工作事实（一行一条）", key="facts", height=220,
                 placeholder="例如：\n- 全年召开支部党员大会4次\n- 组织集中学习18次")
    columns = st.columns(3)
    columns[0].text_input("单位（支部名称）", key="unit", placeholder="如：机关第一党支部")
    columns[1].text_input("年度", key="year", placeholder="如：2024")
    columns[2].selectbox("报告类型", KINDS, key="kind")
    columns = st.columns(4)
    columns[0].selectbox("篇幅", LENGTHS, key="length")
    columns[1].radio("条目格式", list(STYLES), format_func=STYLES.get, key="style")
    columns[2].checkbox("写存在问题", key="include_problems")
    columns[3].checkbox("写下一步打算", key="include_next_steps")
    st.file_uploader(f"去年的工作报告（可选，.txt / .docx / .md，{MAX_UPLOAD_MB} MB 以内）：对照其“下一步打算”，"
                     "看哪些今年已落实，未见落实的在草稿中留【待补充】", type=["txt", "docx", "md"], key="previous_upload",
                     max_upload_size=MAX_UPLOAD_MB)

    try:
        retriever = open_retriever(str(settings.data_dir), str(settings.corpus_dir), settings.chroma_host,
                                   settings.chroma_port)
    except (CorpusMissingError, StoreUnavailableError) as error:
        st.error(f"{error}。已填写的事实仍在上方。")
        st.stop()
    reports, chunks = retriever.counts()
    engine = "" if settings.embed_model else f"（{engine_status()}）"
    st.sidebar.caption(f"语料库：{reports} 篇报告，{chunks} 个段落；向量模型：{retriever.index.embedder.name}{engine}")
    left, right = st.columns(2)
    if left.button("① 生成提纲", key="plan"):
        try:
            parse_year(state.get("year", ""))
            plan_into_state(read_sheet(state.facts))
        except (DraftInputError, ValueError) as error:
            show_error(str(error))
    outline_choice: Outline | None = None
    if state.get("outline_note"):
        st.info(state.pop("outline_note"))
    if state.outline:
        outline_choice = show_outline()
    run: DraftRun | None = state.get("draft_run")
    if run is not None and run.finished:  # the run saved its draft: the session shows it from now on
        if run.error:
            show_error(run.error)
        elif run.draft_id is not None:
            st.success(f"起草完成，已保存到“历史”（编号 {run.draft_id}）")
        state.draft_run = run = None
    if right.button("② 起草全文", key="draft_button", type="primary", disabled=run is not None):
        try:
            parse_year(state.get("year", ""))
            sheet = read_sheet(state.facts)
            outline = None
            if state.outline and state.outline.facts_text != state.facts:
                state.outline_note = "事实已修改，已按新的事实重新归类、生成提纲（可在上方提纲中调整后再次起草）。"
                plan_into_state(sheet)
            elif state.outline:
                if outline_choice is None:
                    raise DraftInputError("提纲有误，请按上方提示修改后再起草")
                outline = outline_choice
            state.draft_run = start_draft(state.facts, draft_options(), outline, previous_report())
            state.draft_run.wait(1.0)  # a quick (offline) draft is shown at once, not at the next refresh
            st.rerun()  # drawn again with the buttons that would start another draft disabled
        except (DraftInputError, ReportLoadError, ValueError) as error:
            show_error(str(error))
    if state.get("draft_run") is not None:
        show_run()
    if session.draft is not None:
        show_draft(session.draft)

# --- 修改 -----------------------------------------------------------------------------------------
def show_changes(old: str, new: str) -> None:
    """What changed, sentence by sentence, as a reader's diff."""
    st.markdown("**改动**（:red-background[删去的句子]、:green-background[新增的句子]）")
    runs = sentence_diff(old, new)
    st.markdown(diff_markdown(runs) if any(kind != "same" for kind, _ in runs) else "（无变化）")


def save_edit(key: str, area_key: str) -> None:
    """The secretary's text for one part becomes a new version (saved, undoable); on an error the text
    typed stays in its box."""
    old = dict((part_key, text) for part_key, _, text in report_parts(session.current)).get(key, "")
    try:
        changed = session.edit(key, state.get(area_key, ""))
    except RevisionError as error:
        state.edit_note = ("error", str(error))
        return
    state.edit_note = ("success", "已保存为新版本，可撤销；“历史”页可查看各版本") if changed else ("info", "内容没有变化")
    state.last_edit = (old, state.get(area_key, "").strip()) if changed else None


def edit_panel(report) -> None:
    """Edit one part's text directly; saving makes it a version like any revision."""
    parts = report_parts(report)
    titles = {key: title for key, title, _ in parts}
    key = st.selectbox("选择要编辑的部分", list(titles), format_func=titles.get, key="edit_part")
    text = dict((part_key, part_text) for part_key, _, part_text in parts).get(key, "")
    area_key = f"edit_{session.draft_id}_{key}_{zlib.crc32(text.encode('utf-8'))}"  # a new version refills the box
    st.text_area("内容（一段一行；标题和编号如“一、”“1.”照常书写）", value=text, key=area_key, height=320)
    st.button("保存为新版本", key="edit_save", type="primary", on_click=save_edit, args=(key, area_key))
    kind, note = state.pop("edit_note", ("", ""))
    if note:
        {"success": st.success, "info": st.info}.get(kind, st.error)(note)
    if state.get("last_edit"):
        show_changes(*state.last_edit)


def revision_panel(report) -> None:
    """Revise one section by an instruction (offline rules or the model), then accept or discard."""
    titles = [section.title for section in report.sections]
    chosen = st.selectbox("选择要修改的章节", range(len(titles)), format_func=lambda i: titles[i], key="revise_section")
    st.text_input("修改要求", key="instruction",
                  placeholder="如：补充以下事实：…；精简；改为一是二是格式" + ("；扩写；语气更正式" if settings.llm.configured else ""))
    if st.button("生成修改", key="propose"):
        try:
            session.proposal = revise(report, chosen, state.instruction, make_chat(settings), session.draft.facts)
        except (RevisionError, LLMError) as error:
            show_error(str(error))
    proposal = session.proposal
    if proposal is not None and proposal.before is report:
        st.caption(proposal.note)
        for flag in proposal.flags:
            st.warning(f"⚠ {flag.label}：{flag.why}")
        old, new = st.columns(2)
        old.markdown("**修改前**")
        old.text(proposal.old_text)
        new.markdown("**修改后**")
        new.text(proposal.new_text)
        show_changes(proposal.old_text, proposal.new_text)
        accept, discard = st.columns(2)
        if accept.button("采纳修改", key="accept", type="primary"):
            session.accept(proposal)
            st.rerun()
        if discard.button("放弃修改", key="discard"):
            session.proposal = None
            st.rerun()


with tab_revise:
    if session.draft is None:
        st.info("请先在“起草”页生成草稿，或在“历史”页打开一份草稿。")
    else:
        report = session.current
        mode_column, undo_column, redo_column = st.columns([4, 1, 1], vertical_alignment="bottom")
        mode = mode_column.radio("修改方式", ["按要求修改", "直接编辑"], horizontal=True, key="revise_mode")
        if undo_column.button("撤销", key="undo", disabled=not session.versions.undo_stack):
            session.undo()
            state.last_edit = None
            st.rerun()
        if redo_column.button("重做", key="redo", disabled=not session.versions.redo_stack):
            session.redo()
            state.last_edit = None
            st.rerun()
        if mode == "直接编辑":
            edit_panel(report)
        else:
            revision_panel(report)

# --- 评分 -----------------------------------------------------------------------------------------
def score_into_state(source: str) -> None:
    """Score the chosen text (current draft, pasted text or upload) and keep the scorecard."""
    try:
        if source == "当前草稿":
            if session.draft is None:
                raise ReportLoadError("还没有当前草稿，请先起草或选择其他评分对象")
            target = session.current
        elif source == "粘贴文本":
            if not state.get("score_text", "").strip():
                raise ReportLoadError("请先粘贴报告全文")
            target = parse_text(state.score_text)
        else:
            upload = state.get("score_upload")
            if upload is None:
                raise ReportLoadError("请先选择要上传的文件")
            target = parse_file_text(read_text(upload.getvalue(), upload.name), upload.name)
        use_facts = state.get("score_with_facts") and state.facts.strip()
        state.scorecard = score_report(target, checklist(), read_facts(state.facts) if use_facts else None,
                                       chat=make_chat(settings))
        state.scored_source = source
    except (ReportLoadError, DraftInputError) as error:
        show_error(str(error))


def apply_correction(location) -> None:
    """One click on a suggested correction: the current draft gets a new version (saved, undoable), or
    the pasted text is corrected; then the text is scored again."""
    source = state.get("scored_source")
    if source == "当前草稿" and session.draft is not None:
        before = to_text(session.current)
        after = apply_fix(before, location.line, location.found, location.fix)
        if after != before:
            session.push(parse_text(after), f"校对：“{location.found}”改为“{location.fix}”")
    elif source == "粘贴文本":
        state.score_text = apply_fix(state.get("score_text", ""), location.line, location.found, location.fix)
    score_into_state(source)


with tab_score:
    source = st.radio("评分对象", ["当前草稿", "粘贴文本", "上传文件"], horizontal=True, key="score_source")
    if source == "粘贴文本":
        st.text_area("粘贴报告全文", key="score_text", height=200)
    elif source == "上传文件":
        st.file_uploader(f"上传报告（.txt / .md / .docx，{MAX_UPLOAD_MB} MB 以内）", type=["txt", "md", "docx"],
                         key="score_upload", max_upload_size=MAX_UPLOAD_MB)
    st.checkbox("同时核对事实（使用“起草”页的事实）", value=bool(state.facts.strip()), key="score_with_facts")
    if st.button("开始评分", key="score"):
        score_into_state(source)
    card = state.get("scorecard")
    if card is not None:
        st.metric("总分", f"{card.score:g} / 100", "达到及格线" if card.passed else f"未达到 {card.min_score:g} 分",
                  delta_color="normal" if card.passed else "inverse")
        fixable = state.get("scored_source") in ("当前草稿", "粘贴文本")
        for item in card.failures_first():
            with st.expander(f"{STATUS_BADGES[item.status]}　{md_escape(item.title)}", expanded=item.status == "fail"):
                st.text(item.reason)
                for number, location in enumerate(item.locations[:30]):
                    if fixable and location.fix and location.found:
                        text_column, fix_column = st.columns([5, 1], vertical_alignment="center")
                        text_column.text(f"【{location.section}】{location.excerpt}")
                        fix_column.button(md_escape(f"改为“{location.fix[:12]}”"), key=f"fix_{item.id}_{number}",
                                          on_click=apply_correction, args=(location,))
                    else:
                        st.text(f"【{location.section}】{location.excerpt}")
                if len(item.locations) > 30:
                    st.caption(f"另有 {len(item.locations) - 30} 处未列出")

# --- 历史 -----------------------------------------------------------------------------------------
def into_widgets(draft: Draft, facts: str) -> None:
    """A reopened draft's facts, 单位, 年度, options and outline back in their boxes (runs before they are drawn)."""
    options = draft.options
    state.update(facts=facts, unit=options.unit, year=options.year, style=options.style,
                 include_problems=options.include_problems, include_next_steps=options.include_next_steps)
    state.update({name: value for name, value, allowed in (("kind", options.kind, KINDS), ("length", options.length, LENGTHS))
                  if value in allowed})
    state.outline = None
    if draft.outline is not None:
        state.outline = OutlinePlan.edit(draft.outline, draft.facts, facts)
        state.update(state.outline.choices())


def open_saved(draft_id: int) -> None:
    """Load a saved draft into this session, with everything it was drafted from."""
    facts = session.open(draft_id)
    into_widgets(session.draft, facts)


def restore_version(draft_id: int, number: int) -> None:
    """Make saved version ``number`` (1-based) of a draft current again, as a new version."""
    versions = history.versions(workspace, draft_id)
    if session.draft_id != draft_id:
        open_saved(draft_id)
    session.restore(versions[number - 1], number)
    state.history_note = f"已恢复到第 {number} 版，并保存为第 {len(versions) + 1} 版（可撤销）"


def versions_panel(draft_id: int) -> None:
    """A draft's versions: when and what changed; view one, compare two, restore one."""
    versions = history.versions(workspace, draft_id)
    st.dataframe([{"版本": number, "时间": time.strftime("%m-%d %H:%M:%S", time.localtime(version.created)),
                   "改动": version.note, "字数": len(version.text.replace("\n", ""))}
                  for number, version in enumerate(versions, 1)], width="stretch", hide_index=True)
    numbers = list(range(1, len(versions) + 1))
    view, compare = st.columns(2)
    shown = view.selectbox("查看版本", numbers, index=len(numbers) - 1, format_func=lambda n: f"第 {n} 版",
                           key=f"version_view_{draft_id}_{len(versions)}")  # a new version is shown first
    other = compare.selectbox("与之比较", [0, *numbers], format_func=lambda n: f"第 {n} 版" if n else "不比较",
                              key=f"version_compare_{draft_id}_{len(versions)}")
    if other:
        st.caption(f"从第 {other} 版到第 {shown} 版的改动")
        show_changes(versions[other - 1].text, versions[shown - 1].text)
    else:
        st.text(versions[shown - 1].text)
    st.button(f"恢复第 {shown} 版", key=f"version_restore_{draft_id}", on_click=restore_version, args=(draft_id, shown),
              disabled=shown == len(versions), help="恢复会保存为新的一版，原有版本都保留")


with tab_history:
    saved = history.drafts(workspace)
    if not saved:
        st.info("本工作区还没有保存的草稿。每次起草和采纳修改都会自动保存在这里。"
                "以前的草稿在别的工作区时，请在左侧“工作区”中打开它。")
    note = state.pop("history_note", "")
    if note:
        st.success(note)
    for item in saved:
        with st.container(border=True):
            current = " · 当前草稿" if item.id == session.draft_id else ""
            st.markdown(f"**{md_escape(item.title)}**")
            updated = time.strftime("%Y-%m-%d %H:%M", time.localtime(item.updated))
            st.caption(f"编号 {item.id} · 更新于 {updated} · {item.versions} 个版本 · {item.engine}{current}")
            cols = st.columns([1, 2, 1, 1])
            cols[0].button("打开", key=f"open_{item.id}", on_click=open_saved, args=(item.id,))
            new_title = cols[1].text_input("新标题", key=f"title_{item.id}", label_visibility="collapsed",
                                           placeholder="输入新标题后点“重命名”")
            if cols[2].button("重命名", key=f"rename_{item.id}"):
                try:
                    history.rename(workspace, item.id, new_title)
                    st.rerun()
                except ValueError as error:
                    show_error(str(error))
            if cols[3].button("删除", key=f"delete_{item.id}"):
                state.history_confirm = item.id
            if state.get("history_confirm") == item.id:
                st.warning(f"确定删除“{item.title}”及其全部 {item.versions} 个版本？删除后不能恢复。")
                yes, no = st.columns(2)
                yes.button("确认删除", key=f"delete_yes_{item.id}", on_click=lambda d=item.id: (
                    session.delete(d), state.pop("history_confirm", None)))
                no.button("取消", key=f"delete_no_{item.id}", on_click=lambda: state.pop("history_confirm", None))
            with st.expander(f"版本（{item.versions}）：查看、比较、恢复"):
                versions_panel(item.id)

# --- 语料 -----------------------------------------------------------------------------------------
def add_to_corpus(name: str, data: bytes, replace: bool | None) -> None:
    """Add an upload (asking first when the name is taken), re-index, and say what happened; runs
    before the tab is drawn, so the table below is already in step."""
    state.pop("corpus_clash", None)
    try:
        path = add_file(settings.corpus_dir, name, data, replace)
        result = retriever.index.sync()
        state.corpus_note = ("success", f"已加入 {path.name}，新增索引 {result.embedded_chunks} 个段落")
    except NameClashError:
        state.corpus_clash = (name, data)
    except ReportLoadError as error:
        state.corpus_note = ("error", str(error))


def remove_from_corpus(name: str) -> None:
    state.pop("corpus_confirm", None)
    remove_file(settings.corpus_dir, name)
    retriever.index.sync()
    state.corpus_note = ("success", f"已移除 {name}，索引已更新")


with tab_corpus:
    files, errors = describe_corpus(settings.corpus_dir)
    st.caption(f"{len(files)} 篇报告已入库，索引 {retriever.index.count()} 个段落。范文只作结构和文风参考，不作为事实。")
    st.dataframe([{"文件": f.name, "字数": f.chars, "章节": len(f.report.sections),
                   "包含": "、".join(sorted(ROLE_LABELS[r] for r in f.report.roles()))} for f in files],
                 width="stretch", hide_index=True)
    for error in errors:
        st.warning(error)
    upload = st.file_uploader(f"添加报告（.txt / .docx / .md，每个文件 {MAX_UPLOAD_MB} MB 以内）", type=["txt", "docx", "md"],
                              key="corpus_upload", max_upload_size=MAX_UPLOAD_MB)
    if st.button("加入语料库", key="corpus_add"):
        if upload is None:
            show_error("请先选择要上传的文件")
        else:
            add_to_corpus(upload.name, upload.getvalue(), None)
    clash = state.get("corpus_clash")
    if clash:
        st.warning(f"语料库中已有同名文件 {clash[0]}：替换原文件，还是两份都保留？")
        keep, replace, cancel = st.columns(3)
        keep.button("两份都保留", key="corpus_keep_both", on_click=add_to_corpus, args=(*clash, False))
        replace.button("替换原文件", key="corpus_replace", on_click=add_to_corpus, args=(*clash, True))
        cancel.button("取消", key="corpus_cancel", on_click=lambda: state.pop("corpus_clash", None))
    kind, note = state.pop("corpus_note", ("", ""))
    if note:
        (st.success if kind == "success" else st.error)(note)
    names = [f.name for f in files]
    cols = st.columns([3, 1, 1])
    doomed = cols[0].selectbox("移除报告", names, key="corpus_remove_name") if names else None
    if cols[1].button("移除", key="corpus_remove", disabled=not names):
        state.corpus_confirm = doomed
    if state.get("corpus_confirm") in names:
        st.warning(f"确定从语料库移除 {state.corpus_confirm}？文件会被删除，索引随之更新。")
        yes, no = st.columns(2)
        yes.button("确认移除", key="corpus_remove_yes", on_click=remove_from_corpus, args=(state.corpus_confirm,))
        no.button("取消", key="corpus_remove_no", on_click=lambda: state.pop("corpus_confirm", None))
    if cols[2].button("重建索引", key="corpus_rebuild"):
        with st.spinner("正在重建索引…"):
            result = retriever.index.rebuild()
        st.success(f"索引已重建：{retriever.index.count()} 个段落，用时 {result.seconds:.1f} 秒")
    if files:
        with st.expander("查看切分：一篇报告如何切成检索段落"):
            shown = st.selectbox("报告", [f.name for f in files], key="corpus_preview")
            st.dataframe(split_preview(next(f for f in files if f.name == shown)), width="stretch", hide_index=True)
        with st.expander("检索测试：输入一句话，看会找到哪些范文段落"):
            query = st.text_input("检索内容", key="corpus_query", placeholder="如：组织党员开展主题党日活动")
            role = st.selectbox("只看", ["全部", *ROLE_LABELS.values()], key="corpus_query_role")
            if query.strip():
                try:
                    wanted = next((r.value for r, label in ROLE_LABELS.items() if label == role), None)
                    for hit in retriever.search(query, k=5, role=wanted):
                        st.caption(md_escape(f"{hit.report} · {hit.section}（{ROLE_LABELS[Role(hit.role)]}，"
                                             f"得分 {hit.score:.4f}）"))
                        st.text(hit.text[:200])
                except ValueError as error:
                    show_error(str(error))
