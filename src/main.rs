//! Entry point: parses arguments and runs a command.

mod cli;
mod cmd;

use cli::{Cli, Command};

fn main() -> std::process::ExitCode {
    // A file-size limit (ulimit -f) makes writes past it fail with an error afscope
    // reports (a journal write is then taken back), instead of killing the process.
    #[cfg(unix)]
    let _ = signal_hook::flag::register(
        signal_hook::consts::SIGXFSZ,
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
    );
    // A mapped input that another process truncates reads as zeros past its new end
    // (the change is then reported) instead of ending the process with SIGBUS.
    afscope::load::input::guard::install();
    let mut cli = Cli::parse_args();
    if let Err(e) = cmd::study::apply(&mut cli) {
        eprintln!("afscope: {}", afscope::model::sanitize::visible(&e, true));
        return std::process::ExitCode::from(2);
    }
    let result = match &cli.command {
        None => cmd::interface::run(&cli),
        Some(Command::Check { files, deep }) => cmd::check::run(files, *deep, &cli.load),
        Some(Command::Eval(args)) => cmd::eval::run(args, &cli.load),
        Some(Command::Stats(args)) => cmd::stats::run(args, &cli.load),
        Some(Command::List(args)) => cmd::list::run(args, &cli.load),
        Some(Command::Label(args)) => cmd::label::run(&cli, args),
        Some(Command::Labels(c)) => cmd::labels::run(c, &cli.load),
        Some(Command::Study(c)) => cmd::study::run(c, &cli),
        Some(Command::Profiles { name }) => cmd::profiles::run(name.as_deref()),
        Some(Command::Completions { shell }) => cmd::shell::completions(*shell),
        Some(Command::Man) => cmd::shell::man(),
        Some(Command::Spans {
            files,
            query,
            format,
        }) => cmd::spans::run(files, query.as_deref(), *format, &cli.load),
        Some(Command::Synth(args)) => cmd::synth::run(args),
    };
    result.unwrap_or_else(|e| {
        // Errors quote file names, keys and query text from others: never raw.
        eprintln!("afscope: {}", afscope::model::sanitize::visible(&e, true));
        std::process::ExitCode::from(2)
    })
}
