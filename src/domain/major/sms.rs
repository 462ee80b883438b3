//! A status update as one SMS, the alternative channel when the network is affected (Stockholm
//! §3.3.3.1). It aims for one GSM-7 message (160 septets; `^{}\[~]|€` take two): typography that GSM-7
//! lacks (dashes, curly quotes, the ellipsis) is replaced by its plain form, line breaks and tabs become
//! spaces and control characters are dropped. Text that still needs characters outside GSM-7 is sent as
//! UCS-2, where one message holds 70 UTF-16 units.
//!
//! When the text is too long the free-text fields are cut evenly (the longest first) and marked "...";
//! the exercise marker, the reference and the labels are always kept. If even that does not fit, the
//! workaround, the cause and the title are left out in that order.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::update::{Eta, MessageHeader, StatusUpdate};

/// The encoding an SMS needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsEncoding {
    /// The GSM 03.38 default alphabet: 160 septets in one message.
    Gsm7,
    /// UCS-2: 70 UTF-16 units in one message.
    Ucs2,
}

impl SmsEncoding {
    /// The length of one message in this encoding.
    pub fn limit(self) -> usize {
        match self {
            SmsEncoding::Gsm7 => 160,
            SmsEncoding::Ucs2 => 70,
        }
    }

    fn cost(self, c: char) -> usize {
        match self {
            SmsEncoding::Gsm7 if GSM_EXTENSION.contains(c) => 2,
            SmsEncoding::Gsm7 => 1,
            SmsEncoding::Ucs2 => c.len_utf16(),
        }
    }

    fn length(self, s: &str) -> usize {
        s.chars().map(|c| self.cost(c)).sum()
    }
}

/// The GSM 03.38 basic character set (one septet each).
const GSM_BASIC: &str = concat!(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?",
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
/// The GSM 03.38 extension table (escape + one septet each).
const GSM_EXTENSION: &str = "^{}\\[~]|€";

/// The truncation mark (three dots: the one-character ellipsis is not in GSM-7).
const CUT: &str = "...";

/// An SMS ready for the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsMessage {
    /// The text.
    pub text: String,
    /// The encoding it needs.
    pub encoding: SmsEncoding,
    /// Its length in septets (GSM-7) or UTF-16 units (UCS-2).
    pub units: usize,
    /// Whether a field was shortened or left out.
    pub truncated: bool,
}

/// Replaces what GSM-7 lacks where a plain equivalent exists; whitespace runs become one space and
/// control and bidirectional formatting characters are dropped.
fn plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.trim().chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        let replacement: &str = match c {
            '–' | '—' | '‒' | '−' | '‐' => "-",
            '‘' | '’' | '‚' | '′' => "'",
            '“' | '”' | '„' | '″' | '«' | '»' => "\"",
            '…' => CUT,
            c if c.is_control() || crate::domain::text::is_hidden(c) => {
                continue;
            }
            _ => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
                continue;
            }
        };
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push_str(replacement);
    }
    out
}

fn is_gsm(s: &str) -> bool {
    s.chars().all(|c| GSM_BASIC.contains(c) || GSM_EXTENSION.contains(c))
}

/// A piece of the message: fixed text, or a field that may be shortened or left out.
struct Piece {
    label: String,
    value: String,
    /// Left out when nothing else helps; lower goes first. None: never left out.
    drop_rank: Option<u8>,
}

/// Renders a status update as one SMS.
pub fn render_sms(header: &MessageHeader, update: &StatusUpdate) -> SmsMessage {
    let w = header.lang.words();
    let [eta_label, cause_label, workaround_label] = w.sms_labels;
    let marker = if header.exercise { format!("{}: ", w.exercise) } else { String::new() };
    let lead = plain(&format!("{marker}{}", header.reference));
    let pieces = [
        Piece { label: " ".to_string(), value: plain(&header.title), drop_rank: Some(2) },
        Piece { label: ": ".to_string(), value: plain(&update.what_happened), drop_rank: None },
        Piece {
            label: format!(". {eta_label}: "),
            value: plain(&eta(header, &update.expected_resolution)),
            drop_rank: None,
        },
        Piece { label: format!(". {cause_label}: "), value: plain(&update.cause), drop_rank: Some(1) },
        Piece { label: format!(". {workaround_label}: "), value: plain(&update.workaround), drop_rank: Some(0) },
    ];
    let all_text: String = pieces.iter().flat_map(|p| [p.label.as_str(), p.value.as_str()]).collect();
    let encoding = if is_gsm(&lead) && is_gsm(&all_text) { SmsEncoding::Gsm7 } else { SmsEncoding::Ucs2 };
    let limit = encoding.limit();
    let mut kept: Vec<&Piece> = pieces.iter().collect();
    let mut truncated = false;
    loop {
        if let Some(text) = fit(&lead, &kept, encoding, limit) {
            truncated |= text.1;
            let text = text.0;
            return SmsMessage { units: encoding.length(&text), text, encoding, truncated };
        }
        // Leave out the lowest-ranked field still present, or cut the whole text as a last resort.
        let drop = kept.iter().enumerate().filter_map(|(i, p)| p.drop_rank.map(|r| (r, i))).min();
        match drop {
            Some((_, i)) => {
                kept.remove(i);
                truncated = true;
            }
            None => {
                let mut whole = lead.clone();
                for piece in &kept {
                    append(&mut whole, &piece.label, &piece.value);
                }
                let text = cut(&whole, limit, encoding);
                return SmsMessage { units: encoding.length(&text), text, encoding, truncated: true };
            }
        }
    }
}

/// The message with every field cut to at most the same length, as long as possible; None if even
/// fields of one character plus "..." do not fit. The flag says whether anything was cut.
fn fit(lead: &str, pieces: &[&Piece], encoding: SmsEncoding, limit: usize) -> Option<(String, bool)> {
    let fixed = encoding.length(lead) + pieces.iter().map(|p| encoding.length(&p.label)).sum::<usize>();
    let lengths: Vec<usize> = pieces.iter().map(|p| encoding.length(&p.value)).collect();
    let longest = lengths.iter().copied().max().unwrap_or(0);
    let total = |cap: usize| fixed + lengths.iter().map(|l| (*l).min(cap)).sum::<usize>();
    if total(longest) <= limit {
        let mut text = lead.to_string();
        for piece in pieces {
            append(&mut text, &piece.label, &piece.value);
        }
        return Some((text, false));
    }
    let shortest_cut = CUT.len() + 2; // one character (which may take two units) and the mark
    let cap = (shortest_cut..longest).rev().find(|cap| total(*cap) <= limit)?;
    let mut text = lead.to_string();
    for (piece, length) in pieces.iter().zip(&lengths) {
        let value = if *length <= cap { piece.value.clone() } else { cut(&piece.value, cap, encoding) };
        append(&mut text, &piece.label, &value);
    }
    Some((text, true))
}

/// Appends a label and its value; a label's leading full stop is dropped after text that already ends
/// with one (a sentence, or the "..." of a cut), so that the result never reads "....".
fn append(text: &mut String, label: &str, value: &str) {
    match label.strip_prefix('.') {
        Some(rest) if text.ends_with('.') => text.push_str(rest),
        _ => text.push_str(label),
    }
    text.push_str(value);
}

/// `s` shortened to at most `max` units including the "..." mark.
fn cut(s: &str, max: usize, encoding: SmsEncoding) -> String {
    if encoding.length(s) <= max {
        return s.to_string();
    }
    let room = max.saturating_sub(CUT.len());
    let mut used = 0;
    let mut out: String = s
        .chars()
        .take_while(|c| {
            used += encoding.cost(*c);
            used <= room
        })
        .collect();
    out.truncate(out.trim_end().len());
    out.push_str(CUT);
    out
}

/// The expected resolution, short: the time alone on the day the SMS is sent.
fn eta(header: &MessageHeader, eta: &Eta) -> String {
    match eta {
        Eta::At(at) => short_time(*at, header.sent_at, header.zone),
        Eta::Unknown(text) => text.clone(),
    }
}

fn short_time(at: DateTime<Utc>, sent: DateTime<Utc>, zone: Tz) -> String {
    let (local, today) = (at.with_timezone(&zone), sent.with_timezone(&zone).date_naive());
    if local.date_naive() == today {
        local.format("%H:%M").to_string()
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
    }
}

#[cfg(test)]
mod tests;
