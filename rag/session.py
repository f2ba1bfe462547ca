"""A secretary's working session on one draft, shared by the page and the CLI: the current draft and
its versions (undo/redo, hand edits, restoring an earlier version), each saved to the history before
it is shown, in one workspace."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from history import HistoryStore
from history.store import SavedVersion
from rag.draft import Draft, restore_draft, sources_to_json
from rag.revise import Revision, Versions, edit_part
from report import Report, parse_text, report_parts, to_text


@dataclass
class DraftSession:
    """The draft being worked on in a workspace; every change goes to the history first."""

    history: HistoryStore
    workspace: str
    draft: Draft | None = None
    versions: Versions | None = None
    draft_id: int | None = None
    proposal: Revision | None = None  # a revision shown for acceptance, not yet saved

    @property
    def current(self) -> Report | None:
        """The current version of the draft's report."""
        return self.versions.current if self.versions else None

    def start(self, draft: Draft, facts_text: str, complete: bool = True) -> int:
        """Save a new draft (with its facts, options and what drafting recorded), then make it current."""
        draft_id = self.history.create(
            self.workspace, draft.report.title or "未命名草稿", draft.engine, draft.offline, facts_text,
            asdict(draft.options), to_text(draft.report), sources_to_json(draft.sources),
            note="起草" if complete else "起草（未完成）", meta=draft.meta())
        self.draft, self.versions, self.proposal, self.draft_id = draft, Versions(draft.report), None, draft_id
        return draft_id

    def record(self, note: str) -> None:
        """Save the current version with a note saying what changed."""
        self.draft.report = self.versions.current
        self.history.add_version(self.workspace, self.draft_id, to_text(self.draft.report),
                                 sources_to_json(self.draft.sources), note)

    def accept(self, revision: Revision) -> None:
        """Make a proposed revision current and save it, noting which part changed and how."""
        self.versions.accept(revision)
        self.proposal = None
        self.record(f"修改“{revision.before.sections[revision.index].title}”：{revision.instruction}")

    def push(self, report: Report, note: str) -> None:
        """Make ``report`` current (a correction, an edit) and save it."""
        self.versions.push(report)
        self.record(note)

    def edit(self, key: str, text: str) -> bool:
        """The secretary's own text for one part becomes a new version; False when nothing changed.
        RevisionError (Chinese) when the part is gone or the text is empty."""
        before = self.current
        title = dict((part_key, part_title) for part_key, part_title, _ in report_parts(before)).get(key, "")
        after = edit_part(before, key, text)
        if to_text(after) == to_text(before):
            return False
        self.push(after, f"手工编辑“{title}”")
        return True

    def restore(self, version: SavedVersion, number: int) -> None:
        """An earlier saved version (shown as number ``number``) becomes current again, as a new version."""
        if version.draft_id != self.draft_id:
            self.open(version.draft_id)
        self.push(parse_text(version.text), f"恢复到第 {number} 版（{version.note}）")

    def undo(self) -> bool:
        """Go back one version (saved as 撤销); False when there is none."""
        moved = self.versions.undo()
        if moved:
            self.record("撤销")
        return moved

    def redo(self) -> bool:
        """Go forward again (saved as 重做); False when there is nothing to redo."""
        moved = self.versions.redo()
        if moved:
            self.record("重做")
        return moved

    def open(self, draft_id: int) -> str:
        """Make a saved draft current (its latest version); returns its facts' text."""
        item = self.history.get(self.workspace, draft_id)
        latest = self.history.latest(self.workspace, draft_id)
        draft = restore_draft(latest.text, latest.sources, item.facts, item.options, item.engine, item.offline, item.meta)
        draft.report.title = draft.report.title or item.title
        self.draft, self.versions, self.draft_id, self.proposal = draft, Versions(draft.report), draft_id, None
        return item.facts

    def delete(self, draft_id: int) -> None:
        """Delete a saved draft; if it is the current one, there is no current draft any more."""
        self.history.delete(self.workspace, draft_id)
        if self.draft_id == draft_id:
            self.draft, self.versions, self.draft_id, self.proposal = None, None, None, None
