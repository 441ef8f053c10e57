"""A throwaway PostgreSQL server for the tests of the PostgreSQL-backed Dagster instance.

Debian's `postgresql` package: when its binaries are missing and we are root with apt-get, they
are installed; otherwise the error says what is missing. The server runs from a private data
folder on a free local port (127.0.0.1 only, trust authentication) and is stopped afterwards.
PostgreSQL refuses to run as root: as root it runs as the package's `postgres` user."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PACKAGE = "postgresql"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries, and they cannot be installed here."""


def server_bin() -> Path | None:
    """The newest installed server's bin folder (/usr/lib/postgresql/<version>/bin)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else None


def ensure_installed() -> Path:
    """The server's bin folder, installing Debian's package as root when it is missing."""
    found = server_bin()
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise PostgresUnavailable(
            "PostgreSQL server missing (no /usr/lib/postgresql/*/bin/initdb): as root run "
            f"'apt-get install {PACKAGE}' (the tests do it themselves when run as root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", PACKAGE], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    found = server_bin()
    if not found:
        raise PostgresUnavailable(f"apt-get install {PACKAGE} left no initdb")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL will not run as root: run as `postgres` then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a PostgreSQL server in a folder of its own (one the server's user can reach, not
    pytest's private tmp folders) and yield its URL (database `dagster`); stop it, remove it."""
    bin_dir = ensure_installed()
    root = Path(tempfile.mkdtemp(prefix="ecoscore-pg-"))
    data, sockets = root / "pgdata", root / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        for folder in (root, sockets):
            shutil.chown(folder, "postgres")
    run = subprocess.run
    run(_as_server_user([str(bin_dir / "initdb"), "-D", str(data), "-U", "dagster",
                         "--auth=trust", "-E", "UTF8", "--no-locale"]),
        check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {sockets} -c fsync=off"
    run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w",
                         "-l", str(root / "server.log"), "start"]),
        check=True, stdout=subprocess.DEVNULL)
    try:
        run(_as_server_user([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port),
                             "-U", "dagster", "dagster"]), check=True)
        yield f"postgresql://dagster@127.0.0.1:{port}/dagster"
    finally:
        run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                             "stop"]), check=False, stdout=subprocess.DEVNULL)
        shutil.rmtree(root, ignore_errors=True)
