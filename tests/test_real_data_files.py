"""The vendored real-data files are the published ones, unchanged (tests/data/real/README.md, and
the README of each folder under it: tests/data/real/cnemc_national/README.md)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from tests.conftest import REAL_DATA


def listed_hashes(folder: Path) -> dict[str, str]:
    """File name (relative to the folder) → SHA-256 as listed at the end of its README."""
    text = (folder / "README.md").read_text(encoding="utf-8")
    return {name: digest for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", text, re.M)}


def test_every_vendored_file_is_listed_with_its_hash_and_unchanged():
    folders = [REAL_DATA, *(p for p in REAL_DATA.iterdir() if p.is_dir())]
    for folder in folders:
        hashes = listed_hashes(folder)
        files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                       if p.is_file() and p.name != "README.md"
                       and (folder != REAL_DATA or p.parent == REAL_DATA))
        assert sorted(hashes) == files, folder
        for name, digest in hashes.items():
            assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
