//! The channels an agreement names for telling people (and that the outbox delivers by).

use serde::{Deserialize, Serialize};

use crate::domain::names::stored_names;

stored_names!(
    /// How a message reaches its audience.
    ChannelKind {
        /// E-mail over SMTP.
        Email => "email",
        /// SMS through the gateway.
        Sms => "sms",
        /// A JSON webhook (generic, Slack- or Teams-compatible).
        Webhook => "webhook",
        /// A phone call, logged by hand.
        Phone => "phone",
    }
);
