#!/usr/bin/env python3
"""Edit-to-served latency of `handbook serve`, the watcher's debounce included.

Starts `handbook serve` on a synthetic handbook, then makes one kind of edit again and again and
polls a page over HTTP until the edit is served. The time from the file's write to the first
response showing it is one sample. The edits:

- body:  appends a unique sentence to one playbook; polls that playbook.
- title: retitles the playbook's process (its name shows on every page that links to it or
         lists it); polls the process and the playbook (the playbook links its process).
- stage: renames the playbook's stage in its process (the stage map, and the stage line of
         every playbook of that stage); polls the playbook.
- new:   adds a new playbook of the same process and stage; polls its URL until it is served,
         then removes it and waits until it is gone (not timed).

    python3 benches/serve_latency.py --site target/bench-sites/n10000-s42 [--runs 30] \
        [--edits body title stage new]

Every file is restored afterwards.
"""
import argparse, http.client, os, re, socket, statistics, subprocess, sys, time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def wait_for(port, checks, what, timeout=20):
    """Polls until every (url, predicate(status, body)) holds; returns the seconds it took."""
    t0 = time.perf_counter()
    pending = list(checks)
    while pending:
        url, ok = pending[0]
        if ok(*get(port, url)):
            pending.pop(0)
            continue
        if time.perf_counter() - t0 > timeout:
            sys.exit(f"timed out waiting for {what} at {url}")
    return time.perf_counter() - t0


def has(token):
    return lambda status, body: status == 200 and token.encode() in body


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def summary(name, samples):
    samples = sorted(samples)
    p90 = samples[max(0, int(len(samples) * 0.9) - 1)]
    return (f"{name}: median {statistics.median(samples):.1f} ms, p90 {p90:.1f} ms, "
            f"min {samples[0]:.1f} ms, max {samples[-1]:.1f} ms ({len(samples)} edits)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", required=True)
    ap.add_argument("--bin", default="target/release/handbook")
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--edits", nargs="+", default=["body", "title", "stage", "new"],
                    choices=["body", "title", "stage", "new"])
    ap.add_argument("--page", default=None, help="content path of the playbook to edit")
    args = ap.parse_args()

    content = os.path.join(args.site, "content")
    playbooks = os.path.join(content, "playbooks")
    names = sorted(f for f in os.listdir(playbooks) if f != "index.md")
    page = os.path.basename(args.page) if args.page else names[len(names) // 2]
    path = os.path.join(playbooks, page)
    url = "/playbooks/" + page[:-3] + "/"
    original = read(path)
    process_id = re.search(r"^process: (\S+)$", original, re.M).group(1)
    stage_id = re.search(r"^stage: (\S+)$", original, re.M).group(1)
    process_path = os.path.join(content, "processes", process_id, "index.md")
    process_url = f"/processes/{process_id}/"
    process_original = read(process_path)
    title = re.search(r'^title: "(.*)"$', process_original, re.M).group(1)
    stage_name = re.search(rf'- name: "([^"]*)"\n\s+id: {re.escape(stage_id)}\n',
                           process_original).group(1)
    new_path = os.path.join(playbooks, "zz-latency-probe.md")

    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen([args.bin, "serve", "--root", args.site, "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    results = []
    try:
        for line in server.stdout:
            if " at http://" in line:
                break
        print(f"{args.site}: initial build and start: {time.perf_counter() - started:.2f} s")
        print(f"editing {url} (process {process_id}, stage {stage_id})")
        for edit in args.edits:
            samples = []
            for run in range(args.runs):
                token = f"Probe {run} {time.time_ns()}"
                if edit == "body":
                    write(path, original + f"\n\n{token}\n")
                    checks = [(url, has(token))]
                elif edit == "title":
                    write(process_path, process_original.replace(
                        f'title: "{title}"', f'title: "{title} {token}"', 1))
                    checks = [(process_url, has(token)), (url, has(token))]
                elif edit == "stage":
                    write(process_path, process_original.replace(
                        f'- name: "{stage_name}"', f'- name: "{stage_name} {token}"', 1))
                    checks = [(url, has(token))]
                else:
                    write(new_path, f'---\ntitle: "{token}"\nprocess: {process_id}\n'
                                    f'stage: {stage_id}\n---\n\nA new playbook.\n')
                    checks = [("/playbooks/zz-latency-probe/", has(token))]
                t0 = time.perf_counter()
                wait_for(port, checks, edit)
                samples.append((time.perf_counter() - t0) * 1000)
                if edit == "new":
                    os.remove(new_path)
                    wait_for(port, [("/playbooks/zz-latency-probe/",
                                     lambda status, _: status == 404)], "the removal")
                time.sleep(0.15)  # let the watcher settle between edits
            write(path, original)
            write(process_path, process_original)
            time.sleep(0.5)
            results.append(summary(edit, samples))
            print(results[-1], flush=True)
    finally:
        write(path, original)
        write(process_path, process_original)
        if os.path.exists(new_path):
            os.remove(new_path)
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
