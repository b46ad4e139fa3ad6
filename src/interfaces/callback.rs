//! The caller's callback object as the engine stores it.

use std::any::Any;

use crate::abi::guids::*;
use crate::abi::types::HRESULT;
use crate::com::ComPtr;
use crate::engine::NotifyTarget;

/// Which callback interface the caller's object answered, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CallbackLevel {
    Callback = 1,
    Callback2 = 2,
    Callback3 = 3,
}

/// A registered IBackgroundCopyCallback[2/3]: the interface pointer obtained by QueryInterface
/// (holding its own reference), released when the registration is replaced, removed, or the job
/// ends.
#[derive(Debug)]
pub struct CallbackTarget {
    callback: ComPtr,
    level: CallbackLevel,
}

impl CallbackTarget {
    /// Asks the caller's object for Callback3, then Callback2, then Callback. E_NOINTERFACE (or
    /// the object's own QueryInterface failure) when it answers none of them.
    pub fn new(unknown: &ComPtr) -> Result<CallbackTarget, HRESULT> {
        let tries = [
            (&IID_IBackgroundCopyCallback3, CallbackLevel::Callback3),
            (&IID_IBackgroundCopyCallback2, CallbackLevel::Callback2),
            (&IID_IBackgroundCopyCallback, CallbackLevel::Callback),
        ];
        let mut last = crate::abi::hresult::E_NOINTERFACE;
        for (iid, level) in tries {
            match unknown.query(iid) {
                Ok(callback) => return Ok(CallbackTarget { callback, level }),
                Err(hr) => last = hr,
            }
        }
        Err(last)
    }

    /// The registered interface pointer (what GetNotifyInterface returns).
    pub fn unknown(&self) -> &ComPtr {
        &self.callback
    }

    pub fn level(&self) -> CallbackLevel {
        self.level
    }
}

impl NotifyTarget for CallbackTarget {
    fn as_any(&self) -> &dyn Any {
        self
    }
}
