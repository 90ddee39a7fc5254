//! Amounts as people read them: minor units to "1 215.00 UAH".

/// Formats minor units (two decimals) with spaces between thousands.
pub fn format(amount: i64, currency: &str) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    let abs = amount.unsigned_abs();
    let (whole, cents) = (abs / 100, abs % 100);
    let digits = whole.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{cents:02} {currency}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(format(121_500, "UAH"), "1 215.00 UAH");
        assert_eq!(format(5, "EUR"), "0.05 EUR");
        assert_eq!(format(-13_500, "UAH"), "-135.00 UAH");
        assert_eq!(format(123_456_789, "UAH"), "1 234 567.89 UAH");
    }
}
