"""Results folders that are never lost, faked or half-written (``docs/reliability.md``).

:class:`OutputSlot` guards one results folder from the check before sampling to the final
rename:

- **the target is checked first**: not empty, not a symbolic link, not a file; never the
  working directory, the home directory, the project's ``data/``, the file-system root or a
  parent of any of them; an existing folder is replaced only with ``force`` and only if this
  library wrote it (its ``manifest.json`` says so) and it holds nothing else; its parent
  must be writable;
- **a lock** (``filelock``, a hidden ``.<name>.lock`` beside the folder) is held until the
  slot closes, so a second run into the same folder is refused at once;
- **the write is atomic**: everything is written into a hidden ``.<name>.tmp-<pid>-*``
  folder beside the target, then the old folder is renamed aside, the new one renamed in,
  and the old one deleted last; if the swap fails the old folder is put back;
- **stale folders of crashed runs** (``.<name>.tmp-<pid>-*`` and ``.<name>.old-<pid>`` whose
  process is gone) are removed when the next run opens the slot (an ``.old`` folder is first
  restored if the target is missing);
- folders are created with ordinary permissions (``0o777`` less the umask).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from filelock import FileLock, Timeout

from .exceptions import ResultsError

#: What a results folder of this library holds.
#: what a results folder holds; ``report_error.txt`` is a rescued fit's (``<out>.draws``)
LIBRARY_ENTRIES = {"posterior.nc", "manifest.json", "tables", "figures", "report_error.txt"}


def _protected() -> list[Path]:
    from .data import data_dir

    out = [Path.cwd(), Path.home(), Path(Path.cwd().anchor)]
    try:
        out.append(data_dir().resolve())
    except OSError:
        pass
    return [p.resolve() for p in out]


def is_library_folder(path: Path) -> bool:
    """A folder this library wrote: a manifest naming a study, and nothing foreign."""
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        entries = set(os.listdir(path))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and "study" in manifest and entries <= LIBRARY_ENTRIES


def check_target(out: str | Path, force: bool, replace_own: bool = False) -> Path:
    """The resolved target folder, or a :class:`ResultsError` saying why it may not be
    written (see the module docstring).  ``replace_own``: the folder is being rewritten in
    place (``report``), so an existing library folder is expected."""
    if str(out).strip() == "":
        raise ResultsError("the output folder is empty: name a folder")
    out = Path(out).expanduser()
    if out.is_symlink():
        raise ResultsError(f"{out} is a symbolic link: name a real folder")
    target = out.resolve()
    for p in _protected():
        if target == p or target in p.parents:
            raise ResultsError(f"refusing to write results over {target}: it holds {p}")
    if target.exists():
        if not target.is_dir():
            raise ResultsError(f"{out} exists and is not a folder")
        if not (force or replace_own):
            raise ResultsError(f"{out} exists; pass --force to overwrite it")
        if not is_library_folder(target):
            raise ResultsError(
                f"{out} exists and is not a results folder written by stalin_mortality "
                "(no manifest, or other files in it): it is never replaced"
            )
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ResultsError(f"cannot write to {parent}: {err}") from None
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ResultsError(f"cannot write to {parent}: permission denied")
    return target


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class OutputSlot:
    """A checked, locked results folder (see the module docstring)::

    with OutputSlot(out, force) as slot:  # checks and locks before any sampling
        ...  # sample
        slot.write(fill)  # fill(tmp) writes every file; then the atomic swap
    """

    def __init__(self, out: str | Path, force: bool = False, replace_own: bool = False):
        self.target = check_target(out, force, replace_own)
        self.force, self.replace_own = force, replace_own
        self.lock = FileLock(str(self.target.parent / f".{self.target.name}.lock"))

    def __enter__(self) -> OutputSlot:
        try:
            self.lock.acquire(timeout=0)
        except Timeout:
            raise ResultsError(
                f"another run is writing {self.target}: wait for it, or choose another folder"
            ) from None
        except OSError as err:
            raise ResultsError(f"cannot lock {self.target}: {err}") from None
        self._clean_stale()
        # checked again under the lock: another run may have written it meanwhile
        check_target(self.target, self.force, self.replace_own)
        return self

    def __exit__(self, *exc) -> None:
        self.lock.release()

    def _clean_stale(self) -> None:
        name = re.escape(self.target.name)
        pattern = re.compile(rf"^\.{name}\.(tmp|old)-(\d+)")
        for entry in self.target.parent.iterdir():
            m = pattern.match(entry.name)
            if not m or (_alive(int(m.group(2))) and int(m.group(2)) != os.getpid()):
                continue
            if m.group(1) == "old" and not self.target.exists():
                entry.rename(self.target)  # a swap that died half-way: put the old one back
            else:
                shutil.rmtree(entry, ignore_errors=True)

    def write(self, fill) -> Path:
        """``fill(tmp)`` writes every file into a fresh hidden folder; it then replaces the
        target atomically.  On any failure (or interrupt) the target is as it was."""
        parent, name = self.target.parent, self.target.name
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.tmp-{os.getpid()}-", dir=parent))
        try:
            os.chmod(tmp, 0o777 & ~_umask())
            fill(tmp)
            self._swap(tmp)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        return self.target

    def _swap(self, tmp: Path) -> None:
        old = None
        if self.target.exists():
            old = self.target.with_name(f".{self.target.name}.old-{os.getpid()}")
            self.target.rename(old)
        try:
            tmp.rename(self.target)
        except BaseException:
            if old is not None:
                old.rename(self.target)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def write_new_file(path: str | Path, text: str, force: bool = False) -> Path:
    """Write a single file (``compare --out``) atomically; refuse to overwrite without
    ``force``, and never write over a folder or through a link."""
    path = Path(path).expanduser()
    if path.is_symlink() or path.is_dir():
        raise ResultsError(f"{path} is a folder or a link: name a file")
    if path.exists() and not force:
        raise ResultsError(f"{path} exists; pass --force to overwrite it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-{os.getpid()}-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as err:
        raise ResultsError(f"cannot write {path}: {err}") from None
    return path
