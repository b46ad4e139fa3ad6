//! The IUnknown machinery: reference counts, the one object layout, QueryInterface with COM
//! identity, and references to the caller's own objects.

pub mod callbacks;
pub mod foreign;
pub mod object;
pub mod refcount;

pub use foreign::ComPtr;
pub use object::{add_ref, query_interface, release, ComClass, ComObject, ComRef};
