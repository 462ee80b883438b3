//! What a contact in the directory must look like: messages to a mistyped address reach nobody, and nobody
//! notices until the incident is over.

/// A phone number in one canonical form (`+4791234567`), from what people write (`+47 912 34 567`,
/// `0046-70-123 45 67`); `None` if it is not one.
pub fn phone_number(number: &str) -> Option<String> {
    let compact: String = number.trim().chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.')).collect();
    let international = match compact.strip_prefix("00") {
        Some(rest) => format!("+{rest}"),
        None => compact,
    };
    let digits = international.strip_prefix('+').unwrap_or(&international);
    ((4..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit())).then_some(international)
}

/// Whether `address` looks like an e-mail address: one `@` with something on both sides, a dot in the domain,
/// nothing that would break a header.
pub fn is_email(address: &str) -> bool {
    let address = address.trim();
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !address.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
}

/// Whether `url` is an http(s) URL with a host.
pub fn is_webhook_url(url: &str) -> bool {
    let url = url.trim();
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !url.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

/// The first problem with a new contact's addresses, as a message naming the field.
pub fn check(
    email: Option<&str>,
    phone: Option<&str>,
    mobile: Option<&str>,
    webhook: Option<&str>,
) -> Result<(), String> {
    if email.is_none() && phone.is_none() && mobile.is_none() && webhook.is_none() {
        return Err("a contact needs an e-mail, a phone, a mobile or a webhook".into());
    }
    if let Some(email) = email.filter(|e| !is_email(e)) {
        return Err(format!("--email '{email}' is not an e-mail address (e.g. siri@molde.kommune.no)"));
    }
    for (flag, number) in [("--phone", phone), ("--mobile", mobile)] {
        if let Some(number) = number.filter(|n| phone_number(n).is_none()) {
            return Err(format!("{flag} '{number}' is not a phone number (e.g. +47 900 00 001)"));
        }
    }
    if let Some(url) = webhook.filter(|u| !is_webhook_url(u)) {
        return Err(format!("--webhook '{url}' is not an http(s) URL (e.g. https://hooks.slack.com/services/…)"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_made_canonical_or_refused() {
        assert_eq!(phone_number("+47 912 34 567").as_deref(), Some("+4791234567"));
        assert_eq!(phone_number("0046-70-123 45 67").as_deref(), Some("+46701234567"));
        assert_eq!(phone_number("ring meg"), None);
        assert_eq!(phone_number("12"), None);
    }

    #[test]
    fn addresses_are_checked_field_by_field() {
        assert!(check(Some("siri@molde.example"), None, Some("+47 900 00 001"), None).is_ok());
        assert!(check(None, None, None, Some("https://hooks.example/T0/B0")).is_ok());
        assert!(check(None, None, None, None).unwrap_err().contains("needs an e-mail"));
        assert!(check(Some("notanemail"), None, None, None).unwrap_err().contains("--email"));
        assert!(check(Some("a@b.c\r\nBcc: x@y.z"), None, None, None).unwrap_err().contains("--email"));
        assert!(check(None, None, Some("ring meg"), None).unwrap_err().contains("--mobile"));
        assert!(check(None, None, None, Some("not a url")).unwrap_err().contains("--webhook"));
        assert!(check(None, None, None, Some("https://")).unwrap_err().contains("--webhook"));
    }
}
