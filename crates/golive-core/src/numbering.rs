//! Records numbered per launch and shown with a prefix (INC-3, TRN-2,
//! RSK-11, FB-7): the next number, and a number read back from what a
//! person typed ("INC-3", "inc-3" or "3").

use crate::Result;
use crate::store::WriteTx;

/// The next free number of `table` in the launch (1 for the first).
/// `table` is one of golive's own table names, never input.
pub(crate) fn next(tx: &WriteTx<'_>, table: &'static str, launch_id: &str) -> Result<u32> {
    Ok(tx.query_row(
        &format!("SELECT coalesce(max(number), 0) + 1 FROM {table} WHERE launch_id = ?1"),
        [launch_id],
        |row| row.get(0),
    )?)
}

/// The number in `selector` written with `prefix` (any case) or bare.
pub(crate) fn parse(selector: &str, prefix: &str) -> Option<u32> {
    let selector = selector.trim();
    let bare = match selector.get(..prefix.len()) {
        Some(head) if head.eq_ignore_ascii_case(prefix) => &selector[prefix.len()..],
        _ => selector,
    };
    bare.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn reads_prefixed_and_bare_numbers() {
        assert_eq!(parse("INC-3", "INC-"), Some(3));
        assert_eq!(parse(" inc-12 ", "INC-"), Some(12));
        assert_eq!(parse("7", "FB-"), Some(7));
        assert_eq!(parse("RSK-x", "RSK-"), None);
        assert_eq!(parse("0193f1c2-aaaa", "TRN-"), None);
        assert_eq!(parse("é", "FB-"), None);
    }
}
