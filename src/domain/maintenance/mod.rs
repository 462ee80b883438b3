//! Service windows, notice rules, approvals, freezes and conflicts (issue 10).
