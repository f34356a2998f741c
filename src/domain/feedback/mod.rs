//! Structured feedback: the document a hiring manager writes, its validation, and the review
//! workflow that guards it until HR releases it to the candidate.

mod document;
pub mod quality;
mod validate;
mod workflow;

pub use document::{
    ActionKind, Assessment, DevelopmentAction, FeedbackDocument, Horizon, ImprovementArea, Level,
    Readiness, ReadinessEstimate,
};
pub use quality::QualityEnforcement;
pub use validate::{internal_notes, AllowedKeys};
pub use workflow::{transition, FeedbackAction, FeedbackStatus, ReviewPolicy};
