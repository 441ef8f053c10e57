"""The vendored real-data files are the published ones, unchanged (tests/data/real/README.md)."""

from __future__ import annotations

import hashlib
import re

from tests.conftest import REAL_DATA


def listed_hashes() -> dict[str, str]:
    """File name → SHA-256 as listed at the end of the folder's README."""
    text = (REAL_DATA / "README.md").read_text(encoding="utf-8")
    return {name: digest for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", text, re.M)}


def test_every_vendored_file_is_listed_with_its_hash_and_unchanged():
    hashes = listed_hashes()
    files = sorted(p.name for p in REAL_DATA.iterdir() if p.name != "README.md")
    assert sorted(hashes) == files
    for name, digest in hashes.items():
        assert hashlib.sha256((REAL_DATA / name).read_bytes()).hexdigest() == digest, name
