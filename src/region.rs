//! Region names: FIPS pseudo-regions, well-formedness, and typos caught against the regions the
//! AWS SDK for Rust knows (`aws_sdk_s3::types::BucketLocationConstraint`, the S3 regions of every
//! partition, plus us-east-1, which needs no location constraint).
//!
//! A region goes into a host name (`s3.REGION.amazonaws.com`) and into the credential scope,
//! so a typo signs URLs that can never work. For AWS's own hosts, an unknown region that looks
//! like a typo of a known one is refused with suggestions; one that has the shape of a region
//! (a new one this build does not know yet) is signed for with a warning. S3-compatible servers
//! (a custom endpoint URL) name their regions as they like: any well-formed name goes.

use aws_sdk_s3::types::BucketLocationConstraint;

use crate::errors::{SetupError, SetupErrorKind};

/// The region when none is set anywhere: what the AWS CLI, botocore and AWS.Tools sign for.
pub const FALLBACK: &str = "us-east-1";

/// `fips-us-gov-west-1` and `us-gov-west-1-fips` are the FIPS endpoints of `us-gov-west-1`
/// (botocore's `_normalize_fips_region`): returns the real region and whether FIPS was asked for.
pub fn strip_fips(region: &str) -> (String, bool) {
    let stripped = region.replace("fips-", "").replace("-fips", "");
    let fips = stripped != region;
    (stripped, fips)
}

/// Checks a region: `Err` for a malformed name or (AWS hosts only) a typo; `Ok(Some(warning))`
/// for a well-shaped region this build does not know.
pub fn check(
    region: &str,
    source: &str,
    custom_endpoint: bool,
) -> Result<Option<String>, SetupError> {
    if !is_host_label(region) {
        return Err(SetupError::new(
            SetupErrorKind::InvalidRegion,
            format!(
                "region '{region}' (from {source}) is not a region name: use letters, digits and hyphens, e.g. eu-west-1, with --region (-Region in PowerShell), AWS_REGION or 'region = ...' in the profile"
            ),
        ));
    }
    if custom_endpoint || is_known(region) {
        return Ok(None);
    }
    let close = close_regions(region);
    if close.is_empty() && has_region_shape(region) {
        return Ok(Some(format!(
            "region '{region}' (from {source}) is not one this version of s3presign knows; signing for it anyway"
        )));
    }
    let hint = if close.is_empty() {
        "; with a custom endpoint (--endpoint-url) any region name is allowed".to_string()
    } else {
        format!("; did you mean {}?", close.join(" or "))
    };
    Err(SetupError::new(
        SetupErrorKind::InvalidRegion,
        format!("region '{region}' (from {source}) is not an AWS region{hint}"),
    ))
}

fn known_regions() -> impl Iterator<Item = &'static str> {
    BucketLocationConstraint::values()
        .iter()
        .copied()
        .filter(|r| r.contains('-'))
        .chain(["us-east-1", "aws-global"])
}

/// The regions this build knows, sorted, without duplicates or the `aws-global` pseudo-region:
/// what `s3presign regions` lists for tab completion.
pub fn names() -> impl Iterator<Item = &'static str> {
    let mut names: Vec<&'static str> = known_regions().filter(|r| *r != "aws-global").collect();
    names.sort_unstable();
    names.dedup();
    names.into_iter()
}

fn is_known(region: &str) -> bool {
    known_regions().any(|r| r == region)
}

/// A DNS label, as the S3 endpoint rules require of a region (`isValidHostLabel`).
fn is_host_label(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 63
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-')
}

/// `area-direction-N` in lower case, as every AWS region is named.
fn has_region_shape(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
}

/// Known regions at most two edits away, ignoring case; a region that differs only in its
/// number (`us-east-3`) is a possible new region, not a typo.
fn close_regions(region: &str) -> Vec<&'static str> {
    let lower = region.to_ascii_lowercase();
    let stem = |r: &str| r.trim_end_matches(|c: char| c.is_ascii_digit()).to_string();
    let mut close: Vec<(usize, &'static str)> = known_regions()
        .filter(|known| lower == *known || stem(known) != stem(&lower) || !has_region_shape(region))
        .map(|known| (edit_distance(&lower, known), known))
        .filter(|(d, _)| *d <= 2)
        .collect();
    close.sort();
    close.into_iter().map(|(_, r)| r).take(3).collect()
}

/// Optimal string alignment distance (Levenshtein with adjacent transpositions).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fips_pseudo_regions() {
        assert_eq!(
            strip_fips("fips-us-gov-west-1"),
            ("us-gov-west-1".into(), true)
        );
        assert_eq!(strip_fips("us-east-1-fips"), ("us-east-1".into(), true));
        assert_eq!(strip_fips("eu-west-1"), ("eu-west-1".into(), false));
    }

    #[test]
    fn typos_malformed_new_and_custom() {
        assert_eq!(check("eu-west-1", "--region", false).unwrap(), None);
        let typo = check("eu-west-l", "--region", false).unwrap_err();
        assert_eq!(typo.kind, SetupErrorKind::InvalidRegion);
        assert!(
            typo.message.contains("did you mean eu-west-1"),
            "{}",
            typo.message
        );
        assert!(check("eu-wset-1", "--region", false)
            .unwrap_err()
            .message
            .contains("eu-west-1"));
        assert!(check("EU-WEST-1", "--region", false)
            .unwrap_err()
            .message
            .contains("eu-west-1"));
        assert!(check("eu west 1", "--region", true).is_err());
        assert!(check("us-east-9", "--region", false).unwrap().is_some());
        assert!(check("minio", "--region", false).is_err());
        assert_eq!(check("minio", "--region", true).unwrap(), None);
        assert_eq!(check("eu-west-l", "--region", true).unwrap(), None);
    }
}
