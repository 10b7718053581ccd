//! The error overlay `serve` writes into every page while the handbook has errors: the report
//! `check` prints, over the page, and a button that folds it into a badge in the corner (which
//! still says how many errors) so the page underneath can be read and clicked. Which of the
//! two shows is remembered for the browser tab (sessionStorage) while browsing the preview.
//! Styled inline: it must look the same whatever the theme, or with no theme at all.

/// The overlay for `errors` errors and their `report` (plain text, escaped here). `last_good`:
/// the pages underneath are the last good build, not the current files.
pub fn html(errors: usize, report: &str, last_good: bool) -> String {
    let mut escaped = String::new();
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut escaped, report);
    let count = crate::diagnostic::count(errors, "error");
    let underneath = if last_good {
        "showing the last good version underneath"
    } else {
        "the pages underneath show the handbook as it is, broken links as written"
    };
    format!(
        "<div id=\"handbook-error-overlay\" data-errors=\"{errors}\">\
         <section id=\"handbook-error-report\" role=\"alertdialog\" aria-labelledby=\"handbook-error-title\" \
         style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,28,.94);color:#fff;padding:2rem;font:14px/1.5 ui-monospace,monospace\">\
         <div style=\"display:flex;gap:1rem;align-items:flex-start;justify-content:space-between;margin:0 0 1rem\">\
         <h2 id=\"handbook-error-title\" style=\"color:#ff8080;font:bold 18px system-ui,sans-serif;margin:0\">\
         The handbook has {count}: {underneath}</h2>\
         <button type=\"button\" id=\"handbook-error-collapse\" aria-controls=\"handbook-error-report\" aria-expanded=\"true\" \
         style=\"{BUTTON}\">Collapse</button></div>\
         <pre style=\"white-space:pre-wrap;margin:0\">{escaped}</pre></section>\
         <button type=\"button\" id=\"handbook-error-badge\" aria-controls=\"handbook-error-report\" aria-expanded=\"false\" \
         title=\"Show the errors\" style=\"display:none;position:fixed;right:1rem;bottom:1rem;z-index:2147483647;\
         box-shadow:0 2px 8px rgba(0,0,0,.4);{BUTTON}\">&#9888; {count}</button>\
         <script>{SCRIPT}</script></div>"
    )
}

/// Both buttons: readable on the dark report and over any page, with a visible focus ring
/// (the browser's own, which inline styles leave alone).
const BUTTON: &str = "background:#b3261e;color:#fff;border:2px solid #fff;border-radius:6px;\
     padding:.4rem .8rem;font:bold 14px system-ui,sans-serif;cursor:pointer";

/// Shows the report or the badge, as last chosen in this tab, before the page is first painted
/// (the script runs as the overlay is parsed). Focus follows the switch so a keyboard user
/// lands on the control that switches back; Escape folds the report.
const SCRIPT: &str = concat!(
    "(() => {",
    "const key = \"handbook-error-overlay-collapsed\";",
    "const report = document.getElementById(\"handbook-error-report\");",
    "const collapse = document.getElementById(\"handbook-error-collapse\");",
    "const badge = document.getElementById(\"handbook-error-badge\");",
    "const show = (folded, focus) => {",
    "report.style.display = folded ? \"none\" : \"\";",
    "badge.style.display = folded ? \"\" : \"none\";",
    "if (focus) (folded ? badge : collapse).focus();",
    "};",
    "const remember = (folded) => {",
    "try { sessionStorage.setItem(key, folded ? \"1\" : \"0\"); } catch (e) {}",
    "show(folded, true);",
    "};",
    "let folded = false;",
    "try { folded = sessionStorage.getItem(key) === \"1\"; } catch (e) {}",
    "show(folded, false);",
    "collapse.addEventListener(\"click\", () => remember(true));",
    "badge.addEventListener(\"click\", () => remember(false));",
    "report.addEventListener(\"keydown\", (e) => { if (e.key === \"Escape\") remember(true); });",
    "})();",
);

#[cfg(test)]
mod tests {
    use super::html;

    /// What a browser needs of the two controls: real buttons (focusable, Enter and Space
    /// work), that say what they switch and its state, and a badge that names the count.
    #[test]
    fn the_overlay_folds_into_a_badge_that_keeps_the_count() {
        let page = html(3, "error[broken-link]: <b>x</b>", true);
        let doc = scraper::Html::parse_fragment(&page);
        let one = |selector: &str| {
            let selector = scraper::Selector::parse(selector).unwrap();
            let mut found = doc.select(&selector);
            let element = found.next().unwrap_or_else(|| panic!("no {selector:?}"));
            assert!(found.next().is_none(), "two of {selector:?}");
            element
        };
        let report =
            one("#handbook-error-overlay > section#handbook-error-report[role=alertdialog]");
        assert_eq!(
            report.value().attr("aria-labelledby"),
            Some("handbook-error-title")
        );
        let title: String = one("#handbook-error-title").text().collect();
        assert_eq!(
            title,
            "The handbook has 3 errors: showing the last good version underneath"
        );
        let pre: String = one("#handbook-error-report pre").text().collect();
        assert_eq!(
            pre, "error[broken-link]: <b>x</b>",
            "the report is text, not markup"
        );

        let collapse = one("#handbook-error-report button#handbook-error-collapse[type=button]");
        assert_eq!(
            collapse.value().attr("aria-controls"),
            Some("handbook-error-report")
        );
        assert_eq!(collapse.value().attr("aria-expanded"), Some("true"));
        assert_eq!(collapse.text().collect::<String>(), "Collapse");

        let badge = one("#handbook-error-overlay > button#handbook-error-badge[type=button]");
        assert_eq!(
            badge.value().attr("aria-controls"),
            Some("handbook-error-report")
        );
        assert_eq!(badge.value().attr("aria-expanded"), Some("false"));
        assert_eq!(badge.text().collect::<String>(), "\u{26a0} 3 errors");
        let style = badge.value().attr("style").unwrap_or_default();
        assert!(
            style.starts_with("display:none;position:fixed;right:1rem;bottom:1rem"),
            "{style}"
        );

        let script: String = one("#handbook-error-overlay > script").text().collect();
        for needed in [
            "sessionStorage.getItem(key)",
            "sessionStorage.setItem(key",
            "collapse.addEventListener(\"click\"",
            "badge.addEventListener(\"click\"",
            "e.key === \"Escape\"",
            ".focus()",
        ] {
            assert!(script.contains(needed), "the script lacks {needed}");
        }
    }

    #[test]
    fn one_error_and_pages_as_they_are_are_said_so() {
        let page = html(1, "x", false);
        assert!(page.contains(
            "The handbook has 1 error: the pages underneath show the handbook as it is, broken links as written</h2>"
        ));
        assert!(page.contains("&#9888; 1 error</button>"));
    }
}
