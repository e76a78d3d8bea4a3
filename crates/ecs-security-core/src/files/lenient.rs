//! Reading the model from a [`Node`] tree the way ECS reads the file: keys in any case
//! (`Image`, `image`, `container_definitions`), explicit `null` meaning unset, scalars in the
//! other JSON type (`"Essential": "true"`, `"Cpu": 256`), Terraform's one-element block lists
//! as objects, and fields the model does not know ignored. Unknown values are placeholders
//! in text fields and left out elsewhere ([`super::intrinsics`]).

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use super::intrinsics::placeholder;
use super::shape;
use super::tree::{Entry, Kind, Node, Pos, escape, same_key};

/// A value left out because it is only known at deploy time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Skipped {
    pub pointer: String,
    pub pos: Pos,
    /// What the value is, e.g. `Fn::If`.
    pub what: String,
    /// The model field it would have filled (camelCase).
    pub field: String,
}

/// Why the file's values do not fit the model.
#[derive(Debug)]
pub(crate) struct DeError {
    pub pointer: Option<String>,
    pub pos: Option<Pos>,
    pub message: String,
}

impl DeError {
    fn at(mut self, pointer: &str, pos: Pos) -> DeError {
        if self.pos.is_none() {
            self.pointer = Some(pointer.to_owned());
            self.pos = Some(pos);
        }
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> DeError {
        DeError { pointer: None, pos: None, message: msg.to_string() }
    }
}

/// Deserializes `T` from `node`, whose JSON pointer in the file is `pointer`.
pub(crate) fn from_node<T: de::DeserializeOwned>(
    node: &Node,
    pointer: &str,
    skipped: &RefCell<Vec<Skipped>>,
) -> Result<T, DeError> {
    T::deserialize(De { node, ptr: pointer.to_owned(), skipped }).map_err(|e| e.at(pointer, node.pos))
}

struct De<'n> {
    node: &'n Node,
    ptr: String,
    skipped: &'n RefCell<Vec<Skipped>>,
}

fn describe(kind: &Kind) -> &'static str {
    match kind {
        Kind::Null => "null",
        Kind::Bool(_) => "a boolean",
        Kind::Number(_) => "a number",
        Kind::Str(_) => "text",
        Kind::Seq(_) => "a list",
        Kind::Map(_) => "an object",
        Kind::Unknown(_) => "a value known only at deploy time",
    }
}

impl<'n> De<'n> {
    fn invalid(&self, expected: &str) -> DeError {
        DeError {
            pointer: Some(self.ptr.clone()),
            pos: Some(self.node.pos),
            message: format!("expected {expected}, found {}", describe(&self.node.kind)),
        }
    }

    /// The number this scalar holds, also when written as text.
    fn number(&self) -> Option<&'n str> {
        match &self.node.kind {
            Kind::Number(n) => Some(n),
            Kind::Str(s) => Some(s.trim()),
            _ => None,
        }
    }

    fn integer(&self) -> Result<i64, DeError> {
        let n = self.number().ok_or_else(|| self.invalid("an integer"))?;
        n.parse::<i64>()
            .ok()
            .or_else(|| n.parse::<f64>().ok().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
            .ok_or_else(|| self.invalid("an integer"))
    }

    fn skip(&self, field: &str) {
        if let Kind::Unknown(what) = &self.node.kind {
            self.skipped.borrow_mut().push(Skipped {
                pointer: self.ptr.clone(),
                pos: self.node.pos,
                what: what.clone(),
                field: field.to_owned(),
            });
        }
    }
}

macro_rules! integers {
    ($($method:ident),*) => {
        $(fn $method<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> { v.visit_i64(self.integer()?) })*
    };
}

impl<'de, 'n> de::Deserializer<'de> for De<'n> {
    type Error = DeError;

    integers!(
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64
    );

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            Kind::Null => v.visit_unit(),
            Kind::Bool(b) => v.visit_bool(*b),
            Kind::Number(_) => match self.integer() {
                Ok(i) => v.visit_i64(i),
                Err(_) => self.deserialize_f64(v),
            },
            Kind::Str(_) | Kind::Unknown(_) => self.deserialize_str(v),
            Kind::Seq(_) => self.deserialize_seq(v),
            Kind::Map(_) => self.deserialize_map(v),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            Kind::Bool(b) => v.visit_bool(*b),
            Kind::Str(s) if s.trim().eq_ignore_ascii_case("true") => v.visit_bool(true),
            Kind::Str(s) if s.trim().eq_ignore_ascii_case("false") => v.visit_bool(false),
            _ => Err(self.invalid("true or false")),
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_f64(v)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match self.number().and_then(|n| n.parse::<f64>().ok()) {
            Some(f) => v.visit_f64(f),
            None => Err(self.invalid("a number")),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            Kind::Str(s) => v.visit_str(s),
            Kind::Number(n) => v.visit_str(n),
            Kind::Bool(b) => v.visit_str(if *b { "true" } else { "false" }),
            Kind::Unknown(what) => v.visit_string(placeholder(what)),
            _ => Err(self.invalid("text")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _: V) -> Result<V::Value, DeError> {
        Err(self.invalid("bytes"))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, _: V) -> Result<V::Value, DeError> {
        Err(self.invalid("bytes"))
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match self.node.kind {
            Kind::Null => v.visit_none(),
            _ => v.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        v.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, v: V) -> Result<V::Value, DeError> {
        v.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, v: V) -> Result<V::Value, DeError> {
        v.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            Kind::Seq(items) => {
                v.visit_seq(Items { items: items.iter().enumerate(), ptr: &self.ptr, skipped: self.skipped })
            }
            Kind::Unknown(_) => {
                self.skip("");
                v.visit_seq(Items { items: [].iter().enumerate(), ptr: &self.ptr, skipped: self.skipped })
            }
            _ => Err(self.invalid("a list")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, v: V) -> Result<V::Value, DeError> {
        self.deserialize_seq(v)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(self, _: &'static str, _: usize, v: V) -> Result<V::Value, DeError> {
        self.deserialize_seq(v)
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match &self.node.kind {
            Kind::Map(entries) => v.visit_map(Entries::new(entries, None, &self.ptr, self.skipped)),
            Kind::Unknown(_) => {
                self.skip("");
                v.visit_map(Entries::new(&[], None, &self.ptr, self.skipped))
            }
            _ => Err(self.invalid("an object")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        let ty = Some((name, fields));
        match &self.node.kind {
            Kind::Map(entries) => v.visit_map(Entries::new(entries, ty, &self.ptr, self.skipped)),
            // Terraform writes a nested block as a list of one object.
            Kind::Seq(items) if items.len() == 1 && matches!(items[0].kind, Kind::Map(_)) => {
                let ptr = format!("{}/0", self.ptr);
                let entries = items[0].entries();
                v.visit_map(Entries::new(entries, ty, &ptr, self.skipped)).map_err(|e| e.at(&ptr, items[0].pos))
            }
            Kind::Unknown(_) => {
                self.skip("");
                v.visit_map(Entries::new(&[], ty, &self.ptr, self.skipped))
            }
            _ => Err(self.invalid("an object")),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, DeError> {
        Err(self.invalid("one of a fixed set of values"))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.deserialize_str(v)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        v.visit_unit()
    }
}

struct Items<'n, I> {
    items: I,
    ptr: &'n str,
    skipped: &'n RefCell<Vec<Skipped>>,
}

impl<'de, 'n, I: Iterator<Item = (usize, &'n Node)>> SeqAccess<'de> for Items<'n, I> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DeError> {
        // A null element is no element.
        let Some((i, node)) = self.items.by_ref().find(|(_, n)| n.kind != Kind::Null) else {
            return Ok(None);
        };
        let ptr = format!("{}/{i}", self.ptr);
        seed.deserialize(De { node, ptr: ptr.clone(), skipped: self.skipped })
            .map(Some)
            .map_err(|e| e.at(&ptr, node.pos))
    }
}

/// The entries of an object; for a model struct, only its fields, under their model names.
struct Entries<'n, 'p> {
    entries: std::slice::Iter<'n, Entry>,
    ty: Option<(&'static str, &'static [&'static str])>,
    ptr: &'p str,
    skipped: &'n RefCell<Vec<Skipped>>,
    pending: Option<&'n Entry>,
}

impl<'n, 'p> Entries<'n, 'p> {
    fn new(
        entries: &'n [Entry],
        ty: Option<(&'static str, &'static [&'static str])>,
        ptr: &'p str,
        skipped: &'n RefCell<Vec<Skipped>>,
    ) -> Entries<'n, 'p> {
        Entries { entries: entries.iter(), ty, ptr, skipped, pending: None }
    }
}

impl<'de, 'n, 'p> MapAccess<'de> for Entries<'n, 'p> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DeError> {
        for e in self.entries.by_ref() {
            if e.value.kind == Kind::Null {
                continue;
            }
            let key: &str = match self.ty {
                None => &e.key,
                Some((ty, fields)) => {
                    let Some(field) = fields.iter().find(|f| same_key(f, &e.key)) else {
                        continue;
                    };
                    if matches!(e.value.kind, Kind::Unknown(_)) && !shape::is_text(ty, field) {
                        let child = De {
                            node: &e.value,
                            ptr: format!("{}/{}", self.ptr, escape(&e.key)),
                            skipped: self.skipped,
                        };
                        child.skip(field);
                        continue;
                    }
                    field
                }
            };
            self.pending = Some(e);
            return seed.deserialize(de::value::StrDeserializer::<DeError>::new(key)).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let e = self.pending.take().ok_or_else(|| de::Error::custom("value without a key"))?;
        let ptr = format!("{}/{}", self.ptr, escape(&e.key));
        seed.deserialize(De { node: &e.value, ptr: ptr.clone(), skipped: self.skipped })
            .map_err(|err| err.at(&ptr, e.value.pos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::{intrinsics, json};
    use crate::model::TaskDefinition;

    fn read(text: &str) -> (TaskDefinition, Vec<Skipped>) {
        let mut node = json::parse(text).unwrap();
        intrinsics::resolve(&mut node);
        let skipped = RefCell::new(Vec::new());
        let td = from_node(&node, "", &skipped).unwrap();
        (td, skipped.into_inner())
    }

    #[test]
    fn reads_any_case_nulls_and_scalar_types() {
        let (td, skipped) = read(
            r#"{"Family": "f", "Cpu": 256, "networkMode": null, "unknownKey": 1,
                "ContainerDefinitions": [{"Name": "a", "Essential": "true", "Memory": "512",
                  "Privileged": {"Fn::If": ["c", true, false]}, "Image": {"Ref": "Img"},
                  "DockerLabels": {"n": 1}, "Links": null}]}"#,
        );
        assert_eq!(td.family, "f");
        assert_eq!(td.cpu.as_deref(), Some("256"));
        assert_eq!(td.network_mode, None);
        let c = &td.container_definitions[0];
        assert_eq!((c.essential, c.memory, c.privileged), (Some(true), Some(512), None));
        assert_eq!(c.image.as_deref(), Some("${Ref:Img}"));
        assert_eq!(c.docker_labels["n"], "1");
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].pointer, "/ContainerDefinitions/0/Privileged");
        assert_eq!(skipped[0].field, "privileged");
    }

    #[test]
    fn a_type_error_names_the_place() {
        let node = json::parse("{\"containerDefinitions\": [{\"name\": \"a\",\n \"environment\": \"x\"}]}").unwrap();
        let err = from_node::<TaskDefinition>(&node, "", &RefCell::new(Vec::new())).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/containerDefinitions/0/environment"));
        assert_eq!(err.pos.map(|p| p.line), Some(2));
    }
}
