"""The evaluation harness: a checklist (YAML) of deterministic checks and an optional LLM judge."""
