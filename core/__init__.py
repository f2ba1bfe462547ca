"""Shared by rag/ and eval/: settings, the chat client, prompt files and offline token counting."""
