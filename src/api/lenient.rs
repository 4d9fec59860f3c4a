//! Lenient deserializers for the answers whose shape Weya documents only by
//! example (the batch list, batch details, its calls and their phone logs).
//!
//! One odd value (a number where a string was shown, a `null`, a stray
//! element in a list) costs only that value, never the whole page: a page
//! of a thousand calls stays readable when one of them is strange.
//!
//! Why these and not serde_with's `DefaultOnError`/`VecSkipError`
//! (weighed for issue 18, and kept):
//!
//! - Most of what is here is not "an error costs the value". A phone
//!   number sent as a JSON number must read as its digits
//!   ([`opt_string`]), a count sent as `"7"` or `7.0` as 7 ([`count`]), a
//!   duration sent as `"1:02:03"` as 3723 s ([`seconds`]). serde_with has
//!   no adapter for any of these; they would stay hand-written, wrapped in
//!   its adapters on top.
//! - What it would replace ([`objects`], [`object_or_default`], about 60
//!   lines of visitors) it does by first buffering each value into serde's
//!   private `Content` tree and trying again from there: an allocation per
//!   field of every call of a page, where these visitors read a page of
//!   calls once, in place (only the batch list's [`required_objects`]
//!   goes through `serde_json::Value`, for a page of summaries). A new dependency too (with `serde_with_macros` and
//!   `darling` for `#[serde_as]`), for two cores that build everything.
//! - Counting: nothing here counts what it skips, and nothing on screen
//!   reports it: a batch list with a stray element shows the batches it
//!   could read. `VecSkipError`'s `InspectError` could not change that
//!   alone: it is a function with no state, so a count per answer would
//!   need a thread-local beside it. Should the list come to say how many
//!   entries it could not read, [`objects`] is the one place to count them.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A string, or a number or boolean written as text; anything else is `None`.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(StringVisitor)
}

/// Like [`opt_string`], with `""` for anything that is not text.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(opt_string(d)?.unwrap_or_default())
}

/// A non-negative whole number, or one written as text; else 0.
pub fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(d.deserialize_any(NumberVisitor)?
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map_or(0, |n| crate::num::round_u64(n.floor())))
}

/// A non-negative whole number, or one written as text; `None` for
/// anything else (a `null`, a negative number, text that is no number), so
/// that an unknown count is not shown as 0.
pub fn opt_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(d.deserialize_any(NumberVisitor)?
        .filter(|n| n.is_finite() && *n >= 0.0 && *n < 9.0e15)
        .map(|n| crate::num::round_u64(n.floor())))
}

/// An object read as `T`; anything else (a `null`, a list, text) reads as
/// `T::default()`. `T` must be lenient itself.
pub fn object_or_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    let ObjectOrSkip(value) = ObjectOrSkip::<T>::deserialize(d)?;
    Ok(value.unwrap_or_default())
}

/// A duration in seconds: a number, a number written as text, or a clock
/// reading (`m:ss`, `h:mm:ss`). Anything else is `None`.
pub fn seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(d.deserialize_any(NumberVisitor)?
        .filter(|n| n.is_finite() && *n >= 0.0))
}

/// A list of strings; an element that is not a string is skipped, and a
/// value that is not a list reads as empty.
pub fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let texts: Vec<Text> = d.deserialize_any(ListVisitor::<Text>(PhantomData, false))?;
    Ok(texts.into_iter().filter_map(|t| t.0).collect())
}

/// Seconds as a whole number when they are one (`42`, not `42.0`).
pub fn ser_seconds<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(n) if n.fract() == 0.0 && *n >= 0.0 && *n < 9.0e15 => {
            s.serialize_u64(crate::num::round_u64(*n))
        }
        Some(n) => s.serialize_f64(*n),
        None => s.serialize_none(),
    }
}

/// Text read as leniently as [`opt_string`], for use as a value type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(pub Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        opt_string(d).map(Text)
    }
}

/// A list of objects read as leniently as [`objects`], for use as a value type.
#[derive(Debug, Clone, PartialEq)]
pub struct Objects<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Objects<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        objects(d).map(Objects)
    }
}

/// A list of objects; an element that is not an object is skipped, and a
/// value that is not a list reads as empty.
pub fn objects<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_any(ListVisitor(PhantomData, true))
}

/// A list of objects that must be there: `null` or anything but a list
/// is an error (with `#[serde(default)]` left off, so is a missing one);
/// an element that is not an object is skipped.
pub fn required_objects<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    Vec::<serde_json::Value>::deserialize(d)?
        .into_iter()
        .filter(serde_json::Value::is_object)
        .map(|v| T::deserialize(v).map_err(de::Error::custom))
        .collect()
}

struct StringVisitor;

impl<'de> Visitor<'de> for StringVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        drain_seq(seq).map(|()| None)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        drain_map(map).map(|()| None)
    }
}

struct NumberVisitor;

impl<'de> Visitor<'de> for NumberVisitor {
    type Value = Option<f64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v as f64))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(parse_seconds(v))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        drain_seq(seq).map(|()| None)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        drain_map(map).map(|()| None)
    }
}

/// `"83"`, `"83.5"`, `"1:23"`, `"01:01:23"` as seconds.
fn parse_seconds(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<f64>() {
        return Some(n);
    }
    let parts: Vec<&str> = s.split(':').collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    parts.iter().try_fold(0.0, |total, part| {
        let n: f64 = part.parse().ok()?;
        (n >= 0.0).then_some(total * 60.0 + n)
    })
}

/// Reads a list; with `objects_only`, elements that are not objects are
/// skipped (otherwise each element is read as `T`, which must be lenient).
struct ListVisitor<T>(PhantomData<T>, bool);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        if self.1 {
            while let Some(ObjectOrSkip(item)) = seq.next_element()? {
                out.extend(item);
            }
        } else {
            while let Some(item) = seq.next_element()? {
                out.push(item);
            }
        }
        Ok(out)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        drain_map(map).map(|()| Vec::new())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
}

/// An object read as `T`, or `None` for any other JSON value.
struct ObjectOrSkip<T>(Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ObjectOrSkip<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = ObjectOrSkip<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(|t| ObjectOrSkip(Some(t)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                drain_seq(seq).map(|()| ObjectOrSkip(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(ObjectOrSkip(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(ObjectOrSkip(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(ObjectOrSkip(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(ObjectOrSkip(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(ObjectOrSkip(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(ObjectOrSkip(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(ObjectOrSkip(None))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(default)]
    struct Probe {
        #[serde(deserialize_with = "opt_string")]
        s: Option<String>,
        #[serde(deserialize_with = "count")]
        n: u64,
        #[serde(deserialize_with = "seconds")]
        d: Option<f64>,
        #[serde(deserialize_with = "objects")]
        list: Vec<Item>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Item {
        a: u8,
    }

    fn probe(json: &str) -> Probe {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn odd_values_cost_only_themselves() {
        let p = probe(
            r#"{"s":12125550143,"n":"7","d":"1:02:03","list":[{"a":1},null,"x",[2],{"a":2}]}"#,
        );
        assert_eq!(p.s.as_deref(), Some("12125550143"));
        assert_eq!(p.n, 7);
        assert_eq!(p.d, Some(3723.0));
        assert_eq!(p.list, [Item { a: 1 }, Item { a: 2 }]);
        let p = probe(r#"{"s":{"x":[1]},"n":-3,"d":"soon","list":{"a":1}}"#);
        assert_eq!((p.s, p.n, p.d, p.list.len()), (None, 0, None, 0));
        let p = probe(r#"{"s":null,"n":null,"d":42.5,"list":null}"#);
        assert_eq!((p.s, p.n, p.d, p.list.len()), (None, 0, Some(42.5), 0));
    }

    #[test]
    fn clock_readings_are_seconds() {
        assert_eq!(parse_seconds("83"), Some(83.0));
        assert_eq!(parse_seconds("1:23"), Some(83.0));
        assert_eq!(parse_seconds("1::3"), None);
        assert_eq!(parse_seconds("1:2:3:4"), None);
        assert_eq!(parse_seconds("-1:00"), None);
    }
}
