#!/usr/bin/env python3
"""Times handbook beside its peers and the floor, interleaved, and prints one table.

Run through `benches/peers.sh`, which installs the peers, builds the binaries and generates the
sites; this file only measures. Every run of every case starts from a clean output (except the
rebuild, which starts from a whole one), after `sync`, with the tools taking turns (A B C A B C
...) so a change in the machine's load falls on all of them alike. On the disk, a clean output
is a new folder each run, and the runs' folders are removed only once the size's cases are
done: this disk's ext4 has no journal, and without one ext4 will not reuse an inode freed in
the last minute or more and scans past each such inode when it allocates one
(`recently_deleted`, fs/ext4/ialloc.c), so a run that starts right after `rm -rf` of 10,000
files paid for that delete (the floor's system time went from about 1 s to 10-20 s). A warm-up round comes first
and is not counted (for the rebuild, the warm-up is the first rebuild after a clean build; the
counted ones are the steady state). handbook builds with `--no-search`, as Hugo writes no
search index; one more row per build times it with search. Two floors: `floor.rs` writes the
same files, and nothing else; `markdown_floor.rs` also reads each page and runs one Markdown
pass over it before writing its file. Times and peak memory come from
`/usr/bin/time -f "%e %U %S %M"`.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def run_timed(cmd, cwd=None):
    """(wall s, cpu s, peak MB) of one run; exits on failure, printing the tool's stderr."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        started = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-o", t.name, "-f", "%e %U %S %M", *cmd],
                              cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr.decode(errors="replace")[-5000:])
            sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}")
        fields = t.read().split()[-4:]
    _, user, sys_, kb = fields
    return wall, float(user) + float(sys_), int(kb) / 1024


def rm(*paths):
    for p in paths:
        if os.path.lexists(p):
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p)
            else:
                os.remove(p)


def handbook_output(out):
    """The output folder and the state folder `build` keeps beside it."""
    parent, name = os.path.split(out.rstrip("/"))
    return [out, os.path.join(parent, f".{name}.handbook")]


def file_list(out, dest):
    """`SIZE PATH` for each file a build wrote: what the floor writes."""
    with open(dest, "w", encoding="utf-8") as f:
        for folder, _, files in os.walk(out):
            for name in files:
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, out).replace(os.sep, "/")
                f.write(f"{os.path.getsize(path)} {rel}\n")


class Case:
    """One row group of the table: tools measured under the same conditions, interleaved."""

    def __init__(self, name, tools):
        self.name = name
        # (tool, prepare(), command, cwd)
        self.tools = tools
        self.samples = {tool: [] for tool, *_ in tools}

    def round(self, counted):
        for tool, prepare, cmd, cwd in self.tools:
            prepare()
            # A command made per run writes into a new folder (see the module's doc).
            cmd = cmd() if callable(cmd) else cmd
            subprocess.run(["sync"], check=True)
            sample = run_timed(cmd, cwd)
            if counted:
                self.samples[tool].append(sample)


def median(samples, i):
    return statistics.median(s[i] for s in samples)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--handbook", required=True)
    ap.add_argument("--hugo", required=True)
    ap.add_argument("--hyperlink", help="left out of the table when not given")
    ap.add_argument("--lychee", help="left out of the table when not given")
    ap.add_argument("--floor", required=True)
    ap.add_argument("--markdown-floor", required=True,
                    help="the floor that also reads each page and runs one Markdown pass")
    ap.add_argument("--sites", required=True, help="folder holding nN/ and hugo-nN/ per size")
    ap.add_argument("--disk", required=True, help="scratch folder on the disk")
    ap.add_argument("--tmpfs", required=True, help="scratch folder on tmpfs")
    ap.add_argument("--sizes", nargs="+", type=int, default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", action="append", default=[],
                    help="time only the cases whose name starts with this (repeatable)")
    args = ap.parse_args()

    rows = []
    runs_made = []

    def fresh_output(out):
        """A folder beside `out` that no run has written: `out.run1`, `out.run2`..."""
        made = f"{out}.run{len(runs_made) + 1}"
        runs_made.append(made)
        return made

    for n in args.sizes:
        site = os.path.join(args.sites, f"n{n}")
        hugo_site = os.path.join(args.sites, f"hugo-n{n}")
        cases = []
        for where, scratch in (("disk", args.disk), ("tmpfs", args.tmpfs)):
            hb_out = os.path.join(scratch, f"hb-n{n}")
            hugo_out = os.path.join(scratch, f"hugo-n{n}")
            floor_out = os.path.join(scratch, f"floor-n{n}")
            md_floor_out = os.path.join(scratch, f"md-floor-n{n}")
            hb_search_out = os.path.join(scratch, f"hb-search-n{n}")
            # Hugo writes no search index: handbook is timed without one (`--no-search`), and
            # once more with it (the default) to show what search costs.
            hb_build = [args.handbook, "build", "--no-search", "--root", site]
            # The floor writes what handbook writes: list it from one build.
            rm(*handbook_output(hb_out))
            run_timed([*hb_build, "--output", hb_out])
            listing = os.path.join(scratch, f"floor-n{n}.list")
            file_list(hb_out, listing)
            def hugo_to(dest, scratch=scratch):
                return [args.hugo, "--quiet", "--noBuildLock", "--source", hugo_site,
                        "--destination", dest, "--cacheDir", os.path.join(scratch, "hugo-cache")]

            commands = {
                "handbook": (hb_out, lambda o: [*hb_build, "--output", o]),
                "hugo": (hugo_out, hugo_to),
                "floor": (floor_out, lambda o: [args.floor, listing, o]),
                "floor + Markdown": (md_floor_out, lambda o: [
                    args.markdown_floor, listing, os.path.join(site, "content"), o]),
                "handbook, with search": (hb_search_out, lambda o: [
                    args.handbook, "build", "--root", site, "--output", o]),
            }
            if where == "disk":
                tools = [(tool, lambda: None,
                          lambda out=out, make=make: make(fresh_output(out)), None)
                         for tool, (out, make) in commands.items()]
            else:
                tools = [(tool, lambda out=out: rm(*handbook_output(out)), make(out), None)
                         for tool, (out, make) in commands.items()]
            cases.append(Case(f"build, {n:,} pages, output on {where}", tools))
            if where == "disk":
                rebuild_hb = os.path.join(scratch, f"hb-rebuild-n{n}")
                rebuild_hugo = os.path.join(scratch, f"hugo-rebuild-n{n}")
                page = os.path.join(site, "content", "playbooks", "pb-000001.md")
                hugo_page = os.path.join(hugo_site, "content", "playbooks", "pb-000001.md")
                counter = iter(range(1_000_000))

                def edit(path):
                    with open(path, "a", encoding="utf-8") as f:
                        f.write(f"\nEdited {next(counter)}.\n")

                rm(*handbook_output(rebuild_hb), rebuild_hugo)
                run_timed([*hb_build, "--output", rebuild_hb])
                rebuild_hugo_cmd = hugo_to(rebuild_hugo)
                run_timed(rebuild_hugo_cmd)
                cases.append(Case(f"rebuild, {n:,} pages, one page changed, on disk", [
                    ("handbook", lambda: edit(page), [*hb_build, "--output", rebuild_hb], None),
                    ("hugo", lambda: edit(hugo_page), rebuild_hugo_cmd, None),
                ]))
        checked = os.path.join(args.disk, f"hb-n{n}")
        checkers = [("handbook", lambda: None, [args.handbook, "check", "--root", site], None)]
        if args.hyperlink:
            checkers.append(("hyperlink", lambda: None,
                             [args.hyperlink, "--check-anchors", checked], None))
        if args.lychee:
            checkers.append(("lychee", lambda: None,
                             [args.lychee, "--offline", "--include-fragments", "--no-progress",
                              # A folder link means its index.html, as a browser and a
                              # server see it; without this lychee finds no fragment in
                              # a folder and reports every `page/#id` link as broken.
                              "--index-files", "index.html",
                              "--root-dir", os.path.abspath(checked), checked], None))
        cases.append(Case(f"check, {n:,} pages", checkers))
        if args.only:
            cases = [c for c in cases if any(c.name.startswith(o) for o in args.only)]
        originals = {p: open(p, encoding="utf-8").read() for p in (
            os.path.join(site, "content", "playbooks", "pb-000001.md"),
            os.path.join(hugo_site, "content", "playbooks", "pb-000001.md"))}
        try:
            for case in cases:
                print(f"{case.name}: {args.runs} runs after a warm-up", file=sys.stderr)
                for r in range(args.runs + 1):
                    case.round(counted=r > 0)
        finally:
            for p, text in originals.items():
                with open(p, "w", encoding="utf-8") as f:
                    f.write(text)
        for case in cases:
            hb = case.samples["handbook"]
            for tool, samples in case.samples.items():
                wall, cpu, mem = (median(samples, i) for i in range(3))
                ratio = "" if tool == "handbook" else f"{median(hb, 0) / wall:.2f}"
                rows.append((case.name, tool, wall, cpu, mem, ratio))
        for where in (args.disk, args.tmpfs):
            for name in (f"hb-n{n}", f"hb-search-n{n}", f"hugo-n{n}", f"floor-n{n}",
                         f"md-floor-n{n}",
                         f"hb-rebuild-n{n}", f"hugo-rebuild-n{n}", "hugo-cache",
                         f"floor-n{n}.list"):
                runs_made.append(os.path.join(where, name))

    # Only now, so no size's runs start right after a delete (see the module's doc).
    for made in runs_made:
        rm(*handbook_output(made))

    left_out = [t for t in ("hyperlink", "lychee") if not getattr(args, t)]
    if left_out:
        print(f"Left out (not given): {', '.join(left_out)}.\n")
    print("| case | tool | median wall | CPU (user+sys) | peak memory | handbook's wall ÷ this |")
    print("|---|---|---|---|---|---|")
    for name, tool, wall, cpu, mem, ratio in rows:
        print(f"| {name} | {tool} | {wall:.3f} s | {cpu:.2f} s | {mem:,.0f} MB | {ratio} |")


if __name__ == "__main__":
    main()
