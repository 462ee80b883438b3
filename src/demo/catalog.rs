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

/// How bad a generated incident is, from its priority's rank in a scheme of `levels` priorities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The service is down for everyone (rank 1).
    Down,
    /// Degraded, or down for a group (ranks between the first and the last).
    Degraded,
    /// One user, a question or a cosmetic fault (the last rank).
    Minor,
}

impl Severity {
    pub fn of_rank(rank: usize, levels: usize) -> Severity {
        match rank {
            0 | 1 => Severity::Down,
            r if r >= levels => Severity::Minor,
            _ => Severity::Degraded,
        }
    }
}

/// Titles that fit the service (by its code) and the severity. Municipal services share one list per
/// function: `MOLDE-EPJ` and `AUKRA-EPJ` both use `EPJ`'s. Unknown services (benchmark data) get general ones.
pub fn titles(service_code: &str, severity: Severity) -> &'static [&'static str] {
    let function = service_code.split_once('-').map_or(service_code, |(_, function)| function);
    let [down, degraded, minor] = titles_of(function);
    match severity {
        Severity::Down => down,
        // Two-level schemes (Tranemo/Ulricehamn) have no middle; a longer scheme on their services reads as down.
        Severity::Degraded if degraded.is_empty() => down,
        Severity::Degraded => degraded,
        Severity::Minor => minor,
    }
}

type TitleSet = [&'static [&'static str]; 3];

fn titles_of(function: &str) -> TitleSet {
    match function {
        // Altinn (category descriptions in the agreement's 1.3).
        "SBL" => [
            &[
                "Portal SBL svarer ikke",
                "Autentisering nede",
                "Meldingstjenester utilgjengelige",
                "REST API utilgjengelig",
            ],
            &["a-melding svarer tregt, svartider langt over avtalt", "Flyttemelding feiler for enkelte brukere"],
            &["Feil lenke i hjelpetekst", "Misvisende formulering i innboksen, workaround finnes"],
        ],
        "TUL" => [
            &["TUL utilgjengelig for tjenesteeiere", "Publisering av tjenester stoppet"],
            &["Kundeweb (statistikk og analyse) degradert", "Utrulling til TT02 feiler tidvis"],
            &["Kosmetisk feil i TUL", "Feil i dokumentasjonen for tjenesteutvikling"],
        ],
        "TT01" | "TT02" | "AT" | "YT" => [
            &["Testmiljøet svarer ikke", "Batch-overføring til testmiljøet stoppet"],
            &["Testmiljøet svarer tregt", "Testdata mangler etter oppfrisking"],
            &["Feil versjon oppgitt på testmiljøets forside", "Sertifikatvarsel i testmiljøet"],
        ],
        "SERES" => [
            &["SERES utilgjengelig", "Innlogging til SERES feiler for alle"],
            &["Eksport av datamodeller feiler tidvis", "SERES kursmiljø svarer tregt"],
            &["Feil i kursmateriell for SERES", "Kosmetisk feil i modellvisningen"],
        ],
        // ROR-IKT (the agreement's 5.6).
        "EPJ" => [
            &["Helsejournal utilgjengelig for hjemmetjenesten", "Fagsystem helse og omsorg nede"],
            &["Hele sykehjemmet mistet tilgang til journalen", "Legemiddelmodulen svarer tregt"],
            &["Én bruker får ikke åpnet journalen", "Utskrift av tiltaksplan feiler for en bruker"],
        ],
        "ETJ" => [
            &["Innbyggerportalen svarer ikke", "Søknadsskjemaene kan ikke sendes inn"],
            &["Barnehagesøknad feiler for mange innbyggere", "Innlogging via ID-porten tidvis treg"],
            &["Feil tekst i søknadsskjema", "Spørsmål om svarfrist i innbyggerportalen"],
        ],
        "M365" => [
            &["E-post og Teams nede for hele kommunen", "Ingen får logget inn i Microsoft 365"],
            &["Teams-møter faller ut for en avdeling", "Delte postbokser synkroniserer ikke"],
            &["Én bruker mangler lisens", "Kalenderdeling virker ikke for en bruker"],
        ],
        "FJERN" => [
            &["Fjernaksess nede for alle", "VPN-tjenesten avviser alle pålogginger"],
            &["Fjernaksess ustabil for hjemmetjenesten", "Treg VPN for en avdeling"],
            &["Feil på hjemmekontor-VPN for en bruker", "Ny bruker mangler tilgang til fjernaksess"],
        ],
        // Tranemo/Ulricehamn (the intefunktion list; övrigt is everything else).
        "DATOR" => [
            &["Kan inte logga in på datorn", "Datorn startar inte"],
            &[],
            &["Flytt av arbetsplats", "Beställning av ny skärm"],
        ],
        "BEHORIGHET" => [
            &["Kommer inte åt verksamhetssystemet", "Behörighet saknas efter byte av tjänst"],
            &[],
            &["Behörighet till gemensam mapp", "Fråga om behörighetsbeställning"],
        ],
        "UTSKRIFT" => [
            &["Utskrift fungerar inte", "Nätverksskrivaren svarar inte"],
            &[],
            &["Byte av toner", "Ny skrivare ska installeras"],
        ],
        "LAGRING" => [
            &["P-katalogen går inte att nå", "G-katalogen är full"],
            &[],
            &["Fråga om lagringsutrymme", "Mapp ska döpas om"],
        ],
        "ATERSTALLNING" => [
            &["Raderad fil måste återställas i dag", "Återställning av G-katalog misslyckas"],
            &[],
            &["Återställ äldre version av dokument"],
        ],
        "KLIENTSKYDD" => [
            &["Virusvarning på datorn", "Skräppost släpps igenom i mängd"],
            &[],
            &["Falskt larm från klientskyddet", "Fråga om misstänkt e-post"],
        ],
        "WEBBFILTER" => [
            &["Webbfiltret stoppar verksamhetssystemet", "Alla webbsidor blockeras"],
            &[],
            &["Begäran om att öppna en webbsida"],
        ],
        "WIFI" => [
            &["Trådlöst nätverk nere på skolan", "Ingen anslutning till wifi i kommunhuset"],
            &[],
            &["Svag täckning i ett mötesrum"],
        ],
        "TELEFONI" => [
            &["Telefoniväxeln svarar inte", "Hänvisningssystemet fungerar inte"],
            &["Samtal bryts i en stadsdel", "Köfunktionen i växeln fungerar inte"],
            &["Fel namn i hänvisningen", "Ny anknytning ska läggas upp"],
        ],
        "EPOST" => [
            &["E-post öppnas inte", "Kalendern synkroniserar inte"],
            &[],
            &["Delad kalender saknas", "Fråga om e-postsignatur"],
        ],
        "INFOCAPTION" => [&["Infocaption går inte att öppna", "Guider visas inte"], &[], &["Felaktig text i en guide"]],
        "OFFICE" => {
            [&["Word och Excel startar inte", "Office-programmen kraschar vid start"], &[], &["Fråga om mallar i Word"]]
        }
        "DISTANS" => [&["Mobil åtkomst nere", "Kan inte ansluta på distans"], &[], &["Ny mobil ska kopplas upp"]],
        "PROGRAM" => [
            &["Software Center installerar ingenting", "Program saknas efter uppdatering"],
            &[],
            &["Beställning av nytt program"],
        ],
        // Stockholm (§3.3.3.1).
        "SOCIALA" => [
            &["Centrala sociala systemet otillgängligt för alla stadsdelar", "Sociala systemen svarar inte"],
            &["Sociala systemen långsamma i en stadsdel", "Utbetalningsmodulen felar för en enhet"],
            &["Ny användare saknar behörighet i sociala systemen", "Felaktig text i en blankett"],
        ],
        "DATANAT" => [
            &["Datakommunikation nere i flera stadsdelar", "Stadsnätet når inte datacentret"],
            &["Datakommunikation störd i en stadsdel", "Hög paketförlust mot en förvaltning"],
            &["Nätverksuttag ska aktiveras", "Fråga om planerat arbete i nätet"],
        ],
        "TERMINALER" => [
            &["Ingen kan logga in på terminalerna", "Terminalerna startar inte efter uppdatering"],
            &["Lösenordsåterställning fungerar inte", "Terminaler i en skola låser sig"],
            &["En terminal ska bytas", "Fråga om skrivarinställning"],
        ],
        "SKOLPLATTFORM" => [
            &["Skolplattformen nere för alla skolor", "Inloggning till skolplattformen stoppad"],
            &["Skolplattformen långsam", "Närvaroregistrering felar för en skola"],
            &["Felaktig rubrik i skolplattformen", "Fråga om schemavisning"],
        ],
        "PORTAL" => [
            &["Självbetjäningsportalen svarar inte", "Inga ärenden kan registreras i portalen"],
            &["Portalen visar inte driftinformation", "Ärenden fastnar i portalens kö"],
            &["Fråga om självbetjäningsportalen", "Felaktig text i driftinformation"],
        ],
        _ => [
            &["Tjenesten er nede", "Tjenesten svarer ikke for noen brukere"],
            &["Tjenesten svarer tregt", "Tidvise feil for en gruppe brukere"],
            &["Kosmetisk feil", "Spørsmål fra en bruker"],
        ],
    }
}

/// A short description that reads like a reporter wrote it, as wide as the severity.
pub fn description(title: &str, reporter: &str, swedish: bool, severity: Severity) -> String {
    let scope = match (swedish, severity) {
        (true, Severity::Down) => "Ingen kan arbeta i tjänsten.",
        (true, Severity::Degraded) => "Flera användare påverkas.",
        (true, Severity::Minor) => "Gäller en användare.",
        (false, Severity::Down) => "Ingen får brukt tjenesten.",
        (false, Severity::Degraded) => "Flere brukere er berørt.",
        (false, Severity::Minor) => "Gjelder én bruker.",
    };
    if swedish {
        format!("{title}.\n\nAnmält av {reporter}. {scope}")
    } else {
        format!("{title}.\n\nMeldt av {reporter}. {scope}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seed_service_has_titles_of_its_own_at_every_severity() {
        for (_, text) in crate::demo::SEED_AGREEMENTS {
            let spec: toml::Table = toml::from_str(text).unwrap();
            for service in spec["services"].as_array().unwrap() {
                let code = service["code"].as_str().unwrap();
                let function = code.split_once('-').map_or(code, |(_, f)| f);
                assert_ne!(titles_of(function), titles_of("unknown"), "{code} has only the general titles");
                for severity in [Severity::Down, Severity::Degraded, Severity::Minor] {
                    assert!(!titles(code, severity).is_empty(), "{code} {severity:?}");
                }
            }
        }
    }

    #[test]
    fn severity_follows_the_rank_in_the_scheme() {
        assert_eq!(Severity::of_rank(1, 2), Severity::Down);
        assert_eq!(Severity::of_rank(2, 2), Severity::Minor);
        assert_eq!(Severity::of_rank(2, 3), Severity::Degraded);
        assert_eq!(Severity::of_rank(3, 4), Severity::Degraded);
        assert_eq!(Severity::of_rank(4, 4), Severity::Minor);
    }
}
