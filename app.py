"""Streamlit page: thin UI over rag/ and eval/ (no business logic here)."""
from __future__ import annotations

import streamlit as st

from rag.config import load_settings
from rag.index import Index
from rag.retrieve import Retriever
from report import ROLE_LABELS, Role

st.set_page_config(page_title="党支部工作报告起草助手", page_icon="📝", layout="wide")


@st.cache_resource(show_spinner="正在加载语料索引…")
def open_retriever() -> Retriever:
    """The index (synced with the corpus folder) and its retriever, shared by all sessions."""
    index = Index(load_settings())
    index.sync()
    return Retriever(index)


retriever = open_retriever()
st.title("党支部工作报告起草助手")
st.caption(f"语料库：{len(retriever.index.indexed_reports())} 篇报告，{retriever.index.count()} 个段落")

query = st.text_input("检索范文段落", key="query", placeholder="例如：三会一课 组织生活")
role_options = {"全部": None, **{label: role.value for role, label in ROLE_LABELS.items()}}
role_label = st.selectbox("限定部分", list(role_options), key="role")
if query.strip():
    hits = retriever.search(query, k=5, role=role_options[role_label])
    if not hits:
        st.info("没有找到相关段落。")
    for hit in hits:
        with st.container(border=True):
            st.markdown(f"**{hit.section}**")
            st.caption(f"{hit.report} · {ROLE_LABELS[Role(hit.role)]} · 相关度 {hit.score:.4f}")
            st.text(hit.text)
