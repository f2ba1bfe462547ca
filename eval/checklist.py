"""Load and validate a checklist YAML file; errors name the file and line."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_CHECKLIST = Path(__file__).with_name("checklist.yaml")
SEVERITIES = ("error", "warning")


class ChecklistError(ValueError):
    """A malformed checklist; the message names the file and line."""


@dataclass(frozen=True)
class Item:
    """One checklist item."""

    id: str
    title: str
    check: str
    weight: float = 1.0
    severity: str = "error"
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Checklist:
    """A named list of items and the score a draft must reach."""

    path: Path
    items: tuple[Item, ...]
    min_score: float = 80.0


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(node: yaml.Node) -> dict[str, yaml.Node]:
    return {key.value: value for key, value in node.value} if isinstance(node, yaml.MappingNode) else {}


def load_checklist(path: str | Path | None = None) -> Checklist:
    """Read a checklist file (default: eval/checklist.yaml) and check every item's shape."""
    from eval.checks import CHECKS

    path = Path(path) if path else DEFAULT_CHECKLIST
    where = path.name
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except OSError as error:
        raise ChecklistError(f"{where}: 无法读取检查清单（{error.strerror}）") from error
    except UnicodeDecodeError as error:
        raise ChecklistError(f"{where}: 检查清单须为 UTF-8 编码") from error
    except yaml.YAMLError as error:
        problem = getattr(error, "problem_mark", None)
        context = getattr(error, "context_mark", None)
        place = f"第 {problem.line + 1} 行" if problem else "未知位置"
        if context and problem and context.line != problem.line:
            place = f"第 {context.line + 1} 行起至{place}"
        raise ChecklistError(f"{where}: {place} YAML 格式错误：{getattr(error, 'problem', error)}") from error
    if not isinstance(data, dict) or "items" not in data:
        raise ChecklistError(f"{where}: 第 1 行 检查清单须是包含 items 列表的映射")
    nodes = _mapping(root)
    items_node = nodes["items"]
    if not isinstance(data["items"], list) or not isinstance(items_node, yaml.SequenceNode):
        raise ChecklistError(f"{where}: 第 {_line(items_node)} 行 items 须是列表")
    items, seen = [], set()
    for raw, node in zip(data["items"], items_node.value):
        line = _line(node)
        if not isinstance(raw, dict):
            raise ChecklistError(f"{where}: 第 {line} 行 每一项须是映射（id、title、weight…）")
        fields = _mapping(node)

        def fail(key: str, message: str) -> ChecklistError:
            return ChecklistError(f"{where}: 第 {_line(fields[key]) if key in fields else line} 行 {message}")

        item_id = raw.get("id")
        if not isinstance(item_id, str) or not item_id:
            raise fail("id", "缺少 id")
        if item_id in seen:
            raise fail("id", f"id 重复：{item_id}")
        seen.add(item_id)
        check = raw.get("check", item_id)
        if check not in CHECKS:
            raise fail("check" if "check" in raw else "id", f"未知的检查：{check}（可用：{', '.join(sorted(CHECKS))}）")
        weight = raw.get("weight", 1)
        if not isinstance(weight, (int, float)) or isinstance(weight, bool) or weight < 0:
            raise fail("weight", f"{item_id} 的 weight 须是非负数")
        severity = raw.get("severity", "error")
        if severity not in SEVERITIES:
            raise fail("severity", f"{item_id} 的 severity 须是 error 或 warning")
        params = raw.get("params") or {}
        if not isinstance(params, dict):
            raise fail("params", f"{item_id} 的 params 须是映射")
        items.append(Item(item_id, str(raw.get("title", item_id)), check, float(weight), severity, params))
    min_score = data.get("min_score", 80)
    if not isinstance(min_score, (int, float)) or not 0 <= min_score <= 100:
        raise ChecklistError(f"{where}: 第 {_line(nodes['min_score'])} 行 min_score 须在 0 到 100 之间")
    return Checklist(path, tuple(items), float(min_score))
