"""Benchmark: evidence uploads through the real server (not part of the test suite).

    .venv/bin/python bench/bench_uploads.py

Starts gunicorn (2 sync workers, as in production) on a free local port against a throw-away
SQLite database and EVIDENCE_ROOT in a temp directory (DEBUG=1; migrated first), signs in as a
branch user through the login page, and measures:

  big        one 400 MB MP4-looking upload (a valid `ftyp` header, then padding), streamed from
             the client; the serving worker's resident memory (VmRSS from /proc, polled every
             20 ms) before, at its peak and after. Target: growth < 50 MB.
  parallel   40 concurrent 5 MB uploads from 40 threads: all answered 201, every returned
             SHA-256 equal to the client's, every stored file on disk hashing to it, nothing
             lost and nothing left in the spool directory.
  floor      `cp` of the same bytes to the same file system: the throughput the server is
             compared with (it must also parse multipart, hash and write).

Prints the figures beside their targets and floors, and appends them to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv/bin/python"
GUNICORN = ROOT / ".venv/bin/gunicorn"
RESULTS = ROOT / "bench/RESULTS.md"
MB = 1024 * 1024
USERNAME = "bench_staff"
PASSWORD = "bench-pass-word-123"  # noqa: S105 - a throw-away database
RSS_TARGET_MB = 50
CHUNK = 1 * MB


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except FileNotFoundError:
        return 0
    return 0


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        match = re.search(r"^PPid:\s+(\d+)", status, re.M)
        if match and int(match.group(1)) == master:
            pids.append(int(entry.name))
    return sorted(pids)


class RssPoller:
    """Polls the workers' VmRSS until stopped; keeps each worker's peak."""

    def __init__(self, pids: list[int], interval: float = 0.02) -> None:
        self.pids = pids
        self.interval = interval
        self.peak = {pid: rss_kb(pid) for pid in pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in self.pids:
                self.peak[pid] = max(self.peak[pid], rss_kb(pid))
            time.sleep(self.interval)

    def __enter__(self) -> RssPoller:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


class Session:
    """Cookies and CSRF token of one signed-in browser, over http.client."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def _absorb(self, response: http.client.HTTPResponse) -> None:
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, body=None, headers=None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        all_headers = {"Cookie": self._cookie_header(), **(headers or {})}
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        data = response.read()
        self._absorb(response)
        conn.close()
        return response.status, data

    def login(self) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        form = f"username={USERNAME}&password={PASSWORD}&csrfmiddlewaretoken={token}"
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            body=form.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login failed: HTTP {status}")

    def upload(self, unit_id: int, name: str, parts, size: int) -> tuple[int, dict, float]:
        """Stream one multipart upload: `parts` yields the file's bytes (`size` in total)."""
        boundary = uuid.uuid4().hex
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="unit"\r\n\r\n{unit_id}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()

        def body():
            yield head
            yield from parts
            yield tail

        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(head) + size + len(tail)),
            "X-CSRFToken": self.cookies["csrftoken"],
            "Accept": "application/json",
        }
        started = time.perf_counter()
        status, data = self.request("POST", "/evidence/upload/", body=body(), headers=headers)
        elapsed = time.perf_counter() - started
        try:
            payload = json.loads(data)
        except ValueError:
            payload = {"error": data[:200].decode(errors="replace")}
        return status, payload, elapsed


def mp4_parts(size: int, block: bytes):
    """An MP4-looking stream of `size` bytes: `ftyp` box, then an `mdat` box of `block`s."""
    ftyp = b"ftyp" + b"isom" + b"\x00\x00\x02\x00" + b"isomiso2avc1mp41"
    header = (len(ftyp) + 4).to_bytes(4, "big") + ftyp
    header += (size - len(header)).to_bytes(4, "big") + b"mdat"
    yield header
    left = size - len(header)
    while left > 0:
        piece = block[: min(len(block), left)]
        left -= len(piece)
        yield piece


def pdf_payload(seed: int, size: int) -> bytes:
    return b"%PDF-1.4\n%" + os.urandom(size - 10) if seed >= 0 else b""


def write_parts(path: Path, parts) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for part in parts:
            digest.update(part)
            out.write(part)
    return digest.hexdigest()


def cp_seconds(source: Path, target: Path) -> float:
    subprocess.run(["sync"], check=True)
    started = time.perf_counter()
    subprocess.run(["cp", str(source), str(target)], check=True)
    subprocess.run(["sync", str(target)], check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--big-mb", type=int, default=400)
    parser.add_argument("--parallel", type=int, default=40)
    parser.add_argument("--parallel-mb", type=int, default=5)
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-uploads-"))
    evidence_root = tmp / "evidence"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "1",
        "VAR_DIR": str(tmp),
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "EVIDENCE_ROOT": str(evidence_root),
        "EVIDENCE_VIDEO_MAX_BYTES": str((args.big_mb + 10) * MB),
        "EVIDENCE_UNIT_QUOTA_BYTES": str(10 * 1024 * MB),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_BROKER_URL", None)
    master = None
    try:
        print(f"setup: migrating a throw-away database in {tmp} …", flush=True)
        manage(env, "migrate", "--noinput")
        unit_id = int(
            manage(
                env,
                "shell",
                "-c",
                "from campaigns.models import OrgUnit; from accounts.models import User;"
                "u = OrgUnit.objects.create(name='压测分局', code='BENCH', kind='branch');"
                f"User.objects.create_user('{USERNAME}', password='{PASSWORD}',"
                " role='branch_staff', unit=u); print(u.pk)",
            )
            .strip()
            .splitlines()[-1]
        )
        port = free_port()
        server = subprocess.Popen(
            [
                str(GUNICORN),
                "portal.wsgi",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{port}",
                "--timeout",
                "300",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        master = server.pid
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not start")
        workers = worker_pids(master)
        print(f"gunicorn master {master}, workers {workers}, port {port}")

        session = Session(port)
        session.login()

        # Warm both workers (imports, first queries) so that growth measures the upload only.
        for n in range(6):
            status, payload, _ = session.upload(
                unit_id, f"warm{n}.pdf", [pdf_payload(n, 64 * 1024)], 64 * 1024
            )
            assert status == 201, payload

        # --- big -------------------------------------------------------------------------------
        big_size = args.big_mb * MB
        block = os.urandom(CHUNK)
        expected_big = hashlib.sha256(b"".join(mp4_parts(big_size, block))).hexdigest()
        before = {pid: rss_kb(pid) for pid in workers}
        with RssPoller(workers) as poller:
            status, payload, big_seconds = session.upload(
                unit_id, "练兵视频.mp4", mp4_parts(big_size, block), big_size
            )
            time.sleep(0.3)
        after = {pid: rss_kb(pid) for pid in workers}
        assert status == 201, payload
        assert payload["sha256"] == expected_big, "400 MB upload hash differs"
        growth = {pid: (poller.peak[pid] - before[pid]) / 1024 for pid in workers}
        served_by = max(growth, key=growth.get)
        big_growth_mb = growth[served_by]
        big_mbps = args.big_mb / big_seconds
        big_source = tmp / "big-source.mp4"
        write_parts(big_source, mp4_parts(big_size, block))
        big_cp = cp_seconds(big_source, tmp / "big-copy.mp4")
        big_cp_mbps = args.big_mb / big_cp
        for path in (big_source, tmp / "big-copy.mp4"):
            path.unlink()
        print(
            f"big: {args.big_mb} MB in {big_seconds:.2f} s = {big_mbps:.0f} MB/s "
            f"(floor cp {big_cp_mbps:.0f} MB/s); worker {served_by} RSS "
            f"{before[served_by] / 1024:.1f} → peak {poller.peak[served_by] / 1024:.1f} → "
            f"{after[served_by] / 1024:.1f} MB, growth {big_growth_mb:.1f} MB "
            f"(target < {RSS_TARGET_MB} MB)"
        )

        # --- parallel --------------------------------------------------------------------------
        size = args.parallel_mb * MB
        payloads = [pdf_payload(n, size) for n in range(args.parallel)]
        expected = [hashlib.sha256(p).hexdigest() for p in payloads]

        def one(n: int):
            own = Session(port)
            own.cookies = dict(session.cookies)
            chunks = [payloads[n][i : i + CHUNK] for i in range(0, size, CHUNK)]
            return own.upload(unit_id, f"材料{n:02d}.pdf", chunks, size)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.parallel) as pool:
            results = list(pool.map(one, range(args.parallel)))
        parallel_seconds = time.perf_counter() - started
        statuses = [status for status, _, _ in results]
        ok = [
            status == 201 and payload.get("sha256") == expected[n]
            for n, (status, payload, _) in enumerate(results)
        ]
        # On disk: every expected hash present as a stored file, nothing left in the spool.
        on_disk = {}
        for path in evidence_root.rglob("*"):
            if path.is_file() and ".incoming" not in path.parts:
                on_disk[hashlib.sha256(path.read_bytes()).hexdigest()] = path
        stored_ok = sum(1 for digest in expected if digest in on_disk)
        spool_left = [p for p in (evidence_root / ".incoming").glob("*") if p.is_file()]
        total_mb = args.parallel * args.parallel_mb
        parallel_mbps = total_mb / parallel_seconds
        latencies = sorted(elapsed for _, _, elapsed in results)
        src_dir = tmp / "parallel-src"
        src_dir.mkdir()
        for n, data in enumerate(payloads):
            (src_dir / f"{n}.pdf").write_bytes(data)
        subprocess.run(["sync"], check=True)
        started = time.perf_counter()
        subprocess.run(["cp", "-r", str(src_dir), str(tmp / "parallel-copy")], check=True)
        subprocess.run(["sync"], check=True)
        parallel_cp_mbps = total_mb / (time.perf_counter() - started)
        print(
            f"parallel: {args.parallel} × {args.parallel_mb} MB in {parallel_seconds:.2f} s = "
            f"{parallel_mbps:.0f} MB/s (floor cp {parallel_cp_mbps:.0f} MB/s); "
            f"HTTP {sorted(set(statuses))}; hashes right {sum(ok)}/{args.parallel}; "
            f"stored on disk {stored_ok}/{args.parallel}; spool files left {len(spool_left)}; "
            f"latency p50 {latencies[len(latencies) // 2]:.2f} s, max {latencies[-1]:.2f} s"
        )
        passed = (
            big_growth_mb < RSS_TARGET_MB
            and sum(ok) == args.parallel
            and stored_ok == args.parallel
            and not spool_left
        )
        print("PASS" if passed else "FAIL")

        if not args.no_record:
            record(
                args,
                big_seconds=big_seconds,
                big_mbps=big_mbps,
                big_cp_mbps=big_cp_mbps,
                rss=(before[served_by], poller.peak[served_by], after[served_by]),
                big_growth_mb=big_growth_mb,
                parallel_seconds=parallel_seconds,
                parallel_mbps=parallel_mbps,
                parallel_cp_mbps=parallel_cp_mbps,
                ok=sum(ok),
                stored_ok=stored_ok,
                spool_left=len(spool_left),
                latencies=latencies,
                passed=passed,
            )
        if not passed:
            sys.exit(1)
    finally:
        if master is not None:
            os.kill(master, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


def record(args, **f) -> None:
    """Append a dated section to RESULTS.md (re-read first: another benchmark appends too)."""
    before_kb, peak_kb, after_kb = f["rss"]
    command = ".venv/bin/python bench/bench_uploads.py"
    if (args.big_mb, args.parallel, args.parallel_mb) != (400, 40, 5):
        command += f" --big-mb {args.big_mb} --parallel {args.parallel} "
        command += f"--parallel-mb {args.parallel_mb}"
    lines = [
        "",
        f"## Evidence uploads — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `{command}` (gunicorn, 2 sync workers, SQLite, DEBUG=1, {os.cpu_count()} cores)",
        "",
        "| measurement | result | target / floor |",
        "|---|---|---|",
        f"| {args.big_mb} MB MP4 upload: serving worker RSS before → peak → after | "
        f"{before_kb / 1024:.1f} → {peak_kb / 1024:.1f} → {after_kb / 1024:.1f} MB "
        f"(growth **{f['big_growth_mb']:.1f} MB**) | < {RSS_TARGET_MB} MB growth |",
        f"| {args.big_mb} MB upload throughput | {f['big_mbps']:.0f} MB/s "
        f"({f['big_seconds']:.2f} s) | floor: `cp` {f['big_cp_mbps']:.0f} MB/s |",
        f"| {args.parallel} concurrent × {args.parallel_mb} MB: answered with the right SHA-256 | "
        f"{f['ok']}/{args.parallel} | all |",
        f"| … stored on disk with the right SHA-256 | {f['stored_ok']}/{args.parallel}; "
        f"{f['spool_left']} spool files left | all; none left |",
        f"| … throughput | {f['parallel_mbps']:.0f} MB/s ({f['parallel_seconds']:.2f} s; "
        f"latency p50 {f['latencies'][len(f['latencies']) // 2]:.2f} s, "
        f"max {f['latencies'][-1]:.2f} s) | floor: `cp` {f['parallel_cp_mbps']:.0f} MB/s |",
        "",
        f"Result: {'PASS' if f['passed'] else 'FAIL'}.",
        "",
    ]
    existing = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if not RESULTS.exists():
        RESULTS.write_text(existing)
    with RESULTS.open("a") as out:  # append only: never rewrite what others recorded
        if not existing.endswith("\n"):
            out.write("\n")
        out.write("\n".join(lines))


if __name__ == "__main__":
    main()
