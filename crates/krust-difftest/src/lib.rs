//! Differential testing of krust against the real kustomize binaries.
//!
//! [`gen::tree`] makes a realistic GitOps tree from a seed (bases, an
//! optional component, overlays; every common kind and kustomization field;
//! hostile but valid scalars). [`compare::compare`] renders it with krust in
//! process and with a kustomize oracle (`tests/oracles/install`), and
//! [`shrink::shrink`] cuts a diverging tree down to the smallest one that
//! still diverges, which becomes a golden fixture. The `krust-difftest`
//! binary runs many seeds per version and reports divergences per 10,000.

pub mod compare;
pub mod gen;
pub mod rng;
pub mod scalars;
pub mod shrink;

/// The seed of tree `index` in a run seeded `seed`: runs of different seeds
/// share no trees, and any single tree is reproducible from its own seed.
pub fn tree_seed(seed: u64, index: u64) -> u64 {
    let mut rng = rng::Rng::new(seed ^ index.wrapping_mul(0x2545_F491_4F6C_DD1D));
    rng.next_u64()
}
