//! The SLA breach heat-map: services by periods, coloured by the share of the downtime budget used (issue 11).
