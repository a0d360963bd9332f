//! The commands of the `fangpian` program, one file each: each takes its parsed arguments, runs the
//! library, prints its result and diagnostics in Chinese and returns the exit code (0 success, 1
//! content or user error; usage errors, 2, are the command line's, see [`crate::cli`]).

use std::process::ExitCode;

use crate::cli::Command;
use crate::diag::Diagnostic;

mod build;
mod check;
mod deploy;
mod init;
mod new;
mod serve;
mod theme;

/// Run one parsed command.
pub fn run(command: Command) -> ExitCode {
    match command {
        Command::Build(args) => build::run(args),
        Command::Check {
            root,
            drafts,
            strict,
            format,
        } => check::run(root, drafts, strict, &format),
        Command::Serve(args) => serve::run(args),
        Command::New {
            kind,
            title,
            slug,
            root,
        } => new::run(&kind, &title, slug.as_deref(), root),
        Command::Theme { action } => theme::run(action),
        Command::Deploy {
            root,
            out,
            dry_run,
            force_delete,
        } => deploy::run(root, out, dry_run, force_delete),
        Command::Completions { shell } => {
            crate::cli::completions(shell, &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Man => {
            print!("{}", crate::cli::man_page());
            ExitCode::SUCCESS
        }
        Command::Init { dir, force } => init::run(&dir, force),
    }
}

/// Print diagnostics to stderr, each rendered with its code, place and hint.
fn print_all(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{}", d.render());
    }
}

/// Errors and warnings among `diags`.
fn count(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    (errors, diags.len() - errors)
}

/// Exit code 1 after printing one diagnostic.
fn fail(d: Diagnostic) -> ExitCode {
    print_all(&[d]);
    ExitCode::from(1)
}
