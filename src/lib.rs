//! deliveryopt: Windows BITS and Delivery Optimization background transfers for Linux, as a
//! COM-style C ABI. See README.md for the conventions and `include/deliveryopt.h` for the API.
//!
//! Layers (one per folder): `abi` (the C vocabulary), `com` (IUnknown machinery), `interfaces`
//! (one file per object family, thin translation to engine calls), `engine` (safe Rust: jobs,
//! scheduler, transfers, store, notifications). Unsafe code lives only in `abi` and `com`.

pub mod abi;
pub mod com;
pub mod engine;
pub mod interfaces;
