"""The Streamlit page, driven through AppTest."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from rag.config import PROJECT_ROOT, Settings


@pytest.fixture()
def app(indexed_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("REPORT_DATA_DIR", str(indexed_settings.data_dir))
    monkeypatch.setenv("REPORT_CORPUS_DIR", str(indexed_settings.corpus_dir))
    page = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    page.run()
    return page


def test_search_shows_real_results(app: AppTest) -> None:
    assert not app.exception
    app.text_input(key="query").input("选派突击队支援防汛救灾").run()
    assert not app.exception
    shown = " ".join(block.value for block in app.markdown)
    assert "三是扛稳政治责任" in shown
