//! Reading one page file: only a regular file, only up to `max_page_size` (README, "Limits"),
//! and bytes that are not UTF-8 named at the first bad one.

use std::io::Read;
use std::path::Path;

use bytesize::ByteSize;

use crate::hash::xxh3_128;

use super::{LineIndex, Options, load};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Page, Pos};

/// Reads and loads one Markdown file; a file that cannot be read is a diagnostic, not a panic.
/// A file that is not valid UTF-8 is still loaded (its bad bytes replaced), so links to it
/// resolve and its one mistake is one diagnostic.
pub fn read_page(
    content_dir: &Path,
    path: &str,
    options: &Options,
) -> (Option<Page>, Vec<Diagnostic>) {
    read_page_in(&Folder::by_path(content_dir), path, options)
}

/// The folder pages are read from. On Unix it is held open, and each page is opened from it:
/// the kernel then looks up only the page's own path inside `content/`, not the whole path
/// from `/` again for every one of thousands of files.
pub struct Folder {
    path: std::path::PathBuf,
    #[cfg(unix)]
    handle: Option<rustix::fd::OwnedFd>,
}

impl Folder {
    /// `path`, held open when it can be (else each file is opened by its whole path).
    pub fn open(path: &Path) -> Folder {
        Folder {
            path: path.to_path_buf(),
            #[cfg(unix)]
            handle: {
                use rustix::fs::{CWD, Mode, OFlags, openat};
                let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
                openat(CWD, path, flags, Mode::empty()).ok()
            },
        }
    }

    fn by_path(path: &Path) -> Folder {
        Folder {
            path: path.to_path_buf(),
            #[cfg(unix)]
            handle: None,
        }
    }
}

/// [`read_page`], opening the file from `folder`.
pub fn read_page_in(
    folder: &Folder,
    path: &str,
    options: &Options,
) -> (Option<Page>, Vec<Diagnostic>) {
    let max_size = options.max_page_size;
    // The bytes are read into this thread's buffer: a page keeps nothing of its source.
    let mut bytes = BUFFER.take();
    let error = match read_limited(folder, path, max_size.as_u64(), &mut bytes) {
        Ok(len) => {
            let loaded = decode(path, &bytes[..len], options);
            BUFFER.set(bytes);
            return loaded;
        }
        Err(error) => error,
    };
    // Named only for a problem: most pages are read.
    let file = format!("content/{path}");
    let problem = match error {
        ReadError::TooLarge(size) => {
            let size = match size {
                Some(size) => format!("is {}", ByteSize::b(size).display().si()),
                None => "grew".into(),
            };
            let message = format!(
                "{file} {size}, over the {} limit for a page; it was not read",
                max_size.display().si()
            );
            io_error(&file, &message)
                .with_help("split the page, or raise `max_page_size` in handbook.yaml")
        }
        ReadError::NotAFile => io_error(
            &file,
            &format!("{file} is not a regular file (a FIFO, socket or device)"),
        ),
        // Deleted since the walk listed it: simply not there.
        ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound => return (None, vec![]),
        ReadError::Io(e) => io_error(&file, &format!("{file} cannot be read: {e}")),
    };
    // The page exists, empty, so links to it do not each report it missing; and since what it
    // holds is unknown, nothing that only follows from that is reported either.
    let (page, _) = load(path, "", options);
    let page = page.map(|mut page| {
        page.unread.file = true;
        page
    });
    (page, vec![problem])
}

thread_local! {
    /// Each loading thread's read buffer, reused from page to page. Taken while in use, so a
    /// page loaded on the same thread meanwhile (a rayon job run while this one waits) reads
    /// into a buffer of its own.
    static BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// A page from its bytes; see [`read_page`] for bytes that are not UTF-8.
fn decode(path: &str, bytes: &[u8], options: &Options) -> (Option<Page>, Vec<Diagnostic>) {
    match utf8(bytes) {
        Ok(source) => load(path, source, options),
        Err(e) => {
            let file = format!("content/{path}");
            let valid = &bytes[..e.valid_up_to()];
            // The bytes before the first bad one are valid, so this cannot fail.
            let prefix = std::str::from_utf8(valid).unwrap_or_default();
            let pos = LineIndex::new(prefix).pos(prefix.len(), 1);
            let message = format!(
                "{file} is not valid UTF-8: the byte at line {}, column {} is not part of any character",
                pos.line, pos.column
            );
            let problem = Diagnostic::error(Code::Io, &file, pos, message)
                .with_help("save the file as UTF-8");
            let source = String::from_utf8_lossy(bytes);
            let (page, mut diagnostics) = load(path, &source, options);
            diagnostics.insert(0, problem);
            (page, diagnostics)
        }
    }
}

/// `bytes` as text, if they are UTF-8: the same answer as [`std::str::from_utf8`], checked
/// 32 bytes at a time (simdutf8, with AVX2 or SSE 4.2 when the CPU has them) where the
/// standard library checks 16 (every byte of every page is checked: 1.6% of a `check`'s
/// instructions). The standard library's check runs only for bytes that are not UTF-8,
/// for where the first bad one is.
fn utf8(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    simdutf8::basic::from_utf8(bytes).or_else(|_| std::str::from_utf8(bytes))
}

/// A page file that no longer holds the body its page was loaded with: the site was checked
/// and its links resolved from the old text, so no page can be rendered from the new one.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{file} changed while the site was being built")]
pub struct Changed {
    /// As diagnostics name it (`content/x.md`).
    pub file: String,
}

/// The HTML body of `page`, loaded without one (`options.html` false), as published: its
/// file read and its body parsed again, and written with link `n`'s destination as `urls[n]`
/// ([`super::published_html`]). The same as loading it with HTML at first and splicing the
/// URLs in would have given, or [`Changed`] when the file's body is no longer the one loaded
/// (its hash differs, or it can no longer be read). `folder`: the `content/` folder the page
/// was loaded from (opened once for all the pages); `options` as the page was loaded with. A
/// page whose file could not be read was loaded empty, and stays so.
pub fn published_body(
    folder: &Folder,
    page: &Page,
    options: &Options,
    urls: &[String],
) -> Result<String, Changed> {
    if page.unread.file {
        return Ok(String::new());
    }
    // Into this thread's buffer, as a page is loaded.
    let mut bytes = BUFFER.take();
    let html = read_body(folder, page, options, &mut bytes, urls);
    BUFFER.set(bytes);
    html.ok_or_else(|| Changed {
        file: page.file.clone(),
    })
}

/// [`published_body`], or None when the file's body is not the one loaded. The file is not
/// looked at before it is read, as a page is at load: whatever it has become (a folder, a
/// FIFO, which opens without waiting and reads empty, a larger file) its body then differs or
/// the read fails.
fn read_body(
    folder: &Folder,
    page: &Page,
    options: &Options,
    bytes: &mut Vec<u8>,
    urls: &[String],
) -> Option<String> {
    let file = open(folder, &page.path).ok()?;
    // The size is not known (no statx): read to the end. Only the first `len` bytes are this
    // file's; the buffer's bytes past them are left from earlier reads.
    let len = read_at_most(file, options.max_page_size.as_u64(), None, bytes).ok()?;
    let bytes = &bytes[..len];
    // Decoded as `read_page` decodes it, bad bytes and all (checked first: a lossy decoding
    // costs several times as much, even of valid UTF-8).
    let source = match utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    };
    // The body where it was, hashed as at load: the same text parses to the same HTML,
    // whatever the front matter now says (the page keeps what it said then).
    let text = source.get(page.body_offset..)?;
    if xxh3_128(text.as_bytes()) != page.body_hash {
        return None;
    }
    // Made at once as long as nearly any page's HTML gets (a synthetic page's is about 1.3
    // times its Markdown, a page of short list items more): grown, it is copied each time.
    let mut html = String::with_capacity(2 * text.len() + 256);
    super::published_html::write(text, &page.headings, urls, &mut html)?;
    Some(html)
}

#[derive(Debug)]
enum ReadError {
    /// Larger than the limit: its size when known before reading.
    TooLarge(Option<u64>),
    NotAFile,
    Io(std::io::Error),
}

/// Reads the regular file `path` of `folder`, of at most `limit` bytes, into the start of
/// `bytes`, and returns how many it had (see [`read_at_most`] for what follows them). The
/// size is checked before reading, and the read stops past the limit anyway, for a file that
/// grows meanwhile.
fn read_limited(
    folder: &Folder,
    path: &str,
    limit: u64,
    bytes: &mut Vec<u8>,
) -> Result<usize, ReadError> {
    let file = open(folder, path)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge(Some(meta.len())));
    }
    read_at_most(file, limit, Some(meta.len()), bytes)
}

/// Opens a file to read without waiting: opening a FIFO for reading would wait for a writer,
/// so it is opened non-blocking (which changes nothing for a regular file), and its type is
/// then checked on the open file, with no second lookup of its path.
#[cfg(unix)]
fn open(folder: &Folder, path: &str) -> Result<std::fs::File, ReadError> {
    use rustix::fs::{CWD, Mode, OFlags, openat};
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    let opened = match &folder.handle {
        Some(handle) => openat(handle, path, flags, Mode::empty()),
        None => openat(CWD, folder.path.join(path), flags, Mode::empty()),
    };
    opened
        .map(std::fs::File::from)
        .map_err(|e| ReadError::Io(e.into()))
}

/// Opens a file to read without waiting: its type is checked first, as opening a FIFO for
/// reading would wait for a writer.
#[cfg(not(unix))]
fn open(folder: &Folder, path: &str) -> Result<std::fs::File, ReadError> {
    let path = folder.path.join(path);
    let meta = std::fs::metadata(&path).map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    std::fs::File::open(path).map_err(ReadError::Io)
}

/// The first read of a file of unknown size asks for at least this much.
const FIRST_READ: usize = 64 * 1024;

/// Reads all of `reader`, at most `limit` bytes, into the start of `bytes`, and returns how
/// many it held; `expected` is the size the file had, when it was looked at. The bytes of
/// `bytes` past those are left from earlier reads: a thread's buffer is made ready (zeroed)
/// once, at the size of the largest page it reads, not for every page.
///
/// With `expected`, the first read asks for a byte more: getting exactly `expected` bytes back
/// is the file's end, found without the second read (of nothing) that `read_to_end` makes,
/// half of the read calls of a `check`. Anything else (a short read, a file that grew or
/// shrank meanwhile), and a file of unknown size, reads on to the end, up to the limit, each
/// read asking for all the room the buffer has (at least [`FIRST_READ`] bytes): a page of
/// unknown size no larger than that takes one read and a second that finds the end, where
/// `read_to_end` asks for 8 KiB first and then for what it read again (four reads for a 10 KB
/// page).
fn read_at_most(
    mut reader: impl Read,
    limit: u64,
    expected: Option<u64>,
    bytes: &mut Vec<u8>,
) -> Result<usize, ReadError> {
    // At most one byte past the limit is read: enough to know the file is over it.
    let most = usize::try_from(limit)
        .unwrap_or(usize::MAX)
        .saturating_add(1);
    let first = expected.map(|size| {
        usize::try_from(size)
            .unwrap_or(usize::MAX)
            .saturating_add(1)
    });
    let mut len = 0;
    loop {
        if len >= most {
            return Err(ReadError::TooLarge(None));
        }
        // Room for a byte past the expected size first, then for at least the first read of a
        // file of unknown size, or for as much again as read so far.
        let room = match first {
            Some(ask) if len == 0 => ask,
            _ => len.max(FIRST_READ),
        }
        .min(most - len);
        if bytes.len() - len < room {
            bytes.resize(len + room, 0);
        }
        match reader.read(&mut bytes[len..len + room]) {
            Ok(0) => return Ok(len),
            Ok(got) => {
                let at_start = len == 0;
                len += got;
                if at_start && got < room && expected == Some(got as u64) {
                    return Ok(len);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ReadError::Io(e)),
        }
    }
}

fn io_error(file: &str, message: &str) -> Diagnostic {
    Diagnostic::error(Code::Io, file, Pos::default(), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(max_page_size: ByteSize) -> Options {
        Options {
            max_page_size,
            ..Options::default()
        }
    }

    #[test]
    fn a_body_loaded_late_is_the_one_loaded_with_html_unless_the_file_changed() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("x.md");
        let front = "---\ntitle: X\n---\n";
        let body = "# X\n\nSee [y](y.md) and [z](z.md#a).\n";
        std::fs::write(&file, format!("{front}{body}")).unwrap();
        let options = limit(ByteSize::mb(1));
        let with_html = Options {
            html: true,
            ..options.clone()
        };
        let loaded = |options: &Options| read_page(tmp.path(), "x.md", options).0.unwrap();
        let page = loaded(&options);
        assert!(page.body.html().is_empty());
        let expected = loaded(&with_html).body;
        assert!(expected.html().contains("<h1"), "{expected:?}");

        let late = body_of(tmp.path(), &page).unwrap();
        assert_eq!(late, spliced(&expected));
        assert!(late.contains("href=\"/page-1/#a\""), "{late}");
        // The front matter is not the body: the page was checked with the same body.
        std::fs::write(&file, format!("---\ntitle: Y\n---\n{body}")).unwrap();
        assert!(body_of(tmp.path(), &page).is_ok());

        let changed = Err(Changed {
            file: "content/x.md".into(),
        });
        std::fs::write(&file, format!("{front}{body}More.\n")).unwrap();
        assert_eq!(body_of(tmp.path(), &page), changed);
        std::fs::remove_file(&file).unwrap();
        assert_eq!(body_of(tmp.path(), &page), changed);
        // Whatever is there instead: a folder, or a FIFO (read without waiting for a writer).
        std::fs::create_dir(&file).unwrap();
        assert_eq!(body_of(tmp.path(), &page), changed);
        #[cfg(unix)]
        {
            use rustix::fs::{CWD, FileType, Mode, mknodat};
            std::fs::remove_dir(&file).unwrap();
            mknodat(CWD, &file, FileType::Fifo, Mode::RUSR | Mode::WUSR, 0).unwrap();
            assert_eq!(body_of(tmp.path(), &page), changed);
        }
    }

    /// Bodies read one after another on a thread share its buffer: each is its own, whole.
    #[test]
    fn bodies_read_late_from_one_folder_are_each_their_own() {
        let tmp = tempfile::tempdir().unwrap();
        let long = format!("# Long\n\n{}[y](y.md)\n", "word ".repeat(2_000));
        std::fs::write(tmp.path().join("long.md"), &long).unwrap();
        std::fs::write(tmp.path().join("short.md"), "# Short\n\n[z](z.md)\n").unwrap();
        // Read after a longer one into the same buffer: nothing of that one may show.
        std::fs::write(tmp.path().join("empty.md"), "").unwrap();
        let folder = Folder::open(tmp.path());
        let options = limit(ByteSize::mb(1));
        let with_html = Options {
            html: true,
            ..options.clone()
        };
        for _ in 0..2 {
            for name in ["long.md", "short.md", "empty.md"] {
                let page = read_page_in(&folder, name, &options).0.unwrap();
                let expected = read_page_in(&folder, name, &with_html).0.unwrap().body;
                let late = published_body(&folder, &page, &options, &urls()).unwrap();
                assert_eq!(late, spliced(&expected), "{name}");
            }
        }
    }

    fn body_of(content_dir: &Path, page: &Page) -> Result<String, Changed> {
        published_body(
            &Folder::open(content_dir),
            page,
            &limit(ByteSize::mb(1)),
            &urls(),
        )
    }

    /// The URLs the pages' links are published as, in these tests.
    fn urls() -> Vec<String> {
        vec!["/page-0/".into(), "/page-1/#a".into()]
    }

    /// A body loaded with HTML, with [`urls`] spliced in.
    fn spliced(body: &crate::model::StoredBody) -> String {
        crate::render::links::rewrite_body(&body.html(), &body.slots, &urls())
    }

    #[test]
    fn reading_stops_past_the_limit() {
        let endless = std::io::repeat(b'a');
        let mut bytes = Vec::new();
        assert!(matches!(
            read_at_most(endless, 1_000, Some(0), &mut bytes),
            Err(ReadError::TooLarge(None))
        ));
        let read = |source: &[u8], limit, expected| {
            let mut bytes = Vec::new();
            read_at_most(source, limit, Some(expected), &mut bytes).map(|len| bytes[..len].to_vec())
        };
        assert_eq!(read(b"abc", 3, 3).unwrap(), b"abc");
        assert_eq!(read(b"abcd", 5, 2).unwrap(), b"abcd");
        assert_eq!(read(b"ab", 5, 4).unwrap(), b"ab");
        assert!(matches!(
            read(b"abcd", 3, 3),
            Err(ReadError::TooLarge(None))
        ));
    }

    /// A reader that hands out at most `chunk` bytes a call, and counts the calls.
    struct Chunked<'a> {
        source: &'a [u8],
        chunk: usize,
        calls: usize,
    }

    impl Read for Chunked<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.calls += 1;
            let n = buf.len().min(self.chunk).min(self.source.len());
            buf[..n].copy_from_slice(&self.source[..n]);
            self.source = &self.source[n..];
            Ok(n)
        }
    }

    /// A file of the size it had is read in one call; one that reads short, grew or shrank
    /// since is still read whole; and a reused buffer's old bytes are never part of a page.
    #[test]
    fn a_file_of_its_expected_size_is_read_in_one_call_and_any_other_whole() {
        let mut bytes = b"left from a longer page read before".to_vec();
        let text = b"# Page\n\nSome [link](x.md).\n";
        let reads = |chunk: usize, expected: usize, bytes: &mut Vec<u8>| {
            let mut reader = Chunked {
                source: text,
                chunk,
                calls: 0,
            };
            let len = read_at_most(&mut reader, 1_000, Some(expected as u64), bytes).unwrap();
            assert_eq!(&bytes[..len], text, "chunk {chunk}, expected {expected}");
            reader.calls
        };
        assert_eq!(reads(usize::MAX, text.len(), &mut bytes), 1);
        // Read short: the read that finds the end is needed then.
        assert!(reads(5, text.len(), &mut bytes) > 1);
        // The file grew, or shrank, after its size was taken.
        for expected in [0, 3, text.len() - 1, text.len() + 1, 500] {
            reads(usize::MAX, expected, &mut bytes);
            reads(4, expected, &mut bytes);
            reads(4, expected, &mut Vec::new());
        }
    }

    /// A file of unknown size is read whole, whatever the reads hand over, up to the limit
    /// and no further; one no larger than the first read takes two calls; a reused buffer's
    /// old bytes are never part of it.
    #[test]
    fn a_file_of_unknown_size_is_read_whole_in_two_calls() {
        let text: Vec<u8> = (0..200_000u32).map(|n| b'a' + (n % 26) as u8).collect();
        for size in [
            0,
            1,
            10,
            10_000,
            FIRST_READ - 1,
            FIRST_READ,
            FIRST_READ + 1,
            200_000,
        ] {
            let source = &text[..size];
            for chunk in [1, 7, 4096, usize::MAX] {
                if chunk < 100 && size > 10_000 {
                    continue;
                }
                for mut bytes in [Vec::new(), vec![b'!'; 3], vec![b'!'; 300_000]] {
                    for limit in [size as u64, size as u64 + 1, 1_000_000] {
                        let mut reader = Chunked {
                            source,
                            chunk,
                            calls: 0,
                        };
                        let len = read_at_most(&mut reader, limit, None, &mut bytes).unwrap();
                        assert_eq!(&bytes[..len], source, "size {size}, chunk {chunk}");
                        if chunk == usize::MAX && size < FIRST_READ {
                            assert_eq!(reader.calls, 1 + usize::from(size > 0), "size {size}");
                        }
                    }
                    if size > 0 {
                        let mut reader = Chunked {
                            source,
                            chunk,
                            calls: 0,
                        };
                        let read = read_at_most(&mut reader, size as u64 - 1, None, &mut bytes);
                        assert!(
                            matches!(read, Err(ReadError::TooLarge(None))),
                            "size {size}"
                        );
                    }
                }
            }
        }
        assert!(matches!(
            read_at_most(std::io::repeat(b'a'), 1_000, None, &mut Vec::new()),
            Err(ReadError::TooLarge(None))
        ));
    }

    /// The fast UTF-8 check says what std's says, text and first bad byte alike, at every
    /// length and place around its 32-byte steps.
    #[test]
    fn utf8_is_std_from_utf8() {
        let pieces: [&[u8]; 9] = [
            b"a",
            "\u{e9}".as_bytes(),
            "\u{20ac}".as_bytes(),
            "\u{1f600}".as_bytes(),
            b"\xff",
            b"\xc3",
            b"\xe2\x82",
            b"\xed\xa0\x80",
            b"\n",
        ];
        let mut seed = 7u64;
        for len in 0..200 {
            for _ in 0..20 {
                let mut bytes = Vec::new();
                for _ in 0..len {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    // Mostly ASCII, as pages are, with now and then a wide or a bad sequence.
                    let pick = (seed >> 33) as usize % 64;
                    bytes.extend_from_slice(pieces.get(pick).copied().unwrap_or(b"x"));
                }
                let expected = std::str::from_utf8(&bytes).map_err(|e| e.valid_up_to());
                assert_eq!(
                    utf8(&bytes).map_err(|e| e.valid_up_to()),
                    expected,
                    "{bytes:?}"
                );
            }
        }
    }

    #[test]
    fn bad_utf8_names_the_first_bad_byte_and_keeps_the_page() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(
            tmp.path().join("x.md"),
            b"\xef\xbb\xbf# T\xc3\xa9\n\nab\xffcd [x](y.md)\n",
        )
        .unwrap();
        let (page, diags) = read_page(tmp.path(), "x.md", &limit(ByteSize::mb(1)));
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!((diags[0].line, diags[0].column), (3, 3));
        assert!(diags[0].message.contains("line 3, column 3"));
        let page = page.unwrap();
        assert_eq!(page.title, "T\u{e9}");
        assert_eq!((page.links[0].pos.line, page.links[0].pos.column), (3, 11));
    }

    /// A FIFO where the walk saw a page (made meanwhile) is reported, not waited on: it is
    /// opened without blocking, whether from the open `content/` or by its whole path.
    #[cfg(unix)]
    #[test]
    fn a_fifo_is_reported_without_waiting_for_a_writer() {
        use rustix::fs::{CWD, FileType, Mode, mknodat};
        let tmp = tempfile::tempdir().unwrap();
        mknodat(
            CWD,
            tmp.path().join("x.md"),
            FileType::Fifo,
            Mode::RUSR | Mode::WUSR,
            0,
        )
        .unwrap();
        let options = limit(ByteSize::mb(1));
        for folder in [Folder::open(tmp.path()), Folder::by_path(tmp.path())] {
            let (page, diags) = read_page_in(&folder, "x.md", &options);
            assert_eq!(diags.len(), 1, "{diags:?}");
            assert_eq!(
                diags[0].message,
                "content/x.md is not a regular file (a FIFO, socket or device)"
            );
            assert!(page.unwrap().unread.file);
        }
    }

    /// Pages read one after another on a thread share its buffer: each is read whole, and
    /// only itself.
    #[test]
    fn a_reused_buffer_holds_only_the_page_read() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(
            tmp.path().join("long.md"),
            format!("# Long\n\n{}\n", "word ".repeat(500)),
        )
        .unwrap();
        std::fs::write(tmp.path().join("short.md"), "# Short\n\n[x](long.md)\n").unwrap();
        let folder = Folder::open(tmp.path());
        let options = limit(ByteSize::mb(1));
        let (long, _) = read_page_in(&folder, "long.md", &options);
        let (short, diags) = read_page_in(&folder, "short.md", &options);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(long.unwrap().title, "Long");
        let short = short.unwrap();
        assert_eq!(short.title, "Short");
        assert_eq!(short.links.len(), 1);
        let (gone, diags) = read_page_in(&folder, "gone.md", &options);
        assert!(gone.is_none() && diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn too_large_is_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("x.md"), "a".repeat(2_000)).unwrap();
        let (page, diags) = read_page(tmp.path(), "x.md", &limit(ByteSize::kb(1)));
        let page = page.unwrap();
        assert_eq!(page.title, "x", "an empty page stands in for it");
        assert!(page.unread.file, "and what it holds is unknown");
        assert_eq!(
            diags[0].message,
            "content/x.md is 2.0 kB, over the 1.0 kB limit for a page; it was not read"
        );
    }
}
