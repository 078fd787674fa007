//! A NIR graph drawn as SVG: its nodes as boxes along the chain, with their type and shape.

use crate::graph::NirGraph;

/// Escapes text for SVG.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

impl NirGraph {
    /// The graph as an SVG drawing: one box per node (name, NIR type, shape) joined by arrows
    /// along the edges, in chain order from the input when the graph is a chain (else in the
    /// order of `nodes`), and the metadata keys below.
    pub fn svg(&self) -> String {
        let order: Vec<(String, String)> = match self.chain() {
            Ok(chain) => chain
                .iter()
                .map(|(name, n)| (name.to_string(), n.describe()))
                .collect(),
            Err(_) => self
                .nodes
                .iter()
                .map(|(name, n)| (name.clone(), n.describe()))
                .collect(),
        };
        let (bw, bh, gap, pad) = (150, 64, 40, 20);
        let width = pad * 2 + order.len() as i32 * bw + (order.len() as i32 - 1).max(0) * gap;
        let height = 190;
        let mut out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<defs><marker id=\"arrow\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L10,4 L0,8 z\" fill=\"#444\"/></marker></defs>\n<text x=\"{pad}\" y=\"26\" font-size=\"17\">NIR graph: {} nodes, {} edges</text>\n",
            self.nodes.len(),
            self.edges.len()
        );
        let x_of = |k: usize| pad + k as i32 * (bw + gap);
        let y = 50;
        for (k, (name, what)) in order.iter().enumerate() {
            let x = x_of(k);
            out.push_str(&format!(
                "<rect x=\"{x}\" y=\"{y}\" width=\"{bw}\" height=\"{bh}\" rx=\"8\" fill=\"#E8F1F8\" stroke=\"#0072B2\" stroke-width=\"2\"/>\n<text x=\"{}\" y=\"{}\" font-size=\"15\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>\n<text x=\"{}\" y=\"{}\" font-size=\"13\" text-anchor=\"middle\">{}</text>\n",
                x + bw / 2,
                y + 26,
                esc(name),
                x + bw / 2,
                y + 48,
                esc(what)
            ));
            if k + 1 < order.len() {
                let has_edge = self
                    .edges
                    .iter()
                    .any(|(a, b)| a == name && *b == order[k + 1].0);
                if has_edge {
                    out.push_str(&format!(
                        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#444\" stroke-width=\"2\" marker-end=\"url(#arrow)\"/>\n",
                        x + bw,
                        y + bh / 2,
                        x + bw + gap - 2,
                        y + bh / 2
                    ));
                }
            }
        }
        let keys: Vec<&str> = self.metadata.iter().map(|(k, _)| k.as_str()).collect();
        if !keys.is_empty() {
            out.push_str(&format!(
                "<text x=\"{pad}\" y=\"{}\" font-size=\"12\" fill=\"#444\">metadata: {}</text>\n",
                y + bh + 40,
                esc(&keys.join(", "))
            ));
        }
        out.push_str("</svg>\n");
        out
    }

    /// Shows the drawing under a notebook cell (evcxr calls this for the value a cell ends
    /// with).
    pub fn evcxr_display(&self) {
        println!(
            "EVCXR_BEGIN_CONTENT image/svg+xml\n{}\nEVCXR_END_CONTENT",
            self.svg()
        );
    }
}
