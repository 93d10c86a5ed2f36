//! Pages and images for people: HTML and SVG built from views only.

pub mod placards;
