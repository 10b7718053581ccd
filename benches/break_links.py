#!/usr/bin/env python3
"""Break links and references of a generated handbook, in place, the ways people break them.

    python3 benches/break_links.py SITE --links 20000 --refs 1000 --seed 7

SITE is a handbook written by gen_handbook.py. Picks --links links (outside code blocks) and
--refs front-matter references at random, and breaks each one in one of these ways:

- typo:   a letter of the file or folder name deleted, doubled or swapped (`p-00501` -> `p-0501`)
- case:   the name in upper case (`PB-000012.md`), as written on a case-insensitive disk
- moved:  the page's folder renamed (`../playbooks/x.md` -> `../guides/x.md`)
- gone:   a page that was never there (`../playbooks/renewal-faq.md`): no near match
- anchor: a letter of the `#fragment` deleted (only links that have one)
- ref:    a letter of an `owner:` or `process:` id deleted

A broken name is never an existing one (the script checks the disk), so `handbook check`
reports --links link and anchor errors and --refs reference errors (a rare fragment typo may
name another heading of its page).
It prints how many of each kind it made. Python 3 standard library only; deterministic.
"""

import argparse
import os
import random
import re
import sys

LINK = re.compile(r"\]\(([^)\s]+)\)")
REF = re.compile(r"^(owner|process): (\S+)$", re.M)


def pages(content):
    for folder, _, files in os.walk(content):
        for name in sorted(files):
            if name.endswith(".md"):
                yield os.path.relpath(os.path.join(folder, name), content).replace(os.sep, "/")


def link_spans(text):
    """(start, end) of every link destination outside fenced code blocks."""
    spans, offset, fenced = [], 0, False
    for line in text.splitlines(keepends=True):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            spans.extend((offset + m.start(1), offset + m.end(1)) for m in LINK.finditer(line))
        offset += len(line)
    return spans


def typo(rng, word):
    """`word` with one letter deleted, doubled or swapped with the next (never unchanged)."""
    i = rng.randrange(len(word))
    how = rng.choice(("delete", "double", "swap")) if len(word) > 2 else "double"
    if how == "swap" and i + 1 < len(word) and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if how == "delete":
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def named_segment(parts):
    """The segment that names the page: `x.md`, or the folder of `x/index.md` and `x/`."""
    at = len(parts) - 1
    while at > 0 and parts[at] in ("", "index.md"):
        at -= 1
    return at


def breakable(dest):
    parts = dest.partition("#")[0].split("/")
    return parts[named_segment(parts)] not in ("", ".", "..")


def break_dest(rng, dest, how):
    path, hash_, fragment = dest.partition("#")
    if how == "anchor":
        return path + "#" + typo(rng, fragment)
    parts = path.split("/")
    at = named_segment(parts)
    name = parts[at]
    stem, dot, ext = name.partition(".")
    if how == "typo":
        parts[at] = typo(rng, stem) + dot + ext
    elif how == "case":
        parts[at] = stem.upper() + dot + ext
    elif how == "moved":
        up = [p for p in parts[:at] if p not in ("..", ".")]
        if up:
            parts[parts.index(up[0])] = "guides"
        else:
            parts.insert(at, "guides")
    elif how == "gone":
        parts[at] = "renewal-faq-%d" % rng.randrange(10**6) + dot + ext
    return "/".join(parts) + hash_ + fragment


def exists(content, page, dest):
    """Whether `dest`, written in `page`, names a file or a folder's `index.md` (any case)."""
    path = os.path.normpath(os.path.join(content, os.path.dirname(page), dest.partition("#")[0]))
    return os.path.isfile(path) or os.path.isfile(os.path.join(path, "index.md"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("site")
    ap.add_argument("--links", type=int, default=20000)
    ap.add_argument("--refs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    content = os.path.join(args.site, "content")
    texts = {p: open(os.path.join(content, p), encoding="utf-8").read() for p in pages(content)}
    ids = {os.path.basename(os.path.dirname(p)) if p.endswith("/index.md") else p[:-3].rsplit("/", 1)[-1]
           for p in texts}

    links = [(p, s, e) for p in sorted(texts) for s, e in link_spans(texts[p])
             if breakable(texts[p][s:e])]
    refs = [(p, m.start(2), m.end(2)) for p in sorted(texts) for m in REF.finditer(texts[p])]
    if args.links > len(links) or args.refs > len(refs):
        sys.exit("the site has %d links and %d references: generate more pages" % (len(links), len(refs)))

    edits, made = {}, {}
    for p, s, e in rng.sample(links, args.links):
        dest = texts[p][s:e]
        how = rng.choice(("typo", "typo", "typo", "case", "moved", "gone", "anchor"))
        if how == "anchor" and "#" not in dest:
            how = "typo"
        new = break_dest(rng, dest, how)
        if how != "anchor" and exists(content, p, new):
            new = break_dest(rng, dest, "gone")
            how = "gone"
        edits.setdefault(p, []).append((s, e, new))
        made[how] = made.get(how, 0) + 1
    for p, s, e in rng.sample(refs, args.refs):
        value = texts[p][s:e]
        new = typo(rng, value)
        while new in ids:
            new = typo(rng, value)
        edits.setdefault(p, []).append((s, e, new))
        made["ref"] = made.get("ref", 0) + 1

    for p, changes in edits.items():
        text = texts[p]
        for s, e, new in sorted(changes, reverse=True):
            text = text[:s] + new + text[e:]
        with open(os.path.join(content, p), "w", encoding="utf-8") as f:
            f.write(text)
    print(" ".join("%s=%d" % kv for kv in sorted(made.items())), "in", len(edits), "pages")


if __name__ == "__main__":
    main()
