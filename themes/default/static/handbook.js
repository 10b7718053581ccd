// handbook default theme: enhancements only. Every page reads, navigates and prints without
// this file; with it, the menu is a drawer, the theme toggles, "On this page" follows the
// scroll and heading links copy themselves. Plain ES2017, for Firefox ESR 115 and Safari 16.
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
