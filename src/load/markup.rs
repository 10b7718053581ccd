//! The few elements the body's HTML gets beyond what Markdown says, for readers: a title on a
//! GitHub alert (`> [!NOTE]`), a scrolling wrapper around each table, and a link to each
//! section's heading. Each is written as raw HTML between the Markdown events, so the writer
//! passes it through untouched and no text of the page is looked at.

use pulldown_cmark::BlockQuoteKind;
use pulldown_cmark_escape::escape_html;

/// A 16-pixel line icon, hidden from screen readers (the word beside it says it).
macro_rules! icon {
    ($shapes:literal) => {
        concat!(
            "<svg class=\"markdown-alert-icon\" viewBox=\"0 0 16 16\" width=\"16\" height=\"16\" ",
            "aria-hidden=\"true\" focusable=\"false\" fill=\"none\" stroke=\"currentColor\" ",
            "stroke-width=\"1.5\" stroke-linecap=\"round\" stroke-linejoin=\"round\">",
            $shapes,
            "</svg>"
        )
    };
}

/// Opens the wrapper a table scrolls in when it is wider than the page: focusable, so a
/// keyboard can scroll it too.
pub const TABLE_OPEN: &str = "<div class=\"table-wrap\" tabindex=\"0\">\n";
pub const TABLE_CLOSE: &str = "</div>\n";

/// The visible title of a GitHub alert, with its icon (drawn here, so the theme needs no
/// icon font): written just inside `<blockquote class="markdown-alert-KIND">`.
pub fn alert_title(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => concat!(
            "<p class=\"markdown-alert-title\">",
            icon!("<circle cx=\"8\" cy=\"8\" r=\"6.5\"/><path d=\"M8 7.2v4.3M8 4.6v.1\"/>"),
            "Note</p>\n"
        ),
        BlockQuoteKind::Tip => concat!(
            "<p class=\"markdown-alert-title\">",
            icon!(
                "<path d=\"M6 14.5h4M5.7 12h4.6M8 1.5a4.5 4.5 0 0 0-2.3 8.4V12h4.6V9.9A4.5 4.5 0 0 0 8 1.5Z\"/>"
            ),
            "Tip</p>\n"
        ),
        BlockQuoteKind::Important => concat!(
            "<p class=\"markdown-alert-title\">",
            icon!("<path d=\"M1.5 2.5h13v9H7.5l-3 3v-3h-3Z\"/><path d=\"M8 4.8v3.4M8 9.9v.1\"/>"),
            "Important</p>\n"
        ),
        BlockQuoteKind::Warning => concat!(
            "<p class=\"markdown-alert-title\">",
            icon!("<path d=\"M8 1.8 15 14H1Z\"/><path d=\"M8 6.2v3.6M8 11.8v.1\"/>"),
            "Warning</p>\n"
        ),
        BlockQuoteKind::Caution => concat!(
            "<p class=\"markdown-alert-title\">",
            icon!(
                "<path d=\"M5.2 1.5h5.6l3.7 3.7v5.6l-3.7 3.7H5.2l-3.7-3.7V5.2Z\"/><path d=\"M8 4.8v3.8M8 10.9v.1\"/>"
            ),
            "Caution</p>\n"
        ),
    }
}

/// The link to a section, written at the end of its heading: the URL readers copy to point a
/// colleague at one section.
pub fn heading_anchor(id: &str, text: &str) -> String {
    let mut out = String::with_capacity(64 + 2 * id.len() + text.len());
    out.push_str(" <a class=\"anchor\" href=\"#");
    // Encoded as every fragment handbook writes is (README, "Pages, URLs, ids, kinds").
    // Writing to a String cannot fail.
    let _ = escape_html(&mut out, &crate::url::fragment(id));
    out.push_str("\" aria-label=\"Link to this section: ");
    let _ = escape_html(&mut out, text);
    out.push_str("\">#</a>");
    out
}
