//! Availability against an agreement's target in its operating hours (issue 11).
