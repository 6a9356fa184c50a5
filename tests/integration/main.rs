//! The one integration-test binary: fixtures and shared helpers in `util`, one module per topic.

mod cli;
mod extract;
mod index;
mod relevance;
mod robustness;
mod search;
mod speed;
mod util;
mod workflow;
