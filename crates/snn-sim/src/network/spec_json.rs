//! Reading a JSON value with its path in the file, so every error names where it is.

use serde_json::{Map, Value};

/// An error in a network file: where (`populations[1].neuron.tau_m`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {why}")]
pub struct SpecError {
    /// The field's path in the file (`$` for the whole file).
    pub path: String,
    /// What is wrong, in words.
    pub why: String,
}

pub(crate) type Res<T> = std::result::Result<T, SpecError>;

/// A value and its path.
#[derive(Clone)]
pub(crate) struct At<'a> {
    pub(crate) v: &'a Value,
    path: String,
}

impl<'a> At<'a> {
    pub(crate) fn root(v: &'a Value) -> Self {
        At {
            v,
            path: "$".into(),
        }
    }
    pub(crate) fn err<T>(&self, why: impl Into<String>) -> Res<T> {
        Err(SpecError {
            path: self.path.clone(),
            why: why.into(),
        })
    }
    pub(crate) fn path(&self) -> &str {
        &self.path
    }
    /// The object, refusing any key not in `known` (a misspelt field is an error, not a
    /// silent default).
    pub(crate) fn obj(&self, known: &[&str]) -> Res<&'a Map<String, Value>> {
        let Some(m) = self.v.as_object() else {
            return self.err(format!("must be an object, got {}", kind(self.v)));
        };
        if let Some(k) = m.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(SpecError {
                path: self.child_path(k),
                why: format!("unknown field (known here: {})", known.join(", ")),
            });
        }
        Ok(m)
    }
    fn child_path(&self, key: &str) -> String {
        if self.path == "$" {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }
    /// The field `key`, if present.
    pub(crate) fn get(&self, key: &str) -> Option<At<'a>> {
        let v = self.v.get(key)?;
        Some(At {
            v,
            path: self.child_path(key),
        })
    }
    pub(crate) fn req(&self, key: &str) -> Res<At<'a>> {
        match self.get(key) {
            Some(a) => Ok(a),
            None => Err(SpecError {
                path: self.child_path(key),
                why: "missing".into(),
            }),
        }
    }
    pub(crate) fn items(&self) -> Res<Vec<At<'a>>> {
        let Some(a) = self.v.as_array() else {
            return self.err(format!("must be a list, got {}", kind(self.v)));
        };
        Ok(a.iter()
            .enumerate()
            .map(|(i, v)| At {
                v,
                path: format!("{}[{i}]", self.path),
            })
            .collect())
    }
    pub(crate) fn f64(&self) -> Res<f64> {
        match self.v.as_f64() {
            Some(x) if x.is_finite() => Ok(x),
            _ => self.err(format!("must be a number, got {}", kind(self.v))),
        }
    }
    pub(crate) fn count(&self) -> Res<usize> {
        match self.v.as_u64().and_then(|x| usize::try_from(x).ok()) {
            Some(x) => Ok(x),
            None => self.err(format!("must be a whole number >= 0, got {}", self.v)),
        }
    }
    pub(crate) fn u64(&self) -> Res<u64> {
        match self.v.as_u64() {
            Some(x) => Ok(x),
            None => self.err(format!("must be a whole number >= 0, got {}", self.v)),
        }
    }
    pub(crate) fn str(&self) -> Res<&'a str> {
        match self.v.as_str() {
            Some(s) => Ok(s),
            None => self.err(format!("must be a string, got {}", kind(self.v))),
        }
    }
    pub(crate) fn bool(&self) -> Res<bool> {
        match self.v.as_bool() {
            Some(b) => Ok(b),
            None => self.err(format!("must be true or false, got {}", self.v)),
        }
    }
    /// One of `choices`, by name.
    pub(crate) fn choice<T: Copy>(&self, choices: &[(&str, T)]) -> Res<T> {
        let s = self.str()?;
        match choices.iter().find(|(n, _)| *n == s) {
            Some(&(_, t)) => Ok(t),
            None => {
                let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
                self.err(format!("{s:?}: one of {}", names.join(", ")))
            }
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
