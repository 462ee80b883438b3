//! The vakt binary: parse the command line, set up logging and error reporting, run a command or the console.
#![allow(clippy::disallowed_methods)]

use std::process::ExitCode;

use clap::Parser;
use vakt::cli::{self, Cli, CliError};
use vakt::ui::theme::{ColorDepth, Theme};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match cli::settings(&cli) {
        Ok(settings) => settings,
        Err(e) => return cli::finish(Err(e)),
    };
    let _log = vakt::logging::init(&settings.log_level);
    // Panics are reported without a backtrace on the user's terminal; the log has the details.
    let _ = color_eyre::config::HookBuilder::default().display_env_section(false).install();
    quiet_on_closed_pipe();
    if let Some(result) = cli::run(&cli, &settings).await {
        return cli::finish(result);
    }
    cli::finish(console(&settings).await)
}

/// `vakt incident list | head` closes the pipe early; `print!` then panics. The reader has what it wanted, so
/// stop quietly instead of printing a backtrace (which, with stderr on the same pipe, would abort).
fn quiet_on_closed_pipe() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to std") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        report(info)
    }));
}

async fn console(settings: &vakt::config::Settings) -> Result<(), CliError> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(CliError {
            message: "the console needs a terminal (run it in one, or over `ssh -t`); for scripts use the \
                      subcommands, e.g. `vakt incident list --format json` (see `vakt --help`)"
                .into(),
            code: 2,
        });
    }
    let depth = ColorDepth::detect(std::env::var("COLORTERM").ok().as_deref(), std::env::var("TERM").ok().as_deref());
    let themes_dir = vakt::config::default_path().ok().and_then(|p| p.parent().map(|d| d.join("themes")));
    let user_themes: Box<dyn vakt::ui::theme::UserThemes> = match themes_dir {
        Some(dir) => Box::new(vakt::console::themes_dir::ThemesDir(dir)),
        None => Box::new(vakt::ui::theme::BuiltinOnly),
    };
    let theme = Theme::load(settings.theme.as_deref(), settings.no_color, settings.ascii, user_themes.as_ref(), depth)
        .map_err(|e| CliError::bad_input(e.to_string()))?;
    let target = vakt::setup::resolve(settings).await?;
    if target.created {
        eprintln!(
            "vakt: created the embedded database at {}",
            target.embedded.as_ref().map(|c| c.root().display().to_string()).unwrap_or_default()
        );
    }
    let routes = vakt::db::route::connect(
        &target.url,
        settings.read_database_url.as_deref(),
        settings.listen_database_url.as_deref(),
        vakt::db::route::CONSOLE_CONNECTIONS,
    )
    .await?;
    let zone = vakt::config::viewer_zone();
    let label = target.label.clone();
    let drafts = move |user: &vakt::app::model::UserInfo| {
        let slug: String = format!("{label}-{}", user.login)
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        vakt::logging::log_dir().map(|dir| dir.join(format!("drafts-{slug}.json")))
    };
    vakt::console::run(routes, &target.label, theme, zone, drafts)
        .await
        .map_err(|e| CliError { message: e.to_string(), code: 1 })
}
