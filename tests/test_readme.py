"""Every shell command in the README runs as written after the two set-up commands
(issue 10 item 17). The Python examples are doctests (pytest collects README.md)."""
from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SH_BLOCKS = re.findall(r"```sh\n(.*?)```", README, re.S)

SETUP_DEMO = "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/respin --demo"
SETUP_TEST = ("python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && "
              ".venv/bin/python -m pytest -q")

#: Programs a README command may call besides the venv's own.
SYSTEM_TOOLS = {"cp", "tail", "cat", "head", "python3"}


def _venv_programs() -> set[str]:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {"python", "pip", *scripts["project"]["scripts"]}


def _commands(block: str) -> list[list[list[str]]]:
    """Lines of a block, each as its commands (split at &&, | and ;), comments dropped."""
    lines = []
    for line in block.splitlines():
        tokens = shlex.split(line, comments=True)
        if not tokens:
            continue
        cmds, cur = [], []
        for tok in tokens:
            if tok in ("&&", "|", ";"):
                cmds.append(cur)
                cur = []
            else:
                cur.append(tok)
        cmds.append(cur)
        lines.append(cmds)
    return lines


def test_the_two_setup_commands_are_unchanged_and_ci_runs_the_second():
    assert SH_BLOCKS[0].strip() == SETUP_DEMO
    assert SH_BLOCKS[1].strip() == SETUP_TEST
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == SETUP_TEST


def test_every_command_calls_a_program_that_exists_after_setup():
    venv = _venv_programs()
    created = set()
    for block in SH_BLOCKS[2:]:
        for line in _commands(block):
            for cmd in line:
                prog = cmd[0]
                if prog.startswith(".venv/bin/"):
                    name = prog.removeprefix(".venv/bin/")
                    assert name in venv, f"{prog}: not installed by the set-up"
                    if (ROOT / ".venv" / "bin").is_dir():
                        assert (ROOT / prog).exists(), prog
                else:
                    assert prog in SYSTEM_TOOLS and shutil.which(prog), \
                        f"{prog!r} in {' '.join(cmd)!r}: call it as .venv/bin/{prog}"
                # outputs made by this command; every other file argument must exist
                outs = {cmd[k + 1] for k, tok in enumerate(cmd[:-1])
                        if tok in (">", "-o", "--edits", "--out")}
                if prog == "cp":
                    outs.add(cmd[-1])
                for arg in cmd[1:]:
                    if arg in outs or arg.startswith("-") or arg in ("<", ">"):
                        continue
                    if "/" in arg or re.search(r"\.(txt|jsonl|json|tsv|md)$", arg):
                        assert (ROOT / arg).exists() or arg in created, \
                            f"{arg} in {' '.join(cmd)!r} does not exist after the set-up"
                created |= outs


def test_the_use_block_runs_as_written(tmp_path):
    # run in a scratch copy of the layout: .venv is the environment running the tests
    use = next(b for b in SH_BLOCKS if "respin spun.txt" in b)
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    (tmp_path / "src").symlink_to(ROOT / "src")
    if not (Path(sys.prefix) / "bin" / "respin").exists():
        import pytest

        pytest.skip("the respin script is not installed in this environment")
    res = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", use], cwd=tmp_path,
                         capture_output=True, timeout=300)
    assert res.returncode == 0, res.stderr.decode()
    spun = (tmp_path / "spun.txt").read_text(encoding="utf-8")
    restored = (tmp_path / "restored.txt").read_text(encoding="utf-8")
    assert restored != spun and len(restored.splitlines()) == len(spun.splitlines())
    assert (tmp_path / "edits.jsonl").read_text(encoding="utf-8").count("\n") > 5
    assert b"spin score" in res.stdout and b"@@ line" in res.stdout
