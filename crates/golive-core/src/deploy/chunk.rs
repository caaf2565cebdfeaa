//! How a batch of output lines is stored in one `run_output` row: for each
//! line its stream (1 byte), time (Unix ms, 8 bytes little-endian), length
//! (4 bytes little-endian) and UTF-8 text. Sequence numbers are implied:
//! the row's `first_seq` plus the line's place in it.

use super::{LogLine, Stream};
use crate::{Error, Result};

const HEAD: usize = 1 + 8 + 4;

pub fn encode(lines: &[LogLine]) -> Vec<u8> {
    let size: usize = lines.iter().map(|l| HEAD + l.text.len()).sum();
    let mut out = Vec::with_capacity(size);
    for line in lines {
        out.push(line.stream.code() as u8);
        out.extend_from_slice(&line.at_ms.to_le_bytes());
        out.extend_from_slice(&(line.text.len() as u32).to_le_bytes());
        out.extend_from_slice(line.text.as_bytes());
    }
    out
}

/// The lines of a row whose first line is `first_seq`, calling `each` for
/// every line at or after `from` until it returns false.
pub fn decode(
    bytes: &[u8],
    first_seq: u64,
    from: u64,
    mut each: impl FnMut(LogLine) -> bool,
) -> Result<()> {
    let corrupt = || Error::Internal("a stored run output row is damaged".into());
    let mut at = 0;
    let mut seq = first_seq;
    while at < bytes.len() {
        let head = bytes.get(at..at + HEAD).ok_or_else(corrupt)?;
        let stream = Stream::from_code(i64::from(head[0]));
        let at_ms = i64::from_le_bytes(head[1..9].try_into().map_err(|_| corrupt())?);
        let len = u32::from_le_bytes(head[9..13].try_into().map_err(|_| corrupt())?) as usize;
        let text = bytes.get(at + HEAD..at + HEAD + len).ok_or_else(corrupt)?;
        at += HEAD + len;
        if seq >= from {
            let text = String::from_utf8_lossy(text).into_owned();
            if !each(LogLine {
                seq,
                stream,
                at_ms,
                text,
            }) {
                return Ok(());
            }
        }
        seq += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip_and_a_window_is_read_from_the_middle() {
        let lines: Vec<LogLine> = (10..15)
            .map(|seq| LogLine {
                seq,
                stream: if seq % 2 == 0 {
                    Stream::Stdout
                } else {
                    Stream::Stderr
                },
                at_ms: 1_700_000_000_000 + seq as i64,
                text: format!("line {seq} ünïcode"),
            })
            .collect();
        let bytes = encode(&lines);
        let mut all = Vec::new();
        decode(&bytes, 10, 0, |l| {
            all.push(l);
            true
        })
        .unwrap();
        assert_eq!(all, lines);
        let mut some = Vec::new();
        decode(&bytes, 10, 12, |l| {
            some.push(l.seq);
            some.len() < 2
        })
        .unwrap();
        assert_eq!(some, [12, 13]);
        assert!(decode(&bytes[..bytes.len() - 1], 10, 0, |_| true).is_err());
    }
}
