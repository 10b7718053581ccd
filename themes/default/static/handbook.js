// handbook default theme: enhancements only. Every page reads, navigates and prints without
// this file; with it, the menu is a drawer, the theme toggles, "On this page" follows the
// scroll, heading links copy themselves and the search box works. Plain ES2017, for Firefox ESR 115 and Safari 16.
(function () {
  "use strict";
  var doc = document;
  var root = doc.documentElement;
  var all = function (selector, from) {
    return Array.prototype.slice.call((from || doc).querySelectorAll(selector));
  };

  // Light or dark: the reader's choice, remembered; until there is one, the system's.
  var toggle = doc.querySelector(".theme-toggle");
  var systemDark = matchMedia("(prefers-color-scheme: dark)");
  var isDark = function () {
    var chosen = root.getAttribute("data-theme");
    return chosen ? chosen === "dark" : systemDark.matches;
  };
  var showTheme = function () {
    toggle.setAttribute("aria-pressed", String(isDark()));
  };
  if (toggle) {
    toggle.hidden = false;
    showTheme();
    toggle.addEventListener("click", function () {
      var theme = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", theme);
      try {
        localStorage.setItem("handbook-theme", theme);
      } catch (e) {
        // Storage refused (private mode): the choice lasts for this page only.
      }
      showTheme();
    });
    systemDark.addEventListener("change", showTheme);
  }

  // The menu: a drawer below 64em, opened from the sticky header anywhere on the page.
  var nav = doc.getElementById("hb-nav");
  var opener = doc.querySelector(".menu-toggle");
  var narrow = matchMedia("(max-width: 63.99em)");
  var isOpen = function () {
    return root.classList.contains("nav-open");
  };
  var setMenu = function (open, returnFocus) {
    root.classList.add("nav-motion");
    root.classList.toggle("nav-open", open);
    opener.setAttribute("aria-expanded", String(open));
    if (open) {
      var here = nav.querySelector('[aria-current="page"]');
      (here || nav.querySelector("a") || nav).focus();
    } else if (returnFocus) {
      opener.focus();
    }
  };
  if (nav && opener) {
    opener.setAttribute("aria-expanded", "false");
    all('a[href="#hb-nav"]').forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (!narrow.matches) return; // wide: the sidebar is there; the link focuses it
        event.preventDefault();
        setMenu(link === opener ? !isOpen() : true);
      });
    });
    nav.addEventListener("click", function (event) {
      var link = event.target.closest("a");
      if (!link || !isOpen()) return;
      if (link.classList.contains("nav-close")) event.preventDefault();
      setMenu(false, link.classList.contains("nav-close"));
    });
    doc.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && isOpen()) setMenu(false, true);
    });
    // A tap on the shaded page, or focus leaving the drawer, closes it.
    doc.addEventListener("click", function (event) {
      if (isOpen() && !nav.contains(event.target) && !opener.contains(event.target)) setMenu(false);
    });
    doc.addEventListener("focusin", function (event) {
      if (isOpen() && !nav.contains(event.target) && event.target !== opener) setMenu(false);
    });
    narrow.addEventListener("change", function () {
      if (!narrow.matches && isOpen()) setMenu(false);
    });
    // The page being read, scrolled into the sidebar's view when the list is long.
    var here = nav.querySelector('li [aria-current="page"]');
    if (here && !narrow.matches && here.offsetTop > nav.clientHeight - 40) {
      nav.scrollTop = here.offsetTop - nav.clientHeight / 3;
    }
  }

  // Details folded on phones (base.html) open again when the window widens, where their
  // toggle is hidden; everything opens for printing.
  var phone = matchMedia("(max-width: 47.99em)");
  phone.addEventListener("change", function () {
    if (!phone.matches) all("details[data-phone-closed]").forEach(function (d) { d.open = true; });
  });
  addEventListener("beforeprint", function () {
    all("details").forEach(function (d) { d.open = true; });
  });

  // "On this page" marks the section at the top of the window.
  var toc = doc.querySelector(".toc");
  if (toc && "IntersectionObserver" in window) {
    var entries = [];
    all("a", toc).forEach(function (link) {
      // Entries are full URLs (`/processes/x/#stage`): only those into this page count.
      if (!link.hash || link.pathname !== location.pathname) return;
      var id = decodeURIComponent(link.hash.slice(1));
      var target = doc.getElementById(id);
      if (target) entries.push({ link: link, target: target });
    });
    var marked = null;
    var mark = function () {
      var line = innerHeight * 0.3;
      var best = null;
      var atEnd = innerHeight + scrollY >= root.scrollHeight - 2;
      entries.forEach(function (entry) {
        var top = entry.target.getBoundingClientRect().top;
        if (top <= line && (!best || top >= best.top)) best = { entry: entry, top: top };
      });
      var entry = atEnd && entries.length ? entries[entries.length - 1] : best && best.entry;
      if (marked === entry) return;
      if (marked) marked.link.classList.remove("is-current");
      marked = entry;
      if (!entry) return;
      entry.link.classList.add("is-current");
      // Keep it in view inside the contents, without scrolling the page.
      var link = entry.link;
      if (toc.scrollHeight > toc.clientHeight) {
        var top = link.offsetTop - toc.offsetTop;
        if (top < toc.scrollTop || top > toc.scrollTop + toc.clientHeight - 30) {
          toc.scrollTop = top - toc.clientHeight / 3;
        }
      }
    };
    var pending = false;
    var soon = function () {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () {
        pending = false;
        mark();
      });
    };
    var observer = new IntersectionObserver(soon, { rootMargin: "0px 0px -70% 0px" });
    entries.forEach(function (entry) { observer.observe(entry.target); });
    addEventListener("scroll", function () {
      // Only the end of the page needs this: the observer sees everything else.
      if (innerHeight + scrollY >= root.scrollHeight - 2) soon();
    }, { passive: true });
    mark();
  }

  // A heading's link also copies the section's address, for pasting into a chat.
  doc.addEventListener("click", function (event) {
    var anchor = event.target.closest && event.target.closest("a.anchor");
    if (!anchor || !navigator.clipboard) return;
    navigator.clipboard.writeText(anchor.href).then(function () {
      anchor.classList.add("is-copied");
      setTimeout(function () { anchor.classList.remove("is-copied"); }, 1500);
    }, function () {});
  });

  // Search: the box in the header, shown only here (it needs this script). The index
  // (pagefind/, beside this file) loads on first use; `/` focuses the box from anywhere.
  var search = doc.querySelector(".search");
  var script = doc.currentScript;
  if (search && script) {
    var siteRoot = new URL(".", script.src);
    var input = search.querySelector(".search-input");
    var panel = search.querySelector(".search-panel");
    var status = search.querySelector(".search-status");
    var list = search.querySelector(".search-results");
    var selects = all(".search-filter", search);
    var pagefind = null;
    var loading = null;
    var asked = 0;
    search.hidden = false;
    var load = function () {
      if (!loading) {
        loading = import(new URL("pagefind/pagefind.js", siteRoot).href).then(function (module) {
          pagefind = module;
          return pagefind.options({ baseUrl: "/", excerptLength: 24 });
        }).then(function () {
          // A large handbook's index comes in bundles (pagefind/, pagefind/1/, ...): merged.
          return fetch(new URL("pagefind/handbook-bundles.json", siteRoot).href).then(function (response) {
            return response.ok ? response.json() : { bundles: [] };
          }).then(function (list) {
            return Promise.all(list.bundles.filter(Boolean).map(function (folder) {
              return pagefind.mergeIndex(new URL("pagefind/" + folder, siteRoot).href, { baseUrl: "/" });
            }));
          });
        }).then(function () {
          return pagefind.filters();
        }).then(function (filters) {
          selects.forEach(function (select) {
            var values = Object.keys(filters[select.getAttribute("data-filter")] || {}).sort();
            values.forEach(function (value) {
              var option = doc.createElement("option");
              option.value = value;
              option.textContent = value;
              select.appendChild(option);
            });
            select.parentNode.hidden = values.length < 2;
          });
        });
      }
      return loading;
    };
    // Index URLs are from the site's root (`/processes/x/#goal`); links go from wherever
    // this site is, on any host or folder.
    var href = function (url) {
      return new URL(url.replace(/^\/+/, ""), siteRoot).href;
    };
    var setOpen = function (open) {
      panel.hidden = !open;
    };
    var show = function (text) {
      status.textContent = text;
      list.textContent = "";
    };
    var result = function (data) {
      var item = doc.createElement("li");
      item.className = "search-result";
      var title = doc.createElement("a");
      title.className = "search-result-title";
      title.href = href(data.url);
      title.textContent = (data.meta && data.meta.title) || data.url;
      item.appendChild(title);
      var kind = data.filters && data.filters.kind && data.filters.kind[0];
      if (kind) {
        var badge = doc.createElement("span");
        badge.className = "link-kind";
        badge.textContent = kind;
        item.appendChild(doc.createTextNode(" "));
        item.appendChild(badge);
      }
      var excerpt = doc.createElement("p");
      // Pagefind's excerpt is the page's text, escaped, with <mark> around the matches.
      excerpt.innerHTML = data.excerpt;
      item.appendChild(excerpt);
      var subs = (data.sub_results || []).filter(function (sub) {
        return sub.url !== data.url && sub.url.indexOf("#") > 0;
      }).slice(0, 3);
      if (subs.length) {
        var sections = doc.createElement("ul");
        sections.className = "search-sections";
        subs.forEach(function (sub) {
          var li = doc.createElement("li");
          var link = doc.createElement("a");
          link.href = href(sub.url);
          // Less the heading's own `#` link.
          link.textContent = sub.title.replace(/\s*#$/, "");
          li.appendChild(link);
          sections.appendChild(li);
        });
        item.appendChild(sections);
      }
      return item;
    };
    var run = function () {
      var query = input.value.trim();
      var mine = ++asked;
      if (!query) {
        setOpen(false);
        return;
      }
      setOpen(true);
      if (location.protocol === "file:") {
        show("Search needs the handbook served over HTTP (handbook serve, or any web server); use the menu to browse.");
        return;
      }
      if (!pagefind) status.textContent = "Loading the search index…";
      var filters = {};
      selects.forEach(function (select) {
        if (select.value) filters[select.getAttribute("data-filter")] = select.value;
      });
      load().then(function () {
        return pagefind.debouncedSearch(query, { filters: filters }, 150);
      }).then(function (found) {
        if (!found || mine !== asked) return null;
        return Promise.all(found.results.slice(0, 10).map(function (r) { return r.data(); })).then(function (pages) {
          if (mine !== asked) return;
          var total = found.results.length;
          show(total === 0 ? "No results for “" + query + "”." :
            total + (total === 1 ? " result" : " results") + " for “" + query + "”" + (total > 10 ? ", the first 10:" : ":"));
          pages.forEach(function (data) { list.appendChild(result(data)); });
        });
      }).catch(function () {
        if (mine === asked) show("The search index could not be loaded.");
      });
    };
    input.addEventListener("input", run);
    input.addEventListener("focus", function () {
      if (location.protocol !== "file:") load().catch(function () {});
      if (input.value.trim()) setOpen(true);
    });
    selects.forEach(function (select) { select.addEventListener("change", run); });
    search.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      var first = list.querySelector("a");
      if (first) first.focus();
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !panel.hidden) {
        setOpen(false);
        input.focus();
      }
    });
    // `?q=words` in the address opens the page with those results: a search to share.
    var asked_for = new URLSearchParams(location.search).get("q");
    if (asked_for) {
      input.value = asked_for;
      run();
    }
    // A click or focus elsewhere closes the results.
    doc.addEventListener("click", function (event) {
      if (!search.contains(event.target)) setOpen(false);
    });
    doc.addEventListener("focusin", function (event) {
      if (!search.contains(event.target)) setOpen(false);
    });
    doc.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
      if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        input.focus();
        input.select();
      }
    });
  }

  // A table that fits needs no tab stop of its own.
  var fitTables = function () {
    all(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) wrap.setAttribute("tabindex", "0");
      else wrap.removeAttribute("tabindex");
    });
  };
  fitTables();
  addEventListener("resize", fitTables, { passive: true });
})();
