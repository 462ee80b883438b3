//! The user's themes folder (`~/.config/vakt/themes/NAME.toml`), read here in the shell so rendering does no I/O.

use std::path::PathBuf;

use crate::ui::theme::UserThemes;

pub struct ThemesDir(pub PathBuf);

impl UserThemes for ThemesDir {
    fn find(&self, name: &str) -> Option<(String, String)> {
        let path = self.0.join(format!("{name}.toml"));
        std::fs::read_to_string(&path).ok().map(|text| (text, path.display().to_string()))
    }

    fn folder(&self) -> String {
        self.0.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::theme::{ColorDepth, Theme, ThemeError};

    #[test]
    fn a_theme_file_in_the_folder_overrides_a_builtin_and_names_never_leave_it() {
        let dir = std::env::temp_dir().join(format!("vakt-theme-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("inner")).unwrap();
        let dark = Theme::builtin("dark").unwrap();
        assert_eq!(dark.name, "dark");
        let builtin = include_str!("../../themes/dark.toml");
        std::fs::write(dir.join("dark.toml"), builtin.replace("name = \"dark\"", "name = \"mine\"")).unwrap();
        let theme = Theme::load(Some("dark"), false, false, &ThemesDir(dir.clone()), ColorDepth::TrueColor).unwrap();
        assert_eq!(theme.name, "mine");
        let outside = Theme::load(Some("../dark"), false, false, &ThemesDir(dir.join("inner")), ColorDepth::TrueColor);
        assert!(matches!(outside, Err(ThemeError::Unknown { .. })), "{outside:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
