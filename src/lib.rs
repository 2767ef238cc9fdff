//! hypervisor-tui: a Talos-style console for NixOS hypervisor hosts.
// A build without libvirt or kubernetes is checked by one `cargo test`, not by clippy:
// there, every warning (an import left unused by a cfg) is an error.
#![cfg_attr(not(all(feature = "libvirt", feature = "kubernetes")), deny(warnings))]

pub mod actiond;
pub mod app;
pub mod cli;
pub mod collectors;
pub mod commands;
pub mod config;
pub mod demo;
pub mod event;
pub mod keymap;
pub mod model;
pub mod timefmt;
pub mod tui;
pub mod ui;
pub mod view;
