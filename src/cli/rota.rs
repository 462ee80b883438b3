//! `vakt rota …`, `vakt contact …`, `vakt handover …`: the MIM rota, the contact directory and shift hand-overs.

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use serde::Serialize;

use super::output::{self, Format};
use super::when::{instant, local, zone};
use super::{CliError, CliResult};
use crate::config::Settings;
use crate::db::rota;
use crate::domain::major::Shift;
use crate::domain::text::one_line;

#[derive(Debug, Subcommand)]
pub enum RotaCommand {
    /// Who is MIM on duty at an instant (default now).
    Show {
        #[arg(long)]
        at: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Add a shift (admins). The rota must stay continuous: overlaps and gaps are refused.
    Add(ShiftArgs),
    /// Remove the first or last shift (admins); removing one in the middle would leave a gap and is refused.
    Remove { id: i64 },
    /// Give a shift to another MIM and/or deputy (admins); its times stay.
    Reassign {
        id: i64,
        #[arg(long)]
        mim: Option<String>,
        #[arg(long)]
        deputy: Option<String>,
    },
    /// List the shifts from --from (default now) for --days (default: every shift still to come, up to a year).
    List {
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        days: Option<i64>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Set the fixed duty phone number and mailbox (admins).
    Duty {
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        mailbox: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct ShiftArgs {
    #[arg(long)]
    pub mim: String,
    #[arg(long)]
    pub deputy: String,
    /// Start: RFC 3339, or "YYYY-MM-DD HH:MM" in Europe/Oslo.
    #[arg(long)]
    pub from: String,
    #[arg(long)]
    pub to: String,
}

#[derive(Debug, Subcommand)]
pub enum ContactCommand {
    /// Add a person or a channel to an organisation's contact directory (admins).
    Add {
        organisation: String,
        #[arg(long)]
        name: String,
        /// e.g. Serviceleder, Informasjonsansvarlig, Hendelsesansvarlig.
        #[arg(long, default_value = "")]
        role: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        mobile: Option<String>,
        #[arg(long)]
        webhook: Option<String>,
        /// generic, slack or teams.
        #[arg(long)]
        preset: Option<String>,
    },
    /// List the contact directory, or one organisation's part of it (webhooks show only their host).
    List {
        organisation: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Remove a contact by its id (admins); what was already sent stays in the ledger.
    Remove { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum HandoverCommand {
    /// Write the hand-over to the next MIM (open majors, clocks and pending updates are added automatically).
    Write {
        #[arg(long)]
        note: String,
    },
    /// Acknowledge a hand-over as the incoming MIM.
    Ack { id: i64 },
    /// The hand-over log, newest first.
    List {
        #[arg(long, default_value_t = 20)]
        limit: i64,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// One hand-over as written (Markdown).
    Show { id: i64 },
}

pub async fn rota(command: &RotaCommand, settings: &Settings) -> CliResult {
    let pool = super::connect(settings).await?;
    match command {
        RotaCommand::Show { at, format } => {
            let at = at.as_deref().map(|a| instant("--at", a)).transpose()?.unwrap_or_else(Utc::now);
            let shift = rota::on_duty(&pool, at).await?;
            let line = rota::duty_line(&pool).await?;
            #[derive(Serialize)]
            struct OnDuty {
                at: DateTime<Utc>,
                shift: Option<rota::ShiftRow>,
                duty_phone: Option<String>,
                duty_mailbox: Option<String>,
            }
            let report = OnDuty { at, shift, duty_phone: line.phone, duty_mailbox: line.mailbox };
            match format {
                Format::Json => print!("{}", output::json(&report)),
                _ => match &report.shift {
                    Some(s) => println!(
                        "{}",
                        one_line(&format!(
                            "MIM on duty: {} ({}) until {} · deputy {} · {} · {}",
                            s.mim_name,
                            s.mim,
                            local(s.ends_at),
                            s.deputy_name,
                            report.duty_phone.as_deref().unwrap_or("no duty phone set"),
                            report.duty_mailbox.as_deref().unwrap_or("no duty mailbox set")
                        ))
                    ),
                    None => {
                        return Err(CliError {
                            message: format!("nobody is on duty at {}: the rota has a gap", local(at)),
                            code: 1,
                        });
                    }
                },
            }
        }
        RotaCommand::Add(args) => {
            let shift = Shift {
                mim: args.mim.clone(),
                deputy: args.deputy.clone(),
                start: instant("--from", &args.from)?,
                end: instant("--to", &args.to)?,
            };
            let row = rota::add_shift(&pool, &shift, zone()).await?;
            println!(
                "shift {}: {} (deputy {}) {} – {}",
                row.id,
                one_line(&row.mim_name),
                one_line(&row.deputy_name),
                local(row.starts_at),
                local(row.ends_at)
            );
        }
        RotaCommand::Remove { id } => {
            rota::remove_shift(&pool, *id).await?;
            println!("shift {id} removed");
        }
        RotaCommand::Reassign { id, mim, deputy } => {
            if mim.is_none() && deputy.is_none() {
                return Err(CliError::bad_input("give --mim and/or --deputy"));
            }
            rota::reassign_shift(&pool, *id, mim.as_deref(), deputy.as_deref()).await?;
            println!("shift {id} reassigned");
        }
        RotaCommand::List { from, days, format } => {
            let from = from.as_deref().map(|f| instant("--from", f)).transpose()?.unwrap_or_else(Utc::now);
            // Without --days, every shift still to come: "start where the list ends" must hold.
            let to = from + chrono::Duration::days(days.unwrap_or(366).clamp(1, 366));
            let shifts = rota::shifts(&pool, from, to).await?;
            let rows: Vec<Vec<String>> = shifts
                .iter()
                .map(|s| vec![s.id.to_string(), local(s.starts_at), local(s.ends_at), s.mim.clone(), s.deputy.clone()])
                .collect();
            let headers = ["id", "starts_at", "ends_at", "mim", "deputy"];
            print!("{}", output::render(*format, &headers, &rows, &shifts));
        }
        RotaCommand::Duty { phone, mailbox } => {
            if phone.is_none() && mailbox.is_none() {
                return Err(CliError::bad_input("give --phone and/or --mailbox"));
            }
            rota::set_duty_line(&pool, phone.as_deref(), mailbox.as_deref()).await?;
            println!("duty line updated");
        }
    }
    Ok(())
}

pub async fn contact(command: &ContactCommand, settings: &Settings) -> CliResult {
    let pool = super::connect(settings).await?;
    match command {
        ContactCommand::Add { organisation, name, role, email, phone, mobile, webhook, preset } => {
            if let Some(p) = preset.as_deref()
                && !["generic", "slack", "teams"].contains(&p)
            {
                return Err(CliError::bad_input(format!("unknown preset '{p}' (use generic, slack or teams)")));
            }
            let contact = rota::NewContact {
                organisation: organisation.clone(),
                name: name.clone(),
                role: role.clone(),
                email: email.clone(),
                phone: phone.clone(),
                mobile: mobile.clone(),
                webhook_url: webhook.clone(),
                webhook_preset: preset.clone(),
            };
            let id = rota::add_contact(&pool, &contact).await?;
            println!("contact {id} added to {organisation}");
        }
        ContactCommand::List { organisation, format } => {
            let only = organisation.clone().map(|code| vec![code]);
            let contacts = rota::contacts(&pool, only.as_deref()).await?;
            let rows: Vec<Vec<String>> = contacts
                .iter()
                .map(|c| {
                    let webhook = c
                        .webhook_host
                        .as_ref()
                        .map(|h| format!("{h} ({})", c.webhook_preset.as_deref().unwrap_or("generic")));
                    vec![
                        c.id.to_string(),
                        c.organisation.clone(),
                        c.name.clone(),
                        c.role.clone(),
                        c.email.clone().unwrap_or_default(),
                        c.mobile.clone().or_else(|| c.phone.clone()).unwrap_or_default(),
                        webhook.unwrap_or_default(),
                    ]
                })
                .collect();
            let headers = ["id", "organisation", "name", "role", "email", "mobile", "webhook"];
            print!("{}", output::render(*format, &headers, &rows, &contacts));
        }
        ContactCommand::Remove { id } => {
            let name = rota::remove_contact(&pool, *id).await?;
            println!("contact {id} ({}) removed", one_line(&name));
        }
    }
    Ok(())
}

pub async fn handover(command: &HandoverCommand, settings: &Settings) -> CliResult {
    let pool = super::connect(settings).await?;
    match command {
        HandoverCommand::Write { note } => {
            let (id, _, markdown) = rota::hand_over(&pool, note, zone()).await?;
            print!("{}", crate::domain::text::block(&markdown));
            println!("\nhand-over {id} written; the incoming MIM acknowledges with `vakt handover ack {id}`");
        }
        HandoverCommand::Ack { id } => {
            rota::acknowledge_handover(&pool, *id).await?;
            println!("hand-over {id} acknowledged");
        }
        HandoverCommand::List { limit, format } => {
            let log = rota::handovers(&pool, *limit).await?;
            let headers = ["id", "written_at", "outgoing", "incoming", "acknowledged_at", "note"];
            let rows: Vec<Vec<String>> = log
                .iter()
                .map(|h| {
                    vec![
                        h.id.to_string(),
                        local(h.written_at),
                        h.outgoing.clone(),
                        h.incoming.clone(),
                        h.acknowledged_at.map(local).unwrap_or_else(|| "not yet".into()),
                        h.note.clone(),
                    ]
                })
                .collect();
            print!("{}", output::render(*format, &headers, &rows, &log));
        }
        HandoverCommand::Show { id } => {
            let entry = rota::handover(&pool, *id, zone()).await?;
            print!("{}", crate::domain::text::block(&entry.markdown));
        }
    }
    Ok(())
}
