//! Reading a git revision's tree into krust's in-memory filesystem.
