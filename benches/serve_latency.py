#!/usr/bin/env python3
"""Edit-to-served latency of `handbook serve`, the watcher's debounce included.

Starts `handbook serve` on a synthetic handbook, then repeatedly appends a unique sentence to one
playbook's body and polls the page over HTTP until the sentence is served. The time from the
file's write to the first response holding the sentence is one sample.

    python3 benches/serve_latency.py --site target/bench-sites/n10000-s42 [--runs 30]
"""
import argparse, http.client, os, re, socket, statistics, subprocess, sys, time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    body = conn.getresponse().read()
    conn.close()
    return body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", required=True)
    ap.add_argument("--bin", default="target/release/handbook")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--page", default=None, help="content path of the page to edit")
    args = ap.parse_args()

    playbooks = os.path.join(args.site, "content", "playbooks")
    page = args.page or sorted(f for f in os.listdir(playbooks) if f != "index.md")[len(os.listdir(playbooks)) // 2]
    path = os.path.join(playbooks, os.path.basename(page))
    url = "/playbooks/" + os.path.basename(page)[:-3] + "/"
    original = open(path, encoding="utf-8").read()

    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen([args.bin, "serve", "--root", args.site, "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        for line in server.stdout:
            if " at http://" in line:
                break
        print(f"initial build and start: {time.perf_counter() - started:.2f} s")
        samples = []
        for run in range(args.runs):
            token = f"Latency probe {run} {time.time_ns()}"
            with open(path, "w", encoding="utf-8") as f:
                f.write(original + f"\n\n{token}\n")
            t0 = time.perf_counter()
            deadline = t0 + 10
            while token.encode() not in get(port, url):
                if time.perf_counter() > deadline:
                    sys.exit(f"timed out waiting for run {run}")
            samples.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.15)  # let the watcher settle between edits
        samples.sort()
        p90 = samples[int(len(samples) * 0.9) - 1]
        print(f"{args.site}: page {url}, {len(samples)} edits")
        print(f"edit-to-served: median {statistics.median(samples):.1f} ms, p90 {p90:.1f} ms, "
              f"min {samples[0]:.1f} ms, max {samples[-1]:.1f} ms")
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
