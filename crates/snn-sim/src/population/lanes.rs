//! Register lanes: a group of neurons held in registers with time innermost, compiled for AVX2 where the CPU has it.

use super::*;

/// Bytes of state per lane group in [`lanes`]: 64 `f32` or 32 `f64` neurons, eight AVX2
/// registers, enough independent update chains to hide the latency of each step.
pub(crate) const LANE_BYTES: usize = 256;

/// The run with time innermost: a group of `LANES` neurons (64 `f32`, 32 `f64`: see
/// [`Real`]) is held in registers and stepped through every step before the next group is
/// loaded, so the state never touches memory inside the run. Only for runs that need nothing
/// per step from the population as a whole: no spike events, no traces, and a drive that is
/// constant per neuron or shared per step. Leftover neurons (fewer than a group) go through
/// [`run_block`]. Returns false, having done nothing, when not applicable.
#[inline(always)]
fn run_lanes<F: Precision, const LANES: usize>(job: &Job<'_, F>, n: &mut Neurons<'_, F>) -> bool {
    let (k, drive, steps, lo) = (job.k, &job.drive, job.steps, n.lo);
    let lane_drive = match drive {
        Source::Constant(x) => LaneDrive::Fixed(Some(k.offset + k.gain * *x)),
        Source::PerNeuron(_) => LaneDrive::Fixed(None),
        Source::Shared(_) => LaneDrive::Shared(job.shared),
        Source::Matrix(..) => return false,
    };
    let per_neuron = |j: usize| match drive {
        Source::PerNeuron(i) => k.offset + k.gain * i[lo + j],
        _ => F::zero(),
    };
    macro_rules! go {
        ($relax:literal, $refr:literal, $sub:literal) => {
            lanes::<F, LANES, $relax, $refr, $sub>(k, n, steps, lane_drive, per_neuron)
        };
    }
    let done = by_switches!(k, go);
    if done < n.len() {
        run_block(job, n.tail(done), None, &mut None);
    }
    true
}

/// [`run_lanes`] at its fastest here: compiled for AVX2 on x86-64, chosen when the CPU has
/// it (checked once per block, outside the loops), or for the baseline of other targets.
/// Returns false, having done nothing, on an x86-64 CPU without AVX2 (then [`run_block`]
/// serves) or for a drive the lanes cannot take.
pub(crate) fn run_lanes_best<F: Precision, const LANES: usize>(
    job: &Job<'_, F>,
    n: &mut Neurons<'_, F>,
) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { run_lanes_avx2::<F, LANES>(job, n) };
        }
        false
    }
    #[cfg(not(target_arch = "x86_64"))]
    run_lanes::<F, LANES>(job, n)
}

/// [`run_lanes`] compiled for AVX2 (wider vectors, the same results).
///
/// # Safety
/// The CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn run_lanes_avx2<F: Precision, const LANES: usize>(
    job: &Job<'_, F>,
    n: &mut Neurons<'_, F>,
) -> bool {
    run_lanes::<F, LANES>(job, n)
}

#[derive(Clone, Copy)]
enum LaneDrive<'a, F> {
    /// The same drive every step: one value for all (`Some`) or one per neuron (`None`).
    Fixed(Option<F>),
    /// One drive per step, the same for every neuron.
    Shared(&'a [F]),
}

/// The register-resident loop of [`run_lanes`]; returns how many neurons it stepped (a
/// multiple of `LANES`).
#[inline(always)]
fn lanes<F: Precision, const LANES: usize, const RELAX: bool, const REF: bool, const SUB: bool>(
    k: &Kernel<F>,
    neurons: &mut Neurons<'_, F>,
    steps: usize,
    drive: LaneDrive<'_, F>,
    per_neuron: impl Fn(usize) -> F,
) -> usize {
    let Neurons { v, r, s, c, .. } = neurons;
    let n = v.len() / LANES * LANES;
    for base in (0..n).step_by(LANES) {
        let mut vv = [F::zero(); LANES];
        let mut rr = [0u32; LANES];
        let mut cc = [0u32; LANES];
        let mut dd = [F::zero(); LANES];
        let mut last = [false; LANES];
        for l in 0..LANES {
            vv[l] = v[base + l];
            rr[l] = r[base + l];
            dd[l] = match drive {
                LaneDrive::Fixed(Some(x)) => x,
                _ => per_neuron(base + l),
            };
        }
        // Written out, with no closure or helper call inside: notebooks may build snn-core
        // with incremental codegen, which does not inline those, and a call per neuron and
        // step would stop the loop vectorising.
        macro_rules! step {
            ($l:ident, $dj:expr) => {
                for $l in 0..LANES {
                    let spike = neuron_step!(k, RELAX, REF, SUB, vv[$l], rr[$l], $dj);
                    cc[$l] = cc[$l].wrapping_add(spike as u32);
                    last[$l] = spike;
                }
            };
        }
        match drive {
            LaneDrive::Fixed(_) => {
                for _ in 0..steps {
                    step!(l, dd[l]);
                }
            }
            LaneDrive::Shared(d) => {
                for &x in &d[..steps] {
                    step!(l, x);
                }
            }
        }
        for l in 0..LANES {
            v[base + l] = vv[l];
            r[base + l] = rr[l];
            c[base + l] = c[base + l].wrapping_add(cc[l]);
            s[base + l] = last[l];
        }
    }
    n
}
