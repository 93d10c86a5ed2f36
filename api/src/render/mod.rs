//! Pages, images and downloads for people: HTML, SVG and CSV built from
//! views only.

pub mod csv;
pub mod dashboard;
pub mod placards;
