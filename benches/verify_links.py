#!/usr/bin/env python3
"""Independently verify a handbook made by gen_handbook.py (or any plain handbook).

    python3 benches/verify_links.py SITE_DIR

Checks, without the `handbook` binary:
- page counts per kind and their share;
- front matter: only the fields the SPEC allows per kind, required fields present,
  every reference (owner, process, stage, collaborators, collaborates_with,
  stages[].playbooks) names an existing page of the right kind, each playbook's stage is a
  stage of its process, and each playbook is named by a stage of its process;
- every relative Markdown link outside code resolves to a file or to a folder holding
  index.md, stays inside content/, and its #fragment is a heading slug (GitHub's rule,
  with -1/-2 for repeats) or a stage id of the target;
- no orphan (every department/process/playbook is linked to or named in front matter);
- prose words, links and headings per page (reported as min/avg/max).
Exit status 0 when everything resolves, 1 otherwise.

Front matter is read with PyYAML when installed, else with a small parser for the block
YAML subset the generator writes.
"""

import json
import os
import posixpath
import re
import sys
from collections import Counter, defaultdict

try:
    import yaml  # type: ignore
except ImportError:  # pragma: no cover
    yaml = None

COMMON = {"title", "description", "draft", "tags", "owner", "weight", "aliases",
          "last_reviewed", "review_every", "kind", "id", "extra"}
ALLOWED = {
    "department": COMMON | {"collaborates_with", "metrics"},
    "process": COMMON | {"status", "used_when", "collaborators", "deal_profile", "stages"},
    "playbook": COMMON | {"process", "stage", "audience"},
    "page": COMMON,
    "list": COMMON,
}
STAGE_FIELDS = {"name", "id", "goal", "duration", "sales_stage", "forecast_category", "agenda",
                "exit_criteria", "next_step", "collaborators", "playbooks", "resources"}

LINK_RE = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING_RE = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODE_SPAN_RE = re.compile(r"(`+)(?:(?!\1).)+?\1")


def mini_yaml(text):
    """Parse the block-YAML subset written by gen_handbook.py (maps, lists, JSON strings)."""
    lines = [l for l in text.split("\n") if l.strip() and not l.lstrip().startswith("#")]
    pos = 0

    def scalar(s):
        s = s.strip()
        if s == "[]":
            return []
        if s.startswith('"'):
            return json.loads(s)
        if s in ("true", "false"):
            return s == "true"
        if re.fullmatch(r"-?\d+", s):
            return int(s)
        return s

    def indent(l):
        return len(l) - len(l.lstrip(" "))

    def block(ind):
        nonlocal pos
        if lines[pos].lstrip().startswith("- "):
            out = []
            while pos < len(lines) and indent(lines[pos]) == ind and lines[pos].lstrip().startswith("- "):
                rest = lines[pos].lstrip()[2:]
                if re.match(r"^[\w-]+:( |$)", rest):
                    # a map in a list: rewrite the line as a map entry two columns in
                    lines[pos] = " " * (ind + 2) + rest
                    out.append(block(ind + 2))
                else:
                    out.append(scalar(rest))
                    pos += 1
            return out
        out = {}
        while pos < len(lines) and indent(lines[pos]) == ind:
            key, _, rest = lines[pos].strip().partition(":")
            pos += 1
            if rest.strip():
                out[key] = scalar(rest)
            elif pos < len(lines) and indent(lines[pos]) > ind:
                out[key] = block(indent(lines[pos]))
            elif pos < len(lines) and indent(lines[pos]) == ind and lines[pos].lstrip().startswith("- "):
                out[key] = block(ind)
            else:
                out[key] = None
        return out

    return block(0) if lines else {}


def parse_fm(text):
    if not text.startswith("---\n"):
        return None, text, 1
    end = text.find("\n---\n", 3)
    if end < 0:
        raise ValueError("unterminated front matter")
    raw = text[4:end]
    body = text[end + 5:]
    fm = yaml.safe_load(raw) if yaml else mini_yaml(raw)
    return (fm or {}), body, raw.count("\n") + 3


def gh_slug(text):
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def github_slugs(headings):
    """Ids GitHub gives a page's headings, in order (github-slugger's repeat rule)."""
    occurrences, out = {}, []
    for h in headings:
        orig = result = gh_slug(h)
        while result in occurrences:
            occurrences[orig] += 1
            result = "%s-%d" % (orig, occurrences[orig])
        occurrences[result] = 0
        out.append(result)
    return out


def scan_body(body):
    """Return (headings, links, fake_links_in_code, prose_words)."""
    headings, links = [], []
    fake = 0
    words = 0
    in_fence = None
    for line in body.split("\n"):
        m = FENCE_RE.match(line)
        if in_fence:
            if m and m.group(1)[0] == in_fence[0] and len(m.group(1)) >= len(in_fence):
                in_fence = None
            else:
                fake += len(LINK_RE.findall(line))
            continue
        if m:
            in_fence = m.group(1)
            continue
        fake += sum(len(LINK_RE.findall(s.group(0))) for s in CODE_SPAN_RE.finditer(line))
        line_nc = CODE_SPAN_RE.sub("", line)
        h = HEADING_RE.match(line_nc)
        if h:
            headings.append(h.group(2))
            continue
        for lm in LINK_RE.finditer(line_nc):
            links.append(lm.group(3))
        if not line.lstrip().startswith("|"):
            words += len(LINK_RE.sub(r"\2", line_nc).split())
    return headings, links, fake, words


def kind_of(rel, fm):
    if fm is None:
        return "page"
    if fm.get("kind"):
        return fm["kind"]
    parts = rel.split("/")
    if parts[0] in ("departments", "processes") and len(parts) >= 2:
        if rel == parts[0] + "/index.md":
            return "list"
        if (len(parts) == 3 and parts[2] == "index.md") or len(parts) == 2:
            return parts[0][:-1] if parts[0] == "departments" else "process"
    if parts[0] == "playbooks":
        return "list" if parts[-1] == "index.md" else "playbook"
    return "page"


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    site = sys.argv[1]
    content = os.path.join(site, "content")
    errors = []

    pages = {}  # rel -> dict
    for dirpath, _, files in os.walk(content):
        for f in files:
            if not f.endswith(".md"):
                continue
            full = os.path.join(dirpath, f)
            rel = os.path.relpath(full, content).replace(os.sep, "/")
            with open(full, encoding="utf-8") as fh:
                text = fh.read()
            try:
                fm, body, _ = parse_fm(text)
            except Exception as e:  # noqa: BLE001
                errors.append("%s: front matter: %s" % (rel, e))
                continue
            heads, links, fake, words = scan_body(body)
            slugs = github_slugs(heads)
            kind = kind_of(rel, fm)
            stem = posixpath.basename(posixpath.dirname(rel)) if rel.endswith("index.md") \
                else posixpath.splitext(posixpath.basename(rel))[0]
            pid = (fm or {}).get("id", stem)
            stage_ids = []
            if kind == "process":
                for st in (fm.get("stages") or []):
                    stage_ids.append(st.get("id") or gh_slug(str(st.get("name", ""))))
            pages[rel] = dict(fm=fm, kind=kind, id=pid, anchors=set(slugs) | set(stage_ids),
                              links=links, fake=fake, words=words, stage_ids=stage_ids,
                              dup_heads=len(heads) - len(set(gh_slug(h) for h in heads)))

    by_kind = Counter(p["kind"] for p in pages.values())
    by_id = {}
    for rel, p in pages.items():
        if p["kind"] in ("department", "process", "playbook"):
            if p["id"] in by_id:
                errors.append("%s: duplicate id %s (also %s)" % (rel, p["id"], by_id[p["id"]]))
            by_id[p["id"]] = rel
    inbound = defaultdict(int)

    def ref(rel, what, rid, kind):
        t = by_id.get(rid)
        if t is None or pages[t]["kind"] != kind:
            errors.append("%s: %s `%s` is not a %s" % (rel, what, rid, kind))
            return None
        inbound[t] += 1
        return t

    # front matter
    named_by_stage = {}
    for rel, p in pages.items():
        fm, kind = p["fm"], p["kind"]
        if fm is None:
            continue
        for k in fm:
            if k not in ALLOWED[kind]:
                errors.append("%s: unknown field `%s` for a %s" % (rel, k, kind))
        if fm.get("owner"):
            ref(rel, "owner", fm["owner"], "department")
        for d in fm.get("collaborators") or []:
            ref(rel, "collaborator", d, "department")
        for d in fm.get("collaborates_with") or []:
            ref(rel, "collaborates_with", d, "department")
        if kind == "process":
            if not fm.get("owner"):
                errors.append("%s: process without owner" % rel)
            if fm.get("status", "active") not in ("active", "planned"):
                errors.append("%s: bad status %r" % (rel, fm.get("status")))
            for st, sid in zip(fm.get("stages") or [], p["stage_ids"]):
                for k in st:
                    if k not in STAGE_FIELDS:
                        errors.append("%s: unknown stage field `%s`" % (rel, k))
                if not st.get("name"):
                    errors.append("%s: stage without name" % rel)
                for d in st.get("collaborators") or []:
                    ref(rel, "stage collaborator", d, "department")
                for b in st.get("playbooks") or []:
                    if ref(rel, "stage playbook", b, "playbook"):
                        named_by_stage[b] = (p["id"], sid)
            if len(set(p["stage_ids"])) != len(p["stage_ids"]):
                errors.append("%s: repeated stage ids" % rel)
        if kind == "playbook":
            proc = fm.get("process")
            if not proc:
                errors.append("%s: playbook without process" % rel)
            elif ref(rel, "process", proc, "process"):
                st = fm.get("stage")
                sids = pages[by_id[proc]]["stage_ids"]
                if st is not None and st not in sids:
                    errors.append("%s: stage `%s` is not a stage of %s" % (rel, st, proc))
    for rel, p in pages.items():
        if p["kind"] == "playbook":
            got = named_by_stage.get(p["id"])
            want = (p["fm"].get("process"), p["fm"].get("stage"))
            if got is None:
                errors.append("%s: not named by any stage's playbooks" % rel)
            elif got != want:
                errors.append("%s: named by stage %s of %s but says %s of %s"
                              % (rel, got[1], got[0], want[1], want[0]))

    # links
    n_links = n_anchor = n_folder = n_stage = n_self = 0
    for rel, p in pages.items():
        for dest in p["links"]:
            if re.match(r"^[a-z][a-z0-9+.-]*:", dest, re.I):
                continue  # http:, mailto:, ...
            n_links += 1
            path, _, frag = dest.partition("#")
            if not path:
                target = rel
                n_self += 1
            else:
                if path.startswith("/"):
                    joined = posixpath.normpath(path.lstrip("/") or ".")
                else:
                    joined = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
                if joined == ".." or joined.startswith("../"):
                    errors.append("%s: link %s climbs out of content/" % (rel, dest))
                    continue
                if path.endswith("/") or not joined.endswith(".md"):
                    n_folder += 1
                    target = posixpath.join(joined, "index.md") if joined != "." else "index.md"
                else:
                    target = joined
                if target not in pages:
                    errors.append("%s: broken link %s (no %s)" % (rel, dest, target))
                    continue
                if target != rel:
                    inbound[target] += 1
            if frag:
                n_anchor += 1
                if frag in pages[target]["stage_ids"]:
                    n_stage += 1
                if frag not in pages[target]["anchors"]:
                    errors.append("%s: broken anchor %s (no #%s in %s)" % (rel, dest, frag, target))

    orphans = [rel for rel, p in pages.items()
               if p["kind"] in ("department", "process", "playbook") and not inbound[rel]]
    for rel in orphans[:20]:
        errors.append("%s: orphan (nothing links to it or names it)" % rel)

    kinds = [p for p in pages.values() if p["kind"] in ("department", "process", "playbook")]
    total = len(kinds)

    def stats(vals):
        return "min %d, avg %.0f, max %d" % (min(vals), sum(vals) / len(vals), max(vals)) if vals else "-"

    print("site: %s" % site)
    print("pages: %d .md files; %d department/process/playbook pages" % (len(pages), total))
    for k in ("department", "process", "playbook", "list", "page"):
        share = " (%.1f%%)" % (100.0 * by_kind[k] / total) if k in ("department", "process", "playbook") and total else ""
        print("  %-10s %6d%s" % (k, by_kind[k], share))
    stages = [len(p["stage_ids"]) for p in pages.values() if p["kind"] == "process"]
    planned = sum(1 for p in pages.values() if p["kind"] == "process" and p["fm"].get("status") == "planned")
    print("stages per process: %s; planned processes: %d (%.1f%%)"
          % (stats(stages), planned, 100.0 * planned / max(1, len(stages))))
    print("prose words per page: %s" % stats([p["words"] for p in kinds]))
    out_of_range = sum(1 for p in kinds if not 400 <= p["words"] <= 1500)
    if out_of_range:
        print("  note: %d pages outside 400..1500 words" % out_of_range)
    print("links per page: %s" % stats([len(p["links"]) for p in kinds]))
    print("links: %d relative checked; %d with #fragment (%d to stage ids, %d same-page); %d to folders"
          % (n_links, n_anchor, n_stage, n_self, n_folder))
    print("fake links inside code (ignored): %d" % sum(p["fake"] for p in pages.values()))
    dup = sum(p["dup_heads"] for p in pages.values())
    print("repeated heading slugs within a page: %d" % dup)
    print("orphans: %d" % len(orphans))
    if errors:
        print("ERRORS: %d" % len(errors))
        for e in errors[:50]:
            print("  " + e)
        return 1
    print("OK: every link, anchor and front-matter reference resolves")
    return 0


if __name__ == "__main__":
    sys.exit(main())
