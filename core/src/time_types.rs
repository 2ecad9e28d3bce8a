//! Points in time ([`Timestamp`], stored as milliseconds since the Unix
//! epoch) and calendar days ([`Day`], stored as `YYYY-MM-DD`).

use std::fmt;
use std::str::FromStr;

use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A moment, in milliseconds since the Unix epoch (UTC). Shown as RFC 3339.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct Timestamp(i64);

impl Timestamp {
    /// The current time.
    pub fn now() -> Self {
        Self((OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64)
    }
    /// From milliseconds since the epoch.
    pub const fn from_millis(ms: i64) -> Self {
        Self(ms)
    }
    /// Milliseconds since the epoch.
    pub const fn as_millis(self) -> i64 {
        self.0
    }
    /// The calendar day (UTC) this moment falls on.
    pub fn day(self) -> Day {
        Day(self.to_datetime().date())
    }
    fn to_datetime(self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(self.0 as i128 * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
    /// RFC 3339 text, e.g. `2026-11-23T14:05:00Z`.
    pub fn to_rfc3339(self) -> String {
        self.to_datetime()
            .format(&Rfc3339)
            .unwrap_or_else(|_| self.0.to_string())
    }
}

/// Why a time or date could not be read.
#[derive(Debug, Clone, thiserror::Error)]
#[error("'{0}' is not a valid {1} (expected {2})")]
pub struct TimeParseError(String, &'static str, &'static str);

impl FromStr for Timestamp {
    type Err = TimeParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let dt = OffsetDateTime::parse(s.trim(), &Rfc3339).map_err(|_| {
            TimeParseError(
                s.to_string(),
                "date and time",
                "RFC 3339, e.g. 2026-11-23T14:05:00-05:00",
            )
        })?;
        Ok(Self((dt.unix_timestamp_nanos() / 1_000_000) as i64))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    /// RFC 3339 text (JSON, import) or milliseconds (documents).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 date and time or milliseconds since 1970")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timestamp, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Timestamp, E> {
                Ok(Timestamp(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Timestamp, E> {
                i64::try_from(v).map(Timestamp).map_err(E::custom)
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl Reconcile for Timestamp {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: Reconciler>(&self, reconciler: R) -> Result<(), R::Error> {
        self.0.reconcile(reconciler)
    }
}

impl Hydrate for Timestamp {
    fn hydrate_int(i: i64) -> Result<Self, HydrateError> {
        Ok(Self(i))
    }
    fn hydrate_uint(u: u64) -> Result<Self, HydrateError> {
        i64::try_from(u)
            .map(Self)
            .map_err(|_| HydrateError::unexpected("a timestamp", "an out of range integer".into()))
    }
    fn hydrate_timestamp(t: i64) -> Result<Self, HydrateError> {
        Ok(Self(t))
    }
}

/// A calendar day, e.g. a follow-up's due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct Day(time::Date);

impl Day {
    /// From year, month (1-12) and day of month, if it exists.
    pub fn from_ymd(y: i32, m: u8, d: u8) -> Option<Self> {
        let month = time::Month::try_from(m).ok()?;
        time::Date::from_calendar_date(y, month, d).ok().map(Self)
    }
    /// The day `n` days after this one.
    pub fn plus_days(self, n: i64) -> Self {
        Self(self.0.saturating_add(time::Duration::days(n)))
    }
    /// The same day of the month `months` months earlier (the month's
    /// last day when it is shorter).
    pub fn minus_months(self, months: u32) -> Self {
        let total = self.0.year() * 12 + i32::from(u8::from(self.0.month())) - 1 - months as i32;
        let (year, month) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u8);
        (1..=self.0.day())
            .rev()
            .find_map(|d| Self::from_ymd(year, month, d))
            .unwrap_or(self)
    }
    /// `YYYY-MM-DD`.
    pub fn to_iso(self) -> String {
        format!(
            "{:04}-{:02}-{:02}",
            self.0.year(),
            u8::from(self.0.month()),
            self.0.day()
        )
    }
    /// Midnight UTC at the start of this day.
    pub fn start(self) -> Timestamp {
        Timestamp::from_millis(self.0.midnight().assume_utc().unix_timestamp() * 1000)
    }
}

impl FromStr for Day {
    type Err = TimeParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || TimeParseError(s.to_string(), "date", "YYYY-MM-DD, e.g. 2026-11-30");
        let mut parts = s.trim().splitn(3, '-');
        let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(err());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(err());
        }
        let (y, m, d) = (
            y.parse().map_err(|_| err())?,
            m.parse().map_err(|_| err())?,
            d.parse().map_err(|_| err())?,
        );
        Self::from_ymd(y, m, d).ok_or_else(err)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso())
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_iso())
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl Reconcile for Day {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: Reconciler>(&self, reconciler: R) -> Result<(), R::Error> {
        self.to_iso().reconcile(reconciler)
    }
}

impl Hydrate for Day {
    fn hydrate_string(s: &'_ str) -> Result<Self, HydrateError> {
        s.parse().map_err(|e: TimeParseError| {
            HydrateError::unexpected("a date YYYY-MM-DD", e.to_string())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_back_keep_the_day_or_the_month_end() {
        let d = |s: &str| s.parse::<Day>().expect("a day");
        assert_eq!(d("2026-12-07").minus_months(6), d("2026-06-07"));
        assert_eq!(d("2026-03-31").minus_months(1), d("2026-02-28"));
        assert_eq!(d("2026-01-15").minus_months(13), d("2024-12-15"));
        assert_eq!(d("2026-01-15").minus_months(0), d("2026-01-15"));
    }

    #[test]
    fn timestamps_round_trip_through_rfc3339() {
        let t: Timestamp = "2026-11-23T14:05:00-05:00".parse().expect("valid time");
        assert_eq!(t.to_rfc3339(), "2026-11-23T19:05:00Z");
        assert_eq!(t.to_rfc3339().parse::<Timestamp>().expect("own output"), t);
    }

    #[test]
    fn days_reject_impossible_dates() {
        assert!(
            "2026-02-30".parse::<Day>().is_err(),
            "February 30th does not exist"
        );
        assert!("26-1-1".parse::<Day>().is_err());
        assert_eq!(
            "2026-11-30".parse::<Day>().expect("valid").to_iso(),
            "2026-11-30"
        );
    }
}
