//! `handbook`: a static site generator for sales handbooks.
//!
//! The pipeline, one module per stage: [`load`] -> [`resolve`] -> [`check`] -> [`render`] ->
//! [`write`]. [`site`] runs it for `build` and `check`; `serve` runs the same stages on what
//! changed.

pub mod baseline;
pub mod changes;
pub mod check;
pub mod config;
pub mod diagnostic;
pub mod edit;
pub mod external;
pub mod hash;
pub mod load;
pub mod model;
pub mod relocate;
pub mod render;
pub mod resolve;
pub mod schema;
pub mod search;
pub mod serve;
pub mod site;
pub mod suggest;
pub mod url;
pub mod verbosity;
pub mod walk;
pub mod write;
pub mod yaml;
