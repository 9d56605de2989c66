//! What clap generates from the command-line definition: `render
//! completions SHELL` prints a shell completion script, `render man
//! [COMMAND]` a man page.

use std::io::Write;
use std::process::ExitCode;

use clap_complete::Shell;
use clap_mangen::Man;

use crate::output;

/// What `render completions` takes.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// What `render man` takes.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// A subcommand whose page to print (`diff` prints render-diff(1)); default: render(1).
    pub command: Option<String>,
}

/// Prints the completion script of `cli` for the shell.
pub fn completions(args: &CompletionsArgs, mut cli: clap::Command) -> ExitCode {
    // clap_complete panics when its writer fails; it writes to memory, the
    // script goes out through the one stdout path.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cli, "render", &mut script);
    output::stdout(|out| out.write_all(&script));
    ExitCode::SUCCESS
}

/// Prints the man page (roff) of `cli` or of one of its subcommands.
pub fn man(args: &ManArgs, cli: clap::Command) -> ExitCode {
    let mut cli = cli.disable_help_subcommand(true);
    // Names the subcommands `render-diff`, as their pages are called.
    cli.build();
    let page = match &args.command {
        None => cli,
        Some(name) => match cli.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                eprintln!("error: render has no command `{name}` (`render --help` lists them)");
                return ExitCode::from(2);
            }
        },
    };
    let mut roff = Vec::new();
    let source = format!("render {}", env!("CARGO_PKG_VERSION"));
    if let Err(e) = Man::new(page).source(source).render(&mut roff) {
        eprintln!("error: rendering the man page: {e}");
        return ExitCode::from(1);
    }
    output::stdout(|out| out.write_all(&roff));
    ExitCode::SUCCESS
}
