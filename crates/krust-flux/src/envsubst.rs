//! Flux's post-build variable substitution (to be written).
