//! Prices: the API gives USD per token as decimal strings; people read USD per million tokens.

use std::str::FromStr;

use rust_decimal::Decimal;

/// What a per-token price string reads as per million tokens: `Some("3")` for `"0.000003"`,
/// `Some("varies")` for the negative prices router models use, `None` when absent or unreadable.
/// Decimal arithmetic, never floats: a float turns 0.000003 × 1e6 into 2.9999999999999996.
pub fn per_million(per_token: Option<&str>) -> Option<String> {
    let value = Decimal::from_str(per_token?.trim()).ok()?;
    if value.is_sign_negative() {
        return Some("varies".to_owned());
    }
    let million = Decimal::from(1_000_000u32);
    Some(value.checked_mul(million)?.normalize().to_string())
}

/// A per-unit price (per request, image or web search) as read: normalized (`"0.0100"` → `"0.01"`),
/// `"varies"` when negative, `None` when absent or unreadable.
pub fn per_unit(price: Option<&str>) -> Option<String> {
    let value = Decimal::from_str(price?.trim()).ok()?;
    if value.is_sign_negative() {
        return Some("varies".to_owned());
    }
    Some(value.normalize().to_string())
}

#[cfg(test)]
mod tests {
    use super::{per_million, per_unit};

    #[test]
    fn per_unit_prices_are_normalized_not_scaled() {
        assert_eq!(per_unit(Some("0.0100")).as_deref(), Some("0.01"));
        assert_eq!(per_unit(Some("0.0048")).as_deref(), Some("0.0048"));
        assert_eq!(per_unit(Some("-1")).as_deref(), Some("varies"));
        assert_eq!(per_unit(Some("x")), None);
    }

    #[test]
    fn converts_exactly() {
        assert_eq!(per_million(Some("0.000003")).as_deref(), Some("3"));
        assert_eq!(per_million(Some("0.00000015")).as_deref(), Some("0.15"));
        assert_eq!(per_million(Some("0.0000000375")).as_deref(), Some("0.0375"));
        assert_eq!(per_million(Some("0")).as_deref(), Some("0"));
        assert_eq!(per_million(Some("-1")).as_deref(), Some("varies"));
        assert_eq!(per_million(Some("abc")), None);
        assert_eq!(per_million(None), None);
    }
}
