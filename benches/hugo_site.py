#!/usr/bin/env python3
"""Writes a handbook made by gen_handbook.py again in Hugo's layout, so Hugo does the same work.

    python3 benches/hugo_site.py SITE OUT

The same Markdown, page for page: `content/` is copied with every folder page that lists others
(`index.md` at the top and in `departments/`, `processes/`, `playbooks/`) renamed `_index.md`, as
Hugo wants a section's page; a process's `processes/x/index.md` stays a leaf bundle. A minimal
layout renders each page's title, its stages (with their ids, the anchors stage links point at)
and its body, and a list page its pages. The render hook `layouts/_default/_markup/render-link.html`
resolves a relative `.md` or folder link the way handbook does: against the page's own folder, to
the published URL of the page there, with the fragment kept.
"""

import os
import shutil
import sys

HUGO_TOML = """\
baseURL = "/"
title = "Synthetic handbook"
disableKinds = ["taxonomy", "term", "RSS"]

[markup.goldmark.renderer]
unsafe = true

[markup.goldmark.parser]
autoHeadingIDType = "github"
"""

BASEOF = """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title></head>
<body>
<nav><a href="{{ site.Home.RelPermalink }}">Home</a>{{ range site.Sections }} <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"""

SINGLE = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{- with .Params.stages }}
<ol class="stages">{{ range . }}<li id="{{ .id }}">{{ .name }}</li>{{ end }}</ol>
{{- end }}
{{ .Content }}
{{ end }}
"""

LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}
"""

# `a/b.md`, `a/b/index.md`, `a/b/_index.md` and `a/b/` all name the page at `/a/b`; the path is
# read relative to the folder of the page that links (Markdown's rule, and handbook's).
RENDER_LINK = """\
{{- $href := .Destination -}}
{{- $u := urls.Parse .Destination -}}
{{- if and (not $u.Scheme) (not $u.Host) $u.Path -}}
  {{- $p := path.Join (path.Dir .Page.File.Path) $u.Path -}}
  {{- $p = strings.TrimSuffix ".md" $p -}}
  {{- $p = replaceRE `(^|/)_?index$` "" $p -}}
  {{- with site.GetPage (printf "/%s" $p) -}}
    {{- $href = .RelPermalink -}}
    {{- with $u.Fragment }}{{ $href = printf "%s#%s" $href . }}{{ end -}}
  {{- end -}}
{{- end -}}
<a href="{{ $href | safeURL }}"{{ with .Title }} title="{{ . }}"{{ end }}>{{ .Text | safeHTML }}</a>
"""

SECTION_PAGES = {"index.md", "departments/index.md", "processes/index.md", "playbooks/index.md"}


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    site, out = sys.argv[1], sys.argv[2]
    if os.path.exists(out):
        shutil.rmtree(out)
    source = os.path.join(site, "content")
    for folder, _, files in os.walk(source):
        for name in files:
            rel = os.path.relpath(os.path.join(folder, name), source).replace(os.sep, "/")
            if rel in SECTION_PAGES:
                rel = rel[: -len("index.md")] + "_index.md"
            dest = os.path.join(out, "content", rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copyfile(os.path.join(folder, name), dest)
    write(os.path.join(out, "hugo.toml"), HUGO_TOML)
    layouts = os.path.join(out, "layouts", "_default")
    write(os.path.join(layouts, "baseof.html"), BASEOF)
    write(os.path.join(layouts, "single.html"), SINGLE)
    write(os.path.join(layouts, "list.html"), LIST)
    write(os.path.join(layouts, "_markup", "render-link.html"), RENDER_LINK)


if __name__ == "__main__":
    main()
