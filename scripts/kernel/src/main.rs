//! The notebooks' kernel: evcxr_jupyter 0.22.0's own `main`, built against the patched sources
//! in `.tools/kernel-src/` (see `scripts/kernel/README.md` for what the patch changes and why).

fn main() {
    if let Err(error) = evcxr_jupyter::main() {
        eprintln!("Error: {error:?}");
        std::process::exit(1);
    }
}
