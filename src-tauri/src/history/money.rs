//! Money as integer nano-dollars (USD × 10⁹), so sums over a million replies stay exact.

const NANOS_PER_USD: f64 = 1e9;

/// Converts a USD amount as the API reports it (`usage.cost`, e.g. `0.0000368`) to nano-dollars, rounding
/// half away from zero at the ninth decimal.
///
/// It works on the decimal the API sent, not on `usd * 1e9`: Rust's `{:e}` prints the shortest digits that
/// read back as the same `f64`, which are the digits of the JSON number. Multiplying in floating point instead
/// can land a hair below a half (7.5e-9 * 1e9 = 7.499999999999999) and round the wrong way.
/// Not-a-number and infinities (which JSON cannot carry) give 0; amounts beyond ±9.2 billion USD saturate.
pub fn usd_to_nanos(usd: f64) -> i64 {
    if !usd.is_finite() {
        log::warn!("ignoring a cost that is not a number: {usd}");
        return 0;
    }
    decimal_to_nanos(&format!("{usd:e}")).unwrap_or(if usd < 0.0 { i64::MIN } else { i64::MAX })
}

/// The most one reply may cost, in nano-dollars ($10,000): any figure beyond (or below zero) is not a real
/// charge, and kept as it is it would overflow the day's sums.
pub const MAX_REPLY_COST_NANOS: i64 = 10_000 * 1_000_000_000;

/// A reply's cost as the API reports it, in nano-dollars; `None` (cost unknown) when it is not a plausible
/// charge: negative, not a number, or over [`MAX_REPLY_COST_NANOS`].
pub fn reply_cost_nanos(usd: f64) -> Option<i64> {
    if !usd.is_finite() {
        return None;
    }
    let nanos = usd_to_nanos(usd);
    if (0..=MAX_REPLY_COST_NANOS).contains(&nanos) {
        Some(nanos)
    } else {
        log::warn!("ignoring an implausible cost: {usd}");
        None
    }
}

/// Nano-dollars back to USD for display and for the page's `cost_usd`.
pub fn nanos_to_usd(nanos: i64) -> f64 {
    nanos as f64 / NANOS_PER_USD
}

/// Nano-dollars as a dollar amount for people to read, exact and with every significant digit, so a
/// fraction of a cent stays visible: `$0.0000368`, `$1.50`, `$12.345`, `$0.00`.
pub fn format_usd(nanos: i64) -> String {
    let sign = if nanos < 0 { "-" } else { "" };
    let magnitude = nanos.unsigned_abs();
    let dollars = magnitude / 1_000_000_000;
    let fraction = format!("{:09}", magnitude % 1_000_000_000);
    let fraction = fraction.trim_end_matches('0');
    let fraction = if fraction.len() < 2 {
        format!("{fraction:0<2}")
    } else {
        fraction.to_owned()
    };
    format!("{sign}${dollars}.{fraction}")
}

/// A whole number with thousands separators, for people: 1234567 → "1,234,567".
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// `text` is `[-]D[.DDD]e[-]X` as printed by `{:e}`. `None` means it does not fit in an i64.
fn decimal_to_nanos(text: &str) -> Option<i64> {
    let (mantissa, exponent) = text.split_once('e')?;
    let exponent: i32 = exponent.parse().ok()?;
    let negative = mantissa.starts_with('-');
    let fraction_digits = mantissa.split_once('.').map_or(0, |(_, f)| f.len());
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    // At most 17 significant digits: fits an i128 with room to scale.
    let digits: i128 = digits.parse().ok()?;
    let scale = exponent - fraction_digits as i32 + 9;
    let magnitude = if scale >= 0 {
        digits.checked_mul(10_i128.checked_pow(scale.unsigned_abs())?)?
    } else if scale < -18 {
        0 // fewer than 10^17 divided by at least 10^19: below half a nano-dollar
    } else {
        let divisor = 10_i128.pow(scale.unsigned_abs());
        (digits + divisor / 2) / divisor
    };
    i64::try_from(if negative { -magnitude } else { magnitude }).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_api_costs_exactly() {
        assert_eq!(usd_to_nanos(0.0000368), 36_800);
        assert_eq!(usd_to_nanos(0.000669), 669_000);
        assert_eq!(usd_to_nanos(0.0), 0);
        assert_eq!(usd_to_nanos(-0.0), 0);
        assert_eq!(usd_to_nanos(12.345), 12_345_000_000);
        assert_eq!(usd_to_nanos(1.0), 1_000_000_000);
        assert_eq!(usd_to_nanos(0.000000001), 1);
        assert_eq!(usd_to_nanos(-0.0015), -1_500_000);
    }

    #[test]
    fn rounds_half_away_from_zero_where_float_multiplication_would_not() {
        // In f64, 7.5e-9 * 1e9 is 7.499999999999999 and 0.0000001235 * 1e9 is 123.49999999999999:
        // multiplying then rounding gives 7 and 123.
        assert_eq!(usd_to_nanos(7.5e-9), 8);
        assert_eq!(usd_to_nanos(-7.5e-9), -8);
        assert_eq!(usd_to_nanos(0.0000001235), 124);
        assert_eq!(usd_to_nanos(2.5e-9), 3);
        assert_eq!(usd_to_nanos(1.4e-9), 1);
        assert_eq!(usd_to_nanos(0.0000000004999), 0);
        assert_eq!(usd_to_nanos(0.00001234567891), 12_346);
    }

    #[test]
    fn every_whole_and_half_nano_amount_converts_exactly() {
        for k in 0..100_000_i64 {
            let whole: f64 = format!("{k}e-9").parse().unwrap();
            let half: f64 = format!("{k}.5e-9").parse().unwrap();
            assert_eq!(usd_to_nanos(whole), k, "{k}e-9");
            assert_eq!(usd_to_nanos(half), k + 1, "{k}.5e-9");
            assert_eq!(usd_to_nanos(-half), -(k + 1), "-{k}.5e-9");
        }
    }

    #[test]
    fn extreme_values_do_not_panic() {
        assert_eq!(usd_to_nanos(f64::NAN), 0);
        assert_eq!(usd_to_nanos(f64::INFINITY), 0);
        assert_eq!(usd_to_nanos(1e-300), 0);
        assert_eq!(usd_to_nanos(f64::MIN_POSITIVE), 0);
        assert_eq!(usd_to_nanos(1e300), i64::MAX);
        assert_eq!(usd_to_nanos(-1e300), i64::MIN);
        assert_eq!(usd_to_nanos(9.2e9), 9_200_000_000_000_000_000);
    }

    #[test]
    fn dollars_are_formatted_exactly_with_fractions_of_a_cent() {
        assert_eq!(format_usd(36_800), "$0.0000368");
        assert_eq!(format_usd(usd_to_nanos(0.000669)), "$0.000669");
        assert_eq!(format_usd(0), "$0.00");
        assert_eq!(format_usd(1), "$0.000000001");
        assert_eq!(format_usd(1_500_000_000), "$1.50");
        assert_eq!(format_usd(12_345_000_000), "$12.345");
        assert_eq!(format_usd(100_000_000), "$0.10");
        assert_eq!(format_usd(-1_500_000), "-$0.0015");
        assert_eq!(format_usd(i64::MIN), "-$9223372036.854775808");
    }

    #[test]
    fn sums_of_many_small_costs_are_exact() {
        // A million replies at $0.0000368 are exactly $36.80, which summing f64 does not give.
        let total: i64 = (0..1_000_000).map(|_| usd_to_nanos(0.0000368)).sum();
        assert_eq!(total, 36_800_000_000);
        assert_eq!(nanos_to_usd(total), 36.8);
        let float_sum: f64 = (0..1_000_000).map(|_| 0.0000368).sum();
        assert_ne!(float_sum, 36.8);
    }
}
