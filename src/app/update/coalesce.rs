//! Change notices are hints, and any login may send them (`NOTIFY vakt, …` cannot be restricted in PostgreSQL):
//! a burst, forged or real, must cost a bounded number of database commands, so that someone else's notices can
//! never fill this console's command queue. Per incident at most one fetch is on its way and one more pending; at
//! most `MAX_FETCHES` fetches at once (beyond that one reload of the board replaces them); per list at most one
//! load on its way and one more pending.
//!
//! "One more pending" is what keeps this correct: an answer may have been read before the change a later notice
//! announces, so a notice that arrives while its row or list is on its way asks for it once more when the answer
//! is in, never more than once however many notices came.

use std::collections::BTreeMap;

use crate::app::action::ChangeNotice;
use crate::app::effect::{DbCommand, Effect};

/// Single-incident fetches on their way before a burst is answered by one reload of the whole board instead.
pub const MAX_FETCHES: usize = 32;

/// What this console has asked the database for because of change notices, and not yet received.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InFlight {
    /// Incidents whose board line is on its way, with what was noticed about them since it was asked for.
    fetching: BTreeMap<i64, Option<Since>>,
    /// Lists on their way, each with the command to send once more when a notice came since it was sent.
    loading: BTreeMap<Load, Option<DbCommand>>,
    /// The board's reload, when one is on its way.
    board: Option<Reload>,
}

/// What a notice says about its row: the version it reached, or nothing usable (a delete, a payload without one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    Version(i32),
    Unknown,
}

impl Since {
    pub fn of(notice: &ChangeNotice) -> Since {
        match notice.version {
            Some(version) if notice.op != "delete" => Since::Version(version),
            _ => Since::Unknown,
        }
    }

    fn and(self, other: Since) -> Since {
        match (self, other) {
            (Since::Version(a), Since::Version(b)) => Since::Version(a.max(b)),
            _ => Since::Unknown,
        }
    }

    /// Whether a row read at version `have` (`None`: not there) may predate what was noticed.
    fn newer_than(self, have: Option<i32>) -> bool {
        match self {
            Since::Unknown => true,
            Since::Version(version) => have.is_none_or(|have| version > have),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Reload {
    /// Incidents noticed while the reload is on its way (it may have read them before the change), at most
    /// `MAX_FETCHES`; more than that and the board is simply reloaded once more.
    noticed: BTreeMap<i64, Since>,
    again: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Load {
    Detail(i64),
    Agreements,
    Majors,
    Maintenance,
    Heatmap,
    HeatCell,
    ServiceWindows,
    Rota,
    Presence,
    Meetings,
    Minutes(i64),
    Admin,
    Register,
    MyFollowUps,
}

impl Load {
    fn of(command: &DbCommand) -> Option<Load> {
        match command {
            DbCommand::LoadDetail { id } => Some(Load::Detail(*id)),
            DbCommand::LoadAgreements => Some(Load::Agreements),
            DbCommand::LoadMajors => Some(Load::Majors),
            DbCommand::LoadMaintenance { .. } => Some(Load::Maintenance),
            DbCommand::LoadHeatmap { .. } => Some(Load::Heatmap),
            DbCommand::LoadHeatCell { .. } => Some(Load::HeatCell),
            DbCommand::LoadServiceWindows => Some(Load::ServiceWindows),
            DbCommand::LoadRota => Some(Load::Rota),
            DbCommand::LoadPresence { .. } => Some(Load::Presence),
            DbCommand::LoadMeetings => Some(Load::Meetings),
            DbCommand::LoadMinutes { id } => Some(Load::Minutes(*id)),
            DbCommand::LoadAdmin { .. } => Some(Load::Admin),
            DbCommand::LoadRegister { .. } => Some(Load::Register),
            DbCommand::LoadMyFollowUps => Some(Load::MyFollowUps),
            _ => None,
        }
    }
}

impl InFlight {
    /// The commands a change notice (or a resync) asked for, less what is already on its way; what is on its way
    /// is marked to be asked for once more when it arrives.
    pub fn admit(&mut self, wanted: Vec<Effect>, since: Since) -> Vec<Effect> {
        let mut admitted = Vec::new();
        for effect in wanted {
            match effect {
                Effect::Db(DbCommand::FetchSummary { id }) => self.fetch(id, since, &mut admitted),
                Effect::Db(DbCommand::LoadBoard) => self.reload_board(&mut admitted),
                Effect::Db(command) => match Load::of(&command) {
                    Some(load) => match self.loading.get_mut(&load) {
                        Some(again) => *again = Some(command),
                        None => {
                            self.loading.insert(load, None);
                            admitted.push(Effect::Db(command));
                        }
                    },
                    None => admitted.push(Effect::Db(command)),
                },
                other => admitted.push(other),
            }
        }
        admitted
    }

    fn fetch(&mut self, id: i64, since: Since, out: &mut Vec<Effect>) {
        if let Some(reload) = &mut self.board {
            if reload.again {
                return;
            }
            let full = reload.noticed.len() >= MAX_FETCHES;
            match reload.noticed.get_mut(&id) {
                Some(noticed) => *noticed = noticed.and(since),
                None if full => {
                    reload.noticed.clear();
                    reload.again = true;
                }
                None => {
                    reload.noticed.insert(id, since);
                }
            }
            return;
        }
        if let Some(noticed) = self.fetching.get_mut(&id) {
            *noticed = Some(noticed.map_or(since, |n| n.and(since)));
            return;
        }
        if self.fetching.len() >= MAX_FETCHES {
            // A burst: one reload brings every row, however many notices follow.
            self.reload_board(out);
            return;
        }
        self.fetching.insert(id, None);
        out.push(Effect::Db(DbCommand::FetchSummary { id }));
    }

    fn reload_board(&mut self, out: &mut Vec<Effect>) {
        match &mut self.board {
            Some(reload) => {
                reload.noticed.clear();
                reload.again = true;
            }
            None => {
                // The worker runs commands in order: the fetches still on their way arrive before the reload, which
                // was read after them, so nothing need be asked for again because of them.
                self.fetching.clear();
                self.board = Some(Reload::default());
                out.push(Effect::Db(DbCommand::LoadBoard));
            }
        }
    }

    /// An incident's line arrived at version `have` (`None`: no longer open): fetch it once more if a notice
    /// since it was asked for may be newer.
    pub fn fetched(&mut self, id: i64, have: Option<i32>) -> Vec<Effect> {
        match self.fetching.remove(&id) {
            Some(Some(noticed)) if noticed.newer_than(have) => {
                self.fetching.insert(id, None);
                vec![Effect::Db(DbCommand::FetchSummary { id })]
            }
            _ => Vec::new(),
        }
    }

    /// The board arrived; `version_of` reads a row's version on it. The board once more if a burst came meanwhile,
    /// else a fetch of each incident noticed meanwhile that the board may not show yet.
    pub fn board_loaded(&mut self, version_of: impl Fn(i64) -> Option<i32>) -> Vec<Effect> {
        let Some(reload) = self.board.take() else {
            return Vec::new();
        };
        if reload.again {
            self.board = Some(Reload::default());
            return vec![Effect::Db(DbCommand::LoadBoard)];
        }
        let mut out = Vec::new();
        for (id, since) in reload.noticed {
            if since.newer_than(version_of(id)) && self.fetching.insert(id, None).is_none() {
                out.push(Effect::Db(DbCommand::FetchSummary { id }));
            }
        }
        out
    }

    /// A list arrived: load it once more if a notice came since it was asked for.
    pub fn loaded(&mut self, load: Load) -> Vec<Effect> {
        match self.loading.remove(&load) {
            Some(Some(again)) => {
                self.loading.insert(load, None);
                vec![Effect::Db(again)]
            }
            _ => Vec::new(),
        }
    }

    /// The command could not be queued: it is not on its way, so the next notice asks for it again.
    pub fn not_sent(&mut self, command: &DbCommand) {
        match command {
            DbCommand::FetchSummary { id } => {
                self.fetching.remove(id);
            }
            DbCommand::LoadBoard => self.board = None,
            other => {
                if let Some(load) = Load::of(other) {
                    self.loading.remove(&load);
                }
            }
        }
    }

    /// A command failed (which one is not said) or the connection went: ask again next time rather than wait for
    /// an answer that will not come.
    pub fn forget(&mut self) {
        *self = InFlight::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetch(id: i64) -> Effect {
        Effect::Db(DbCommand::FetchSummary { id })
    }

    #[test]
    fn a_notice_during_a_fetch_asks_once_more_only_if_the_answer_may_predate_it() {
        let mut f = InFlight::default();
        assert_eq!(f.admit(vec![fetch(1)], Since::Version(4)), vec![fetch(1)]);
        for v in 5..1_000 {
            assert!(f.admit(vec![fetch(1)], Since::Version(v)).is_empty());
        }
        assert!(f.fetched(1, Some(999)).is_empty(), "the answer already shows the newest change");
        assert_eq!(f.admit(vec![fetch(1)], Since::Version(1_000)), vec![fetch(1)]);
        f.admit(vec![fetch(1)], Since::Version(1_001));
        assert_eq!(f.fetched(1, Some(1_000)), vec![fetch(1)], "read before 1001: once more");
        assert!(f.fetched(1, Some(1_001)).is_empty());
        // A forged version far ahead costs one fetch more, not a loop.
        f.admit(vec![fetch(2)], Since::Version(1));
        f.admit(vec![fetch(2)], Since::Version(i32::MAX));
        assert_eq!(f.fetched(2, Some(1)), vec![fetch(2)]);
        assert!(f.fetched(2, Some(1)).is_empty());
    }

    #[test]
    fn a_notice_during_a_load_loads_once_more() {
        let mut f = InFlight::default();
        let majors = Effect::Db(DbCommand::LoadMajors);
        assert_eq!(f.admit(vec![majors.clone()], Since::Unknown), vec![majors.clone()]);
        for _ in 0..1_000 {
            assert!(f.admit(vec![majors.clone()], Since::Unknown).is_empty());
        }
        assert_eq!(f.loaded(Load::Majors), vec![majors.clone()]);
        assert!(f.loaded(Load::Majors).is_empty());
        assert_eq!(f.admit(vec![majors.clone()], Since::Unknown), vec![majors]);
    }

    #[test]
    fn notices_during_a_reload_are_checked_against_it() {
        let mut f = InFlight::default();
        let board = Effect::Db(DbCommand::LoadBoard);
        assert_eq!(f.admit(vec![board.clone()], Since::Unknown), vec![board.clone()]);
        f.admit(vec![fetch(1)], Since::Version(3));
        f.admit(vec![fetch(2)], Since::Version(5));
        f.admit(vec![fetch(3)], Since::Version(1));
        // 1 is on the board at 3 already; 2 at 4, older than noticed; 3 is not on it (opened meanwhile).
        let version = |id| match id {
            1 => Some(3),
            2 => Some(4),
            _ => None,
        };
        assert_eq!(f.board_loaded(version), vec![fetch(2), fetch(3)]);
        // Beyond MAX_FETCHES incidents noticed meanwhile, the board comes once more instead.
        f.admit(vec![board.clone()], Since::Unknown);
        for id in 0..10_000 {
            f.admit(vec![fetch(id)], Since::Version(1));
        }
        assert_eq!(f.board_loaded(|_| None), vec![board.clone()]);
        assert!(f.board_loaded(|_| None).is_empty());
    }

    #[test]
    fn a_command_that_was_not_queued_is_not_waited_for() {
        let mut f = InFlight::default();
        f.admit(vec![fetch(1), Effect::Db(DbCommand::LoadRota)], Since::Unknown);
        f.not_sent(&DbCommand::FetchSummary { id: 1 });
        f.not_sent(&DbCommand::LoadRota);
        assert_eq!(
            f.admit(vec![fetch(1), Effect::Db(DbCommand::LoadRota)], Since::Unknown),
            vec![fetch(1), Effect::Db(DbCommand::LoadRota)]
        );
    }
}
