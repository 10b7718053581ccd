//! Fingerprints of what a page's HTML is made from, so a rebuild can keep a page it rendered
//! before instead of rendering it again (the output's manifest records each page's).
//!
//! A page's HTML is a pure function of its template context (`page`, which holds its body,
//! links, backlinks, navigation and review dates as already computed), the global context
//! (`site`, with the sidebar), the theme's templates and the program that renders them:
//! Tera's only functions are `range` and `throw`, so a template reads nothing else. The
//! fingerprint hashes all of it, serialized as the templates receive it (the body as the hash
//! of its Markdown and its links' URLs: [`crate::render::Theme::fingerprint`]; a link to a page
//! as the hash of its fields, made once per link: [`super::context::hashed`]), so whatever
//! changes what a page shows changes its fingerprint. The program is taken as its version and its
//! executable's size and time: a rebuilt `handbook` renders everything once.

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3Default;

/// What a fingerprint is made of, gathered in a buffer and hashed at once (a hash fed in the
/// many small writes of a serializer costs more than the buffer).
#[derive(Default)]
pub struct Hasher(Vec<u8>);

impl Hasher {
    pub fn new() -> Hasher {
        Hasher(Vec::new())
    }

    /// Gathers into `buffer` (cleared first), to be had back with [`Hasher::into_buffer`].
    pub fn with_buffer(mut buffer: Vec<u8>) -> Hasher {
        buffer.clear();
        Hasher(buffer)
    }

    pub fn into_buffer(self) -> Vec<u8> {
        self.0
    }

    /// Adds `value` as [`encode`] writes it: two different values never give the same bytes.
    /// A page link in it is the hash of its fields ([`super::context::hashed`]).
    pub fn value<T: Serialize + ?Sized>(&mut self, value: &T) {
        // Serializing these values cannot fail; should it all the same, the fingerprint is
        // one no build recorded.
        if super::context::hashed(|| encode(value, &mut self.0)).is_err() {
            self.bytes(&rand_salt().to_le_bytes());
        }
        self.0.push(0);
    }

    /// Adds `bytes`, with their length first so that consecutive fields cannot run together.
    pub fn bytes(&mut self, bytes: &[u8]) {
        self.0
            .extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        self.0.extend_from_slice(bytes);
    }

    pub fn finish(&self) -> u128 {
        crate::hash::xxh3_128(&self.0)
    }
}

/// Appends `value` to `out` in a self-delimiting form: each value a tag, then what it holds,
/// strings and byte strings with their length first, sequences, maps and structs closed by an
/// end tag. So one value's bytes are never the start of another's, and two different values of
/// one type never give the same bytes. A struct's fields are written by position, without
/// their names (a field left out, `skip_serializing_if`, as a tag of its own): within one
/// type, and one program (which every fingerprint holds: [`program`]), a struct has the same
/// fields in the same order, so the names told nothing, and were most of the bytes hashed.
/// Written straight into the buffer: a general format (CBOR, as before) cost twice as much
/// here, for a byte stream only hashed.
pub fn encode<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    value.serialize(&mut Encoder(out))
}

/// Why a value could not be encoded: only what its own `Serialize` reports.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct EncodeError(String);

impl serde::ser::Error for EncodeError {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        EncodeError(message.to_string())
    }
}

struct Encoder<'a>(&'a mut Vec<u8>);

/// The tags of [`encode`].
mod tag {
    pub const NONE: u8 = 0;
    pub const SOME: u8 = 1;
    pub const FALSE: u8 = 2;
    pub const TRUE: u8 = 3;
    pub const I64: u8 = 4;
    pub const U64: u8 = 5;
    pub const I128: u8 = 6;
    pub const U128: u8 = 7;
    pub const F64: u8 = 8;
    pub const CHAR: u8 = 9;
    pub const STR: u8 = 10;
    pub const BYTES: u8 = 11;
    pub const UNIT: u8 = 12;
    pub const VARIANT: u8 = 13;
    pub const NEWTYPE: u8 = 14;
    pub const SEQ: u8 = 15;
    pub const MAP: u8 = 16;
    pub const STRUCT: u8 = 17;
    pub const END: u8 = 18;
    pub const SKIPPED: u8 = 19;
}

impl Encoder<'_> {
    fn tagged(&mut self, tag: u8, bytes: &[u8]) {
        self.0.push(tag);
        self.0.extend_from_slice(bytes);
    }

    fn str(&mut self, tag: u8, s: &[u8]) {
        self.0.push(tag);
        self.0.extend_from_slice(&(s.len() as u64).to_le_bytes());
        self.0.extend_from_slice(s);
    }

    /// A variant of an enum: its index and name.
    fn variant(&mut self, index: u32, name: &str) {
        self.tagged(tag::VARIANT, &index.to_le_bytes());
        self.str(tag::STR, name.as_bytes());
    }
}

type Done = Result<(), EncodeError>;

impl<'a, 'b> serde::Serializer for &'a mut Encoder<'b> {
    type Ok = ();
    type Error = EncodeError;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Done {
        self.0.push(if v { tag::TRUE } else { tag::FALSE });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Done {
        self.tagged(tag::I64, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Done {
        self.tagged(tag::I128, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Done {
        self.tagged(tag::U64, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Done {
        self.tagged(tag::U128, &v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Done {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Done {
        self.tagged(tag::F64, &v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Done {
        self.tagged(tag::CHAR, &u32::from(v).to_le_bytes());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Done {
        self.str(tag::STR, v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Done {
        self.str(tag::BYTES, v);
        Ok(())
    }
    fn serialize_none(self) -> Done {
        self.0.push(tag::NONE);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Done {
        self.0.push(tag::SOME);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        self.0.push(tag::UNIT);
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Done {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Done {
        self.variant(index, variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Done {
        self.0.push(tag::NEWTYPE);
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Done {
        self.variant(index, variant);
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, EncodeError> {
        self.0.push(tag::SEQ);
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, EncodeError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self, EncodeError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self, EncodeError> {
        self.variant(index, variant);
        self.0.push(tag::SEQ);
        Ok(self)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self, EncodeError> {
        self.0.push(tag::MAP);
        Ok(self)
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, EncodeError> {
        self.0.push(tag::STRUCT);
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self, EncodeError> {
        self.variant(index, variant);
        self.0.push(tag::STRUCT);
        Ok(self)
    }
}

/// The compound parts of a value: each element or field written in turn, then [`tag::END`]
/// (a struct's fields each after its name).
macro_rules! compound {
    ($($trait:ident::$element:ident),*) => {$(
        impl serde::ser::$trait for &mut Encoder<'_> {
            type Ok = ();
            type Error = EncodeError;
            fn $element<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
                value.serialize(&mut **self)
            }
            fn end(self) -> Done {
                self.0.push(tag::END);
                Ok(())
            }
        }
    )*};
    ($($trait:ident),* by position) => {$(
        impl serde::ser::$trait for &mut Encoder<'_> {
            type Ok = ();
            type Error = EncodeError;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                _key: &'static str,
                value: &T,
            ) -> Done {
                value.serialize(&mut **self)
            }
            fn skip_field(&mut self, _key: &'static str) -> Done {
                self.0.push(tag::SKIPPED);
                Ok(())
            }
            fn end(self) -> Done {
                self.0.push(tag::END);
                Ok(())
            }
        }
    )*};
}

compound!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);
compound!(SerializeStruct, SerializeStructVariant by position);

impl serde::ser::SerializeMap for &mut Encoder<'_> {
    type Ok = ();
    type Error = EncodeError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Done {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        self.0.push(tag::END);
        Ok(())
    }
}

/// The program that renders: its version, and its executable's size and modification time
/// (a developer's rebuilt binary keeps its version). Unknown parts are a fresh random value:
/// nothing rendered before is then trusted.
///
/// Read once a run: the code running is the executable as it was when first asked. Read
/// again, a binary replaced under a running `serve` (or under a test, by a rebuild) would
/// give its own identity to pages this code renders, or none at all (it is gone), and the
/// same run would then disagree with itself.
pub fn program() -> u128 {
    static PROGRAM: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    *PROGRAM.get_or_init(read_program)
}

fn read_program() -> u128 {
    let mut hasher = Hasher::new();
    hasher.bytes(env!("CARGO_PKG_VERSION").as_bytes());
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .ok()
        .and_then(|meta| Some((meta.len(), crate::write::manifest::mtime(&meta)?)));
    match exe {
        Some((size, mtime)) => {
            hasher.bytes(&size.to_le_bytes());
            hasher.bytes(&mtime.to_le_bytes());
        }
        None => hasher.bytes(&rand_salt().to_le_bytes()),
    }
    hasher.finish()
}

/// A value no earlier build can have recorded.
fn rand_salt() -> u128 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut hasher = Xxh3Default::new();
    hasher.update(&now.to_le_bytes());
    hasher.update(&std::process::id().to_le_bytes());
    // A stack address differs between runs too.
    let local = 0u8;
    hasher.update(&(&local as *const u8 as usize).to_le_bytes());
    hasher.digest128()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_do_not_run_together() {
        let hash = |parts: &[&str]| {
            let mut h = Hasher::new();
            for p in parts {
                h.value(p);
            }
            h.finish()
        };
        assert_ne!(hash(&["ab", "c"]), hash(&["a", "bc"]));
        assert_eq!(hash(&["ab", "c"]), hash(&["ab", "c"]));
        let bytes = |parts: &[&[u8]]| {
            let mut h = Hasher::new();
            for p in parts {
                h.bytes(p);
            }
            h.finish()
        };
        assert_ne!(bytes(&[b"ab", b"c"]), bytes(&[b"a", b"bc"]));
    }

    /// Values that a plain concatenation of their parts would confuse give different bytes.
    #[test]
    fn different_values_are_encoded_differently() {
        #[derive(Serialize)]
        struct Pair {
            a: Option<String>,
            b: Vec<String>,
        }
        /// Fields are written by position: one left out must still count.
        #[derive(Serialize)]
        struct Skipping {
            #[serde(skip_serializing_if = "String::is_empty")]
            a: String,
            #[serde(skip_serializing_if = "String::is_empty")]
            b: String,
        }
        #[derive(Serialize)]
        enum Shape {
            Unit,
            Newtype(u8),
            Tuple(u8, u8),
            Struct { x: u8 },
        }
        let bytes = |value: &dyn erased::Encode| {
            let mut out = Vec::new();
            value.encode(&mut out);
            out
        };
        let values: Vec<Box<dyn erased::Encode>> = vec![
            Box::new(Pair {
                a: None,
                b: vec!["x".into()],
            }),
            Box::new(Pair {
                a: Some(String::new()),
                b: vec!["x".into()],
            }),
            Box::new(Pair {
                a: Some("x".into()),
                b: vec![],
            }),
            Box::new(Pair {
                a: None,
                b: vec!["x".into(), String::new()],
            }),
            Box::new(Skipping {
                a: "x".into(),
                b: String::new(),
            }),
            Box::new(Skipping {
                a: String::new(),
                b: "x".into(),
            }),
            Box::new((vec!["a"], "b")),
            Box::new((vec!["a", "b"],)),
            Box::new(("ab", "")),
            Box::new(("a", "b")),
            Box::new(Shape::Unit),
            Box::new(Shape::Newtype(1)),
            Box::new(Shape::Tuple(1, 2)),
            Box::new(Shape::Struct { x: 1 }),
            Box::new(1u8),
            Box::new(1i8),
            Box::new(1.0f64),
            Box::new('1'),
            Box::new("1"),
            Box::new(true),
            Box::new(()),
        ];
        let all: Vec<Vec<u8>> = values.iter().map(|v| bytes(v.as_ref())).collect();
        for (i, a) in all.iter().enumerate() {
            for (j, b) in all.iter().enumerate().skip(i + 1) {
                assert_ne!(a, b, "values {i} and {j}");
                // Self-delimiting: no value's bytes start another's.
                assert!(!b.starts_with(a) && !a.starts_with(b), "values {i} and {j}");
            }
        }
        assert_eq!(
            all[0],
            bytes(&Pair {
                a: None,
                b: vec!["x".into()],
            })
        );
    }

    /// Encodes any serializable value (a `Serialize` is not object-safe).
    mod erased {
        pub trait Encode {
            fn encode(&self, out: &mut Vec<u8>);
        }
        impl<T: serde::Serialize> Encode for T {
            fn encode(&self, out: &mut Vec<u8>) {
                super::encode(self, out).unwrap();
            }
        }
    }

    #[test]
    fn the_program_is_the_same_within_a_run() {
        assert_eq!(program(), program());
    }
}
