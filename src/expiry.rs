//! Expiry rules: reading `--expires` / `--expires-in`, and the SigV4 window they must fit in.
//!
//! Everything here is UTC. A URL's lifetime is a whole number of seconds (`X-Amz-Expires`),
//! counted from the signing instant (`X-Amz-Date`), which has one-second precision.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, Timelike, Utc};

use crate::errors::{ItemError, ItemErrorKind};

/// SigV4 accepts pre-signed URLs for at most 7 days.
pub const MAX_EXPIRES_SECONDS: i64 = 7 * 24 * 60 * 60;
/// Used when neither an expiry instant nor a lifetime is given.
pub const DEFAULT_EXPIRES_SECONDS: i64 = 60 * 60;

/// What the user asked for, before it is checked against a signing time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExpirySpec {
    /// An instant (`--expires`); `text` is kept to show the user what they asked for.
    At {
        instant: DateTime<Utc>,
        text: String,
    },
    /// A lifetime from the signing time (`--expires-in`).
    In { seconds: i64, text: String },
    /// Neither was given.
    Default,
}

impl ExpirySpec {
    /// The expiry as the user gave it, for display.
    pub fn requested(&self) -> String {
        match self {
            ExpirySpec::At { text, .. } | ExpirySpec::In { text, .. } => text.clone(),
            ExpirySpec::Default => "1h (default)".to_string(),
        }
    }
}

/// The checked outcome: the URL lives `seconds` from `signed_at` and ends at `expires_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expiry {
    pub seconds: i64,
    pub expires_at: DateTime<Utc>,
}

/// Reads an instant: an RFC 3339 / ISO 8601 date-time with or without offset (without one it
/// is UTC), or a date alone (midnight UTC).
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt.with_timezone(&Utc));
    }
    // RFC 3339 allows a space for the `T`; chrono's strict parser doesn't.
    if let Ok(dt) = DateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f%:z") {
        return Ok(dt.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(t, format) {
            return Ok(naive.and_utc());
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(date
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc());
    }
    Err(format!(
        "'{t}' is not a date or date-time; use ISO 8601 such as 2025-01-31, 2025-01-31T18:00:00Z or 2025-01-31T18:00:00+01:00"
    ))
}

/// Reads a lifetime: `90s`, `15m`, `12h`, `7d`, combinations such as `1d12h` or `1h30m`, or
/// plain seconds. Units are case-insensitive.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let bad = || {
        format!("'{t}' is not a duration; use seconds (3600) or a number with a unit: 90s, 15m, 12h, 7d, 1d12h")
    };
    if t.is_empty() {
        return Err(bad());
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<i64>().map_err(|_| bad());
    }
    let mut total: i64 = 0;
    let mut number: Option<i64> = None;
    let mut last_unit_rank = usize::MAX;
    for c in t.chars() {
        if let Some(d) = c.to_digit(10) {
            let n = number.unwrap_or(0);
            number = Some(
                n.checked_mul(10)
                    .and_then(|n| n.checked_add(d as i64))
                    .ok_or_else(bad)?,
            );
            continue;
        }
        let (rank, unit_seconds) = match c.to_ascii_lowercase() {
            'd' => (0, 86_400),
            'h' => (1, 3_600),
            'm' => (2, 60),
            's' => (3, 1),
            _ => return Err(bad()),
        };
        // Units must come largest first and once each, so "5m1h" or "1h1h" is a typo, not 65 min.
        if last_unit_rank != usize::MAX && rank <= last_unit_rank {
            return Err(bad());
        }
        last_unit_rank = rank;
        let n = number.take().ok_or_else(bad)?;
        total = n
            .checked_mul(unit_seconds)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(bad)?;
    }
    if number.is_some() {
        // Trailing digits without a unit, as in "1h30".
        return Err(bad());
    }
    Ok(total)
}

/// A lifetime for people: `1d2h3m4s`, largest unit first, zero units left out.
pub fn format_duration(seconds: i64) -> String {
    if seconds <= 0 {
        return "0s".into();
    }
    let mut out = String::new();
    let mut rest = seconds;
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    out
}

/// Formats an instant the way every output does: RFC 3339, UTC, whole seconds. Written out
/// digit by digit because a batch formats three instants per URL.
pub fn format_utc(instant: DateTime<Utc>) -> String {
    utc_text(instant).as_str().to_string()
}

/// An instant as [`format_utc`] writes it, on the stack: a JSON result carries three, and a
/// batch writes a million results.
#[derive(Clone, Copy)]
pub struct UtcText([u8; 20]);

impl UtcText {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII digits")
    }
}

impl serde::Serialize for UtcText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// [`format_utc`] without allocating.
pub fn utc_text(instant: DateTime<Utc>) -> UtcText {
    let mut out = [0u8; 20];
    write_digits(&mut out[0..4], instant.year().max(0) as u32);
    out[4] = b'-';
    write_digits(&mut out[5..7], instant.month());
    out[7] = b'-';
    write_digits(&mut out[8..10], instant.day());
    out[10] = b'T';
    write_digits(&mut out[11..13], instant.hour());
    out[13] = b':';
    write_digits(&mut out[14..16], instant.minute());
    out[16] = b':';
    write_digits(&mut out[17..19], instant.second());
    out[19] = b'Z';
    UtcText(out)
}

/// `YYYYMMDDTHHMMSSZ`, the form of X-Amz-Date.
pub fn format_amz_date(instant: DateTime<Utc>) -> String {
    let mut out = [0u8; 16];
    write_digits(&mut out[0..4], instant.year().max(0) as u32);
    write_digits(&mut out[4..6], instant.month());
    write_digits(&mut out[6..8], instant.day());
    out[8] = b'T';
    write_digits(&mut out[9..11], instant.hour());
    write_digits(&mut out[11..13], instant.minute());
    write_digits(&mut out[13..15], instant.second());
    out[15] = b'Z';
    String::from_utf8(out.to_vec()).expect("ASCII digits")
}

/// Fills `out` with the last `out.len()` decimal digits of `value`, zero-padded.
fn write_digits(out: &mut [u8], mut value: u32) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// Checks a requested expiry against the signing instant. Never caps: out of range is an error
/// that states the limit and the latest instant that would be accepted.
pub fn resolve(spec: &ExpirySpec, signed_at: DateTime<Utc>) -> Result<Expiry, ItemError> {
    let seconds = match spec {
        ExpirySpec::Default => DEFAULT_EXPIRES_SECONDS,
        ExpirySpec::In { seconds, .. } => *seconds,
        // X-Amz-Expires is whole seconds: round down, so the URL never outlives what was asked.
        ExpirySpec::At { instant, .. } => (*instant - signed_at).num_seconds(),
    };
    let latest = signed_at + TimeDelta::seconds(MAX_EXPIRES_SECONDS);
    if seconds <= 0 {
        let what = match spec {
            ExpirySpec::At { instant, .. } => format!(
                "expiry {} is not after the signing time {}",
                format_utc(*instant),
                format_utc(signed_at)
            ),
            _ => format!("lifetime of {seconds} seconds is not positive"),
        };
        return Err(ItemError::new(
            ItemErrorKind::ExpiryInPast,
            format!(
                "{what}; choose an expiry in the future, at most 7 days away (latest allowed: {})",
                format_utc(latest)
            ),
        ));
    }
    if seconds > MAX_EXPIRES_SECONDS {
        let what = match spec {
            ExpirySpec::At { instant, .. } => format!(
                "expiry {} is more than 7 days after the signing time {}",
                format_utc(*instant),
                format_utc(signed_at)
            ),
            // In the user's unit too: `--expires-in 8d` (or -ExpiresIn (New-TimeSpan -Days 8)) reads
            // better as "8d (691200 seconds)" than as seconds alone.
            _ => format!(
                "lifetime {} ({seconds} seconds) is more than 7 days",
                format_duration(seconds)
            ),
        };
        return Err(ItemError::new(
            ItemErrorKind::ExpiryTooFar,
            format!(
                "{what}; SigV4 allows at most 7 days ({MAX_EXPIRES_SECONDS} seconds): the latest allowed expiry is {}",
                format_utc(latest)
            ),
        ));
    }
    Ok(Expiry {
        seconds,
        expires_at: signed_at + TimeDelta::seconds(seconds),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn instants_with_and_without_offset() {
        assert_eq!(
            parse_instant("2025-01-31").unwrap(),
            utc("2025-01-31T00:00:00Z")
        );
        assert_eq!(
            parse_instant("2025-01-31T18:00:00Z").unwrap(),
            utc("2025-01-31T18:00:00Z")
        );
        assert_eq!(
            parse_instant("2025-01-31T18:00:00+01:00").unwrap(),
            utc("2025-01-31T17:00:00Z")
        );
        assert_eq!(
            parse_instant("2025-01-31T18:00:00").unwrap(),
            utc("2025-01-31T18:00:00Z")
        );
        assert_eq!(
            parse_instant("2025-01-31 18:00").unwrap(),
            utc("2025-01-31T18:00:00Z")
        );
        assert_eq!(
            parse_instant("2025-01-31T18:00:00.750Z")
                .unwrap()
                .timestamp_subsec_millis(),
            750
        );
        let err = parse_instant("tomorrow").unwrap_err();
        assert!(
            err.contains("'tomorrow'") && err.contains("ISO 8601"),
            "{err}"
        );
        assert!(parse_instant("2025-02-30").is_err());
    }

    #[test]
    fn formats() {
        let t = utc("2025-01-31T08:05:09Z");
        assert_eq!(format_utc(t), "2025-01-31T08:05:09Z");
        assert_eq!(format_amz_date(t), "20250131T080509Z");
        assert_eq!(format_utc(t), t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    }

    #[test]
    fn durations_for_people_read_back() {
        for seconds in [1, 59, 60, 3_599, 7_199, 86_400, 129_600, 604_800] {
            assert_eq!(parse_duration(&format_duration(seconds)), Ok(seconds));
        }
        assert_eq!(format_duration(7_199), "1h59m59s");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s"), Ok(90));
        assert_eq!(parse_duration("15m"), Ok(900));
        assert_eq!(parse_duration("12h"), Ok(43_200));
        assert_eq!(parse_duration("7d"), Ok(604_800));
        assert_eq!(parse_duration("1d12h"), Ok(129_600));
        assert_eq!(parse_duration("1H30M"), Ok(5_400));
        assert_eq!(parse_duration("3600"), Ok(3_600));
        for bad in [
            "",
            "h",
            "1h30",
            "5m1h",
            "1h1h",
            "1w",
            "-5m",
            "1.5h",
            "99999999999999999999d",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn window_rules() {
        let signed = utc("2025-01-01T00:00:00Z");
        let ok = resolve(
            &ExpirySpec::In {
                seconds: 604_800,
                text: "7d".into(),
            },
            signed,
        )
        .unwrap();
        assert_eq!(ok.expires_at, utc("2025-01-08T00:00:00Z"));
        assert_eq!(resolve(&ExpirySpec::Default, signed).unwrap().seconds, 3600);

        let far = resolve(
            &ExpirySpec::In {
                seconds: 604_801,
                text: "604801".into(),
            },
            signed,
        )
        .unwrap_err();
        assert_eq!(far.kind, ItemErrorKind::ExpiryTooFar);
        assert!(
            far.message.contains("2025-01-08T00:00:00Z"),
            "{}",
            far.message
        );
        // The lifetime in days and hours as well as seconds: 8d, not only 691200.
        let eight_days = resolve(
            &ExpirySpec::In {
                seconds: 691_200,
                text: "8d".into(),
            },
            signed,
        )
        .unwrap_err();
        assert!(
            eight_days
                .message
                .starts_with("lifetime 8d (691200 seconds) is more than 7 days;"),
            "{}",
            eight_days.message
        );

        let at = ExpirySpec::At {
            instant: utc("2024-12-31T23:59:59Z"),
            text: "x".into(),
        };
        let past = resolve(&at, signed).unwrap_err();
        assert_eq!(past.kind, ItemErrorKind::ExpiryInPast);
        assert!(
            past.message.contains("2024-12-31T23:59:59Z"),
            "{}",
            past.message
        );

        // Sub-second expiries round down: never later than asked.
        let at = ExpirySpec::At {
            instant: utc("2025-01-01T00:00:10.9Z"),
            text: "x".into(),
        };
        assert_eq!(resolve(&at, signed).unwrap().seconds, 10);
    }
}
