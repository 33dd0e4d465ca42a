"""Evaluation that really stops: each query runs in a worker process that is killed at its
deadline, under a memory cap, with no way to open a network socket, and with a bound on how many
run at once.

A :class:`Pool` forks one *zygote* from the process that holds the graph, before any query has
run. The zygote does nothing but fork workers on request, so every worker starts as a
copy-on-write view of the loaded graph in milliseconds, whatever its size. A worker:

* caps its address space (``RLIMIT_AS``) at its size when forked plus the memory allowance, so a
  query that would grow without bound fails an allocation and the worker dies, alone;
* installs a seccomp filter (Linux, x86-64 and AArch64) that makes ``socket()`` fail for any
  family but ``AF_UNIX`` and refuses io_uring: the second wall behind the query boundary
  (:mod:`ppo_graph.engine.boundary`), so even a query the boundary misread cannot reach
  another host;
* answers one job at a time over a Unix socket pair: ``job(graph, *args)``, pickled both ways.

The pool counts evaluations in flight, those being stopped included, and refuses a new one at
once (:class:`Busy`) when the count reaches its bound, instead of queueing it. A job past its
deadline gets SIGKILL (through a pidfd, so a recycled process id is never hit) and its slot is
held until the kernel has torn the process down, then given back. A worker busy for longer than
:data:`NICE_AFTER` seconds is lowered in priority (nice 10), so fresh short queries keep the CPU
while long ones run out their time; when it finishes its priority is restored, or, where that
needs a privilege the server lacks, the worker is retired. A query that has used more than
:data:`NICE_AFTER` seconds of CPU or grown its worker by :data:`LONG_MEMORY` is a *long* one, and
at most ``max_long`` may be long at once (the youngest beyond that is stopped): that, with the
memory cap, bounds what all evaluations together can hold. A short query that waits for a core
while the machine is busy is never long.

The zygote and its workers form one process group; when the owning process closes the pool or
exits (however it ends: the zygote reads end-of-file on its control socket), the whole group is
killed.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import gc
import importlib
import os
import pickle
import platform
import resource
import select
import signal
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ppo_graph.errors import UsageError

T = TypeVar("T")

#: A worker busy this long (seconds) gets nice 10, so that short queries win the CPU; a query that
#: has used this much CPU is a long one, and counts against ``max_long``.
NICE_AFTER = 0.25
NICENESS = 10
#: A query that has grown its worker by this many bytes is a long one too, whatever its CPU: so
#: at most ``max_long`` evaluations hold more than this, which bounds the memory of all of them
#: (``max_long * memory_mb + (max_inflight - max_long) * LONG_MEMORY``).
LONG_MEMORY = 64 * 1024 * 1024
#: How long a killed worker may take to be gone before its slot is given back anyway.
REAP_WAIT = 10.0
_HEADER = struct.Struct("!Q")


class Busy(UsageError):
    """Every evaluation slot is taken (running, or being stopped): try again shortly."""

    retry_after = 1


class QueryStopped(UsageError):
    """The worker evaluating the query died before answering: over its memory allowance (the
    usual cause) or killed from outside."""


class EvaluationTimeout(UsageError):
    """The job ran past its deadline and its worker was killed."""


@dataclass(frozen=True)
class Limits:
    """What evaluations may use: seconds each (0: no limit), MiB of memory each beyond the
    worker's size when forked (0: no cap), how many may be in flight at once (those being
    stopped count), how many of those may have run longer than :data:`NICE_AFTER` (the long ones,
    which is what bounds the memory runaway queries can hold), whether a worker may open network
    sockets (only for a remote store, reached over the network), and how many idle workers are
    kept ready."""

    timeout: float = 10.0
    memory_mb: int = 1024
    max_inflight: int = 64
    network: bool = False
    max_long: int = 4
    idle: int = 16


@dataclass(eq=False)
class _Worker:
    pid: int
    sock: socket.socket
    generation: int
    pidfd: int | None = None
    started: float = 0.0
    cpu_base: float = 0.0  # the worker's CPU seconds when its current job started
    rss_base: int = 0  # and its resident memory (bytes)
    niced: bool = False
    verdict: str = ""  # why the pool stopped it ("long": over the bound on long queries)
    log: int | None = None  # a memory file holding what the worker wrote on stderr

    def last_words(self) -> str:
        """The first line the worker wrote on stderr (the allocator's message when it ran out
        of memory), or ""."""
        if self.log is None:
            return ""
        with contextlib.suppress(OSError):
            text = os.pread(self.log, 2000, 0).decode("utf-8", "replace")
            return next((line.strip() for line in text.splitlines() if line.strip()), "")
        return ""

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            if self.pidfd is not None:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            else:
                os.kill(self.pid, signal.SIGKILL)

    def wait_gone(self, timeout: float) -> None:
        """Until the process has exited (its memory released), or ``timeout`` seconds."""
        if self.pidfd is not None:
            with contextlib.suppress(OSError, ValueError):
                select.select([self.pidfd], [], [], timeout)
        else:
            self.sock.settimeout(timeout)
            with contextlib.suppress(OSError):
                while self.sock.recv(65536):
                    pass

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()
        for fd in (self.pidfd, self.log):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.pidfd = self.log = None


@dataclass(eq=False)
class _Zygote:
    pid: int
    ctl: socket.socket
    generation: int
    lock: threading.Lock = field(default_factory=threading.Lock)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.ctl.close()  # the zygote reads end-of-file and kills its whole group
        threading.Thread(target=_wait_for, args=(self.pid,), daemon=True).start()


def _wait_for(pid: int) -> None:
    """Reap a child (the zygote is the owner's child), so it leaves no zombie."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, 0)


class Pool:
    """Worker processes forked from the graph ``state``; :meth:`call` runs ``job(state, *args)``
    in one of them under ``limits``."""

    def __init__(
        self, state: Any, limits: Limits | None = None, *, preload: tuple[str, ...] = ()
    ) -> None:
        self.limits = limits or Limits()
        self.preload = preload
        self._lock = threading.Lock()
        #: Signalled (under the lock) when a worker becomes busy or the pool closes: the watcher
        #: sleeps on it while no job runs, instead of waking every 50 ms for nothing.
        self._work = threading.Condition(self._lock)
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._stopping: set[_Worker] = set()
        self._spawning = 0
        self._generation = 0
        self._zygote: _Zygote | None = None
        self._old: list[_Zygote] = []
        self._closed = False
        self.sandboxed = self.limits.network is False and sandbox_supported()
        self.use(state)
        self._monitor = threading.Thread(target=self._watch, name="ppo-pool", daemon=True)
        self._monitor.start()

    # -- the graph ----------------------------------------------------------------------------

    def use(self, state: Any) -> None:
        """Serve later jobs from ``state`` (a reloaded graph): a new zygote; idle workers of the
        old one are retired, busy ones finish their job first."""
        zygote = _start_zygote(state, self.limits, self._generation + 1, self.preload)
        with self._lock:
            self._generation = zygote.generation
            if self._zygote is not None:
                self._old.append(self._zygote)
            self._zygote = zygote
            stale = [w for w in self._idle if w.generation != zygote.generation]
            self._idle = [w for w in self._idle if w.generation == zygote.generation]
        for worker in stale:
            self._retire(worker)
        self._close_old_zygotes()

    # -- running jobs -------------------------------------------------------------------------

    def call(self, job: Callable[..., T], *args: Any, timeout: float | None = None) -> T:
        """``job(state, *args)`` in a worker; :class:`Busy` at once when every slot is taken,
        :class:`EvaluationTimeout` at the deadline (the worker is killed), :class:`QueryStopped`
        when the worker dies; the job's own exception is raised again here."""
        limit = self.limits.timeout if timeout is None else timeout
        worker = self._acquire()
        deadline = time.monotonic() + limit if limit and limit > 0 else None
        try:
            worker.cpu_base = _cpu_seconds(worker.pid)
            worker.rss_base = _resident(worker.pid)
            worker.started = time.monotonic()
            _send(worker.sock, (job, args))
            reply = _receive(worker.sock, deadline)
        except TimeoutError:
            self._stop(worker)
            raise EvaluationTimeout(
                f"the query did not finish within {limit:g} s; its evaluation was stopped"
            ) from None
        except (EOFError, OSError, pickle.UnpicklingError):
            self._stop(worker)
            if worker.verdict == "long":
                raise Busy(
                    f"busy: more than {self.limits.max_long} long-running queries at once (this "
                    "server's limit, ppo serve --max-long); this one was stopped; try again in a "
                    "moment"
                ) from None
            raise QueryStopped(self._obituary(worker)) from None
        except BaseException:
            self._stop(worker)
            raise
        status, value = reply
        if status == "retire":  # the job failed in a way that leaves the worker unsound
            self._stop(worker)
        else:
            self._release(worker)
        if status != "ok":
            raise value
        return value  # type: ignore[no-any-return]

    def _obituary(self, worker: _Worker) -> str:
        """Why a worker died before answering, in words."""
        words = worker.last_words()
        memory = self.limits.memory_mb
        if memory and (not words or "memory allocation" in words or "MemoryError" in words):
            return (
                f"the query needed more than its memory allowance of {memory:,} MiB and was "
                "stopped" + (f" ({words})" if words else "")
            )
        return "the query's evaluation stopped before it answered" + (f": {words}" if words else "")

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {
                "workers_busy": len(self._busy),
                "workers_stopping": len(self._stopping),
                "workers_idle": len(self._idle),
                "max_inflight": self.limits.max_inflight,
                "max_long": self.limits.max_long,
                "timeout": self.limits.timeout,
                "memory_mb": self.limits.memory_mb,
                "network_sandbox": self.sandboxed,
            }

    def pids(self) -> list[int]:
        """The zygote's and every worker's process id (for tests and /health)."""
        with self._lock:
            zygotes = [z.pid for z in [*self._old, *([self._zygote] if self._zygote else [])]]
            return zygotes + [w.pid for w in (*self._idle, *self._busy, *self._stopping)]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._work.notify_all()
            workers = [*self._idle, *self._busy]
            self._idle.clear()
            zygotes = [*self._old, *([self._zygote] if self._zygote else [])]
            self._old.clear()
            self._zygote = None
        for worker in workers:
            worker.kill()
            worker.close()
        for zygote in zygotes:
            zygote.close()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- slots --------------------------------------------------------------------------------

    def _acquire(self) -> _Worker:
        with self._lock:
            if self._closed or self._zygote is None:
                raise UsageError("the evaluation pool is closed")
            zygote = self._zygote
            while self._idle:
                worker = self._idle.pop()
                if worker.generation == zygote.generation:
                    self._busy.add(worker)
                    self._work.notify_all()
                    return worker
                self._stopping.add(worker)
                threading.Thread(target=self._reap, args=(worker,), daemon=True).start()
            inflight = len(self._busy) + len(self._stopping) + self._spawning
            if inflight >= self.limits.max_inflight:
                raise Busy(
                    f"busy: {self.limits.max_inflight} queries are being evaluated or stopped "
                    "(this server's limit, ppo serve --max-inflight); try again in a moment"
                )
            self._spawning += 1
        try:
            worker = _spawn(zygote)
        except BaseException:
            with self._lock:
                self._spawning -= 1
            raise
        with self._lock:
            self._spawning -= 1
            self._busy.add(worker)
            self._work.notify_all()
        return worker

    def _release(self, worker: _Worker) -> None:
        """Back to the idle workers, its priority restored, or retired (a lowered priority
        cannot be raised again without privilege)."""
        if worker.niced and _renice(worker.pid, 0):
            worker.niced = False
        with self._lock:
            self._busy.discard(worker)
            keep = (
                not self._closed
                and not worker.niced
                and len(self._idle) < self.limits.idle
                and self._zygote is not None
                and worker.generation == self._zygote.generation
            )
            if keep:
                self._idle.append(worker)
        if not keep:
            self._retire(worker)
        self._close_old_zygotes()

    def _stop(self, worker: _Worker) -> None:
        """Kill a worker and hold its slot until it is gone."""
        worker.kill()
        with self._lock:
            self._busy.discard(worker)
            self._stopping.add(worker)
        threading.Thread(target=self._reap, args=(worker,), daemon=True).start()

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._stopping.add(worker)
        worker.kill()
        threading.Thread(target=self._reap, args=(worker,), daemon=True).start()

    def _reap(self, worker: _Worker) -> None:
        worker.kill()
        worker.wait_gone(REAP_WAIT)
        worker.close()
        with self._lock:
            self._stopping.discard(worker)
        self._close_old_zygotes()

    def _close_old_zygotes(self) -> None:
        with self._lock:
            live = {w.generation for w in (*self._busy, *self._stopping)}
            done = [z for z in self._old if z.generation not in live]
            self._old = [z for z in self._old if z.generation in live]
        for zygote in done:
            zygote.close()

    def _watch(self) -> None:
        """Lower the priority of the long workers, and stop the youngest beyond ``max_long``:
        every 50 ms while a job runs, asleep while none does."""
        while True:
            with self._lock:
                while not self._closed and not self._busy:
                    self._work.wait()
                if self._closed:
                    return
            time.sleep(0.05)
            now = time.monotonic()
            with self._lock:
                busy = [w for w in self._busy if w.started]
            # long: past a quarter second of its own CPU or LONG_MEMORY of memory, so a short
            # query that waits for a core while the machine is busy is never stopped as long; a
            # remote store's worker waits on the network, so there the clock counts
            spent = {
                w: now - w.started
                if self.limits.network
                else max(
                    _cpu_seconds(w.pid) - w.cpu_base,
                    NICE_AFTER * (_resident(w.pid) - w.rss_base) / LONG_MEMORY
                    if w.rss_base
                    else 0.0,
                )
                for w in busy
            }
            with self._lock:
                current = [w for w in busy if w in self._busy]
                # lower priority: busy a quarter second by the clock (a long query gets there at
                # once; a short one that waited for a core gets its priority back afterwards)
                fresh = [w for w in current if not w.niced and now - w.started > NICE_AFTER]
                for worker in fresh:
                    worker.niced = True
                long = sorted(
                    (w for w in current if spent[w] > NICE_AFTER), key=lambda w: w.started
                )
                over = [w for w in long[self.limits.max_long :] if not w.verdict]
                for worker in over:
                    worker.verdict = "long"
            for worker in fresh:
                _renice(worker.pid, NICENESS)
            for worker in over:
                worker.kill()


#: The memory allowance (MiB) of one evaluation started from the command line or a notebook.
CLI_MEMORY_MB = 4096


def single(
    pools: dict[Limits, Pool],
    state: Any,
    timeout: float,
    *,
    network: bool,
    memory_mb: int | None = None,
) -> Pool:
    """A pool of one worker process over ``state`` for one caller (a command, a notebook's
    graph), kept in ``pools`` by its limits and reused."""
    limits = Limits(
        timeout,
        CLI_MEMORY_MB if memory_mb is None else memory_mb,
        max_inflight=1,
        network=network,
        max_long=1,
        idle=1,
    )
    if limits not in pools:
        pools[limits] = Pool(state, limits)
    return pools[limits]


# ---------------------------------------------------------------------------------------------
# Messages: a length and a pickle


def _send(sock: socket.socket, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    sock.settimeout(None)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _receive(sock: socket.socket, deadline: float | None) -> Any:
    header = _read(sock, _HEADER.size, deadline)
    (size,) = _HEADER.unpack(header)
    return pickle.loads(_read(sock, size, deadline))


def _read(sock: socket.socket, size: int, deadline: float | None) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            sock.settimeout(left)
        else:
            sock.settimeout(None)
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


# ---------------------------------------------------------------------------------------------
# The zygote and its workers


def _start_zygote(state: Any, limits: Limits, generation: int, preload: tuple[str, ...]) -> _Zygote:
    """Fork the zygote holding ``state``; it forks a worker for each request on its socket.
    The ``preload`` modules are imported first, so no worker imports them again."""
    for module in preload:
        importlib.import_module(module)
    parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    gc.collect()
    pid = os.fork()
    if pid == 0:  # the zygote
        status = 0
        try:
            parent.close()
            _zygote_main(child, state, limits)
        except BaseException:
            status = 70
        finally:
            os._exit(status)
    child.close()
    return _Zygote(pid, parent, generation)


def _zygote_main(ctl: socket.socket, state: Any, limits: Limits) -> None:
    os.setpgid(0, 0)  # one group: the zygote and its workers die together
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which closes us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    _close_other_fds(ctl.fileno())
    gc.freeze()
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(ctl, 16, 2)
        except InterruptedError:
            continue
        except OSError:
            message, fds = b"", []
        if not message or not fds:
            os.killpg(0, signal.SIGKILL)  # the owner is gone or closed the pool
            return
        pid = os.fork()
        if pid == 0:  # a worker
            status = 0
            try:
                ctl.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                if len(fds) > 1:  # the worker's stderr: kept by the pool, read if it dies
                    os.dup2(fds[1], 2)
                    os.close(fds[1])
                _worker_main(socket.socket(fileno=fds[0]), state, limits)
            except BaseException:
                status = 70
            finally:
                os._exit(status)
        for fd in fds:
            os.close(fd)
        ctl.sendall(_HEADER.pack(pid))


def _spawn(zygote: _Zygote) -> _Worker:
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    log: int | None = None
    with contextlib.suppress(OSError, AttributeError):
        log = os.memfd_create("ppo-worker-stderr", os.MFD_CLOEXEC)
    try:
        with zygote.lock:
            fds = [theirs.fileno()] if log is None else [theirs.fileno(), log]
            socket.send_fds(zygote.ctl, [b"F"], fds)
            zygote.ctl.settimeout(30)
            (pid,) = _HEADER.unpack(_read(zygote.ctl, _HEADER.size, time.monotonic() + 30))
    except (OSError, EOFError, TimeoutError) as exc:
        ours.close()
        if log is not None:
            os.close(log)
        raise QueryStopped(f"could not start an evaluation worker: {exc}") from None
    finally:
        theirs.close()
    pidfd: int | None = None
    with contextlib.suppress(OSError, AttributeError):
        pidfd = os.pidfd_open(pid)
    worker = _Worker(pid, ours, zygote.generation, pidfd, log=log)
    try:
        ready = _read(ours, 1, time.monotonic() + 30)
    except (OSError, EOFError, TimeoutError):
        ready = b""
    if ready != b"R":
        words = worker.last_words() or "it said nothing"
        worker.kill()
        worker.close()
        raise QueryStopped(f"an evaluation worker did not start: {words}")
    return worker


def _worker_main(sock: socket.socket, state: Any, limits: Limits) -> None:
    if limits.memory_mb:
        limit = _address_space() + limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if not limits.network:
        deny_network()
    sock.sendall(b"R")  # ready: what it measures from now on is its own work
    while True:
        try:
            message = _read(sock, _HEADER.size, None)
            (size,) = _HEADER.unpack(message)
            data = _read(sock, size, None)
        except (EOFError, OSError):
            return  # the pool closed this worker's socket
        try:
            job, args = pickle.loads(data)
            reply: tuple[str, Any] = ("ok", job(state, *args))
        except MemoryError:
            reply = ("retire", QueryStopped("the query needed more memory than its allowance"))
        except BaseException as exc:
            reply = ("error", _portable(exc))
        try:
            _send(sock, reply)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            _send(sock, ("error", UsageError(f"the answer could not be sent back: {exc}")))
        if reply[0] == "retire":
            return


def _portable(exc: BaseException) -> BaseException:
    """The exception itself when it survives pickling, else a UsageError with its message."""
    exc = exc.with_traceback(None)
    exc.__context__ = exc.__cause__ = None
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return UsageError(f"{type(exc).__name__}: {exc}")
    return exc


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _renice(pid: int, niceness: int) -> bool:
    """Set a process's niceness; False when not allowed (raising a priority needs privilege)."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, niceness)
    except OSError:
        return False
    return True


def _cpu_seconds(pid: int) -> float:
    """The user and system CPU seconds a process has used (0 when it cannot be read)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _resident(pid: int) -> int:
    """A process's anonymous resident memory in bytes (``RssAnon``: what it allocated, not the
    library pages it maps), 0 when it cannot be read."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"RssAnon:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _address_space() -> int:
    """This process's virtual size in bytes (VmSize)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _close_other_fds(keep: int) -> None:
    """Close every descriptor but the standard streams and ``keep`` (the server's listening
    socket and connections must not live on in the zygote or its workers)."""
    highest = os.sysconf("SC_OPEN_MAX")
    os.closerange(3, keep)
    os.closerange(keep + 1, highest)


# ---------------------------------------------------------------------------------------------
# The second wall: no network sockets in a worker (seccomp)

# (native audit arch, socket, io_uring_setup) by machine
_SYSCALLS = {
    "x86_64": (0xC000003E, 41, 425),
    "aarch64": (0xC00000B7, 198, 425),
}
_AF_UNIX = 1
_X32_BIT = 0x40000000


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def sandbox_supported() -> bool:
    """Whether this machine can deny a worker its network sockets (Linux on x86-64 or AArch64)."""
    return platform.system() == "Linux" and platform.machine() in _SYSCALLS


def deny_network() -> bool:
    """From now on, in this process (and its children), ``socket()`` fails with EACCES for every
    family but AF_UNIX and io_uring is unavailable; False where seccomp is not available."""
    if not sandbox_supported():
        return False
    arch, socket_nr, io_uring_nr = _SYSCALLS[platform.machine()]
    ld, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    allow = 0x7FFF0000
    deny = 0x00050000 | errno.EACCES
    wrong_arch = 0x00050000 | errno.EPERM
    program = [
        (ld, 0, 0, 4),  # 0: the audit arch
        (jeq, 1, 0, arch),  # 1: native -> 3
        (ret, 0, 0, wrong_arch),  # 2: another ABI (i386 socketcall): refused
        (ld, 0, 0, 0),  # 3: the system call number
        (jge, 5, 0, _X32_BIT),  # 4: the x32 ABI -> deny
        (jeq, 1, 0, socket_nr),  # 5: socket -> 7
        (jeq, 3, 2, io_uring_nr),  # 6: io_uring_setup -> deny, else allow
        (ld, 0, 0, 16),  # 7: socket's first argument, the family
        (jeq, 0, 1, _AF_UNIX),  # 8: AF_UNIX -> allow, else deny
        (ret, 0, 0, allow),  # 9
        (ret, 0, 0, deny),  # 10
    ]
    filters = (_SockFilter * len(program))(*[_SockFilter(*item) for item in program])
    prog = _SockFprog(len(program), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        return False
    return bool(libc.prctl(22, 2, ctypes.byref(prog), 0, 0) == 0)  # PR_SET_SECCOMP, FILTER
