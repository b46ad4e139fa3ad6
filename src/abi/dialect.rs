//! The error dialect of the current call. Jobs made through CLSID_DeliveryOptimization speak
//! Delivery Optimization's codes where the BITS methods have a DO equivalent (`spec/do.md` §8,
//! `spec/errors.md` §4): the object a thunk resolves marks the call, and `com_call!` translates
//! the HRESULT it returns. Calls nest (a caller's callback may call back in), so each call saves
//! and restores the mark.

use core::cell::Cell;

use super::hresult::*;
use super::types::HRESULT;

thread_local! {
    static DO_DIALECT: Cell<bool> = const { Cell::new(false) };
}

/// One call's dialect scope: entered by `com_call!`, restores the outer call's mark on drop.
pub struct Scope {
    outer: bool,
}

impl Scope {
    pub fn enter() -> Scope {
        Scope { outer: DO_DIALECT.with(|d| d.replace(false)) }
    }

    /// The call's HRESULT in its dialect.
    pub fn translate(&self, hr: HRESULT) -> HRESULT {
        if !DO_DIALECT.with(|d| d.get()) {
            return hr;
        }
        match hr {
            BG_E_INVALID_STATE => DO_E_INVALID_STATE,
            BG_E_EMPTY => DO_E_JOB_EMPTY,
            BG_E_ERROR_INFORMATION_UNAVAILABLE => DO_E_ERROR_INFORMATION_UNAVAILABLE,
            BG_E_FILE_NOT_AVAILABLE => DO_E_FILE_NOT_AVAILABLE,
            BG_E_NOT_FOUND => DO_E_JOB_NOT_FOUND,
            other => other,
        }
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        let outer = self.outer;
        DO_DIALECT.with(|d| d.set(outer));
    }
}

/// Marks the current call as one on a Delivery Optimization object.
pub fn use_do_codes() {
    DO_DIALECT.with(|d| d.set(true));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_marked_calls_translate_and_scopes_nest() {
        let outer = Scope::enter();
        assert_eq!(outer.translate(BG_E_EMPTY), BG_E_EMPTY);
        use_do_codes();
        {
            let inner = Scope::enter();
            assert_eq!(inner.translate(BG_E_INVALID_STATE), BG_E_INVALID_STATE, "a nested call starts unmarked");
        }
        assert_eq!(outer.translate(BG_E_INVALID_STATE), DO_E_INVALID_STATE, "the outer mark is back");
        assert_eq!(outer.translate(BG_E_NOT_FOUND), DO_E_JOB_NOT_FOUND);
        assert_eq!(outer.translate(E_INVALIDARG), E_INVALIDARG);
        drop(outer);
        assert!(!DO_DIALECT.with(|d| d.get()));
    }
}
