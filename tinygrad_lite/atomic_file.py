"""Writing a file so that a reader sees the old file or the whole new one, never a part.

The bytes go to a temporary file in the target's folder, are flushed to disk, and
the temporary is renamed over the target (a rename within one folder is atomic).
Nothing is left behind:

* an error or KeyboardInterrupt during the write removes the temporary;
* a signal that would end the process without running Python's cleanup (SIGTERM,
  SIGHUP, or SIGINT when its handler is the OS default) removes it first, then
  puts the default action back and re-sends itself, so the process still ends as
  it would have. Signals with a Python handler are left alone: that handler runs,
  and if it raises, the error path above cleans up; if it returns (a graceful
  shutdown flag), the write goes on and completes;
* a process killed outright (SIGKILL, power loss) cannot clean up, so every write
  first sweeps the temporaries of the same target left by processes that are no
  longer running. A temporary is named `.<target name>.<pid>.<32 hex digits>.tmp`:
  the name says which target it belongs to and which process wrote it.

The sweep asks the OS whether the pid is alive, so it assumes the folder is written
from one machine (on a shared network folder, a pid from another machine would look
dead); where that cannot be asked (Windows), nothing is swept.
"""
import contextlib
import errno
import os
import re
import signal
import threading
import uuid

_CHUNK = 64 << 20  # write in pieces, so a signal's Python handler runs between them, not after the whole file
_FATAL_BY_DEFAULT = ("SIGTERM", "SIGINT", "SIGHUP")


def os_error(kind, code, message):
    """An OSError subclass whose str() is `message` and whose errno is `code`."""
    error = kind(message)
    error.errno = code
    return error


def write_atomically(path, payload, op):
    """Write the bytes `payload` to `path` atomically; errors name `op` (the public function)."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise os_error(FileNotFoundError, errno.ENOENT, f"{op}: the folder {folder!r} for {path!r} does not exist")
    if os.path.isdir(path):
        raise os_error(IsADirectoryError, errno.EISDIR, f"{op}: {path!r} is a folder; give a file name")
    name = os.path.basename(path)
    sweep_stale_temporaries(folder, name)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    try:
        with _removed_if_killed(temporary):
            # os.open with mode 0o666 lets the umask decide the permissions, as for any new file
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            try:
                with os.fdopen(fd, "wb") as f:
                    _write_all(f, payload)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(temporary, path)
            except BaseException:
                _remove_quietly(temporary)
                raise
    except OSError as e:
        if str(e).startswith(f"{op}: "):
            raise
        raise os_error(type(e), e.errno, f"{op}: cannot write {path!r} ({e.strerror or e})") from e
    _fsync_folder(folder)


def _write_all(f, payload):
    view = memoryview(payload)
    for start in range(0, len(view), _CHUNK):
        f.write(view[start:start + _CHUNK])


def _remove_quietly(path):
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


@contextlib.contextmanager
def _removed_if_killed(temporary):
    """While inside, a signal whose action is the OS default (ending the process) first removes
    `temporary`, then restores the default and re-sends itself. Signal handlers can only be set
    from the main thread; elsewhere the next write's sweep is the only cleanup."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}

    def remove_then_die(signum, frame):
        _remove_quietly(temporary)
        _restore(previous)
        signal.raise_signal(signum)  # the default action now: the process ends, as it would have

    for name in _FATAL_BY_DEFAULT:
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) == signal.SIG_DFL:
            previous[number] = signal.signal(number, remove_then_die)
    try:
        yield
    finally:
        _restore(previous)


def _restore(previous):
    while previous:
        number, handler = previous.popitem()
        signal.signal(number, handler)


def temporary_pattern(name):
    """The names of the temporaries `write_atomically` makes for a target called `name`."""
    return re.compile(rf"\.{re.escape(name)}\.(\d+)\.[0-9a-f]{{32}}\.tmp")


def sweep_stale_temporaries(folder, name):
    """Remove the temporaries for target `name` in `folder` whose writing process has ended."""
    pattern = temporary_pattern(name)
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            match = pattern.fullmatch(entry.name)
            if match and not _process_alive(int(match.group(1))):
                with contextlib.suppress(OSError):  # another sweeper got there first, or not ours to remove
                    os.remove(entry.path)


def _process_alive(pid):
    """True unless the OS says no process has this pid (when in doubt: alive, keep the file)."""
    if pid == os.getpid() or os.name != "posix":  # os.kill(pid, 0) would terminate it on Windows
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, ValueError):  # PermissionError: alive, someone else's
        return True
    return True


def _fsync_folder(folder):
    """Make the rename itself durable (POSIX; Windows cannot open a folder, and needs no such step)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):  # some file systems cannot sync a folder; the rename still stands
            os.fsync(fd)
    finally:
        os.close(fd)
