//! hypervisor-tui: a Talos-style console for NixOS hypervisor hosts.

pub mod app;
pub mod cli;
pub mod collectors;
pub mod commands;
pub mod config;
pub mod event;
pub mod keymap;
pub mod model;
pub mod timefmt;
pub mod tui;
pub mod ui;
pub mod view;
