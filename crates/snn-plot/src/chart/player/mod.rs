//! Sweeps and animations: many charts in one self-contained HTML output with a small player,
//! so a learner can move a parameter or watch a run unfold with no kernel round trip.
//!
//! Every frame is a [`Chart`] the crate already draws, built in Rust before anything is
//! shown; the browser only swaps pictures. The output is one `text/html` block: the first
//! frame as an `<img>` (a static chart wherever scripts do not run, for example a saved
//! notebook opened untrusted, with one line saying how to make it interactive), the frames'
//! data in a JSON block, and a script of a few dozen lines that adds the controls. Nothing is
//! fetched from the network: no external scripts, fonts or styles.
//!
//! Size: the frames' SVG lines are stored once each however many frames use them (axes,
//! legends, labels, unchanged marks), and each frame is a list of line numbers. An output
//! over [`MAX_PLAYER_BYTES`] is refused with [`SnnError::OutputTooLarge`] before it is built.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

mod page;

use super::*;
use page::{base64, escape, fnv1a, json_string, PLAYER_JS};

/// The largest HTML output a sweep or animation may have: 5 MB. JupyterLab keeps every
/// output in the notebook file and the page; beyond a few MB both become slow to save, load
/// and scroll.
pub const MAX_PLAYER_BYTES: usize = 5_000_000;

/// The tallest a player shows a frame, in pixels: with its slider and buttons it fits a
/// 1,000-pixel-high screen.
pub const MAX_FRAME_PX: u32 = 720;

/// The most frames a sweep or animation may have.
pub const MAX_FRAMES: usize = 400;

/// A parameter swept over a list of values, with one chart per value, shown as one output
/// with a slider labelled with the parameter and its current value (arrow keys and buttons
/// step through it).
///
/// # Examples
/// ```
/// use snn_plot::chart::{self, Sweep};
/// let sweep = Sweep::new("bits", "", &[1.0, 2.0, 3.0], |b| {
///     chart::spike_train(&vec![1; b as usize], &format!("bits = {b}"))
/// })?;
/// assert_eq!(sweep.len(), 3);
/// assert!(sweep.html().contains("bits"));
/// # Ok::<(), snn_sim::SnnError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Sweep {
    player: Player,
}

/// A simulation shown in time: one chart per moment (a membrane trace drawn up to step t, a
/// raster filling in), with play/pause, step buttons, a speed choice and a time slider.
#[derive(Debug, Clone)]
pub struct Animation {
    player: Player,
}

#[derive(Debug, Clone)]
struct Player {
    kind: &'static str,
    name: String,
    unit: String,
    values: Vec<f64>,
    frames: Vec<Chart>,
    start: usize,
    interval_ms: u32,
}

impl Sweep {
    /// One chart per value of the parameter `name` (in `unit`, "" for none), drawn by
    /// `chart(value)`, in the order given. The slider starts at the first value.
    ///
    /// # Errors
    /// [`SnnError::Empty`] for no values; [`SnnError::TooFew`] above [`MAX_FRAMES`]
    /// values (as "frames"); [`SnnError::NonFinite`] for a value that is not finite;
    /// [`SnnError::OutputTooLarge`] when the output would exceed [`MAX_PLAYER_BYTES`] (checked
    /// on the first chart, before the others are drawn, and again on all of them); any error
    /// of `chart`.
    pub fn new(
        name: &str,
        unit: &str,
        values: &[f64],
        chart: impl FnMut(f64) -> Result<Chart>,
    ) -> Result<Sweep> {
        check_finite("sweep values", values.iter().copied())?;
        let player = Player::build("sweep", name, unit, values.to_vec(), chart)?;
        Ok(Sweep { player })
    }

    /// As [`new`](Self::new), with the slider starting at exactly `start` (for example the
    /// value of the parameter cell, so the first frame shows what the chart above it shows):
    /// `start` is added to the values, in order, when it is not one of them.
    ///
    /// # Errors
    /// As [`new`](Self::new); [`SnnError::NonFinite`] for a `start` that is not finite.
    pub fn starting_at(
        name: &str,
        unit: &str,
        values: &[f64],
        start: f64,
        chart: impl FnMut(f64) -> Result<Chart>,
    ) -> Result<Sweep> {
        check_finite("sweep values", values.iter().copied())?;
        snn_sim::check::finite("start", start)?;
        let mut values = values.to_vec();
        let at = match values.iter().position(|&v| v == start) {
            Some(k) => k,
            None => {
                let ascending = values.windows(2).all(|w| w[0] <= w[1]);
                let k = if ascending {
                    values.partition_point(|&v| v < start)
                } else {
                    values.len()
                };
                values.insert(k, start);
                k
            }
        };
        let mut player = Player::build("sweep", name, unit, values, chart)?;
        player.start = at;
        Ok(Sweep { player })
    }

    /// Starts the slider at the value nearest `value`, instead of the first (to start at
    /// exactly a value that may not be one of the swept ones, use
    /// [`starting_at`](Self::starting_at)).
    pub fn start_at(mut self, value: f64) -> Sweep {
        self.player.start = nearest(&self.player.values, value);
        self
    }
}

impl Animation {
    /// One chart per moment `times[k]` (in `unit`, e.g. "ms"), drawn by `chart(k)`; `label`
    /// names the time axis ("t"). Plays at `fps` frames per second at 1x speed.
    ///
    /// # Errors
    /// As [`Sweep::new`]; [`SnnError::OutOfRange`] for `fps` outside 1 to 60.
    pub fn new(
        label: &str,
        unit: &str,
        times: &[f64],
        fps: u32,
        mut chart: impl FnMut(usize) -> Result<Chart>,
    ) -> Result<Animation> {
        check_finite("animation times", times.iter().copied())?;
        if !(1..=60).contains(&fps) {
            return Err(SnnError::OutOfRange {
                name: "fps",
                range: "1 to 60",
                value: f64::from(fps),
            });
        }
        let index: Vec<f64> = (0..times.len()).map(|k| k as f64).collect();
        let mut player = Player::build("animation", label, unit, index, |k| chart(k as usize))?;
        player.values = times.to_vec();
        player.interval_ms = 1000 / fps;
        Ok(Animation { player })
    }

    /// The membrane chart of `result` (see [`membrane`](super::membrane)) drawn up to each of
    /// `frames` moments spread evenly over the run, on the axes of the whole run, with the
    /// time of each frame in its title. Units as for [`membrane`](super::membrane).
    ///
    /// # Errors
    /// As [`membrane`](super::membrane) and [`Animation::new`]; [`SnnError::Zero`] for no
    /// frames.
    pub fn membrane<F: Real>(
        result: &SimResult<F>,
        v_unit: &str,
        i_unit: &str,
        time_unit: &str,
        title: &str,
        frames: usize,
    ) -> Result<Animation> {
        snn_sim::check::nonzero("frames", frames)?;
        let r = result.to_f64();
        let frames = frames.min(r.steps());
        let steps: Vec<usize> = (1..=frames).map(|k| k * r.steps() / frames).collect();
        let times: Vec<f64> = steps.iter().map(|&s| s as f64 * r.dt()).collect();
        Animation::new("t", time_unit, &times, 10, |k| {
            let t = times[k];
            super::membrane::membrane_until(
                &r,
                v_unit,
                i_unit,
                time_unit,
                &format!("{title}, t = {} {time_unit}", num(t)),
                steps[k],
            )
        })
    }
}

impl Animation {
    /// A raster (see [`raster`](super::raster)) filling in: frame `k` shows the spikes up to
    /// its moment, for `frames` moments spread evenly over the run, with the time in each
    /// title. Arguments as for [`raster`](super::raster).
    ///
    /// # Errors
    /// As [`raster`](super::raster) and [`Animation::new`]; [`SnnError::Zero`] for no frames.
    #[allow(clippy::too_many_arguments)]
    pub fn raster(
        spikes: &SpikeTrains,
        n: usize,
        steps: usize,
        dt: f64,
        time_unit: &str,
        bins: usize,
        title: &str,
        frames: usize,
    ) -> Result<Animation> {
        snn_sim::check::nonzero("frames", frames)?;
        snn_sim::check::nonzero("steps", steps)?;
        snn_sim::check::positive("dt", "", dt)?;
        let frames = frames.min(steps);
        let ends: Vec<usize> = (1..=frames).map(|k| k * steps / frames).collect();
        let times: Vec<f64> = ends.iter().map(|&s| s as f64 * dt).collect();
        Animation::new("t", time_unit, &times, 10, |k| {
            let upto = spikes.before(ends[k]);
            super::raster(
                &upto,
                n,
                steps,
                dt,
                time_unit,
                bins,
                &format!("{title}, t = {} {time_unit}", num(times[k])),
            )
        })
    }
}

macro_rules! player_accessors {
    ($t:ty) => {
        impl $t {
            /// Number of frames.
            pub fn len(&self) -> usize {
                self.player.frames.len()
            }
            /// Always false: there is at least one frame.
            pub fn is_empty(&self) -> bool {
                false
            }
            /// The parameter (or time) value of each frame.
            pub fn values(&self) -> &[f64] {
                &self.player.values
            }
            /// The frames, in order.
            pub fn frames(&self) -> &[Chart] {
                &self.player.frames
            }
            /// The frame shown first.
            pub fn start(&self) -> usize {
                self.player.start
            }
            /// The label of frame `k`, as the player shows it ("threshold = 0.8 mV").
            pub fn label(&self, k: usize) -> Option<String> {
                self.player.values.get(k).map(|&v| self.player.label(v))
            }
            /// The self-contained HTML fragment shown in a notebook (see the module docs).
            pub fn html(&self) -> String {
                self.player.html()
            }
            /// Size of [`html`](Self::html) in bytes, and of the frames' SVG documents
            /// together (what the output would be without shared lines).
            pub fn size(&self) -> (usize, usize) {
                (
                    self.player.html().len(),
                    self.player.frames.iter().map(|f| f.svg().len()).sum(),
                )
            }
            /// Writes a self-contained HTML page with the player to `path`: it works offline
            /// in any browser.
            ///
            /// # Errors
            /// [`SnnError::Chart`] naming the path when it cannot be written.
            pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
                let path = path.as_ref();
                let page = format!(
                    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title></head>\n<body>\n{}\n</body></html>\n",
                    escape(&self.player.name),
                    self.player.html()
                );
                std::fs::write(path, page)
                    .map_err(|e| SnnError::Chart(format!("cannot write {}: {e}", path.display())))
            }
            /// Shows the player under a notebook cell: evcxr calls this for the value a cell
            /// ends with and renders what it prints as `text/html`.
            pub fn evcxr_display(&self) {
                println!(
                    "EVCXR_BEGIN_CONTENT text/html\n{}\nEVCXR_END_CONTENT",
                    self.player.html()
                );
            }
        }
    };
}
player_accessors!(Sweep);
player_accessors!(Animation);

impl Player {
    fn build(
        kind: &'static str,
        name: &str,
        unit: &str,
        values: Vec<f64>,
        mut chart: impl FnMut(f64) -> Result<Chart>,
    ) -> Result<Player> {
        let Some(&first_value) = values.first() else {
            return Err(SnnError::Empty {
                name: if kind == "sweep" {
                    "sweep values"
                } else {
                    "animation times"
                },
            });
        };
        if values.len() > MAX_FRAMES {
            return Err(SnnError::OutOfRange {
                name: "frames",
                range: "1 to 400",
                value: values.len() as f64,
            });
        }
        let reduce = if kind == "sweep" {
            "the number of values, or the chart's detail (a smaller grid)"
        } else {
            "the number of frames, or the chart's detail"
        };
        let count = values.len();
        let too_large = move |bytes: usize| SnnError::OutputTooLarge {
            what: kind,
            frames: count,
            bytes: bytes as u64,
            limit: MAX_PLAYER_BYTES as u64,
            reduce,
        };
        let first = chart(first_value)?;
        let mut frames = Vec::with_capacity(values.len());
        frames.push(first);
        // Before drawing the rest: the second frame shows what a frame adds beyond the lines
        // it shares with the first (axes, labels, legends), so the first frame plus that much
        // per further frame estimates the output; refuse now if that is over the limit.
        if let Some(&v) = values.get(1) {
            let second = chart(v)?;
            let shared: std::collections::HashSet<&str> = frames[0].svg().split('\n').collect();
            let new_bytes: usize = second
                .svg()
                .split('\n')
                .filter(|l| !shared.contains(l))
                .map(|l| l.len() + 8)
                .sum();
            let estimate = frames[0].svg().len() * 7 / 3 + new_bytes * (values.len() - 1);
            if estimate > MAX_PLAYER_BYTES {
                return Err(too_large(estimate));
            }
            frames.push(second);
        }
        for &v in values.iter().skip(2) {
            frames.push(chart(v)?);
        }
        let player = Player {
            kind,
            name: name.to_string(),
            unit: unit.to_string(),
            values,
            frames,
            start: 0,
            interval_ms: 100,
        };
        // The exact size, before the HTML is assembled.
        let bytes = player.data().len() + player.frames[0].svg().len() * 4 / 3 + 8_000;
        if bytes > MAX_PLAYER_BYTES {
            return Err(too_large(bytes));
        }
        Ok(player)
    }

    fn label(&self, v: f64) -> String {
        if self.unit.is_empty() {
            format!("{} = {}", self.name, num(v))
        } else {
            format!("{} = {} {}", self.name, num(v), self.unit)
        }
    }

    /// The frames as JSON: every distinct SVG line once, each frame a list of line numbers,
    /// with the labels and titles.
    fn data(&self) -> String {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut lines: Vec<&str> = Vec::new();
        let frames: Vec<Vec<usize>> = self
            .frames
            .iter()
            .map(|f| {
                f.svg()
                    .split('\n')
                    .map(|line| {
                        *index.entry(line).or_insert_with(|| {
                            lines.push(line);
                            lines.len() - 1
                        })
                    })
                    .collect()
            })
            .collect();
        let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 4).sum::<usize>());
        out.push_str("{\"lines\":[");
        for (i, l) in lines.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json_string(&mut out, l);
        }
        out.push_str("],\"frames\":[");
        for (i, f) in frames.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('[');
            for (j, n) in f.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{n}");
            }
            out.push(']');
        }
        out.push_str("],\"labels\":[");
        for (i, &v) in self.values.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json_string(&mut out, &self.label(v));
        }
        out.push_str("],\"titles\":[");
        for (i, f) in self.frames.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json_string(&mut out, f.title());
        }
        let _ = write!(
            out,
            "],\"start\":{},\"kind\":\"{}\",\"name\":",
            self.start, self.kind
        );
        json_string(&mut out, &self.name);
        let _ = write!(out, ",\"interval\":{}}}", self.interval_ms);
        out
    }

    fn html(&self) -> String {
        let data = self.data();
        let first = &self.frames[self.start];
        let id = format!("snn-player-{:016x}", fnv1a(data.as_bytes()));
        let what = if self.kind == "sweep" {
            format!("{} values of {}", self.frames.len(), self.name)
        } else {
            format!("{} frames", self.frames.len())
        };
        // Shown no taller than MAX_FRAME_PX, so a frame and its slider fit a 1,000-pixel-high
        // screen together: a taller frame (two charts stacked) is shown narrower.
        let tallest = self
            .frames
            .iter()
            .filter_map(|f| f.size().ok())
            .map(|(w, h)| f64::from(h) * f64::from(WIDTH) / f64::from(w.max(1)))
            .fold(0.0f64, f64::max);
        let shown_width = if tallest > f64::from(MAX_FRAME_PX) {
            (f64::from(WIDTH) * f64::from(MAX_FRAME_PX) / tallest).floor() as u32
        } else {
            WIDTH
        };
        let mut html = String::with_capacity(data.len() + first.svg().len() * 4 / 3 + 8_000);
        let _ = write!(
            html,
            "<div class=\"snn-player\" id=\"{id}\" data-kind=\"{kind}\" data-frames=\"{n}\">\n\
             <div class=\"snn-player-label\">{label}</div>\n\
             <img class=\"snn-player-frame\" alt=\"{title}\" title=\"{title}\" width=\"{w}\" \
             src=\"data:image/svg+xml;base64,",
            kind = self.kind,
            n = self.frames.len(),
            label = escape(&self.label(self.values[self.start])),
            title = escape(first.title()),
            w = shown_width,
        );
        base64(&mut html, first.svg().as_bytes());
        let _ = write!(
            html,
            "\">\n<p class=\"snn-player-note\">A static view of one frame of {what}. To explore them \
             all, run the cell, or trust the notebook: <code>jupyter trust NOTEBOOK.ipynb</code>.</p>\n\
             <script type=\"application/json\" class=\"snn-player-data\">{}</script>\n\
             <script>{}</script>\n</div>",
            data.replace("</", "<\\/"),
            PLAYER_JS
        );
        html
    }
}

fn nearest(values: &[f64], v: f64) -> usize {
    values
        .iter()
        .enumerate()
        .fold((0, f64::INFINITY), |(bi, bd), (i, &x)| {
            let d = (x - v).abs();
            if d < bd {
                (i, d)
            } else {
                (bi, bd)
            }
        })
        .0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_examples() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            let mut out = String::new();
            base64(&mut out, plain.as_bytes());
            assert_eq!(out, coded, "{plain}");
        }
    }

    #[test]
    fn json_strings_escape_what_json_requires() {
        let mut out = String::new();
        json_string(&mut out, "a\"b\\c\nd\u{1}");
        assert_eq!(out, r#""a\"b\\c\nd\u0001""#);
    }

    #[test]
    fn nearest_value() {
        assert_eq!(nearest(&[0.5, 1.0, 1.5], 1.1), 1);
        assert_eq!(nearest(&[0.5, 1.0, 1.5], -3.0), 0);
        assert_eq!(nearest(&[0.5, 1.0, 1.5], 9.0), 2);
    }
}
