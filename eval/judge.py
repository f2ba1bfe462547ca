"""The optional LLM judge (G-Eval style rubric in prompts/), used only when an endpoint is configured."""
from __future__ import annotations

import json
import re
from typing import Any

from eval.checks import Outcome
from core.llm import LLMError
from core.prompts import render_prompt
from core.tokens import trim_to_tokens

MAX_REPORT_TOKENS = 6000


def judge(text: str, params: dict[str, Any], chat: Any) -> Outcome:
    """Ask the model (``chat``, with ``complete(messages, temperature=)``) for a 1–5 score with a reason; 3+ passes."""
    prompt = render_prompt(params.get("rubric", "judge_rubric"), report=trim_to_tokens(text, MAX_REPORT_TOKENS))
    try:
        answer = chat.complete([{"role": "user", "content": prompt}], temperature=0.0)
    except LLMError as error:
        return Outcome(None, f"大模型评审未完成：{error}")
    found = re.search(r"\{.*\}", answer, re.S)
    try:
        verdict = json.loads(found.group(0)) if found else {}
        score = int(verdict["score"])
    except (ValueError, KeyError, TypeError):
        return Outcome(None, f"大模型评审的回答无法解析：{answer[:60]}")
    minimum = int(params.get("min_score", 3))
    reason = str(verdict.get("reason", "")).strip()
    return Outcome(score >= minimum, f"大模型评分 {score}/5：{reason}")
