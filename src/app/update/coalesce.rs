//! Change notices are hints, and any login may send them (`NOTIFY vakt, …` cannot be restricted in PostgreSQL):
//! a burst, forged or real, must cost a bounded number of database commands. At most one fetch per incident is in
//! flight, at most `MAX_FETCHES` at once (beyond that one reload of the board replaces them), and at most one load of
//! each list.

use std::collections::BTreeSet;

use crate::app::effect::{DbCommand, Effect};

/// Single-incident fetches in flight before a burst is answered by one reload of the whole board instead.
pub const MAX_FETCHES: usize = 32;

/// What this console has asked the database for and not yet received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InFlight {
    fetching: BTreeSet<i64>,
    loading: BTreeSet<Load>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Load {
    Board,
    Majors,
    Rota,
    Presence,
    Agreements,
}

impl Load {
    fn of(command: &DbCommand) -> Option<Load> {
        match command {
            DbCommand::LoadBoard => Some(Load::Board),
            DbCommand::LoadMajors => Some(Load::Majors),
            DbCommand::LoadRota => Some(Load::Rota),
            DbCommand::LoadPresence { .. } => Some(Load::Presence),
            DbCommand::LoadAgreements => Some(Load::Agreements),
            _ => None,
        }
    }
}

impl InFlight {
    /// The commands a change notice asked for, less what is already on its way.
    pub fn admit(&mut self, wanted: Vec<Effect>) -> Vec<Effect> {
        let mut admitted = Vec::new();
        for effect in wanted {
            match &effect {
                Effect::Db(DbCommand::FetchSummary { id }) => {
                    if self.loading.contains(&Load::Board) || self.fetching.contains(id) {
                        continue;
                    }
                    if self.fetching.len() >= MAX_FETCHES {
                        // A burst: one reload brings every row, however many notices follow.
                        self.fetching.clear();
                        if self.loading.insert(Load::Board) {
                            admitted.push(Effect::Db(DbCommand::LoadBoard));
                        }
                        continue;
                    }
                    self.fetching.insert(*id);
                    admitted.push(effect);
                }
                Effect::Db(command) => match Load::of(command) {
                    Some(load) if !self.loading.insert(load) => {}
                    _ => admitted.push(effect),
                },
                _ => admitted.push(effect),
            }
        }
        admitted
    }

    pub fn fetched(&mut self, id: i64) {
        self.fetching.remove(&id);
    }

    pub fn board_loaded(&mut self) {
        self.loading.remove(&Load::Board);
        self.fetching.clear();
    }

    pub fn majors_loaded(&mut self) {
        self.loading.remove(&Load::Majors);
    }

    pub fn rota_loaded(&mut self) {
        self.loading.remove(&Load::Rota);
    }

    pub fn presence_loaded(&mut self) {
        self.loading.remove(&Load::Presence);
    }

    pub fn agreements_loaded(&mut self) {
        self.loading.remove(&Load::Agreements);
    }

    /// A command failed or the connection went: ask again next time rather than wait for an answer that will not
    /// come.
    pub fn forget(&mut self) {
        *self = InFlight::default();
    }
}
