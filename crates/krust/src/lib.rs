//! krust
