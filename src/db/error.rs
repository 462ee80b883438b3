//! Database errors, sorted into what the user can act on: bad input, refused by rights, a conflicting edit,
//! an unreachable server, or something else.

use super::redact;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "the database URL {url} is not valid: {reason}\nhint: write it as postgres://USER@HOST:PORT/DATABASE \
         (or postgres:///DATABASE?host=/socket/dir), or leave DATABASE_URL unset to use vakt's embedded database"
    )]
    BadUrl { url: String, reason: String },
    #[error("cannot reach the database at {url}: {reason}\nhint: {hint}")]
    Unreachable { url: String, reason: String, hint: String },
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("{0}")]
    Schema(String),
    #[error("refused by the database: {0}")]
    Refused(String),
    #[error("{0}")]
    BadInput(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Other(String),
}

impl DbError {
    pub(crate) fn connect(url: &str, error: sqlx::Error) -> Self {
        let reason = without_source_line(&error.to_string()).to_string();
        let lower = reason.to_lowercase();
        let hint = if lower.contains("permission denied for database") {
            "only vakt staff may connect to this database: ask an admin to add you (`vakt staff add LOGIN --name … \
             --role …`)"
        } else if lower.contains("not permitted to log in") {
            "this login was deactivated (`vakt staff deactivate`); an admin brings it back with `vakt staff add`"
        } else if lower.contains("role") && lower.contains("does not exist") {
            "that login is not known to this database: ask an admin to add you (`vakt staff add LOGIN --name … --role …`)"
        } else if lower.contains("does not exist") && lower.contains("database") {
            "create the database first (createdb), or leave DATABASE_URL unset to use vakt's embedded database"
        } else if lower.contains("password") || lower.contains("authentication") || lower.contains("role") {
            "check the user name and password in the URL; ask an admin to add you with `vakt staff add`"
        } else {
            "is the server running and the URL right? Unset DATABASE_URL to use vakt's embedded database, \
             or run `vakt embedded start`"
        };
        Self::Unreachable { url: redact(url), reason, hint: hint.to_string() }
    }

    /// Exit status for the scripting interface: 2 bad input, 3 refused (rights), 4 conflict, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::BadInput(_) | Self::NotFound(_) | Self::BadUrl { .. } => 2,
            Self::Refused(_) => 3,
            Self::Conflict(_) => 4,
            _ => 1,
        }
    }

    /// True when the connection itself failed, so the console should go offline and retry.
    pub fn is_connection_lost(&self) -> bool {
        matches!(self, Self::Unreachable { .. })
    }
}

/// Drops the " at line N" some server errors end with: a line of PostgreSQL's own source, no help to a user.
fn without_source_line(text: &str) -> &str {
    match text.rsplit_once(" at line ") {
        Some((head, line)) if !line.is_empty() && line.chars().all(|c| c.is_ascii_digit()) => head,
        _ => text,
    }
}

impl From<sqlx::Error> for DbError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) => {
                let message = db.message().to_string();
                match db.code().as_deref() {
                    Some("42501") => Self::Refused(message),
                    Some("23505") => Self::Conflict(message),
                    Some(code) if code.starts_with("22") || code.starts_with("23") || code == "P0001" => {
                        Self::BadInput(message)
                    }
                    _ => Self::Other(message),
                }
            }
            sqlx::Error::RowNotFound => Self::NotFound("not found".into()),
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed => Self::Unreachable {
                url: String::new(),
                reason: error.to_string(),
                hint: "the console keeps trying to reconnect".into(),
            },
            _ => Self::Other(error.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::without_source_line;

    #[test]
    fn the_server_source_line_is_dropped_and_nothing_else() {
        assert_eq!(without_source_line("role \"nobody\" does not exist at line 768"), "role \"nobody\" does not exist");
        assert_eq!(without_source_line("syntax error at line four"), "syntax error at line four");
        assert_eq!(without_source_line("plain"), "plain");
    }
}
