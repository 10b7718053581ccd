//! `serve --open`: the system's opener (`xdg-open`, `open`, `explorer`), with its chatter kept
//! out of the log. When no browser opens, one line says so and where to go instead.

use std::process::{Command, Stdio};

/// The longest part of the opener's own words the line quotes.
const QUOTED: usize = 200;

/// Asks the system to open `url`; never waits for it (the opener may wait for the browser).
pub fn open(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let spawned = Command::new(opener)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn();
    let child = match spawned {
        Ok(child) => child,
        Err(e) => {
            eprintln!("could not open a browser (no `{opener}`: {e}); open {url} yourself");
            return;
        }
    };
    // explorer exits with 1 even when it opened the page: only its failing to start tells.
    if cfg!(windows) {
        return;
    }
    let url = url.to_string();
    let _ = std::thread::Builder::new()
        .name("handbook-open".into())
        .spawn(move || {
            let Ok(output) = child.wait_with_output() else {
                return;
            };
            if !output.status.success() {
                let said = String::from_utf8_lossy(&output.stderr);
                eprintln!(
                    "{}",
                    failed(opener, &output.status.to_string(), &said, &url)
                );
            }
        });
}

/// The one line for an opener that ran and failed: its status and its last words.
fn failed(opener: &str, status: &str, said: &str, url: &str) -> String {
    let last = said
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .map(|l| match l.char_indices().nth(QUOTED) {
            Some((cut, _)) => format!(": {}…", &l[..cut]),
            None => format!(": {l}"),
        })
        .unwrap_or_default();
    format!("could not open a browser (`{opener}` {status}{last}); open {url} yourself")
}

#[cfg(test)]
mod tests {
    use super::failed;

    #[test]
    fn a_failed_opener_is_one_line_with_its_last_words() {
        let said = "xdg-open: line 1\n  more noise  \nxdg-open: no method available for opening 'http://x/'\n\n";
        let line = failed("xdg-open", "exit status: 3", said, "http://x/");
        assert_eq!(
            line,
            "could not open a browser (`xdg-open` exit status: 3: xdg-open: no method available \
             for opening 'http://x/'); open http://x/ yourself"
        );
        assert!(!failed("open", "exit status: 1", "", "u").contains("::"));
        let long = "y".repeat(500);
        assert!(failed("o", "s", &long, "u").chars().count() < 300);
    }
}
