"""Live diagnosis benchmark: how long a full diagnosis takes against DNS servers on loopback.

    .venv/bin/python bench/diagnose_bench.py              # 200 cold and 200 warm diagnoses
    .venv/bin/python bench/diagnose_bench.py --runs 50 --json

What runs: NSD (authoritative for the tests' `test.` and reverse zones) and rbldnsd (DNSBL zones)
on spare loopback ports, started from tests/dns_servers.py with the zones of tests/diagnose_zones.py;
then `Diagnoser.run` on one target with every check live: MX with two hosts, SPF evaluated for an IP
(an `mx` mechanism makes it resolve the MX hosts), DMARC, a 2048-bit DKIM key, PTR with forward
confirmation, one DNSBL zone with its RFC 5782 test points, MTA-STS and TLS-RPT.

Cold: a fresh answer cache for each diagnosis (every question goes to the servers, about 20 of
them). Warm: one cache kept across diagnoses (what a burst of bounces about one domain costs).
Needs nsd and rbldnsd (`apt-get install nsd rbldnsd`). Figures only, never pass or fail.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from diagnose_zones import DNSBL_ZONES, ZONES  # noqa: E402
from dns_servers import LOOPBACK, Nsd, Rbldnsd  # noqa: E402

from bot.diagnose import DiagnoseConfig, Diagnoser, Subjects  # noqa: E402
from bot.diagnose.cache import MemoryCache  # noqa: E402

SUBJECTS = Subjects("good.test", "good.test", "192.0.2.10", dkim_selector="big")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(diagnoser_for_run, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        diagnoser = diagnoser_for_run()
        started = time.perf_counter()
        diagnosis = diagnoser.run("good.test", SUBJECTS)
        times.append((time.perf_counter() - started) * 1000)
        assert all(c.status == "pass" for c in diagnosis.checks), diagnosis
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="smtpbot-bench-nsd-") as folder:
        nsd = Nsd(Path(folder), {origin: make() for origin, make in ZONES.items()})
        rbldnsd = Rbldnsd(DNSBL_ZONES)
        try:
            config = DiagnoseConfig(
                ((LOOPBACK, nsd.port),), ((LOOPBACK, rbldnsd.port),), ("bl.test",), "dns+dnsbl"
            )
            timed(lambda: Diagnoser(config, MemoryCache()), 5)  # warm-up: imports, sockets
            cold = timed(lambda: Diagnoser(config, MemoryCache()), args.runs)
            shared = Diagnoser(config, MemoryCache())
            warm = timed(lambda: shared, args.runs)
        finally:
            nsd.stop()
            rbldnsd.stop()
    figures = {
        name: {"median_ms": round(statistics.median(t), 2), "p99_ms": round(percentile(t, 0.99), 2)}
        for name, t in (("cold", cold), ("warm", warm))
    }
    print(f"full diagnosis, {args.runs} runs each   median      p99")
    for name, values in figures.items():
        print(f"  {name:<34} {values['median_ms']:>7.2f} ms {values['p99_ms']:>7.2f} ms")
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
