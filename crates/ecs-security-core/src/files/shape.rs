//! Which fields of the model hold text, learnt once by tracing the model's own `Deserialize`
//! implementations (so the answer cannot drift from the model). An unknown value can stand
//! in a text field as a placeholder; anywhere else it must be left out.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::LazyLock;

use serde::Deserialize;
use serde::de::value::Error;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use super::tree::same_key;
use crate::model::{Service, TaskDefinition};

type Field = (&'static str, &'static str);

static TEXT_FIELDS: LazyLock<HashSet<Field>> = LazyLock::new(|| {
    let sink = RefCell::new(Sink::default());
    // The tracer feeds every field a default value, so these cannot fail; if they did, the
    // set would only be smaller, and unknown values would be left out rather than guessed.
    let _ = TaskDefinition::deserialize(Tracer { sink: &sink, field: None });
    let _ = Service::deserialize(Tracer { sink: &sink, field: None });
    sink.into_inner().text
});

/// Whether `field` of the model struct `ty` (its serde name) is text.
pub(crate) fn is_text(ty: &str, field: &str) -> bool {
    TEXT_FIELDS.iter().any(|(t, f)| *t == ty && *f == field)
}

#[derive(Default)]
struct Sink {
    text: HashSet<Field>,
    seen: HashSet<&'static str>,
}

#[derive(Clone, Copy)]
struct Tracer<'s> {
    sink: &'s RefCell<Sink>,
    /// The struct field this value fills, when it is a field's own value.
    field: Option<Field>,
}

impl<'s> Tracer<'s> {
    fn inner(self) -> Tracer<'s> {
        Tracer { field: None, ..self }
    }
}

macro_rules! defaults {
    ($($method:ident => $visit:ident($($value:expr)?)),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> { v.$visit($($value)?) })*
    };
}

impl<'de> de::Deserializer<'de> for Tracer<'_> {
    type Error = Error;

    defaults! {
        deserialize_bool => visit_bool(false),
        deserialize_i8 => visit_i8(0), deserialize_i16 => visit_i16(0), deserialize_i32 => visit_i32(0),
        deserialize_i64 => visit_i64(0), deserialize_u8 => visit_u8(0), deserialize_u16 => visit_u16(0),
        deserialize_u32 => visit_u32(0), deserialize_u64 => visit_u64(0), deserialize_f32 => visit_f32(0.0),
        deserialize_f64 => visit_f64(0.0), deserialize_char => visit_char(' '), deserialize_unit => visit_unit(),
        deserialize_identifier => visit_str(""), deserialize_ignored_any => visit_unit(),
        deserialize_any => visit_unit(), deserialize_bytes => visit_bytes(&[]), deserialize_byte_buf => visit_bytes(&[]),
    }

    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        if let Some(f) = self.field {
            self.sink.borrow_mut().text.insert(f);
        }
        v.visit_str("")
    }

    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_str(v)
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        v.visit_some(self)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, v: V) -> Result<V::Value, Error> {
        v.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, v: V) -> Result<V::Value, Error> {
        v.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        v.visit_seq(One { tracer: self.inner(), left: 1 })
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, v: V) -> Result<V::Value, Error> {
        self.deserialize_seq(v)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(self, _: &'static str, _: usize, v: V) -> Result<V::Value, Error> {
        self.deserialize_seq(v)
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        v.visit_map(Fields { tracer: self.inner(), ty: "", fields: &[""], emitted: Vec::new() })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Error> {
        // Each struct is traced once; a repeat (or a recursive type) gets no fields.
        let first = self.sink.borrow_mut().seen.insert(name);
        v.visit_map(Fields { tracer: self, ty: name, fields: if first { fields } else { &[] }, emitted: Vec::new() })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Error> {
        Err(de::Error::custom("enums are not traced"))
    }
}

struct One<'s> {
    tracer: Tracer<'s>,
    left: usize,
}

impl<'de> SeqAccess<'de> for One<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(self.tracer).map(Some)
    }
}

struct Fields<'s> {
    tracer: Tracer<'s>,
    ty: &'static str,
    fields: &'static [&'static str],
    emitted: Vec<&'static str>,
}

impl<'de> MapAccess<'de> for Fields<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        // serde lists aliases (`Key` for `key`) among the fields: give each field once.
        while let Some((f, rest)) = self.fields.split_first() {
            if !self.emitted.iter().any(|e| same_key(e, f)) {
                break;
            }
            self.fields = rest;
        }
        match self.fields.first() {
            Some(f) => seed.deserialize(de::value::StrDeserializer::<Error>::new(f)).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let (field, rest) = self.fields.split_first().ok_or_else(|| de::Error::custom("no field"))?;
        self.fields = rest;
        self.emitted.push(field);
        let field = if self.ty.is_empty() { None } else { Some((self.ty, *field)) };
        seed.deserialize(Tracer { field, ..self.tracer })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_text_fields_from_the_model() {
        assert!(is_text("ContainerDefinition", "image"));
        assert!(is_text("KeyValue", "value"));
        assert!(is_text("TaskDefinition", "taskRoleArn"));
        assert!(is_text("AwsVpcConfiguration", "assignPublicIp"));
        assert!(!is_text("ContainerDefinition", "privileged"));
        assert!(!is_text("ContainerDefinition", "command"));
        assert!(!is_text("ContainerDefinition", "linuxParameters"));
    }
}
