//! The `handbook` command line: parse flags, call the library, map outcomes to exit codes
//! (0 clean, 1 content errors, 2 could not run).

mod cmd;

/// mimalloc: loading and rendering allocate many small strings on every core at once, which
/// the system allocator serves measurably slower.
#[global_allocator]
static GLOBAL: Allocator = Allocator;

/// mimalloc, asked for what Rust asks for. The `mimalloc` crate's allocator calls mimalloc's
/// aligned entry points for every allocation, whose fast path (v3) takes only blocks of at most
/// 1 KiB that happen to be aligned: any larger block whose size is not a power of two (a page's
/// lists, the parser's tree, the read buffer) is over-allocated by its alignment, by the slow
/// path, and marked as holding interior pointers, which slows its free. Every mimalloc block is
/// aligned to 8 bytes (sizes are whole words), so a layout aligned to 8 or less is served by
/// the plain entry points, as the system allocator's `malloc` serves Rust; a larger alignment
/// keeps the aligned ones.
struct Allocator;

/// What every block mimalloc's plain entry points give is aligned to.
const PLAIN_ALIGN: usize = 8;

// SAFETY: each method forwards to mimalloc, whose plain entry points return blocks aligned to
// `PLAIN_ALIGN` and whose aligned ones return blocks aligned as asked; `mi_free` and the
// reallocations take any block of either kind.
unsafe impl std::alloc::GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if layout.align() <= PLAIN_ALIGN {
                libmimalloc_sys::mi_malloc(layout.size()).cast()
            } else {
                libmimalloc_sys::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if layout.align() <= PLAIN_ALIGN {
                libmimalloc_sys::mi_zalloc(layout.size()).cast()
            } else {
                libmimalloc_sys::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        // SAFETY: see the impl.
        unsafe { libmimalloc_sys::mi_free(ptr.cast()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if layout.align() <= PLAIN_ALIGN {
                libmimalloc_sys::mi_realloc(ptr.cast(), new_size).cast()
            } else {
                libmimalloc_sys::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
            }
        }
    }
}

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "handbook",
    version,
    about = "Compile a sales handbook into a cross-linked static site",
    long_about = None,
)]
struct Cli {
    #[command(flatten)]
    global: cmd::ui::Global,
    #[command(subcommand)]
    command: Command,
}

/// One variant per subcommand, its flags in `cmd::NAME::Args`.
#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder; fails, leaving the old output alone, on any error
    Build(cmd::build::Args),
    /// Check every link and reference; renders nothing
    Check(cmd::check::Args),
    /// Preview the handbook: build into memory, serve it, rebuild and reload on every save
    Serve(cmd::serve::Args),
    /// Write a new department, process, playbook or page with its front matter to fill in,
    /// and link to it from its parent page
    New(cmd::new::Args),
    /// Start a handbook in DIR: handbook.yaml, a home page, a department, a process and a
    /// playbook linked together, and a .gitignore for the output
    Init(cmd::init::Args),
    /// Print the completion script for a shell: `handbook completions bash >
    /// ~/.local/share/bash-completion/completions/handbook`
    Completions(cmd::completions::Args),
    /// Make every fix check is sure of (a case, a near anchor, path or id) and print the
    /// changes as a unified diff
    Fix(cmd::fix::Args),
    /// Move or rename a page or a folder of pages, rewriting every link and reference to it
    /// and keeping its old URL as an alias
    Mv(cmd::mv::Args),
    /// Print or write the JSON Schema of each kind's front matter, for editors
    Schema(cmd::schema::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let long_running = match &cli.command {
        Command::Serve(_) => true,
        Command::Check(args) => args.watch,
        _ => false,
    };
    if !long_running {
        keep_freed_memory();
    }
    if !matches!(cli.command, Command::Serve(_)) {
        reset_sigpipe();
    }
    let ui = cli.global.ui();
    let result = match cli.command {
        Command::Build(args) => cmd::build::run(args, &ui),
        Command::Check(args) => cmd::check::run(args, &ui),
        Command::Serve(args) => cmd::serve::run(args, &ui),
        Command::New(args) => cmd::new::run(args, &ui),
        Command::Init(args) => cmd::init::run(args, &ui),
        Command::Completions(args) => cmd::completions::run(args, &mut Cli::command()),
        Command::Fix(args) => cmd::fix::run(args, &ui),
        Command::Mv(args) => cmd::mv::run(args, &ui),
        Command::Schema(args) => cmd::schema::run(args, &ui),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            ui.error(format_args!("{error:#}"));
            ExitCode::from(2)
        }
    }
}

/// mimalloc's option `purge_delay` (`mi_option_purge_delay` in its `mimalloc.h`, v3), which
/// libmimalloc-sys does not name.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// A command that ends in a second or two gains nothing from giving freed memory back to the
/// system: mimalloc did so about every second (119 MB over a 10,000-page `check`), then
/// faulted it in again, zeroed, for the next pages (a quarter of `check`'s samples were the
/// kernel clearing pages). The process's exit frees it all. `serve` and `check --watch` keep
/// mimalloc's default, so a long-running process gives back what it no longer uses.
fn keep_freed_memory() {
    // SAFETY: sets one integer option, which mimalloc reads each time it would purge; -1 is
    // its documented value for "never purge".
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

/// `handbook check | head` must end quietly when `head` stops reading, as `cat` and `grep` do,
/// not panic in `print!`: Rust ignores SIGPIPE, so restore the default (cargo does the same).
/// A build killed this way leaves the output as it was (README, "Commands"). Not for `serve`,
/// whose writes to clients that went away are errors it handles.
fn reset_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called once, before any thread is started; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// Every command, flag and argument says what it is for in `--help`: the built-in `help`
    /// and `version` aside, an argument without help text fails here, naming it.
    #[test]
    fn every_command_flag_and_argument_has_help() {
        let mut cli = Cli::command();
        cli.build();
        let mut missing = Vec::new();
        walk(&cli, "handbook", &mut missing);
        assert!(missing.is_empty(), "without help text: {missing:#?}");
    }

    /// Every block is aligned as its layout asks, zeroed when asked, and keeps its bytes when
    /// grown or shrunk, whichever of mimalloc's entry points serves it: many blocks of each
    /// layout, since a block of 24 or 40 bytes is aligned to 16 only every other time.
    #[test]
    fn the_allocator_honours_every_layout() {
        use std::alloc::{GlobalAlloc, Layout};
        let allocator = super::Allocator;
        for align in [1, 2, 8, 16, 32, 64, 4096] {
            for size in [1, 7, 8, 24, 40, 100, 1000, 1025, 5000, 100_000] {
                let layout = Layout::from_size_align(size, align).unwrap();
                let mut blocks = Vec::new();
                for round in 0..32u8 {
                    // SAFETY: a layout of non-zero size; each block is written within its size,
                    // then reallocated with its layout and freed with the layout it then has.
                    unsafe {
                        let zeroed = round % 2 == 0;
                        let p = if zeroed {
                            allocator.alloc_zeroed(layout)
                        } else {
                            allocator.alloc(layout)
                        };
                        assert!(!p.is_null());
                        assert_eq!(p as usize % align, 0, "{size} bytes aligned to {align}");
                        if zeroed {
                            assert!(std::slice::from_raw_parts(p, size).iter().all(|&b| b == 0));
                        }
                        std::ptr::write_bytes(p, round, size);
                        blocks.push((p, round));
                    }
                }
                for (p, round) in blocks {
                    // SAFETY: as above.
                    unsafe {
                        let grown = allocator.realloc(p, layout, size * 3);
                        assert_eq!(
                            grown as usize % align,
                            0,
                            "{size} bytes grown, aligned to {align}"
                        );
                        let bytes = std::slice::from_raw_parts(grown, size);
                        assert!(bytes.iter().all(|&b| b == round));
                        let grown_layout = Layout::from_size_align(size * 3, align).unwrap();
                        let shrunk = allocator.realloc(grown, grown_layout, size.div_ceil(2));
                        assert_eq!(shrunk as usize % align, 0);
                        let bytes = std::slice::from_raw_parts(shrunk, size.div_ceil(2));
                        assert!(bytes.iter().all(|&b| b == round));
                        let shrunk_layout =
                            Layout::from_size_align(size.div_ceil(2), align).unwrap();
                        allocator.dealloc(shrunk, shrunk_layout);
                    }
                }
            }
        }
    }

    /// The option set for one-shot commands is mimalloc's purge delay: no other option has
    /// its default of 1,000 ms (mimalloc's `options.c`), and -1 is then what mimalloc holds.
    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // SAFETY: reads and sets an integer option.
        let default = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(default, 1000);
        }
        super::keep_freed_memory();
        let set = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(set, -1);
        // Back to what it was, for the other tests of this process.
        unsafe { libmimalloc_sys::mi_option_set(super::MI_OPTION_PURGE_DELAY, default) };
    }

    fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
        if command.get_about().is_none() {
            missing.push(path.to_string());
        }
        for arg in command.get_arguments() {
            let id = arg.get_id().as_str();
            if matches!(id, "help" | "version") {
                continue;
            }
            if arg.get_help().is_none() {
                missing.push(format!("{path} {id}"));
            }
        }
        for sub in command.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }
}
