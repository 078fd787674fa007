//! What the chart tests read from an SVG, shared by chart_marks.rs and chart_values.rs.

#![allow(dead_code)]

/// A `<text>` element: content, x, y, text-anchor, fill.
pub struct Text {
    pub s: String,
    pub x: f64,
    pub y: f64,
    pub anchor: String,
    pub fill: String,
}

/// Everything the checks read from an SVG: texts, polylines (stroke, points), circles
/// (fill, centre) and rectangles (fill, x, y, width, height).
pub struct Svg {
    pub texts: Vec<Text>,
    pub lines: Vec<Line>,
    pub dots: Vec<(String, f64, f64)>,
    pub rects: Vec<(String, [f64; 4])>,
}

/// A `<polyline>`: its stroke colour and points.
pub struct Line {
    pub stroke: String,
    pub points: Vec<(f64, f64)>,
}

pub fn parse(svg: &str) -> Svg {
    let doc = roxmltree::Document::parse(svg).expect("chart is well-formed XML");
    let num = |n: roxmltree::Node, a: &str| n.attribute(a).and_then(|v| v.parse::<f64>().ok());
    let attr = |n: roxmltree::Node, a: &str| n.attribute(a).unwrap_or("").to_string();
    let nodes = |tag: &'static str| doc.descendants().filter(move |n| n.has_tag_name(tag));
    Svg {
        texts: nodes("text")
            .filter_map(|n| {
                Some(Text {
                    s: n.text()?.trim().to_string(),
                    x: num(n, "x")?,
                    y: num(n, "y")?,
                    anchor: n.attribute("text-anchor").unwrap_or("start").to_string(),
                    fill: attr(n, "fill"),
                })
            })
            .collect(),
        lines: nodes("polyline")
            .map(|n| {
                let points = attr(n, "points")
                    .split_whitespace()
                    .filter_map(|p| {
                        let (x, y) = p.split_once(',')?;
                        Some((x.parse().ok()?, y.parse().ok()?))
                    })
                    .collect();
                Line {
                    stroke: attr(n, "stroke"),
                    points,
                }
            })
            .collect(),
        dots: nodes("circle")
            .filter_map(|n| Some((attr(n, "fill"), num(n, "cx")?, num(n, "cy")?)))
            .collect(),
        rects: nodes("rect")
            .filter_map(|n| {
                Some((
                    attr(n, "fill"),
                    [
                        num(n, "x")?,
                        num(n, "y")?,
                        num(n, "width")?,
                        num(n, "height")?,
                    ],
                ))
            })
            .collect(),
    }
}
