"""Every draft and every accepted revision, saved before it is shown; survives restarts.

Drafts belong to a workspace (a code kept in the page's address), so that people sharing one
server see only their own drafts. A workspace may be given a name: named workspaces are listed on the
page for everyone on the server (an intranet tool without logins), unnamed ones are found only by address.
"""
from __future__ import annotations

import json
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace TEXT NOT NULL,
    title TEXT NOT NULL,
    engine TEXT NOT NULL,
    offline INTEGER NOT NULL,
    facts TEXT NOT NULL,
    options TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
    note TEXT NOT NULL,
    text TEXT NOT NULL,
    sources TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS workspaces (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS drafts_by_workspace ON drafts (workspace, updated);
CREATE INDEX IF NOT EXISTS versions_by_draft ON versions (draft_id, id);
"""


@dataclass(frozen=True)
class SavedDraft:
    """A draft as listed in the history."""

    id: int
    title: str
    engine: str
    offline: bool
    facts: str
    options: dict[str, Any]
    created: float
    updated: float
    versions: int
    meta: dict[str, Any]  # what drafting recorded: flags, model usage, repairs, prompt version


@dataclass(frozen=True)
class SavedVersion:
    """One saved text of a draft."""

    id: int
    draft_id: int
    note: str
    text: str
    sources: dict[str, Any]
    created: float


@dataclass(frozen=True)
class NamedWorkspace:
    """A workspace someone named, as listed on the page."""

    code: str
    name: str
    drafts: int
    updated: float  # the newest change to one of its drafts (or when it was named)


MAX_NAME_CHARS = 30


class HistoryStore:
    """SQLite store of drafts; one short-lived connection per call (safe across Streamlit threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            columns = {row["name"] for row in db.execute("PRAGMA table_info(drafts)")}
            if "meta" not in columns:  # a store from before drafts kept their meta
                db.execute("ALTER TABLE drafts ADD COLUMN meta TEXT NOT NULL DEFAULT '{}'")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys=ON")
        try:
            with db:
                yield db
        finally:
            db.close()

    def create(self, workspace: str, title: str, engine: str, offline: bool, facts: str, options: dict[str, Any],
               text: str, sources: dict[str, Any], note: str = "起草", meta: dict[str, Any] | None = None) -> int:
        """Save a new draft with its first version; return the draft id."""
        now = time.time()
        with self._connect() as db:
            draft_id = db.execute(
                "INSERT INTO drafts (workspace, title, engine, offline, facts, options, created, updated, meta)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (workspace, title, engine, int(offline), facts, json.dumps(options, ensure_ascii=False), now, now,
                 json.dumps(meta or {}, ensure_ascii=False)),
            ).lastrowid
            db.execute("INSERT INTO versions (draft_id, note, text, sources, created) VALUES (?, ?, ?, ?, ?)",
                       (draft_id, note, text, json.dumps(sources, ensure_ascii=False), now))
        return int(draft_id)

    def add_version(self, workspace: str, draft_id: int, text: str, sources: dict[str, Any], note: str) -> int:
        """Save another version of a draft (a revision, an undo …)."""
        now = time.time()
        with self._connect() as db:
            self._owned(db, workspace, draft_id)
            version_id = db.execute("INSERT INTO versions (draft_id, note, text, sources, created) VALUES (?, ?, ?, ?, ?)",
                                    (draft_id, note, text, json.dumps(sources, ensure_ascii=False), now)).lastrowid
            db.execute("UPDATE drafts SET updated = ? WHERE id = ?", (now, draft_id))
        return int(version_id)

    def drafts(self, workspace: str) -> list[SavedDraft]:
        """The workspace's drafts, newest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT d.*, COUNT(v.id) AS versions FROM drafts d LEFT JOIN versions v ON v.draft_id = d.id"
                " WHERE d.workspace = ? GROUP BY d.id ORDER BY d.updated DESC, d.id DESC", (workspace,)).fetchall()
        return [self._draft(row) for row in rows]

    def get(self, workspace: str, draft_id: int) -> SavedDraft:
        """One draft of the workspace."""
        with self._connect() as db:
            row = db.execute(
                "SELECT d.*, COUNT(v.id) AS versions FROM drafts d LEFT JOIN versions v ON v.draft_id = d.id"
                " WHERE d.workspace = ? AND d.id = ? GROUP BY d.id", (workspace, draft_id)).fetchone()
        if row is None:
            raise KeyError(f"没有编号为 {draft_id} 的草稿")
        return self._draft(row)

    def latest(self, workspace: str, draft_id: int) -> SavedVersion:
        """The newest version of a draft."""
        return self.versions(workspace, draft_id)[-1]

    def versions(self, workspace: str, draft_id: int) -> list[SavedVersion]:
        """Every version of a draft, oldest first."""
        with self._connect() as db:
            self._owned(db, workspace, draft_id)
            rows = db.execute("SELECT * FROM versions WHERE draft_id = ? ORDER BY id", (draft_id,)).fetchall()
        return [SavedVersion(row["id"], row["draft_id"], row["note"], row["text"], json.loads(row["sources"]),
                             row["created"]) for row in rows]

    def rename(self, workspace: str, draft_id: int, title: str) -> None:
        """Give a draft another title."""
        if not title.strip():
            raise ValueError("标题不能为空")
        with self._connect() as db:
            self._owned(db, workspace, draft_id)
            db.execute("UPDATE drafts SET title = ?, updated = ? WHERE id = ?", (title.strip(), time.time(), draft_id))

    def delete(self, workspace: str, draft_id: int) -> None:
        """Remove a draft and its versions."""
        with self._connect() as db:
            self._owned(db, workspace, draft_id)
            db.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))

    def name_workspace(self, code: str, name: str) -> None:
        """Give a workspace a name (or another one); ValueError (Chinese) if empty, too long or taken."""
        name = " ".join(name.split())
        if not name:
            raise ValueError("工作区名称不能为空")
        if len(name) > MAX_NAME_CHARS:
            raise ValueError(f"工作区名称最多 {MAX_NAME_CHARS} 个字")
        with self._connect() as db:
            taken = db.execute("SELECT code FROM workspaces WHERE name = ?", (name,)).fetchone()
            if taken is not None and taken["code"] != code:
                raise ValueError(f"已有名为“{name}”的工作区，请换一个名称")
            db.execute("INSERT INTO workspaces (code, name, created) VALUES (?, ?, ?)"
                       " ON CONFLICT(code) DO UPDATE SET name = excluded.name", (code, name, time.time()))

    def workspace_name(self, code: str) -> str:
        """The workspace's name, or "" when it has none."""
        with self._connect() as db:
            row = db.execute("SELECT name FROM workspaces WHERE code = ?", (code,)).fetchone()
        return row["name"] if row else ""

    def named_workspaces(self) -> list[NamedWorkspace]:
        """Every named workspace with its number of drafts, most recently used first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT w.code, w.name, COUNT(d.id) AS drafts, MAX(COALESCE(MAX(d.updated), w.created), w.created) AS updated"
                " FROM workspaces w LEFT JOIN drafts d ON d.workspace = w.code GROUP BY w.code"
                " ORDER BY updated DESC, w.name").fetchall()
        return [NamedWorkspace(row["code"], row["name"], row["drafts"], row["updated"]) for row in rows]

    @staticmethod
    def _owned(db: sqlite3.Connection, workspace: str, draft_id: int) -> None:
        if db.execute("SELECT 1 FROM drafts WHERE id = ? AND workspace = ?", (draft_id, workspace)).fetchone() is None:
            raise KeyError(f"没有编号为 {draft_id} 的草稿")

    @staticmethod
    def _draft(row: sqlite3.Row) -> SavedDraft:
        return SavedDraft(row["id"], row["title"], row["engine"], bool(row["offline"]), row["facts"],
                          json.loads(row["options"]), row["created"], row["updated"], row["versions"],
                          json.loads(row["meta"] or "{}"))
