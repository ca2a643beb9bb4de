"""Faults made for real on this machine: small tmpfs mounts, a read-only folder, a held SQLite
write lock, and a TCP relay in front of PostgreSQL that can be taken down and brought back.

The mounts need root (or CAP_SYS_ADMIN); without it the test is skipped with the reason.
"""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path

import pytest

from tests.serving import free_port

JOIN_SECONDS = 5
MAX_FILL_BYTES = 64 * 1024 * 1024


def run_mount(*args: str) -> None:
    result = subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)
    if result.returncode:
        raise OSError(result.stderr.strip())


def unmount(folder: Path, lazy: bool) -> None:
    subprocess.run(["umount", *(["--lazy"] if lazy else []), str(folder)], check=True, capture_output=True,
                   timeout=30)


@contextmanager
def mounted(folder: Path, *mount_args: str, lazy: bool = False) -> Iterator[Path]:
    """Mount over ``folder`` for the block, unmounting afterwards whatever happened.

    ``lazy`` detaches a mount that a server still has files open on; they stay usable.
    """
    folder.mkdir(parents=True, exist_ok=True)
    try:
        run_mount(*mount_args, str(folder))
    except OSError as refused:
        pytest.skip(f"cannot mount here (needs root or CAP_SYS_ADMIN): {refused}")
    try:
        yield folder
    finally:
        unmount(folder, lazy)


def small_tmpfs(folder: Path, size: str) -> AbstractContextManager[Path]:
    """A filesystem of its own, so that filling it fills nothing else."""
    return mounted(folder, "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs")


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Every file opened under ``folder`` from now on is on a read-only filesystem (EROFS).

    ``mount -o remount,ro`` refuses (EBUSY) while a server holds the database open for writing,
    and file modes do not stop root; a read-only bind mount of the folder over itself does,
    for everything opened through the path (a journal, a new connection) until it is removed.
    Connections opened read-only keep it busy, hence the lazy unmount.
    """
    with mounted(folder, "--bind", str(folder), lazy=True):
        run_mount("-o", "remount,bind,ro", str(folder))
        yield


def fill(folder: Path, leave_bytes: int) -> Path:
    """Fill the small filesystem of ``folder`` until ``leave_bytes`` are free; returns the filler."""
    needed = shutil.disk_usage(folder).free - leave_bytes
    assert 0 < needed <= MAX_FILL_BYTES, "fill only a small tmpfs made for the test"
    filler = folder / "filler"
    filler.write_bytes(b"\0" * needed)
    return filler


@contextmanager
def sqlite_write_lock(database: Path) -> Iterator[None]:
    """Another process's writer holding the database: every other writer waits, then gives up."""
    connection = sqlite3.connect(database, isolation_level=None, timeout=5)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield
        connection.execute("ROLLBACK")
    finally:
        connection.close()


class TcpRelay:
    """Loopback TCP forwarding to ``target_port`` on a port of its own, stopped and started at will.

    Stopping closes the listening socket and every open connection, as a database server that
    goes away does: the port then refuses connections until ``start``.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.listener: socket.socket | None = None
        self.sockets: set[socket.socket] = set()
        self.threads: list[threading.Thread] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.spawn(self.accept_connections, self.listener)

    def stop(self) -> None:
        listener, self.listener = self.listener, None
        if listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would not.
            with suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self.lock:
            open_sockets, self.sockets = self.sockets, set()
        for connection in open_sockets:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        for thread in self.threads:
            thread.join(JOIN_SECONDS)
        self.threads = [thread for thread in self.threads if thread.is_alive()]
        assert not self.threads, "relay threads did not stop"

    def spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self.threads.append(thread)
        thread.start()

    def accept_connections(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=JOIN_SECONDS)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.sockets.update((client, upstream))
            self.spawn(self.pump, client, upstream)
            self.spawn(self.pump, upstream, client)

    @staticmethod
    def pump(source: socket.socket, destination: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                destination.sendall(data)
        for end in (source, destination):
            with suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> TcpRelay:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
