//! The words a known-error search looks for. The text typed as an incident's title is split into words, and any of
//! them may match (a title rarely repeats a known error's title word for word); the database stems each word with
//! the Norwegian and the Swedish dictionaries (leaving out each language's stop words) and ranks the matches. Only
//! letters and digits are passed on, so nothing typed is read as search syntax (a leading "-" would otherwise mean
//! "not").

/// At most this many words are searched for: a pasted paragraph must not turn into a huge query.
pub const MAX_WORDS: usize = 16;

/// The words of `text` in the order typed, lower-cased, without repeats. Single letters are left out, and "or",
/// which the database joins the words with (it is no Norwegian or Swedish word).
pub fn words(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        let word = word.to_lowercase();
        if word.chars().count() < 2 || word == "or" || found.contains(&word) {
            continue;
        }
        found.push(word);
        if found.len() == MAX_WORDS {
            break;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_letters_and_digits_only_so_nothing_is_search_syntax() {
        assert_eq!(
            words("Tidsavbrudd ved innlogging -ikke \"BankID\""),
            ["tidsavbrudd", "ved", "innlogging", "ikke", "bankid"]
        );
        assert_eq!(words("Inloggningen misslyckas, inloggningen!"), ["inloggningen", "misslyckas"]);
        assert!(words(" - ! a ").is_empty(), "single letters and punctuation leave nothing");
        assert_eq!(words("Skrivaren or OR Utskrift"), ["skrivaren", "utskrift"], "'or' would be search syntax");
    }

    #[test]
    fn nordic_letters_stay_in_their_words_and_long_texts_are_cut() {
        assert_eq!(words("Påloggingsfeil i Økonomi-portalen"), ["påloggingsfeil", "økonomi", "portalen"]);
        let long: String = (0..40).map(|n| format!("ord{n} ")).collect();
        assert_eq!(words(&long).len(), MAX_WORDS);
    }
}
