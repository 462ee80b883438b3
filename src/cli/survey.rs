//! `vakt survey`: the closed incidents drawn for an agreement's random survey (Tranemo/Ulricehamn: one in four),
//! recording their answers, and a tertial's summary for the follow-up.

use super::output::{self, Format};
use super::{CliError, CliResult, when};
use crate::config::Settings;
use crate::db::surveys;

#[derive(Debug, clap::Subcommand)]
pub enum SurveyCommand {
    /// The incidents drawn for the survey, with whom to ask and the answers so far.
    List {
        #[arg(long)]
        agreement: Option<String>,
        /// YYYY-T1, YYYY-T2 or YYYY-T3 (the tertial the incident closed in).
        #[arg(long)]
        tertial: Option<String>,
        /// Only those not answered yet.
        #[arg(long)]
        open: bool,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Record the answers for a drawn incident (operators).
    Answer {
        /// The incident, INC-….
        incident: String,
        /// "Did IT solve your case/problem satisfactorily?": yes or no.
        #[arg(long)]
        solved: String,
        /// "How did you find the IT staff's treatment?": 1 (very poor) to 5 (very good).
        #[arg(long)]
        treatment: i16,
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// Closed, drawn and answered incidents per tertial, the share solved and the mean rating.
    Summary {
        #[arg(long)]
        agreement: Option<String>,
        #[arg(long)]
        tertial: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// `2027-T1`, checked.
fn tertial(text: &Option<String>) -> Result<Option<String>, CliError> {
    let Some(text) = text else { return Ok(None) };
    let upper = text.trim().to_uppercase();
    let valid = upper.len() == 7
        && upper[..4].chars().all(|c| c.is_ascii_digit())
        && matches!(&upper[4..], "-T1" | "-T2" | "-T3");
    if !valid {
        return Err(CliError::bad_input(format!("'{text}' is not a tertial: write YYYY-T1, YYYY-T2 or YYYY-T3")));
    }
    Ok(Some(upper))
}

pub async fn survey(command: &SurveyCommand, settings: &Settings) -> CliResult {
    match command {
        SurveyCommand::List { agreement, tertial: period, open, format } => {
            let period = tertial(period)?;
            let pool = super::connect(settings).await?;
            let rows = surveys::list(&pool, agreement.as_deref(), period.as_deref(), *open).await?;
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.incident.clone(),
                        r.agreement.clone(),
                        r.period.clone(),
                        r.position.to_string(),
                        r.closed_at.map(when::local).unwrap_or_default(),
                        r.reporter.clone(),
                        r.title.clone(),
                        r.solved.map(|s| if s { "yes" } else { "no" }.to_string()).unwrap_or_else(|| "—".into()),
                        r.treatment.map(|t| t.to_string()).unwrap_or_else(|| "—".into()),
                    ]
                })
                .collect();
            let headers =
                ["incident", "agreement", "tertial", "no.", "closed", "reporter", "title", "solved", "treatment"];
            print!("{}", output::render(*format, &headers, &cells, &rows));
        }
        SurveyCommand::Answer { incident, solved, treatment, comment } => {
            let solved = match solved.trim().to_lowercase().as_str() {
                "yes" | "ja" | "y" | "true" => true,
                "no" | "nej" | "nei" | "n" | "false" => false,
                other => return Err(CliError::bad_input(format!("--solved is yes or no, not '{other}'"))),
            };
            if !(1..=5).contains(treatment) {
                return Err(CliError::bad_input("--treatment is from 1 (very poor) to 5 (very good)"));
            }
            let pool = super::connect(settings).await?;
            surveys::answer(&pool, incident, solved, *treatment, comment).await?;
            println!("survey answer recorded for {}", incident.trim());
        }
        SurveyCommand::Summary { agreement, tertial: period, format } => {
            let period = tertial(period)?;
            let pool = super::connect(settings).await?;
            let rows = surveys::summary(&pool, agreement.as_deref(), period.as_deref()).await?;
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let share = |n: i64, of: i64| {
                        if of == 0 { "—".to_string() } else { format!("{:.1} %", 100.0 * n as f64 / of as f64) }
                    };
                    vec![
                        r.agreement.clone(),
                        r.period.clone(),
                        r.closed.to_string(),
                        format!("{} ({})", r.selected, share(r.selected, r.closed)),
                        r.answered.to_string(),
                        share(r.solved, r.answered),
                        r.treatment_mean.map(|m| format!("{m:.2}")).unwrap_or_else(|| "—".into()),
                    ]
                })
                .collect();
            let headers = ["agreement", "tertial", "closed", "drawn", "answered", "solved", "treatment (1–5)"];
            print!("{}", output::render(*format, &headers, &cells, &rows));
        }
    }
    Ok(())
}
