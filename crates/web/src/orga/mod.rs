//! The organizers' surface: here, the decision mails of an event's CFP.

pub(crate) mod mail;
