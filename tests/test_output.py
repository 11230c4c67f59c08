"""Writing output (-o, --edits) never destroys anything: issue 10, items 1-4.

Run as a user would, through a subprocess; the cases that only show as an
ordinary user run the subprocess as ``nobody`` when the suite runs as root.
"""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import respin

SPUN = "Tariffs fell to fifteen p.c in the provide chain {industry}, the White Home stated.\n"
RESTORED = respin.fix_text(SPUN)
OLD = "the good old output\n"

NOBODY = 65534


def run(*args: str, stdin: bytes | None = b"", as_nobody: bool = False, umask: int | None = None,
        stdin_file: Path | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    def pre() -> None:
        if umask is not None:
            os.umask(umask)
        if as_nobody:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)

    kw: dict = {"input": stdin} if stdin_file is None else {"stdin": stdin_file.open("rb")}
    return subprocess.run([sys.executable, "-m", "respin", *args], capture_output=True,
                          timeout=120, preexec_fn=pre, cwd=cwd, **kw)


def ok(res: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert res.returncode == 0, res.stderr.decode()
    assert res.stderr == b""
    return res


def one_line_error(res: subprocess.CompletedProcess, expected: str, status: int) -> None:
    err = res.stderr.decode()
    assert res.returncode == status, err
    assert err.count("\n") == 1 and err.startswith("respin error: ") and "Traceback" not in err, err
    assert expected in err, err


def no_temporaries(*dirs: Path) -> None:
    for d in dirs:
        assert not list(d.glob(".respin-*")), list(d.iterdir())


@pytest.fixture
def src(tmp_path: Path) -> Path:
    p = tmp_path / "in.txt"
    p.write_text(SPUN, encoding="utf-8")
    return p


@pytest.fixture
def shared_dir(tmp_path: Path) -> Path:
    """A directory an ordinary user (nobody) can use."""
    d = tmp_path / "world"
    d.mkdir()
    d.chmod(0o777)
    tmp_path.chmod(0o755)
    return d


root_only = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (to run as nobody, or "
                                                          "to show what root may overwrite)")


# ---- item 1: write through special files, pipes and links --------------------------

@root_only
def test_character_device_stays_a_device_as_root(src, tmp_path):
    # the issue's `-o /dev/null` as root, on a private null device made for the
    # test (the system's /dev/null is shared with every other process)
    null, zero = tmp_path / "null", tmp_path / "zero"
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        os.mknod(zero, stat.S_IFCHR | 0o666, os.makedev(1, 5))
    except OSError as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    before = os.stat(null)
    ok(run(str(src), "-o", str(null), "--edits", str(zero)))
    after = os.stat(null)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert after.st_ino == before.st_ino and stat.S_ISCHR(os.stat(zero).st_mode)
    no_temporaries(tmp_path)


def _private_stdout(tmp_path: Path) -> Path:
    """A symlink to /proc/self/fd/1, as /dev/stdout is. The tests use it instead
    of the system's /dev/stdout: a respin without the fix (run as root) would
    replace the symlink it is given, and /dev/stdout is shared by every process."""
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    return link


def test_edits_to_dev_stdout_write_through_the_symlink(src, tmp_path):
    out, stdout = tmp_path / "out.txt", _private_stdout(tmp_path)
    res = ok(run(str(src), "-o", str(out), "--edits", str(stdout)))
    rows = [json.loads(line) for line in res.stdout.decode().splitlines()]
    assert "supply chain" in [r["after"] for r in rows]
    assert stdout.is_symlink() and os.readlink(stdout) == "/proc/self/fd/1"
    assert out.read_text(encoding="utf-8") == RESTORED


def test_output_through_a_symlink_writes_its_target(src, tmp_path):
    target, link = tmp_path / "target.txt", tmp_path / "link.txt"
    target.write_text(OLD, encoding="utf-8")
    link.symlink_to(target.name)
    ok(run(str(src), "-o", str(link)))
    assert link.is_symlink() and os.readlink(link) == target.name
    assert target.read_text(encoding="utf-8") == RESTORED
    no_temporaries(tmp_path)


def test_dangling_symlink_creates_its_target(src, tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to("made.txt")
    ok(run(str(src), "-o", str(link)))
    assert link.is_symlink() and (tmp_path / "made.txt").read_text(encoding="utf-8") == RESTORED


def test_hard_links_inode_mode_and_owner_are_kept(src, tmp_path):
    out, twin = tmp_path / "out.txt", tmp_path / "twin.txt"
    out.write_text(OLD, encoding="utf-8")
    os.link(out, twin)
    out.chmod(0o604)
    if os.geteuid() == 0:
        os.chown(out, 1234, 5678)
    before = out.stat()
    ok(run(str(src), "-o", str(out)))
    after = out.stat()
    assert (after.st_ino, after.st_nlink, stat.S_IMODE(after.st_mode), after.st_uid, after.st_gid) == \
        (before.st_ino, 2, 0o604, before.st_uid, before.st_gid)
    assert twin.read_text(encoding="utf-8") == RESTORED
    no_temporaries(tmp_path)


def test_shorter_output_truncates_the_old_content(tmp_path):
    src, out = tmp_path / "in.txt", tmp_path / "out.txt"
    src.write_text("short p.c\n", encoding="utf-8")
    out.write_text(OLD * 100, encoding="utf-8")
    ok(run(str(src), "-o", str(out)))
    assert out.read_text(encoding="utf-8") == "short percent\n"


def test_fifo_is_written_not_replaced(src, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    ok(run(str(src), "-o", str(fifo)))
    reader.join(30)
    assert not reader.is_alive(), "the FIFO's reader hangs"
    assert got == [RESTORED.encode()]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_read_only_file_is_refused_and_kept(src, tmp_path):
    out = tmp_path / "out.txt"
    out.write_text(OLD, encoding="utf-8")
    out.chmod(0o444)
    one_line_error(run(str(src), "-o", str(out)), f"cannot write {out}: file is read-only", 1)
    assert out.read_text(encoding="utf-8") == OLD and stat.S_IMODE(out.stat().st_mode) == 0o444
    no_temporaries(tmp_path)


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_follow_the_umask(src, tmp_path, umask, mode):
    out, log = tmp_path / "out.txt", tmp_path / "edits.jsonl"
    ok(run(str(src), "-o", str(out), "--edits", str(log), umask=umask))
    assert stat.S_IMODE(out.stat().st_mode) == mode
    assert stat.S_IMODE(log.stat().st_mode) == mode


def test_output_is_a_directory_names_the_path(src, tmp_path):
    d = tmp_path / "outdir"
    d.mkdir()
    one_line_error(run(str(src), "-o", str(d)), f"cannot write {d}: is a directory", 1)


def test_failure_midway_keeps_the_old_output(tmp_path):
    src, out = tmp_path / "in.txt", tmp_path / "out.txt"
    src.write_bytes(SPUN.encode() * 50 + b"caf\xe9\n")
    out.write_text(OLD, encoding="utf-8")
    res = run(str(src), "-o", str(out))
    assert res.returncode == 1
    assert out.read_text(encoding="utf-8") == OLD
    no_temporaries(tmp_path)


def _nobody_can_run_python() -> bool:
    if os.geteuid() != 0:
        return False
    try:
        res = subprocess.run([sys.executable, "-c", "import respin"], capture_output=True,
                             timeout=60, preexec_fn=lambda: (os.setgroups([]), os.setgid(NOBODY),
                                                             os.setuid(NOBODY)))
    except OSError:
        return False
    return res.returncode == 0


as_nobody = pytest.mark.skipif(not _nobody_can_run_python(),
                               reason="needs root and a Python that user nobody can run")


@as_nobody
@pytest.mark.parametrize("target", ["/dev/null", "/dev/stdout"])
def test_ordinary_user_can_write_to_special_files(shared_dir, target):
    mine = shared_dir / "in.txt"
    mine.write_text(SPUN, encoding="utf-8")
    mine.chmod(0o644)
    res = ok(run(str(mine), "-o", target, as_nobody=True))
    assert res.stdout == (RESTORED.encode() if target == "/dev/stdout" else b"")


def test_edits_to_a_process_substitution(src, tmp_path):
    # >(cat > file) is /dev/fd/63: a pipe whose directory no one can create files in
    out, log = tmp_path / "out.txt", tmp_path / "edits.jsonl"
    script = f"{sys.executable} -m respin {src} -o {out} --edits >(cat > {log}); wait"
    res = subprocess.run(["bash", "-c", script], capture_output=True, timeout=120)
    assert res.returncode == 0, res.stderr.decode()
    rows: list[str] = []
    for _ in range(200):  # the substituted process may still be writing
        rows = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        if rows:
            break
        threading.Event().wait(0.05)
    assert "supply chain" in [json.loads(r)["after"] for r in rows]
    assert out.read_text(encoding="utf-8") == RESTORED


@as_nobody
def test_ordinary_user_writable_file_in_read_only_directory(shared_dir):
    mine = shared_dir / "in.txt"
    mine.write_text(SPUN, encoding="utf-8")
    mine.chmod(0o644)
    locked = shared_dir / "locked"
    locked.mkdir()
    out = locked / "out.txt"
    out.write_text(OLD, encoding="utf-8")
    os.chown(out, NOBODY, NOBODY)
    locked.chmod(0o555)
    ok(run(str(mine), "-o", str(out), as_nobody=True))
    assert out.read_text(encoding="utf-8") == RESTORED
    assert sorted(p.name for p in locked.iterdir()) == ["out.txt"]


def test_writable_file_in_a_directory_that_refuses_new_files(tmp_path, monkeypatch):
    # what a read-only directory does to an ordinary user, shown to any user:
    # creating a file beside the target fails, so the copy is staged elsewhere
    import tempfile

    from respin import _output

    locked = tmp_path / "locked"
    locked.mkdir()
    out = locked / "out.txt"
    out.write_text(OLD, encoding="utf-8")
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args, dir=None, **kw):
        if dir is not None and Path(dir) == locked:
            raise PermissionError(13, "Permission denied")
        return real_mkstemp(*args, dir=dir, **kw)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    with _output.transaction() as tx:
        tx.open(str(out)).write(RESTORED)
        assert out.read_text(encoding="utf-8") == OLD
    assert out.read_text(encoding="utf-8") == RESTORED
    assert sorted(p.name for p in locked.iterdir()) == ["out.txt"]
    assert _output.live_temporaries() == []
    with pytest.raises(_output.OutputError, match="out2.txt: Permission denied"):
        with _output.transaction() as tx:  # a new file there cannot be made at all
            tx.open(str(locked / "out2.txt"))


def test_transaction_rolls_back_on_an_exception(tmp_path):
    from respin import _output

    out, new = tmp_path / "out.txt", tmp_path / "new.txt"
    out.write_text(OLD, encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        with _output.transaction() as tx:
            tx.open(str(out)).write("half")
            tx.open(str(new)).write("half")
            raise KeyboardInterrupt
    assert out.read_text(encoding="utf-8") == OLD and not new.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


@pytest.mark.parametrize("how", ["same", "symlink", "hardlink", "stdin"])
def test_output_equal_to_the_input_is_refused_through_links(src, tmp_path, how):
    if how == "same":
        res = run(str(src), "-o", str(src))
    elif how == "symlink":
        link = tmp_path / "link.txt"
        link.symlink_to(src)
        res = run(str(src), "-o", str(link))
    elif how == "hardlink":
        twin = tmp_path / "twin.txt"
        os.link(src, twin)
        res = run(str(twin), "--edits", str(src), "-o", str(tmp_path / "out.txt"))
    else:
        res = run("-o", str(src), stdin_file=src)
    one_line_error(res, "refusing to overwrite the input file", 1)
    assert src.read_text(encoding="utf-8") == SPUN


# ---- items 2-4: outputs that collide, and combinations that do nothing ---------------

def test_same_path_twice_is_refused(src, tmp_path):
    out = tmp_path / "out.txt"
    out.write_text(OLD, encoding="utf-8")
    one_line_error(run(str(src), "-o", str(out), "--edits", str(out)), "given twice as an output", 2)
    link = tmp_path / "link.txt"
    link.symlink_to(out)
    one_line_error(run(str(src), "-o", str(out), "--edits", str(link)), "given twice as an output", 2)
    new = tmp_path / "new.txt"
    one_line_error(run(str(src), "-o", str(new), "--edits", str(tmp_path / "." / "new.txt")),
                   "given twice as an output", 2)
    assert out.read_text(encoding="utf-8") == OLD and not new.exists()


def test_stdout_named_twice_is_refused(src, tmp_path):
    # -o - (a pipe here) and --edits /dev/stdout would interleave text and JSON
    stdout = _private_stdout(tmp_path)
    res = run(str(src), "--edits", str(stdout))
    one_line_error(res, "given twice as an output", 2)
    assert res.stdout == b"" and stdout.is_symlink()


def test_edits_dash_writes_edits_to_stdout_when_o_names_a_file(src, tmp_path):
    out = tmp_path / "out.txt"
    res = ok(run(str(src), "-o", str(out), "--edits", "-"))
    rows = [json.loads(line) for line in res.stdout.decode().splitlines()]
    assert "provide chain" in [r["before"] for r in rows]
    assert out.read_text(encoding="utf-8") == RESTORED


def test_edits_dash_without_o_is_refused(src):
    res = run(str(src), "--edits", "-")
    one_line_error(res, "--edits - writes the edits to stdout, so the text needs -o FILE", 2)
    assert res.stdout == b""


@pytest.mark.parametrize("args, message", [
    (["--score", "--edits", "{old}"], "--edits cannot be used with it"),
    (["--score", "--diff"], "--score and --diff cannot be used together"),
    (["--json"], "--json only applies to --score"),
    (["--color", "always"], "--color only applies to --diff"),
])
def test_combinations_that_do_nothing_are_refused(src, tmp_path, args, message):
    old = tmp_path / "old.jsonl"
    old.write_text('{"kept": true}\n', encoding="utf-8")
    res = run(str(src), *[a.format(old=old) for a in args])
    one_line_error(res, message, 2)
    assert res.stdout == b""
    assert old.read_text(encoding="utf-8") == '{"kept": true}\n'


def test_a_full_disk_at_the_copy_keeps_the_old_content(tmp_path, monkeypatch):
    import errno

    from respin import _output

    out = tmp_path / "out.txt"
    out.write_text(OLD, encoding="utf-8")

    def full(fd, offset, length):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "posix_fallocate", full)
    with pytest.raises(_output.OutputError, match="out.txt: No space left on device"):
        with _output.transaction() as tx:
            tx.open(str(out)).write(OLD * 100)  # longer than the old content
    assert out.read_text(encoding="utf-8") == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
