#!/usr/bin/env python3
"""Reports direct dependencies that have a newer version on crates.io (never fails CI).

For each dependency of Cargo.toml, compares the version Cargo.lock resolved with the newest
release of the same major (a compatible update: `cargo update` takes it) and with the newest
release overall (a new major: an upgrade to choose, see the Dependencies table in
docs/architecture.md). Reads the sparse index (index.crates.io), the registry Cargo uses.
"""

import json
import sys
import tomllib
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def index_path(name: str) -> str:
    name = name.lower()
    if len(name) <= 2:
        return f"{len(name)}/{name}"
    if len(name) == 3:
        return f"3/{name[0]}/{name}"
    return f"{name[:2]}/{name[2:4]}/{name}"


def parse(version: str) -> tuple:
    core = version.split("+")[0].split("-")[0]
    return tuple(int(part) for part in core.split("."))


def major(version: tuple) -> tuple:
    """The compatibility key Cargo uses: the first non-zero component and those before it."""
    for i, part in enumerate(version):
        if part != 0:
            return version[: i + 1]
    return version


def releases(name: str) -> list:
    url = f"https://index.crates.io/{index_path(name)}"
    with urllib.request.urlopen(url, timeout=10) as response:
        lines = response.read().decode().splitlines()
    versions = []
    for line in lines:
        entry = json.loads(line)
        if entry.get("yanked") or "-" in entry["vers"]:
            continue
        versions.append(parse(entry["vers"]))
    return sorted(versions)


def main() -> int:
    manifest = tomllib.loads((ROOT / "Cargo.toml").read_text())
    lock = tomllib.loads((ROOT / "Cargo.lock").read_text())
    resolved = {}
    for package in lock["package"]:
        resolved.setdefault(package["name"], []).append(parse(package["version"]))
    # The versions this crate itself resolved ("name version" where several are locked).
    ours = {}
    own = next(p for p in lock["package"] if p["name"] == manifest["package"]["name"])
    for dependency in own.get("dependencies", []):
        name, _, version = dependency.partition(" ")
        ours[name] = parse(version) if version else max(resolved[name])
    direct = {}
    for table in ("dependencies", "dev-dependencies"):
        for name, spec in manifest.get(table, {}).items():
            crate = spec.get("package", name) if isinstance(spec, dict) else name
            direct[crate] = table
    rows = []
    for crate in sorted(direct):
        locked = ours.get(crate) or max(resolved.get(crate, [()]))
        try:
            available = releases(crate)
        except Exception as error:  # the report must never fail CI
            rows.append((crate, ".".join(map(str, locked)), "?", f"index unreachable: {error}"))
            continue
        same = [v for v in available if major(v) == major(locked)]
        newest = available[-1] if available else locked
        compatible = same[-1] if same else locked
        notes = []
        if compatible > locked:
            notes.append(f"compatible update {'.'.join(map(str, compatible))}")
        if major(newest) != major(locked):
            notes.append(f"new major {'.'.join(map(str, newest))}")
        if notes:
            rows.append((crate, ".".join(map(str, locked)), ".".join(map(str, newest)), "; ".join(notes)))
    if not rows:
        print("every direct dependency is on its newest release")
        return 0
    width = max(len(r[0]) for r in rows)
    print(f"{'crate':<{width}}  {'locked':<10}  {'newest':<10}  note")
    for crate, locked, newest, note in rows:
        print(f"{crate:<{width}}  {locked:<10}  {newest:<10}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
