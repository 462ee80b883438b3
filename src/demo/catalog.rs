//! Words for the demo data: fictional staff and reporters, and incident titles taken from the seeds'
//! category descriptions (Altinn 1.3, ROR 5.6, Tranemo/Ulricehamn's intefunktion list, Stockholm §3.3.3.1).

/// A member of staff for the demo: (login, full name, role, phone).
pub const STAFF: &[(&str, &str, &str, &str)] = &[
    ("ola", "Ola Nordmann", "mim", "+47 954 90 002"),
    ("ingrid", "Ingrid Solberg", "mim", "+47 954 90 003"),
    ("anna", "Anna Lindqvist", "mim", "+46 70 555 01 10"),
    ("kari", "Kari Nordmann", "operator", "+47 712 11 166"),
    ("tone", "Tone Hansen", "operator", "+47 712 11 167"),
    ("per", "Per Berg", "operator", "+47 712 11 168"),
    ("sara", "Sara Lind", "operator", "+46 321 59 50 00"),
    ("erik", "Erik Johansson", "operator", "+46 321 59 50 01"),
    ("karin", "Karin Dahl", "chair", "+47 750 06 299"),
    ("lars", "Lars Eide", "viewer", "+47 712 11 170"),
    ("admin", "Astrid Admin", "admin", "+47 712 11 100"),
];

/// Operators who take incidents in the demo.
pub const RESOLVERS: &[&str] = &["kari", "tone", "per", "sara", "erik", "ingrid"];

pub const REPORTERS_NO: &[&str] =
    &["Silje Aasen", "Jon Moen", "Marte Lie", "Håkon Strand", "Randi Vik", "Geir Holm", "Liv Bakke", "Trond Næss"];

pub const REPORTERS_SE: &[&str] =
    &["Maria Ek", "Johan Berg", "Lena Sjöberg", "Mats Holm", "Eva Nyström", "Anders Wik", "Karin Falk"];

/// Titles by agreement code and priority rank (1 = most severe); the last list is used for lower ranks.
pub fn titles(agreement: &str, rank: usize) -> &'static [&'static str] {
    let by_rank: &[&[&str]] = match agreement {
        "ALTINN" => &[
            &[
                "REST API utilgjengelig",
                "Autentisering nede",
                "Portal SBL svarer ikke",
                "Meldingstjenester utilgjengelige",
                "Batch-overføring stoppet",
            ],
            &[
                "a-melding svarer tregt, svartider langt over avtalt",
                "Kundeweb (statistikk og analyse) degradert",
                "Flyttemelding feiler for enkelte brukere",
                "Skattemelding: tidvis tidsavbrudd",
            ],
            &[
                "Misvisende formulering i dokumentasjonen, workaround finnes",
                "Feil lenke i hjelpetekst",
                "Kosmetisk feil i TUL",
            ],
        ],
        "ROR-IKT" => &[
            &["Fagsystem helse og omsorg nede", "Helsejournal utilgjengelig for hjemmetjenesten"],
            &["Innbyggerportalen svarer ikke", "Hele barnehagen mistet tilgang til fagsystemet"],
            &["Én bruker får ikke åpnet fagsystemet", "Utskrift feiler for en bruker"],
            &["Feil på hjemmekontor-VPN", "Treg PC på kontoret"],
        ],
        "TU-IT" => &[
            &[
                "Trådlöst nätverk nere på skolan",
                "Kan inte logga in på datorn",
                "Utskrift fungerar inte",
                "E-post öppnas inte",
            ],
            &["Beställning av ny skärm", "Behörighet till gemensam mapp", "Flytt av arbetsplats"],
        ],
        _ => &[
            &["Centrala sociala systemet otillgängligt för alla stadsdelar", "Telefoniväxeln svarar inte"],
            &["Skolplattformen långsam", "Datakommunikation störd i en stadsdel"],
            &["Lösenordsåterställning fungerar inte", "Ny användare saknar behörighet"],
            &["Fråga om självbetjäningsportalen", "Felaktig text i driftinformation"],
        ],
    };
    by_rank[rank.saturating_sub(1).min(by_rank.len() - 1)]
}

/// A short description that reads like a reporter wrote it.
pub fn description(title: &str, reporter: &str, swedish: bool) -> String {
    if swedish {
        format!("{title}.\n\nAnmält av {reporter}. Felet upptäcktes i morse; flera användare påverkas.")
    } else {
        format!("{title}.\n\nMeldt av {reporter}. Feilen ble oppdaget i dag; flere brukere er berørt.")
    }
}
