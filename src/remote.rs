//! One shape for every value that comes from the network.

use crate::api::ApiError;

/// A remote value. A reload keeps the previous value so the screen can keep
/// showing it (with a loading marker) instead of blanking.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Remote<T> {
    #[default]
    Idle,
    Loading {
        previous: Option<T>,
    },
    Loaded(T),
    Failed {
        error: ApiError,
        previous: Option<T>,
    },
}

impl<T> Remote<T> {
    /// The freshest value there is, loaded or kept from before a reload.
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Loaded(v) => Some(v),
            Self::Loading { previous } | Self::Failed { previous, .. } => previous.as_ref(),
            Self::Idle => None,
        }
    }

    pub fn is_loading(&self) -> bool {
        matches!(self, Self::Loading { .. })
    }

    pub fn error(&self) -> Option<&ApiError> {
        match self {
            Self::Failed { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Starts a (re)load, keeping what is shown.
    pub fn start_loading(&mut self) {
        let previous = match std::mem::take(self) {
            Self::Loaded(v) => Some(v),
            Self::Loading { previous } | Self::Failed { previous, .. } => previous,
            Self::Idle => None,
        };
        *self = Self::Loading { previous };
    }

    /// Takes a result; a failure keeps the previous value on screen.
    pub fn finish(&mut self, result: Result<T, ApiError>) {
        *self = match result {
            Ok(v) => Self::Loaded(v),
            Err(error) => {
                let previous = match std::mem::take(self) {
                    Self::Loaded(v) => Some(v),
                    Self::Loading { previous } | Self::Failed { previous, .. } => previous,
                    Self::Idle => None,
                };
                Self::Failed { error, previous }
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reload_keeps_rows_and_failure_keeps_them_too() {
        let mut r = Remote::Idle;
        r.start_loading();
        assert!(r.is_loading() && r.value().is_none());
        r.finish(Ok(vec![1, 2]));
        r.start_loading();
        assert_eq!(r.value(), Some(&vec![1, 2]));
        r.finish(Err(ApiError::Config("x".into())));
        assert_eq!(r.value(), Some(&vec![1, 2]));
        assert!(r.error().is_some());
    }
}
