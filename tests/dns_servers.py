"""Real DNS servers on loopback for the diagnosis tests: NSD (authoritative) and rbldnsd (DNSBLs).

Both come from Debian's packages (.ci/run installs them). Each server gets a spare port on
127.0.0.1 and a folder of zone files the tests write; `SilentResolver` is a UDP socket that never
answers, standing in for a dead resolver.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import dns.message
import dns.query

NSD = shutil.which("nsd") or ("/usr/sbin/nsd" if Path("/usr/sbin/nsd").exists() else None)
RBLDNSD = shutil.which("rbldnsd") or ("/usr/sbin/rbldnsd" if Path("/usr/sbin/rbldnsd").exists() else None)
LOOPBACK = "127.0.0.1"


def spare_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1 (DNS uses both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind((LOOPBACK, 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind((LOOPBACK, port))
                except OSError:
                    continue
                return port
    raise RuntimeError("no spare port on 127.0.0.1")


def _wait_answering(port: int, name: str, process: subprocess.Popen, log: Path) -> None:
    query = dns.message.make_query(name, "SOA")
    until = time.monotonic() + 10
    while time.monotonic() < until:
        if process.poll() is not None:
            raise RuntimeError(
                f"DNS server exited: {log.read_text(errors='replace') if log.exists() else ''}"
            )
        try:
            dns.query.udp(query, LOOPBACK, port=port, timeout=0.2)
            return
        except (dns.exception.Timeout, OSError):
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"DNS server on port {port} did not answer: {log.read_text(errors='replace')}")


class Nsd:
    """NSD serving `zones` ({origin: zone file text}) from `folder` on a spare port."""

    def __init__(self, folder: Path, zones: dict[str, str]) -> None:
        self.port = spare_port()
        folder.mkdir(parents=True, exist_ok=True)
        zone_lines = []
        for origin, text in zones.items():
            (folder / f"{origin}zone").write_text(text)
            zone_lines.append(f"zone:\n  name: {origin}\n  zonefile: {folder}/{origin}zone\n")
        config = folder / "nsd.conf"
        config.write_text(
            "server:\n"
            f"  ip-address: {LOOPBACK}@{self.port}\n"
            '  username: ""\n  chroot: ""\n  database: ""\n  server-count: 1\n  verbosity: 1\n'
            f'  zonesdir: "{folder}"\n  pidfile: "{folder}/nsd.pid"\n'
            f'  xfrdfile: "{folder}/xfrd.state"\n  zonelistfile: "{folder}/zone.list"\n'
            f'  logfile: "{folder}/nsd.log"\n'
            "remote-control:\n  control-enable: no\n" + "".join(zone_lines)
        )
        self.process = subprocess.Popen(
            [NSD, "-d", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _wait_answering(self.port, next(iter(zones)), self.process, folder / "nsd.log")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class Rbldnsd:
    """rbldnsd serving DNSBL zones ({zone: data text}) on a spare port: `zones` as ip4set data,
    `ip6_zones` as ip6trie data (a zone in both answers for IPv4 and IPv6 addresses, as zen does)."""

    def __init__(self, zones: dict[str, str], ip6_zones: dict[str, str] | None = None) -> None:
        self.port = spare_port()
        # rbldnsd will not run as root, so its files live where its own user can read them
        self.folder = folder = Path(tempfile.mkdtemp(prefix="smtpbot-rbldnsd-"))
        folder.chmod(0o755)
        user = ["-u", "nobody"] if os.geteuid() == 0 else []
        specs = []
        for zone, text in zones.items():
            (folder / f"{zone}.txt").write_text(text)
            (folder / f"{zone}.txt").chmod(0o644)
            specs.append(f"{zone}:ip4set:{zone}.txt")
        for zone, text in (ip6_zones or {}).items():
            (folder / f"{zone}.ip6.txt").write_text(text)
            (folder / f"{zone}.ip6.txt").chmod(0o644)
            specs.append(f"{zone}:ip6trie:{zone}.ip6.txt")
        log = folder / "rbldnsd.log"
        self.process = subprocess.Popen(
            [RBLDNSD, "-n", *user, "-w", str(folder), "-b", f"{LOOPBACK}/{self.port}", "-t", "300", *specs],
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        _wait_answering(self.port, next(iter(zones)), self.process, log)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


class SilentResolver:
    """A UDP socket on loopback that reads queries and never answers: a dead resolver."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind((LOOPBACK, 0))
        self.port = self.socket.getsockname()[1]

    def close(self) -> None:
        self.socket.close()
