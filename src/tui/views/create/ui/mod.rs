//! Drawing the create-batch view: the form, the review (and sending), the
//! result, and the template and draft dialogs.

pub mod form;
pub mod modal;
pub mod result;
pub mod review;
