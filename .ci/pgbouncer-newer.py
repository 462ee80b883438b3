#!/usr/bin/env python3
"""Installs a PgBouncer of 1.21 or later beside Debian 12's 1.18, for tests/it/pgbouncer.rs's transaction-mode test.

Debian 12 ships PgBouncer 1.18, which cannot follow sqlx's named prepared statements in transaction mode; 1.21 added
`max_prepared_statements`. Debian 13 (trixie) ships 1.24, built against a newer C library than Debian 12 has. So
this takes trixie's packages of PgBouncer and of the libraries it loads, checks each against the SHA-256 that
trixie's signed package index gives, unpacks them under one directory (nothing of the system is replaced), and
writes a `bin/pgbouncer` that starts the binary with trixie's own dynamic loader and libraries.

Usage: pgbouncer-newer.py [DIRECTORY]   (default /opt/vakt-pgbouncer; the test looks there)
"""

import hashlib
import lzma
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

MIRROR = "http://deb.debian.org/debian"
SUITE = "trixie"
# PgBouncer and what its binary loads that Debian 12's copies are too old for (found with the loader's --list).
PACKAGES = [
    "pgbouncer",
    "libc6",
    "libevent-2.1-7t64",
    "libcares2",
    "libssl3t64",
    "libsystemd0",
    "libpam0g",
    "libcap2",
    "libzstd1",
    "libaudit1",
    "libcap-ng0",
]


def index():
    """Package name -> (pool path, SHA-256) from the suite's package index."""
    url = f"{MIRROR}/dists/{SUITE}/main/binary-amd64/Packages.xz"
    with urllib.request.urlopen(url, timeout=120) as response:
        text = lzma.decompress(response.read()).decode("utf-8", "replace")
    found = {}
    for stanza in text.split("\n\n"):
        fields = {}
        for line in stanza.splitlines():
            if line and not line[0].isspace() and ": " in line:
                key, value = line.split(": ", 1)
                fields[key] = value
        if fields.get("Package") in PACKAGES:
            found[fields["Package"]] = (fields["Filename"], fields["SHA256"])
    missing = sorted(set(PACKAGES) - set(found))
    if missing:
        sys.exit(f"{SUITE}'s index lacks {', '.join(missing)}")
    return found


def main():
    target = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "/opt/vakt-pgbouncer")
    with tempfile.TemporaryDirectory() as work:
        root = os.path.join(work, "root")
        for name, (path, sha256) in sorted(index().items()):
            with urllib.request.urlopen(f"{MIRROR}/{path}", timeout=120) as response:
                data = response.read()
            if hashlib.sha256(data).hexdigest() != sha256:
                sys.exit(f"{path}: SHA-256 differs from {SUITE}'s index")
            deb = os.path.join(work, os.path.basename(path))
            with open(deb, "wb") as f:
                f.write(data)
            subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
        shutil.rmtree(target, ignore_errors=True)
        os.makedirs(os.path.join(target, "bin"))
        shutil.move(root, os.path.join(target, "root"))
    libs = os.path.join(target, "root/usr/lib/x86_64-linux-gnu")
    wrapper = os.path.join(target, "bin/pgbouncer")
    with open(wrapper, "w") as f:
        f.write(
            "#!/bin/sh\n"
            f"# PgBouncer from Debian {SUITE}, run with that release's loader and libraries (.ci/pgbouncer-newer.py).\n"
            f'exec "{libs}/ld-linux-x86-64.so.2" --library-path "{libs}" "{target}/root/usr/sbin/pgbouncer" "$@"\n'
        )
    os.chmod(wrapper, 0o755)
    for directory, _, _ in os.walk(target):
        os.chmod(directory, 0o755)
    version = subprocess.run([wrapper, "--version"], check=True, capture_output=True, text=True).stdout
    print(version.splitlines()[0], "in", target)


if __name__ == "__main__":
    main()
