"""Retrieval-augmented drafting: corpus → index → hybrid retrieval → prompts → LLM or offline engine."""
