//! Status meetings: agendas from live data, decisions and follow-up points (issue 12).
