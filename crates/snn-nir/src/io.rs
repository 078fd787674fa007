//! Reading and writing NIR graph files (see the crate docs' "File layout").

use std::path::Path;

use hdf5_pure::{DType, File, FileBuilder, GroupBuilder};
use ndarray::{Array1, Array2};

use crate::graph::{Meta, NirGraph, Node};
use crate::{NirError, Result, NIR_VERSION};

fn h5(e: impl std::fmt::Display) -> NirError {
    NirError::Format(e.to_string())
}

/// Writes `graph` to `path` (see the [crate docs](crate) for the layout).
///
/// # Errors
/// A graph with no nodes, a node name that is empty or holds `/`, or a file that cannot be
/// written.
pub fn write(graph: &NirGraph, path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
    let bytes = to_bytes(graph)?;
    std::fs::write(path, bytes).map_err(|e| NirError::File {
        path: path.display().to_string(),
        why: e.to_string(),
    })
}

/// The bytes of the file [`write()`](fn@crate::write) writes.
///
/// # Errors
/// As [`write()`](fn@crate::write).
pub fn to_bytes(graph: &NirGraph) -> Result<Vec<u8>> {
    if graph.nodes.is_empty() {
        return Err(NirError::Format("a graph needs at least one node".into()));
    }
    for (name, _) in &graph.nodes {
        if name.is_empty() || name.contains('/') || name == "." {
            return Err(NirError::Format(format!("bad node name {name:?}")));
        }
    }
    let mut b = FileBuilder::new();
    b.create_dataset("version")
        .with_vlen_strings(&[NIR_VERSION])
        .with_shape(&[]);
    let mut node = b.create_group("node");
    text(&mut node, "type", "NIRGraph");
    let flat: Vec<&str> = graph
        .edges
        .iter()
        .flat_map(|(a, b)| [a.as_str(), b.as_str()])
        .collect();
    node.create_dataset("edges")
        .with_vlen_strings(&flat)
        .with_shape(&[graph.edges.len() as u64, 2]);
    let mut nodes = node.create_group("nodes");
    let mut sorted: Vec<&(String, Node)> = graph.nodes.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, n) in sorted {
        let mut g = nodes.create_group(name);
        write_node(&mut g, n);
        nodes.add_group(g.finish());
    }
    node.add_group(nodes.finish());
    if !graph.metadata.is_empty() {
        let mut meta = node.create_group("metadata");
        let mut sorted: Vec<&(String, Meta)> = graph.metadata.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, m) in sorted {
            match m {
                Meta::Text(s) => text(&mut meta, key, s),
                Meta::Numbers { values, shape } => {
                    let shape: Vec<u64> = shape.iter().map(|&d| d as u64).collect();
                    meta.create_dataset(key)
                        .with_f64_data(values)
                        .with_shape(&shape);
                }
            }
        }
        node.add_group(meta.finish());
    }
    b.add_group(node.finish());
    b.finish().map_err(h5)
}

fn text(g: &mut GroupBuilder, name: &str, value: &str) {
    g.create_dataset(name)
        .with_vlen_strings(&[value])
        .with_shape(&[]);
}

fn vector(g: &mut GroupBuilder, name: &str, v: &[f64]) {
    g.create_dataset(name)
        .with_f64_data(v)
        .with_shape(&[v.len() as u64]);
}

fn matrix(g: &mut GroupBuilder, name: &str, m: &Array2<f64>) {
    let data: Vec<f64> = m.iter().copied().collect(); // row-major
    g.create_dataset(name)
        .with_f64_data(&data)
        .with_shape(&[m.nrows() as u64, m.ncols() as u64]);
}

fn write_node(g: &mut GroupBuilder, n: &Node) {
    text(g, "type", n.type_name());
    match n {
        Node::Input { shape } | Node::Output { shape } => {
            g.create_dataset("shape")
                .with_i64_data(shape)
                .with_shape(&[shape.len() as u64]);
        }
        Node::Affine { weight, bias } => {
            matrix(g, "weight", weight);
            vector(g, "bias", &bias.to_vec());
        }
        Node::Linear { weight } => matrix(g, "weight", weight),
        Node::Lif {
            tau,
            r,
            v_leak,
            v_threshold,
            v_reset,
        } => {
            vector(g, "tau", tau);
            vector(g, "r", r);
            vector(g, "v_leak", v_leak);
            vector(g, "v_threshold", v_threshold);
            vector(g, "v_reset", v_reset);
        }
        Node::CubaLif {
            tau_syn,
            tau_mem,
            r,
            v_leak,
            v_threshold,
            v_reset,
            w_in,
        } => {
            vector(g, "tau_syn", tau_syn);
            vector(g, "tau_mem", tau_mem);
            vector(g, "r", r);
            vector(g, "v_leak", v_leak);
            vector(g, "v_threshold", v_threshold);
            vector(g, "v_reset", v_reset);
            vector(g, "w_in", w_in);
        }
        Node::If {
            r,
            v_threshold,
            v_reset,
        } => {
            vector(g, "r", r);
            vector(g, "v_threshold", v_threshold);
            vector(g, "v_reset", v_reset);
        }
    }
}

/// Reads a NIR graph from `path`: files of [`write()`](fn@crate::write) and of the reference `nir.write`
/// (compressed or not, `f32` or `f64`), with the node types of [`Node`].
///
/// # Errors
/// A file that cannot be read or is not HDF5, no `node` group of type `NIRGraph`, a node
/// type this crate does not know, or a parameter missing or of the wrong shape.
pub fn read(path: impl AsRef<Path>) -> Result<NirGraph> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| NirError::File {
        path: path.display().to_string(),
        why: e.to_string(),
    })?;
    from_bytes(bytes)
}

/// Reads a NIR graph from the bytes of a file (see [`read`]).
///
/// # Errors
/// As [`read`].
pub fn from_bytes(bytes: Vec<u8>) -> Result<NirGraph> {
    let file = File::from_bytes(bytes).map_err(|e| NirError::Format(format!("not HDF5: {e}")))?;
    let root = file
        .group("node")
        .map_err(|_| NirError::Format("no group \"node\" at the root".into()))?;
    let kind = string(&root, "type")?;
    if kind != "NIRGraph" {
        return Err(NirError::Unsupported(format!(
            "the root node is a {kind}, not a NIRGraph"
        )));
    }
    let flat = root
        .dataset("edges")
        .and_then(|d| d.read_string())
        .map_err(|_| NirError::Format("the graph has no readable \"edges\"".into()))?;
    if flat.len() % 2 != 0 {
        return Err(NirError::Format("edges must be pairs".into()));
    }
    let edges = flat
        .chunks(2)
        .map(|p| (p[0].clone(), p[1].clone()))
        .collect();
    let nodes_group = root
        .group("nodes")
        .map_err(|_| NirError::Format("the graph has no \"nodes\" group".into()))?;
    let mut nodes = Vec::new();
    for name in nodes_group.groups().map_err(h5)? {
        let g = nodes_group.group(&name).map_err(h5)?;
        nodes.push((name.clone(), read_node(&g, &name)?));
    }
    let mut metadata = Vec::new();
    if root.groups().map_err(h5)?.iter().any(|g| g == "metadata") {
        let meta = root.group("metadata").map_err(h5)?;
        for key in meta.datasets().map_err(h5)? {
            let d = meta.dataset(&key).map_err(h5)?;
            let value = match d.dtype().map_err(h5)? {
                DType::String | DType::VariableLengthString => {
                    Meta::Text(d.read_string().map_err(h5)?.concat())
                }
                _ => match d.read_f64() {
                    Ok(values) => Meta::Numbers {
                        values,
                        shape: d.shape().map_err(h5)?.iter().map(|&x| x as usize).collect(),
                    },
                    // Metadata of a kind we do not read (references, compounds) is skipped.
                    Err(_) => continue,
                },
            };
            metadata.push((key, value));
        }
    }
    Ok(NirGraph {
        nodes,
        edges,
        metadata,
    })
}

fn string(g: &hdf5_pure::Group, name: &str) -> Result<String> {
    g.dataset(name)
        .and_then(|d| d.read_string())
        .map(|v| v.concat())
        .map_err(|_| NirError::Format(format!("no readable string {name:?}")))
}

fn numbers(g: &hdf5_pure::Group, node: &str, name: &str) -> Result<(Vec<f64>, Vec<usize>)> {
    let d = g
        .dataset(name)
        .map_err(|_| NirError::Format(format!("node {node:?} has no {name:?}")))?;
    let values = d
        .read_f64()
        .map_err(|e| NirError::Format(format!("node {node:?}: {name:?}: {e}")))?;
    let shape = d.shape().map_err(h5)?.iter().map(|&x| x as usize).collect();
    Ok((values, shape))
}

fn vec_of(g: &hdf5_pure::Group, node: &str, name: &str) -> Result<Vec<f64>> {
    let (v, shape) = numbers(g, node, name)?;
    if shape.len() > 1 {
        return Err(NirError::Unsupported(format!(
            "node {node:?}: {name:?} has shape {shape:?}; only 1-D layers are supported"
        )));
    }
    Ok(v)
}

fn matrix_of(g: &hdf5_pure::Group, node: &str, name: &str) -> Result<Array2<f64>> {
    let (v, shape) = numbers(g, node, name)?;
    let [rows, cols] = shape.as_slice() else {
        return Err(NirError::Unsupported(format!(
            "node {node:?}: {name:?} has shape {shape:?}; only 2-D weights are supported"
        )));
    };
    Array2::from_shape_vec((*rows, *cols), v).map_err(h5)
}

fn same_len(node: &str, params: &[(&str, &Vec<f64>)]) -> Result<()> {
    let n = params[0].1.len();
    if let Some((name, v)) = params.iter().find(|(_, v)| v.len() != n) {
        return Err(NirError::Format(format!(
            "node {node:?}: {name:?} has {} values, {:?} has {n}",
            v.len(),
            params[0].0
        )));
    }
    Ok(())
}

fn read_node(g: &hdf5_pure::Group, name: &str) -> Result<Node> {
    let kind = string(g, "type")?;
    let has = |key: &str| {
        g.datasets()
            .map(|d| d.iter().any(|x| x == key))
            .unwrap_or(false)
    };
    // A parameter older files leave out, with its default.
    let optional = |key: &str, default: f64, n: usize| -> Result<Vec<f64>> {
        if has(key) {
            vec_of(g, name, key)
        } else {
            Ok(vec![default; n])
        }
    };
    Ok(match kind.as_str() {
        "Input" | "Output" => {
            let d = g
                .dataset("shape")
                .map_err(|_| NirError::Format(format!("node {name:?} has no shape")))?;
            let shape = d.read_i64().map_err(h5)?;
            if kind == "Input" {
                Node::Input { shape }
            } else {
                Node::Output { shape }
            }
        }
        "Affine" => {
            let weight = matrix_of(g, name, "weight")?;
            let bias = Array1::from(vec_of(g, name, "bias")?);
            if bias.len() != weight.nrows() {
                return Err(NirError::Format(format!(
                    "node {name:?}: bias has {} values for {} outputs",
                    bias.len(),
                    weight.nrows()
                )));
            }
            Node::Affine { weight, bias }
        }
        "Linear" => Node::Linear {
            weight: matrix_of(g, name, "weight")?,
        },
        "LIF" => {
            let tau = vec_of(g, name, "tau")?;
            let r = vec_of(g, name, "r")?;
            let v_leak = vec_of(g, name, "v_leak")?;
            let v_threshold = vec_of(g, name, "v_threshold")?;
            // Files before NIR 1.0 have no v_reset: it was 0.
            let v_reset = optional("v_reset", 0.0, v_threshold.len())?;
            same_len(
                name,
                &[
                    ("tau", &tau),
                    ("r", &r),
                    ("v_leak", &v_leak),
                    ("v_threshold", &v_threshold),
                    ("v_reset", &v_reset),
                ],
            )?;
            Node::Lif {
                tau,
                r,
                v_leak,
                v_threshold,
                v_reset,
            }
        }
        "CubaLIF" => {
            let tau_syn = vec_of(g, name, "tau_syn")?;
            let tau_mem = vec_of(g, name, "tau_mem")?;
            let r = vec_of(g, name, "r")?;
            let v_leak = vec_of(g, name, "v_leak")?;
            let v_threshold = vec_of(g, name, "v_threshold")?;
            let v_reset = optional("v_reset", 0.0, v_threshold.len())?;
            let w_in = optional("w_in", 1.0, v_threshold.len())?;
            same_len(
                name,
                &[
                    ("tau_syn", &tau_syn),
                    ("tau_mem", &tau_mem),
                    ("r", &r),
                    ("v_leak", &v_leak),
                    ("v_threshold", &v_threshold),
                    ("v_reset", &v_reset),
                    ("w_in", &w_in),
                ],
            )?;
            Node::CubaLif {
                tau_syn,
                tau_mem,
                r,
                v_leak,
                v_threshold,
                v_reset,
                w_in,
            }
        }
        "IF" => {
            let r = vec_of(g, name, "r")?;
            let v_threshold = vec_of(g, name, "v_threshold")?;
            let v_reset = optional("v_reset", 0.0, v_threshold.len())?;
            same_len(
                name,
                &[("r", &r), ("v_threshold", &v_threshold), ("v_reset", &v_reset)],
            )?;
            Node::If {
                r,
                v_threshold,
                v_reset,
            }
        }
        other => {
            return Err(NirError::Unsupported(format!(
                "node {name:?} is a {other}; this reader knows Input, Output, Affine, Linear, LIF, CubaLIF and IF"
            )))
        }
    })
}
