//! The text of a check ([`Detail`]), formatted when first read.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

/// The numbers behind a [`Check`](super::Check), as text.
///
/// A verifier makes a hundred checks per plan, each with a sentence of
/// figures, and most are never read: a planning session verifies every plan
/// it returns. A `Detail` made by the verifier keeps the figures and writes
/// the sentence the first time it is read ([`Detail::as_str`], `Display`,
/// `Deref<Target = str>`, serialisation), then keeps the text; the text is
/// the same whenever (and on whichever clone) it is read. It serialises as
/// a JSON string, exactly as a `String` would.
///
/// ```
/// use fleetplan::plan::verify::Detail;
///
/// let d = Detail::from("2 devices, at most 4");
/// assert_eq!(d, "2 devices, at most 4");
/// assert!(d.contains("at most"));
/// assert_eq!(serde_json::to_string(&d)?, r#""2 devices, at most 4""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone)]
pub struct Detail(Inner);

#[derive(Clone)]
enum Inner {
    Text(String),
    Lazy(Arc<dyn Deferred>),
}

/// A sentence not yet written, and where it is kept once it is.
trait Deferred: Send + Sync {
    fn text(&self) -> &str;
}

struct Lazy<F> {
    write: F,
    text: OnceLock<String>,
}

impl<F: Fn() -> String + Send + Sync> Deferred for Lazy<F> {
    fn text(&self) -> &str {
        self.text.get_or_init(&self.write)
    }
}

impl Detail {
    /// A detail written by `write` when first read (`write` is called at
    /// most once per detail and its clones).
    pub(crate) fn lazy(write: impl Fn() -> String + Send + Sync + 'static) -> Detail {
        Detail(Inner::Lazy(Arc::new(Lazy {
            write,
            text: OnceLock::new(),
        })))
    }

    /// The text (written now if it was not yet).
    #[must_use]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Inner::Text(s) => s,
            Inner::Lazy(l) => l.text(),
        }
    }
}

/// `Detail::lazy(move || format!(...))`: the arguments are captured by
/// value (owned), the text written when first read.
macro_rules! detail {
    ($($arg:tt)*) => {
        $crate::plan::verify::Detail::lazy(move || format!($($arg)*))
    };
}
pub(crate) use detail;

impl Default for Detail {
    fn default() -> Detail {
        Detail(Inner::Text(String::new()))
    }
}

impl From<String> for Detail {
    fn from(s: String) -> Detail {
        Detail(Inner::Text(s))
    }
}

impl From<&str> for Detail {
    fn from(s: &str) -> Detail {
        Detail(Inner::Text(s.to_owned()))
    }
}

impl From<Detail> for String {
    fn from(d: Detail) -> String {
        match d.0 {
            Inner::Text(s) => s,
            Inner::Lazy(l) => l.text().to_owned(),
        }
    }
}

impl Deref for Detail {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Detail {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for Detail {
    fn eq(&self, other: &Detail) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Detail {}

impl PartialEq<str> for Detail {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Detail {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Detail {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl Serialize for Detail {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Detail {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Detail, D::Error> {
        String::deserialize(d).map(Detail::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn lazy_text_is_written_once_and_equals_the_eager_one() {
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        let (a, b) = (0.1 + 0.2, 3.0_f64);
        let d = Detail::lazy(move || {
            CALLS.fetch_add(1, Ordering::SeqCst);
            format!("{a} of {b:.1}")
        });
        assert_eq!(CALLS.load(Ordering::SeqCst), 0, "not written before read");
        let e = d.clone();
        assert_eq!(d, Detail::from(format!("{a} of {b:.1}")));
        assert_eq!(e.as_str(), "0.30000000000000004 of 3.0");
        assert_eq!(CALLS.load(Ordering::SeqCst), 1, "one write for all clones");
        let json = serde_json::to_string(&e).expect("serialises");
        assert_eq!(
            json,
            serde_json::to_string("0.30000000000000004 of 3.0").unwrap()
        );
        let back: Detail = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(back, e);
    }
}
