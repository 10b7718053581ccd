#!/usr/bin/env python3
"""Generate a synthetic, deterministic sales handbook for benchmarking `handbook`.

    python3 benches/gen_handbook.py --pages N --seed 42 --out DIR

Writes DIR/handbook.yaml and DIR/content/ with N pages (5% departments, 30% processes,
65% playbooks) plus the home page and the three list pages. Every relative link, every
`#anchor` and every front-matter reference resolves, and every page has at least one
inbound link, so `handbook check` reports no errors and no orphans.

Python 3 standard library only. The same --pages/--seed always give byte-identical output.
"""

import argparse
import json
import os
import posixpath
import random
import re
import shutil
import sys
import time

# ---------------------------------------------------------------------------
# Vocabulary. Heading words and stage names are disjoint, so a heading slug never
# collides with a stage id on a process page.

PROSE_WORDS = """
account buyer champion budget pipeline quarter forecast territory quota renewal expansion
pricing discount contract procurement legal security review proposal demo workshop trial
pilot rollout onboarding adoption usage value outcome metric signal risk blocker objection
timeline stakeholder sponsor executive manager engineer architect analyst team customer
partner reseller channel region segment enterprise midmarket startup vertical industry
meeting agenda recap email call followup notes summary template checklist plan mutual
success criteria scope requirement integration deployment migration platform cloud data
report dashboard insight trend growth retention churn health score tier plan upgrade
seat license invoice payment term approval signature handoff kickoff milestone deadline
week month day hour clear simple strong early late next previous shared internal external
we they the a an and or but with for from into over under about before after during
always often rarely usually quickly carefully together directly clearly openly every
each some many few most other this that these those should can will must may might
confirm document capture share schedule prepare align agree qualify validate present
negotiate close escalate summarize review update track measure improve reduce increase
""".split()

HEADING_WORDS = """
overview context purpose principles checklist examples tips pitfalls signals questions
talking points preparation followup templates resources roles responsibilities timing
handoffs metrics reporting escalations exceptions glossary background goals outcomes
risks dependencies inputs outputs owners cadence rituals artifacts evidence criteria
objections pricing packaging competition positioning messaging storytelling references
approvals compliance tooling automation hygiene coaching feedback scorecards benchmarks
""".split()

STAGE_NAMES = [
    "Prospecting", "Research", "Outreach", "Discovery", "Qualification", "Technical fit",
    "Solution design", "Demonstration", "Proof of value", "Business case", "Proposal",
    "Security questionnaire", "Negotiation", "Procurement", "Signature", "Kickoff",
    "Onboarding", "Adoption", "Expansion", "Renewal",
]

DEPARTMENT_NAMES = [
    "Sales", "Sales Engineering", "Customer Success", "Revenue Operations", "Marketing",
    "Legal", "Finance", "Partnerships", "Solutions Consulting", "Enablement", "Security",
    "Support", "Product", "Procurement", "Field Sales", "Inside Sales", "Channel",
    "Professional Services", "Deal Desk", "Account Management",
]
REGIONS = ["EMEA", "APAC", "North America", "LATAM", "Public Sector", "Global"]

METRICS = [
    "Pipeline coverage", "Win rate", "Average deal size", "Sales cycle length",
    "Net revenue retention", "Gross churn", "Time to first value", "Forecast accuracy",
    "Meetings booked", "Qualified opportunities", "Quota attainment", "Expansion revenue",
    "Customer satisfaction", "Ticket backlog", "Onboarding completion", "Renewal rate",
]

PROCESS_VERBS = ["Land", "Expand", "Renew", "Qualify", "Onboard", "Escalate", "Price",
                 "Partner", "Migrate", "Evaluate", "Rescue", "Upsell"]
PROCESS_OBJECTS = ["new logos", "strategic accounts", "platform deals", "channel deals",
                   "security reviews", "multi-year contracts", "pilots", "renewals",
                   "cloud migrations", "public tenders", "add-on products", "at-risk accounts"]
SEGMENTS = ["Enterprise", "Midmarket", "Startups", "Public Sector", "Healthcare",
            "Financial Services", "Retail", "Manufacturing"]

PLAYBOOK_KINDS = ["Call guide", "Email sequence", "Meeting plan", "Objection handling",
                  "Demo script", "Checklist", "Briefing", "Workshop plan", "Recap template"]

AUDIENCES = ["Account executives", "Sales engineers", "Customer success managers",
             "Sales development reps", "Deal desk", "Partner managers", "Sales leaders"]

DURATIONS = ["30 minutes", "45 minutes", "1 hour", "2 hours", "1 day", "1 week", "2 weeks"]
SALES_STAGES = ["0 - Prospect", "1 - Discovery", "2 - Qualified", "3 - Solution",
                "4 - Proposal", "5 - Negotiation", "6 - Closed Won"]
FORECAST = ["Pipeline", "Best Case", "Commit", "Closed", "Omitted"]

CODE_SNIPPETS = [
    ["# qualification fields", "budget: confirmed", "authority: economic buyer", "need: documented",
     "timeline: this quarter"],
    ["$ crm export --stage discovery --owner me", "# then paste the list below",
     "$ crm update OPP-1234 --next-step \"send recap\""],
    ["Subject: Recap of our call", "", "Hi NAME,", "Thanks for your time today. Next steps:",
     "1. Share the security questionnaire", "2. Book the technical deep dive"],
]


def slugify(text):
    """GitHub's heading slug (enough for the plain words this generator uses)."""
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def q(s):
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(s)


class Page:
    __slots__ = ("id", "kind", "path", "title", "fm", "headings", "stage_ids", "is_dir_page")

    def __init__(self, pid, kind, path, title):
        self.id = pid
        self.kind = kind
        self.path = path            # relative to content/, posix
        self.title = title
        self.fm = []                # front matter lines
        self.headings = []          # [(level, text, slug)]
        self.stage_ids = []
        self.is_dir_page = path.endswith("/index.md")


class Generator:
    def __init__(self, pages, seed):
        self.n = pages
        self.rng = random.Random(seed)
        rng = self.rng
        # A pool of sentences makes prose fast: a page picks whole sentences.
        self.sentences = []
        for _ in range(6000):
            k = rng.randint(6, 18)
            words = rng.choices(PROSE_WORDS, k=k)
            words[0] = words[0][0].upper() + words[0][1:]
            r = rng.random()
            if r < 0.08:
                i = rng.randrange(k)
                words[i] = "**" + words[i] + "**"
            elif r < 0.14:
                i = rng.randrange(k)
                words[i] = "*" + words[i] + "*"
            elif r < 0.17:
                i = rng.randrange(k)
                words[i] = "`" + words[i] + "`"
            s = " ".join(words)
            self.sentences.append((s + rng.choice(".....?!"), k))
        self.sent_idx = list(range(len(self.sentences)))
        self.phrases = []
        for _ in range(3000):
            words = rng.choices(PROSE_WORDS, k=rng.randint(3, 7))
            s = " ".join(words)
            self.phrases.append(s[0].upper() + s[1:])

    # -- structure ---------------------------------------------------------

    def plan(self):
        rng = self.rng
        n = self.n
        n_dep = max(1, round(n * 0.05))
        n_proc = max(1, round(n * 0.30))
        n_pb = max(1, n - n_dep - n_proc)
        self.deps = []
        self.procs = []
        self.pbs = []

        for i in range(1, n_dep + 1):
            pid = "d-%04d" % i
            title = "%s %s %d" % (DEPARTMENT_NAMES[(i - 1) % len(DEPARTMENT_NAMES)],
                                  REGIONS[((i - 1) // len(DEPARTMENT_NAMES)) % len(REGIONS)], i)
            self.deps.append(Page(pid, "department", "departments/%s/index.md" % pid, title))
        dep_ids = [d.id for d in self.deps]

        for i in range(1, n_proc + 1):
            pid = "p-%05d" % i
            title = "%s %s for %s %d" % (rng.choice(PROCESS_VERBS), rng.choice(PROCESS_OBJECTS),
                                         rng.choice(SEGMENTS), i)
            self.procs.append(Page(pid, "process", "processes/%s/index.md" % pid, title))

        for i in range(1, n_pb + 1):
            pid = "pb-%06d" % i
            title = "%s: %s %s %d" % (rng.choice(PLAYBOOK_KINDS), rng.choice(PROSE_WORDS[:40]),
                                      rng.choice(PROSE_WORDS[:40]), i)
            self.pbs.append(Page(pid, "playbook", "playbooks/%s.md" % pid, title))

        # Process stages; every department owns at least one process when possible.
        owners = [dep_ids[i % n_dep] if i < n_dep else rng.choice(dep_ids) for i in range(n_proc)]
        rng.shuffle(owners)
        stage_pbs = {}  # (proc index, stage index) -> [playbook ids]
        proc_stages = []
        for pi, p in enumerate(self.procs):
            k = rng.randint(3, 8)
            picks = sorted(rng.sample(range(len(STAGE_NAMES)), k))
            names = [STAGE_NAMES[j] for j in picks]
            p.stage_ids = [slugify(nm) for nm in names]
            proc_stages.append(names)
        # Each process gets at least one playbook when there are enough of them.
        assign = [i % n_proc if i < n_proc else rng.randrange(n_proc) for i in range(n_pb)]
        rng.shuffle(assign)
        for bi, pi in enumerate(assign):
            si = rng.randrange(len(self.procs[pi].stage_ids))
            stage_pbs.setdefault((pi, si), []).append(self.pbs[bi].id)
            pb = self.pbs[bi]
            pb.fm = [
                "title: " + q(pb.title),
                "process: " + self.procs[pi].id,
                "stage: " + self.procs[pi].stage_ids[si],
                "audience: " + q(rng.choice(AUDIENCES)),
            ]

        for d in self.deps:
            others = [x for x in rng.sample(dep_ids, min(len(dep_ids), 5)) if x != d.id]
            d.fm = ["title: " + q(d.title),
                    "description: " + q(self.sentence_text(1)),
                    "collaborates_with:"]
            d.fm += ["  - " + x for x in others[:rng.randint(1, 4)]]
            if not others:
                d.fm[-1] = "collaborates_with: []"
            d.fm.append("metrics:")
            d.fm += ["  - " + q(m) for m in rng.sample(METRICS, rng.randint(2, 5))]

        planned = set(rng.sample(range(n_proc), round(n_proc * 0.10)))
        for pi, p in enumerate(self.procs):
            owner = owners[pi]
            collab = [x for x in rng.sample(dep_ids, min(len(dep_ids), 3)) if x != owner]
            fm = ["title: " + q(p.title),
                  "owner: " + owner,
                  "status: " + ("planned" if pi in planned else "active"),
                  "used_when: " + q(self.sentence_text(1)),
                  "collaborators:" + ("" if collab else " []")]
            fm += ["  - " + x for x in collab]
            fm.append("stages:")
            for si, name in enumerate(proc_stages[pi]):
                fm.append("  - name: " + q(name))
                fm.append("    id: " + p.stage_ids[si])
                fm.append("    goal: " + q(self.sentence_text(1)))
                fm.append("    duration: " + q(rng.choice(DURATIONS)))
                fm.append("    sales_stage: " + q(rng.choice(SALES_STAGES)))
                fm.append("    forecast_category: " + q(rng.choice(FORECAST)))
                fm.append("    agenda:")
                fm += ["      - " + q(self.short_phrase()) for _ in range(rng.randint(2, 5))]
                fm.append("    exit_criteria:")
                fm += ["      - " + q(self.short_phrase()) for _ in range(rng.randint(1, 4))]
                fm.append("    next_step: " + q(self.short_phrase()))
                sc = [x for x in rng.sample(dep_ids, min(len(dep_ids), 2)) if x != owner]
                fm.append("    collaborators:" + ("" if sc else " []"))
                fm += ["      - " + x for x in sc]
                pbl = stage_pbs.get((pi, si), [])
                fm.append("    playbooks:" + ("" if pbl else " []"))
                fm += ["      - " + x for x in pbl]
            p.fm = fm

        self.home = Page("home", "page", "index.md", "Synthetic handbook")
        self.home.fm = ["title: " + q("Synthetic handbook")]
        self.lists = []
        for folder, title in (("departments", "Departments"), ("processes", "Processes"),
                              ("playbooks", "Playbooks")):
            lp = Page(folder, "list", folder + "/index.md", title)
            lp.fm = ["title: " + q(title), "description: " + q(self.sentence_text(1))]
            self.lists.append(lp)

        self.kind_pages = self.deps + self.procs + self.pbs
        self.all_pages = self.kind_pages + [self.home] + self.lists
        for p in self.all_pages:
            self.plan_headings(p)

    def plan_headings(self, page):
        rng = self.rng
        seen = set(page.stage_ids)
        out = []
        for _ in range(rng.randint(2, 5)):
            out.append((2, self.heading_text(seen)))
            for _ in range(rng.choice((0, 0, 1, 1, 2))):
                out.append((3, self.heading_text(seen)))
        page.headings = [(lvl, t, slugify(t)) for lvl, t in out]

    def heading_text(self, seen):
        rng = self.rng
        while True:
            words = rng.sample(HEADING_WORDS, rng.choice((1, 2, 2, 3)))
            t = " ".join(words)
            t = t[0].upper() + t[1:]
            s = slugify(t)
            if s not in seen:
                seen.add(s)
                return t

    # -- prose -------------------------------------------------------------

    def sentence_text(self, n):
        return " ".join(self.sentences[i][0] for i in self.rng.choices(self.sent_idx, k=n)) \
            .replace("*", "").replace("`", "")

    def short_phrase(self):
        return self.rng.choice(self.phrases)

    def paragraph(self, budget):
        """A list of sentences (mutable, links get appended) and its word count."""
        rnd = self.rng.random
        pool = self.sentences
        n = len(pool)
        sents = []
        words = 0
        for _ in range(2 + int(rnd() * 5)):
            s, k = pool[int(rnd() * n)]
            if sents and words + k > budget:
                break
            sents.append(s)
            words += k
        return sents, words

    # -- links -------------------------------------------------------------

    def rel(self, src, target_path):
        """posixpath.relpath for the clean relative paths used here, without abspath."""
        s = src.split("/")[:-1]
        t = target_path.split("/")
        i = 0
        while i < len(s) and i < len(t) and s[i] == t[i]:
            i += 1
        parts = [".."] * (len(s) - i) + t[i:]
        return "/".join(parts) if parts else "."

    def make_link(self, src, target, kind):
        """Return (text, destination) for a link from page `src` to `target`."""
        rng = self.rng
        if kind == "folder" and target.is_dir_page:
            folder = posixpath.dirname(target.path)
            dest = self.rel(src.path, folder) + "/"
        else:
            dest = self.rel(src.path, target.path)
        text = target.title
        if kind == "anchor" and target.headings:
            _, htext, hslug = rng.choice(target.headings)
            dest += "#" + hslug
            text = "%s (%s)" % (target.title, htext.lower())
        elif kind == "stage" and target.stage_ids:
            sid = rng.choice(target.stage_ids)
            if rng.random() < 0.25:  # folder link with a stage fragment
                dest = self.rel(src.path, posixpath.dirname(target.path)) + "/#" + sid
            else:
                dest += "#" + sid
            text = "the %s stage of %s" % (sid.replace("-", " "), target.title)
        return text, dest

    def links_for(self, page, successor):
        rng = self.rng
        links = []
        if successor is not None:
            links.append(self.make_link(page, successor, rng.choice(("plain", "anchor", "folder"))))
        want = rng.randint(5, 15)
        kp = self.kind_pages
        while len(links) < want:
            r = rng.random()
            if r < 0.03 and page.headings:  # same-page anchor
                _, htext, hslug = rng.choice(page.headings)
                links.append(("%s above" % htext.lower(), "#" + hslug))
                continue
            if r < 0.08:
                t = rng.choice(self.lists)
                if t is page:
                    continue
                links.append(self.make_link(page, t, rng.choice(("plain", "folder"))))
                continue
            if r < 0.18:
                t = rng.choice(self.procs)
                kind = "stage"
            elif r < 0.33:
                t = rng.choice(self.deps) if rng.random() < 0.3 else rng.choice(self.procs)
                kind = "folder"
            elif r < 0.60:
                t = rng.choice(kp)
                kind = "anchor"
            else:
                t = rng.choice(kp)
                kind = "plain"
            if t is page:
                continue
            links.append(self.make_link(page, t, kind))
        return links

    # -- page body -----------------------------------------------------------

    def body(self, page, links):
        rng = self.rng
        # Words of the whole page (prose, lists, link sentences) land in 400..1500.
        link_words = sum(len(t.split()) + 3 for t, _ in links)
        target_words = max(400, rng.randint(400, 1440) - link_words)
        sections = len(page.headings) + 1
        per = max(40, target_words // sections)
        blocks = []          # each: ("p", [sentences]) | ("l", [items]) | ("raw", text)
        para_ix = []
        list_ix = []
        words = 0

        def add_prose(budget):
            nonlocal words
            budget = min(budget, target_words - words)
            got = 0
            while got < budget - 5:
                sents, k = self.paragraph(budget - got)
                para_ix.append(len(blocks))
                blocks.append(("p", sents))
                got += k
            words += got

        add_prose(min(per, 150))
        for lvl, text, _ in page.headings:
            blocks.append(("raw", "#" * lvl + " " + text))
            add_prose(per)
            r = rng.random()
            if r < 0.25:
                items = [self.short_phrase() for _ in range(rng.randint(3, 6))]
                if words > target_words:
                    continue
                words += sum(len(i.split()) for i in items)
                list_ix.append(len(blocks))
                blocks.append(("l", items))
            elif r < 0.35:
                blocks.append(("raw", self.table()))
            elif r < 0.45:
                blocks.append(("raw", self.code_block()))
        # top up if the page came out short
        if words < target_words:
            add_prose(target_words - words)

        for text, dest in links:
            link = "[%s](%s)" % (text, dest)
            if list_ix and rng.random() < 0.25:
                blocks[rng.choice(list_ix)][1].append("See " + link)
            else:
                blocks[rng.choice(para_ix)][1].append(
                    rng.choice(("See %s for details.", "Read %s first.",
                                "This builds on %s.", "Compare with %s.")) % link)

        out = []
        for kind, v in blocks:
            if kind == "p":
                out.append(" ".join(v))
            elif kind == "l":
                out.append("\n".join("- " + i for i in v))
            else:
                out.append(v)
        return "\n\n".join(out) + "\n"

    def table(self):
        rng = self.rng
        rows = ["| Step | Owner | Notes |", "|---|---|---|"]
        for i in range(rng.randint(2, 5)):
            rows.append("| %d | %s | %s |" % (i + 1, rng.choice(AUDIENCES), self.short_phrase()))
        return "\n".join(rows)

    def code_block(self):
        rng = self.rng
        lines = list(rng.choice(CODE_SNIPPETS))
        if rng.random() < 0.6:
            lines.append("[x](nope.md) is not a link, nor is [y](../missing/#gone)")
        lang = rng.choice(("text", "yaml", "sh", ""))
        return "```%s\n%s\n```" % (lang, "\n".join(lines))

    # -- output ------------------------------------------------------------

    def write(self, out):
        content = os.path.join(out, "content")
        if os.path.isdir(content):
            shutil.rmtree(content)
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "handbook.yaml"), "w") as f:
            f.write("title: Synthetic handbook\nbase_url: /\n")
        for d in ("departments", "processes", "playbooks"):
            os.makedirs(os.path.join(content, d))

        # A cycle through every kind page guarantees each one an inbound link.
        order = list(self.kind_pages)
        self.rng.shuffle(order)
        succ = {id(p): order[(i + 1) % len(order)] for i, p in enumerate(order)}

        rng = self.rng
        for p in self.all_pages:
            if p.kind == "page":
                links = [("departments", "departments/"), ("processes", "processes/index.md"),
                         ("playbooks", "playbooks/")]
                links += self.links_for(p, None)[:5]
            elif p.kind == "list":
                links = self.links_for(p, None)
            else:
                links = self.links_for(p, succ[id(p)])
            rng.shuffle(links)
            text = "---\n" + "\n".join(p.fm) + "\n---\n\n" + self.body(p, links)
            path = os.path.join(content, p.path)
            if p.is_dir_page and p.kind in ("department", "process"):
                os.mkdir(os.path.dirname(path))
            with open(path, "w") as f:
                f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, required=True, help="number of department/process/playbook pages")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", required=True, help="site folder to (re)create handbook.yaml and content/ in")
    args = ap.parse_args()
    if args.pages < 3:
        ap.error("--pages must be at least 3")
    t0 = time.perf_counter()
    g = Generator(args.pages, args.seed)
    g.plan()
    g.write(args.out)
    print("generated %d pages (%d departments, %d processes, %d playbooks) + 4 index pages "
          "in %s in %.2fs" % (len(g.kind_pages), len(g.deps), len(g.procs), len(g.pbs),
                              args.out, time.perf_counter() - t0), file=sys.stderr)


if __name__ == "__main__":
    main()
