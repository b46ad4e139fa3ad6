//! The C vocabulary: types, HRESULTs, GUIDs, strings, the COM allocator, VARIANT/BSTR, the
//! interface declarations, and the panic boundary. Std only; no engine knowledge.

pub mod args;
pub mod bits_types;
pub mod dialect;
pub mod do_types;
pub mod guids;
pub mod hresult;
pub mod memory;
pub mod messages;
pub mod os;
pub mod panic;
pub mod strings;
pub mod types;
pub mod variant;
pub mod vtbl;

pub use bits_types::*;
pub use do_types::*;
pub use guids::*;
pub use hresult::*;
pub use types::*;
pub use vtbl::*;
