//! Themes: semantic style slots read from `themes/*.toml` (built in) or the user's theme folder, degraded to
//! what the terminal can show (truecolor, 256 or 16 colours), and monochrome under `NO_COLOR`.

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

const BUILTIN: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("high-contrast", include_str!("../../themes/high-contrast.toml")),
    ("monochrome", include_str!("../../themes/monochrome.toml")),
];

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorDepth {
    TrueColor,
    Indexed256,
    Basic16,
}

impl ColorDepth {
    /// From `COLORTERM` and `TERM`, the way most terminal programs decide.
    pub fn detect(colorterm: Option<&str>, term: Option<&str>) -> Self {
        if colorterm.is_some_and(|v| v.contains("truecolor") || v.contains("24bit")) {
            ColorDepth::TrueColor
        } else if term.is_some_and(|t| t.contains("256")) {
            ColorDepth::Indexed256
        } else {
            ColorDepth::Basic16
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("unknown theme '{name}' (built in: dark, light, high-contrast, monochrome; or put {name}.toml in {dir})")]
    Unknown { name: String, dir: String },
    #[error("theme {source_name}: {message}")]
    Invalid { source_name: String, message: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
    colors: ColorSlots,
    #[serde(default)]
    modifiers: ModifierFlags,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ColorSlots {
    text: String,
    dim: String,
    accent: String,
    selection_fg: String,
    selection_bg: String,
    header: String,
    border: String,
    breached: String,
    warning: String,
    met: String,
    paused: String,
    major: String,
    live: String,
    offline: String,
    tab_active_fg: String,
    tab_active_bg: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModifierFlags {
    /// Breached/warning/major text is also bold, so meaning survives without colour.
    #[serde(default)]
    bold_meaning: bool,
    /// Selection is drawn reversed instead of with a background colour.
    #[serde(default)]
    reverse_selection: bool,
}

/// Symbols that carry meaning without colour, with ASCII fallbacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbols {
    pub breached: &'static str,
    pub warning: &'static str,
    pub paused: &'static str,
    pub met: &'static str,
    pub major: &'static str,
    pub selected: &'static str,
    pub live: &'static str,
    pub offline: &'static str,
    /// A security incident: its description and notes are restricted to cleared logins.
    pub restricted: &'static str,
}

impl Symbols {
    pub const UNICODE: Symbols = Symbols {
        breached: "▲",
        warning: "◷",
        paused: "⏸",
        met: "✓",
        major: "⚑",
        selected: "▶",
        live: "●",
        offline: "○",
        restricted: "⚿",
    };
    pub const ASCII: Symbols = Symbols {
        breached: "!",
        warning: "~",
        paused: "=",
        met: "+",
        major: "M",
        selected: ">",
        live: "*",
        offline: "o",
        restricted: "#",
    };
}

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    pub text: Style,
    pub dim: Style,
    pub accent: Style,
    pub selection: Style,
    pub header: Style,
    pub border: Style,
    pub breached: Style,
    pub warning: Style,
    pub met: Style,
    pub paused: Style,
    pub major: Style,
    pub live: Style,
    pub offline: Style,
    pub tab_active: Style,
    pub symbols: Symbols,
}

/// Where the user's own themes come from. The shell reads them from the themes folder; rendering does no I/O.
pub trait UserThemes {
    /// The text of the user's theme file for `name`, with where it was read from, if there is one.
    fn find(&self, name: &str) -> Option<(String, String)>;
    /// Where a user theme would go, for messages.
    fn folder(&self) -> String;
}

/// No user themes: the built-ins only.
pub struct BuiltinOnly;

impl UserThemes for BuiltinOnly {
    fn find(&self, _name: &str) -> Option<(String, String)> {
        None
    }

    fn folder(&self) -> String {
        "the themes folder".into()
    }
}

impl Theme {
    /// Loads a theme by name: the user's themes first, then the built-ins. `NO_COLOR` means monochrome.
    pub fn load(
        name: Option<&str>,
        no_color: bool,
        ascii: bool,
        user_themes: &dyn UserThemes,
        depth: ColorDepth,
    ) -> Result<Theme, ThemeError> {
        let name = if no_color { "monochrome" } else { name.unwrap_or("dark") };
        let symbols = if ascii { Symbols::ASCII } else { Symbols::UNICODE };
        // A theme is a file name in the themes folder, never a path elsewhere.
        let plain_name = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if let Some((text, source)) = user_themes.find(name).filter(|_| plain_name) {
            return Self::parse(&text, &source, depth, symbols);
        }
        let (_, text) = BUILTIN
            .iter()
            .find(|(builtin, _)| *builtin == name)
            .ok_or_else(|| ThemeError::Unknown { name: name.to_string(), dir: user_themes.folder() })?;
        Self::parse(text, &format!("{name} (built in)"), depth, symbols)
    }

    /// The default theme, for tests and fallbacks.
    pub fn builtin(name: &str) -> Result<Theme, ThemeError> {
        Self::load(Some(name), false, false, &BuiltinOnly, ColorDepth::TrueColor)
    }

    fn parse(text: &str, source_name: &str, depth: ColorDepth, symbols: Symbols) -> Result<Theme, ThemeError> {
        let invalid = |message: String| ThemeError::Invalid { source_name: source_name.to_string(), message };
        let file: ThemeFile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let c = &file.colors;
        let color = |value: &str| parse_color(value).map(|col| degrade(col, depth)).map_err(&invalid);
        let fg = |value: &str| color(value).map(|col| Style::default().fg(col));
        let meaning = |value: &str| {
            fg(value).map(|s| if file.modifiers.bold_meaning { s.add_modifier(Modifier::BOLD) } else { s })
        };
        let selection = if file.modifiers.reverse_selection {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default().fg(color(&c.selection_fg)?).bg(color(&c.selection_bg)?)
        };
        let tab_active = if file.modifiers.reverse_selection {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::default().fg(color(&c.tab_active_fg)?).bg(color(&c.tab_active_bg)?).add_modifier(Modifier::BOLD)
        };
        Ok(Theme {
            name: file.name.clone(),
            text: fg(&c.text)?,
            dim: fg(&c.dim)?.add_modifier(Modifier::DIM),
            accent: fg(&c.accent)?,
            selection,
            header: fg(&c.header)?.add_modifier(Modifier::BOLD),
            border: fg(&c.border)?,
            breached: meaning(&c.breached)?,
            warning: meaning(&c.warning)?,
            met: fg(&c.met)?,
            paused: fg(&c.paused)?.add_modifier(Modifier::DIM),
            major: meaning(&c.major)?,
            live: fg(&c.live)?,
            offline: meaning(&c.offline)?,
            tab_active,
            symbols,
        })
    }

    /// Names of the built-in themes.
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(name, _)| *name)
    }
}

fn parse_color(value: &str) -> Result<Color, String> {
    let v = value.trim().to_lowercase();
    if v == "reset" {
        return Ok(Color::Reset);
    }
    if let Some(hex) = v.strip_prefix('#') {
        let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("zz"), 16);
        return match (hex.len(), byte(0), byte(2), byte(4)) {
            (6, Ok(r), Ok(g), Ok(b)) => Ok(Color::Rgb(r, g, b)),
            _ => Err(format!("'{value}' is not a #rrggbb colour")),
        };
    }
    if let Ok(index) = v.parse::<u8>() {
        return Ok(Color::Indexed(index));
    }
    v.parse::<Color>().map_err(|_| format!("unknown colour '{value}'"))
}

/// Maps a colour down to what the terminal can show.
fn degrade(color: Color, depth: ColorDepth) -> Color {
    match (color, depth) {
        (Color::Rgb(r, g, b), ColorDepth::Indexed256) => Color::Indexed(rgb_to_256(r, g, b)),
        (Color::Rgb(r, g, b), ColorDepth::Basic16) => rgb_to_16(r, g, b),
        (Color::Indexed(i), ColorDepth::Basic16) if i >= 16 => {
            let (r, g, b) = indexed_to_rgb(i);
            rgb_to_16(r, g, b)
        }
        (other, _) => other,
    }
}

const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

fn rgb_to_256(r: u8, g: u8, b: u8) -> u8 {
    let level = |v: u8| {
        CUBE.iter().enumerate().min_by_key(|(_, c)| (i32::from(**c) - i32::from(v)).abs()).map_or(0, |(i, _)| i as u8)
    };
    let (ri, gi, bi) = (level(r), level(g), level(b));
    let cube_index = 16 + 36 * ri + 6 * gi + bi;
    let cube_rgb = (CUBE[ri as usize], CUBE[gi as usize], CUBE[bi as usize]);
    // Greys are better served by the 24-step grey ramp.
    let grey = ((u16::from(r) + u16::from(g) + u16::from(b)) / 3) as u8;
    let grey_index = if grey < 8 { 0 } else { ((grey - 8) / 10).min(23) };
    let grey_value = 8 + grey_index * 10;
    let distance = |(a, b2, c): (u8, u8, u8)| {
        let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).pow(2);
        d(a, r) + d(b2, g) + d(c, b)
    };
    if distance((grey_value, grey_value, grey_value)) < distance(cube_rgb) { 232 + grey_index } else { cube_index }
}

fn indexed_to_rgb(i: u8) -> (u8, u8, u8) {
    if i >= 232 {
        let v = 8 + (i - 232) * 10;
        (v, v, v)
    } else {
        let i = i.saturating_sub(16);
        (CUBE[(i / 36) as usize % 6], CUBE[((i / 6) % 6) as usize], CUBE[(i % 6) as usize])
    }
}

fn rgb_to_16(r: u8, g: u8, b: u8) -> Color {
    const BASIC: [(Color, (u8, u8, u8)); 16] = [
        (Color::Black, (0, 0, 0)),
        (Color::Red, (170, 0, 0)),
        (Color::Green, (0, 170, 0)),
        (Color::Yellow, (170, 85, 0)),
        (Color::Blue, (0, 0, 170)),
        (Color::Magenta, (170, 0, 170)),
        (Color::Cyan, (0, 170, 170)),
        (Color::Gray, (170, 170, 170)),
        (Color::DarkGray, (85, 85, 85)),
        (Color::LightRed, (255, 85, 85)),
        (Color::LightGreen, (85, 255, 85)),
        (Color::LightYellow, (255, 255, 85)),
        (Color::LightBlue, (85, 85, 255)),
        (Color::LightMagenta, (255, 85, 255)),
        (Color::LightCyan, (85, 255, 255)),
        (Color::White, (255, 255, 255)),
    ];
    let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).pow(2);
    BASIC.iter().min_by_key(|(_, (br, bg, bb))| d(*br, r) + d(*bg, g) + d(*bb, b)).map_or(Color::Reset, |(c, _)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_theme_parses_at_every_depth() {
        for name in Theme::builtin_names() {
            for depth in [ColorDepth::TrueColor, ColorDepth::Indexed256, ColorDepth::Basic16] {
                let theme = Theme::load(Some(name), false, false, &BuiltinOnly, depth).unwrap();
                assert_eq!(theme.name, name);
            }
        }
    }

    #[test]
    fn no_color_forces_monochrome_whatever_was_asked() {
        let theme = Theme::load(Some("dark"), true, false, &BuiltinOnly, ColorDepth::TrueColor).unwrap();
        assert_eq!(theme.name, "monochrome");
        assert_eq!(theme.breached.fg, Some(Color::Reset));
        assert!(theme.breached.add_modifier.contains(Modifier::BOLD));
        assert!(theme.selection.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn colours_degrade_to_the_terminal() {
        assert_eq!(degrade(Color::Rgb(255, 95, 95), ColorDepth::Indexed256), Color::Indexed(203));
        assert_eq!(degrade(Color::Rgb(255, 95, 95), ColorDepth::Basic16), Color::LightRed);
        assert_eq!(degrade(Color::Rgb(128, 128, 128), ColorDepth::Indexed256), Color::Indexed(244));
        assert_eq!(degrade(Color::Indexed(196), ColorDepth::Basic16), Color::Red);
        assert_eq!(ColorDepth::detect(Some("truecolor"), Some("xterm")), ColorDepth::TrueColor);
        assert_eq!(ColorDepth::detect(None, Some("screen-256color")), ColorDepth::Indexed256);
        assert_eq!(ColorDepth::detect(None, Some("vt100")), ColorDepth::Basic16);
    }

    #[test]
    fn unknown_themes_and_bad_colours_are_explained() {
        let err = Theme::load(Some("solarized"), false, false, &BuiltinOnly, ColorDepth::TrueColor).unwrap_err();
        assert!(err.to_string().contains("unknown theme 'solarized'"), "{err}");
        let broken = BUILTIN[0].1.replace("#ff5f5f", "#ff5f");
        let err = Theme::parse(&broken, "x", ColorDepth::TrueColor, Symbols::UNICODE).unwrap_err();
        assert!(err.to_string().contains("#ff5f"), "{err}");
    }

    /// User themes held in memory, as the shell would read them.
    struct InMemory(Vec<(&'static str, String)>);

    impl UserThemes for InMemory {
        fn find(&self, name: &str) -> Option<(String, String)> {
            self.0.iter().find(|(n, _)| *n == name).map(|(n, text)| (text.clone(), format!("{n}.toml")))
        }

        fn folder(&self) -> String {
            "memory".into()
        }
    }

    #[test]
    fn a_user_theme_overrides_a_builtin_of_the_same_name() {
        let custom = BUILTIN[0].1.replace("name = \"dark\"", "name = \"mine\"");
        let user = InMemory(vec![("dark", custom.clone()), ("../dark", custom)]);
        let theme = Theme::load(Some("dark"), false, true, &user, ColorDepth::TrueColor).unwrap();
        assert_eq!(theme.name, "mine");
        assert_eq!(theme.symbols, Symbols::ASCII);
        // A name is looked up in the folder, never followed as a path out of it.
        let outside = Theme::load(Some("../dark"), false, true, &user, ColorDepth::TrueColor);
        assert!(matches!(outside, Err(ThemeError::Unknown { .. })), "{outside:?}");
    }
}
