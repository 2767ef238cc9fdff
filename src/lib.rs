//! hypervisor-tui: a Talos-style console for NixOS hypervisor hosts.

pub mod app;
pub mod cli;
pub mod collectors;
pub mod commands;
pub mod config;
pub mod demo;
pub mod event;
pub mod keymap;
pub mod model;
pub mod tui;
pub mod ui;
