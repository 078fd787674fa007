//! `snn network --export-nest DIR`: the network as a self-contained PyNEST script.
//!
//! NEST (nest-simulator, <https://www.nest-simulator.org>) runs networks on many cores and,
//! where it is built with MPI, on many machines. The script rebuilds exactly the network drawn
//! here: the same synapses (read from binary files beside it), weights, starting potentials
//! and delays; only the Poisson draws differ (NEST's generators). What it translates:
//!
//! - a population of LIF neurons with delta synapses → `iaf_psc_delta` (`E_L = V_rest`,
//!   `V_th`, `V_reset`, `tau_m`, `t_ref`, `V_m` the starting potentials,
//!   `refractory_input = False`: a jump arriving while refractory is lost, as here);
//! - a population of Poisson sources → one `poisson_generator` per source, each through a
//!   `parrot_neuron`, so each source is one train shared by its targets, as here;
//! - a projection → `nest.Connect` of the drawn (source, target) arrays, `one_to_one`, its
//!   weight in mV; the delay `(d + 1)·dt`: here a spike of step `t` acts at the start of step
//!   `t + 1 + d`, in NEST a spike stamped `T` can already act on an input stamped `T` (one
//!   step earlier per projection otherwise);
//! - a Poisson input of `k` trains at `rate` → one `poisson_generator` at `k·rate`, which NEST
//!   draws independently for every target.
//!
//! - a population whose synapses are all current-based (`CurrentExp`) → `iaf_psc_exp`
//!   (`C_m = tau_m / R_m`, 1000·tau_m/R_m pF; `tau_syn_ex` and `tau_syn_in` those of its
//!   positive and negative weights), weights in pA (1000·w nA); its projections' delay `d·dt`:
//!   here the current of a spike of step `t` enters at the start of step `t + 1 + d` and acts
//!   during it, in NEST an arriving current is added after the step's update.
//!
//! Refused with one line: conductance synapses, delta and current synapses into one
//! population, several `tau_syn` for one sign of weight, plasticity (NEST's STDP synapses
//! follow other conventions), given-time and correlated sources, reset by subtraction, Euler
//! integration.

use std::io::Write;
use std::path::Path;

use snn_core::network::{NetworkDescription, Source, Synapse};
use snn_core::{Integration, LifReset, PopId};

fn refuse(what: &str, why: &str) -> String {
    format!("--export-nest: {what}: {why}")
}

fn write_u32(path: &Path, v: impl Iterator<Item = usize>) -> Result<(), String> {
    let bytes: Vec<u8> = v.flat_map(|x| (x as u32).to_le_bytes()).collect();
    std::fs::write(path, bytes).map_err(|e| format!("--export-nest: {}: {e}", path.display()))
}

fn write_f64(path: &Path, v: &[f64]) -> Result<(), String> {
    let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    std::fs::write(path, bytes).map_err(|e| format!("--export-nest: {}: {e}", path.display()))
}

/// "projection k (from -> to)", for a refusal.
fn projection_name(desc: &NetworkDescription, k: usize) -> Result<String, String> {
    let p = &desc.projections()[k];
    let name = |id| {
        desc.population(id)
            .map(|p| p.name().to_string())
            .map_err(|e| e.to_string())
    };
    Ok(format!(
        "projection {k} ({} -> {})",
        name(p.from())?,
        name(p.to())?
    ))
}

const CONDUCTANCE: &str = "conductance synapses are not exported (NEST's iaf_cond_exp has two reversal potentials and integrates otherwise); delta and current-based synapses only";

/// For every population, `Some((tau_syn_ex, tau_syn_in))` when its synapses (projections
/// and Poisson inputs) are all current-based, `None` when none is; refused: delta and
/// current synapses into one population, or several `tau_syn` for one sign of weight.
fn kinds(desc: &NetworkDescription) -> Result<Vec<Option<(f64, f64)>>, String> {
    let mut into: Vec<Vec<(Synapse, bool, bool)>> = vec![Vec::new(); desc.populations().len()];
    for p in desc.projections() {
        let (pos, neg) = match p.weights() {
            Some(ws) => (ws.iter().any(|&w| w > 0.0), ws.iter().any(|&w| w < 0.0)),
            None => (p.synapse().w() > 0.0, p.synapse().w() < 0.0),
        };
        into[p.to().index()].push((p.synapse(), pos, neg));
    }
    for i in desc.inputs() {
        let w = i.synapse().w();
        into[i.to().index()].push((i.synapse(), w > 0.0, w < 0.0));
    }
    let mut out = Vec::with_capacity(into.len());
    for (k, syns) in into.iter().enumerate() {
        let name = desc.populations()[k].name();
        if syns
            .iter()
            .any(|s| matches!(s.0, Synapse::ConductanceExp { .. }))
        {
            return Err(refuse(name, CONDUCTANCE));
        }
        let current = syns
            .iter()
            .filter(|s| matches!(s.0, Synapse::CurrentExp { .. }))
            .count();
        if current == 0 {
            out.push(None);
            continue;
        }
        if current < syns.len() {
            return Err(refuse(name, "delta and current synapses into one population: NEST's iaf_psc_exp takes current-based synapses only"));
        }
        let (mut ex, mut inh) = (None, None);
        for &(s, pos, neg) in syns {
            let Synapse::CurrentExp { tau_syn, .. } = s else {
                continue;
            };
            for (on, slot) in [(pos, &mut ex), (neg, &mut inh)] {
                match *slot {
                    Some(t) if on && t != tau_syn => {
                        return Err(refuse(name, "current synapses with several tau_syn for one sign of weight: NEST's iaf_psc_exp has one for positive and one for negative weights"));
                    }
                    None if on => *slot = Some(tau_syn),
                    _ => {}
                }
            }
        }
        // A sign with no synapse takes the other's tau_syn (or any, when every weight is 0).
        let any = syns.iter().find_map(|s| match s.0 {
            Synapse::CurrentExp { tau_syn, .. } => Some(tau_syn),
            _ => None,
        });
        let (ex, inh) = (ex.or(inh).or(any), inh.or(ex).or(any));
        out.push(ex.zip(inh));
    }
    Ok(out)
}

/// Writes `dir/network.py` and the arrays it reads; `record` the populations it reports.
pub(crate) fn export(
    desc: &NetworkDescription,
    record: &[(String, PopId)],
    duration_ms: f64,
    skip_ms: f64,
    dir: &Path,
) -> Result<String, String> {
    let dt = desc.dt();
    let mut py = String::new();
    let mut files = 0usize;
    std::fs::create_dir_all(dir).map_err(|e| format!("--export-nest: {}: {e}", dir.display()))?;
    for (k, p) in desc.projections().iter().enumerate() {
        if p.plasticity().is_some() {
            let what = projection_name(desc, k)?;
            return Err(refuse(&what, "plastic: NEST's STDP synapses (stdp_synapse and others) follow other conventions; export the network without plasticity"));
        }
    }
    let kinds = kinds(desc)?;
    for (k, p) in desc.populations().iter().enumerate() {
        let var = format!("pops[{k}]");
        let name = p.name();
        match (p.model(), p.source()) {
            (Some(m), _) => {
                // Current-based synapses: iaf_psc_exp (C_m in pF, one tau_syn per sign);
                // delta ones (or none): iaf_psc_delta, input while refractory lost as here.
                let (model, extra) = match kinds[k] {
                    Some((ex, inh)) => (
                        "iaf_psc_exp",
                        format!(
                            "\"C_m\": {:?}, \"tau_syn_ex\": {ex:?}, \"tau_syn_in\": {inh:?}",
                            1000.0 * m.tau_m() / m.r_m()
                        ),
                    ),
                    None => ("iaf_psc_delta", "\"refractory_input\": False".to_string()),
                };
                if m.reset() != LifReset::ToVReset {
                    return Err(refuse(name, &format!("reset by subtraction: NEST's {model} resets to V_reset")));
                }
                if m.integration() != Integration::Exact {
                    return Err(refuse(name, &format!("Euler integration: NEST integrates {model} exactly")));
                }
                write_f64(&dir.join(format!("v0_{k}.f64")), &p.v0())?;
                files += 1;
                py += &format!(
                    "{var} = nest.Create(\"{model}\", {n}, params={{\"E_L\": {el:?}, \"V_th\": {th:?}, \"V_reset\": {vr:?}, \"tau_m\": {tau:?}, \"t_ref\": {tr:?}, {extra}}})\n{var}.V_m = np.fromfile(HERE / \"v0_{k}.f64\", dtype=\"<f8\")  # {name}\n",
                    n = p.n(),
                    el = m.v_rest(),
                    th = m.v_th(),
                    vr = m.v_reset(),
                    tau = m.tau_m(),
                    tr = m.t_ref(),
                );
            }
            (None, Some(Source::Poisson { n, rate_hz })) => {
                py += &format!(
                    "{var} = nest.Create(\"parrot_neuron\", {n})  # {name}: Poisson sources, one train each\nnest.Connect(nest.Create(\"poisson_generator\", {n}, params={{\"rate\": {rate_hz:?}}}), {var}, \"one_to_one\")\n"
                );
            }
            (None, _) => {
                return Err(refuse(
                    name,
                    "given-time and correlated sources are not exported (NEST has spike_generator and mip_generator, with other conventions)",
                ))
            }
        }
    }
    // The populations' first node ids, for Connect by index.
    py += "first = [int(p.tolist()[0]) for p in pops.values()]\n";
    for (k, p) in desc.projections().iter().enumerate() {
        let what = projection_name(desc, k)?;
        // Weight unit and delay: mV and (d + 1)·dt for delta synapses, pA and d·dt for
        // current-based ones (see the module docs).
        let (w, scale, delay) = match p.synapse() {
            Synapse::Delta { w } => (w, 1.0, p.delay_steps() + 1),
            Synapse::CurrentExp { w, .. } => (1000.0 * w, 1000.0, p.delay_steps()),
            Synapse::ConductanceExp { .. } => return Err(refuse(&what, CONDUCTANCE)),
        };
        let pairs = desc.synapse_pairs(k).map_err(|e| e.to_string())?;
        write_u32(
            &dir.join(format!("proj{k}_source.u32")),
            pairs.iter().map(|x| x.0),
        )?;
        write_u32(
            &dir.join(format!("proj{k}_target.u32")),
            pairs.iter().map(|x| x.1),
        )?;
        files += 2;
        let weight = match p.weights() {
            Some(ws) => {
                write_f64(&dir.join(format!("proj{k}_weight.f64")), ws)?;
                files += 1;
                format!("{scale:?} * np.fromfile(HERE / \"proj{k}_weight.f64\", dtype=\"<f8\")")
            }
            None => format!("np.full(len(src), {w:?})"),
        };
        py += &format!(
            "src = np.fromfile(HERE / \"proj{k}_source.u32\", dtype=\"<u4\").astype(np.int64)  # {what}\ntgt = np.fromfile(HERE / \"proj{k}_target.u32\", dtype=\"<u4\").astype(np.int64)\nnest.Connect(first[{f}] + src, first[{t}] + tgt, \"one_to_one\", {{\"weight\": {weight}, \"delay\": np.full(len(src), {delay:?})}})\n",
            f = p.from().index(),
            t = p.to().index(),
            delay = delay as f64 * dt,
        );
    }
    for (k, i) in desc.inputs().iter().enumerate() {
        let w = match i.synapse() {
            Synapse::Delta { w } => w,
            Synapse::CurrentExp { w, .. } => 1000.0 * w,
            Synapse::ConductanceExp { .. } => {
                return Err(refuse(&format!("Poisson input {k}"), CONDUCTANCE))
            }
        };
        py += &format!(
            "nest.Connect(nest.Create(\"poisson_generator\", params={{\"rate\": {r:?}}}), pops[{t}], \"all_to_all\", {{\"weight\": {w:?}, \"delay\": {dt:?}}})  # Poisson input {k}: {kk} trains of {rate:?} Hz\n",
            r = i.k() as f64 * i.rate_hz(),
            t = i.to().index(),
            kk = i.k(),
            rate = i.rate_hz(),
        );
    }
    let rec = record
        .iter()
        .map(|(n, id)| format!("({n:?}, {})", id.index()))
        .collect::<Vec<String>>()
        .join(", ");
    let script = format!(
        r#"#!/usr/bin/env python3
"""A network exported by `snn network --export-nest` (snn-cli {version}), for NEST 3.10.

Rebuilds the network drawn there: the same synapses, weights, starting potentials and delays
(the arrays beside this file); NEST draws its own Poisson spikes. Prints JSON: per recorded
population the mean rate and the mean CV of inter-spike intervals (neurons with at least three
spikes), after leaving out the first --skip-ms, as `snn network` does.

    python network.py [--threads N] [--duration-ms T] [--skip-ms S] [--seed K]

On a cluster, with a NEST built with MPI (the PyPI wheel is not): every process runs this same
script and takes its share of the neurons, e.g. `mpirun -np 4 python network.py --threads 8`;
each process then prints the statistics of its own neurons.
"""
import argparse
import json
import time
from pathlib import Path

import numpy as np
import nest

HERE = Path(__file__).resolve().parent
ap = argparse.ArgumentParser()
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--duration-ms", type=float, default={duration_ms:?})
ap.add_argument("--skip-ms", type=float, default={skip_ms:?})
ap.add_argument("--seed", type=int, default={seed})
args = ap.parse_args()
nest.ResetKernel()
nest.verbosity = nest.VerbosityLevel.ERROR
nest.set(resolution={dt:?}, local_num_threads=args.threads, rng_seed=args.seed + 1)
start = time.perf_counter()
pops = {{}}
{py}RECORD = [{rec}]
recorders = {{}}
for name, k in RECORD:
    recorders[name] = nest.Create("spike_recorder")
    nest.Connect(pops[k], recorders[name])
build_seconds = time.perf_counter() - start
nest.Simulate(args.skip_ms)
for r in recorders.values():
    r.n_events = 0
start = time.perf_counter()
nest.Simulate(args.duration_ms - args.skip_ms)
seconds = time.perf_counter() - start
measured_s = (args.duration_ms - args.skip_ms) / 1000.0
rate, cv = {{}}, {{}}
for name, k in RECORD:
    ev = recorders[name].events
    senders, times = np.asarray(ev["senders"]), np.asarray(ev["times"])
    rate[name] = len(times) / len(pops[k]) / measured_s
    cvs = []
    order = np.lexsort((times, senders))
    senders, times = senders[order], times[order]
    for s in np.unique(senders):
        t = times[senders == s]
        if len(t) >= 3:
            isi = np.diff(t)
            cvs.append(isi.std() / isi.mean())
    cv[name] = float(np.mean(cvs)) if cvs else None
print(json.dumps({{"rate_hz": rate, "cv_isi": cv, "seconds": seconds, "build_seconds": build_seconds,
                  "threads": args.threads, "duration_ms": args.duration_ms, "skip_ms": args.skip_ms}}))
"#,
        version = env!("CARGO_PKG_VERSION"),
        seed = desc.seed(),
    );
    let path = dir.join("network.py");
    let mut f = std::fs::File::create(&path)
        .map_err(|e| format!("--export-nest: {}: {e}", path.display()))?;
    f.write_all(script.as_bytes())
        .map_err(|e| format!("--export-nest: {}: {e}", path.display()))?;
    Ok(format!("{} ({files} array files)", path.display()))
}
