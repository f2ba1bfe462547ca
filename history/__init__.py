"""Saved drafts and their versions (SQLite in the data directory, WAL mode)."""
from history.store import HistoryStore, SavedDraft, SavedVersion

__all__ = ["HistoryStore", "SavedDraft", "SavedVersion"]
