//! How a batch of output lines is stored in one `run_output` row. Each
//! entry is a varint head (`length << 3 | absolute << 2 | stream`), its time
//! (Unix ms: 8 bytes little-endian when `absolute`, else a varint of the
//! milliseconds since the entry before) and `length` bytes of UTF-8 text.
//! A row's first entry, and any whose clock went backwards, carries an
//! absolute time. Sequence numbers are implied: the row's `first_seq` plus
//! the line's place in it.
//!
//! An entry is one line, or — with the stream code [`JOINED`] in its head
//! and the real stream in the byte after the time — the many lines of one
//! read as the program wrote them: joined by `\n`, each possibly still
//! ending in the `\r` of a `\r\n` that reading drops. A program printing
//! a million short lines is then stored a read at a time, not a line at a
//! time: counting the newlines of a read is all the reader does per line.
//!
//! A row of a kilobyte or more is stored LZ4-compressed when that saves at
//! least an eighth ([`pack`]; the row's `packed` column says so): output
//! text compresses several times over, and writing a fraction of the bytes
//! is what lets storing keep pace with a program printing a million lines.
//! A reader thread packs its large batches itself ([`Batch::pack`]), so
//! both streams are compressed at once and the one writer only inserts.

use std::borrow::Cow;

use super::lines::Split;
use super::{LogLine, Stream};
use crate::{Error, Result};

/// The stream code of an entry holding several lines (no stream has it).
const JOINED: u64 = 3;

/// Lines in the stored form, as a reader thread builds them and the writer
/// commits them: one buffer, no allocation per line.
#[derive(Debug, Default)]
pub struct Batch {
    bytes: Vec<u8>,
    count: usize,
    last_ms: Option<i64>,
    packing: Packing,
}

/// Whether a batch's stored form has been worked out yet.
#[derive(Debug, Default)]
enum Packing {
    #[default]
    NotYet,
    /// Stored as it is: too small, or compressing saved too little.
    Plain,
    Packed(Vec<u8>),
}

impl Batch {
    /// Room for about `bytes` of output text as lines (a few bytes a line
    /// are added), so building the batch of one read does not reallocate.
    pub fn for_text(bytes: usize) -> Batch {
        Batch {
            bytes: Vec::with_capacity(bytes + bytes / 4 + 16),
            ..Batch::default()
        }
    }

    /// One line, without its line ending.
    pub fn push(&mut self, stream: Stream, at_ms: i64, text: &str) {
        self.put_head(text.len(), stream.code() as u64, at_ms);
        self.bytes.extend_from_slice(text.as_bytes());
        self.count += 1;
    }

    /// Lines as they come from the splitter: one, or many joined.
    pub fn push_split(&mut self, stream: Stream, at_ms: i64, split: Split<'_>) {
        match split {
            Split::Line(text) => self.push(stream, at_ms, text),
            Split::Joined { text, count } => {
                self.put_head(text.len(), JOINED, at_ms);
                self.bytes.push(stream.code() as u8);
                self.bytes.extend_from_slice(text.as_bytes());
                self.count += count;
            }
        }
    }

    fn put_head(&mut self, len: usize, code: u64, at_ms: i64) {
        let since = self
            .last_ms
            .and_then(|last| u64::try_from(at_ms - last).ok());
        let absolute = u64::from(since.is_none());
        put_varint(&mut self.bytes, (len as u64) << 3 | absolute << 2 | code);
        match since {
            Some(ms) => put_varint(&mut self.bytes, ms),
            None => self.bytes.extend_from_slice(&at_ms.to_le_bytes()),
        }
        self.last_ms = Some(at_ms);
        self.packing = Packing::NotYet;
    }

    /// Moves `other`'s lines after these (its first line carries an
    /// absolute time, so the bytes are simply joined).
    pub fn append(&mut self, other: Batch) {
        self.bytes.extend_from_slice(&other.bytes);
        self.count += other.count;
        self.last_ms = other.last_ms.or(self.last_ms);
        self.packing = Packing::NotYet;
    }

    /// Works out the stored form now, on this thread (a reader's), so the
    /// writer does not have to.
    pub fn pack(&mut self) {
        self.packing = match pack(&self.bytes) {
            (Cow::Owned(packed), true) => Packing::Packed(packed),
            _ => Packing::Plain,
        };
    }

    /// Whether the stored form is already worked out (the batch is then
    /// kept as a row of its own rather than joined to another).
    pub fn is_packed(&self) -> bool {
        !matches!(self.packing, Packing::NotYet)
    }

    /// The bytes to store and whether they are packed.
    pub fn stored(&self) -> (Cow<'_, [u8]>, bool) {
        match &self.packing {
            Packing::NotYet => pack(&self.bytes),
            Packing::Plain => (Cow::Borrowed(&self.bytes), false),
            Packing::Packed(packed) => (Cow::Borrowed(packed), true),
        }
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The stored form.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The lines, numbered from `first_seq`.
    pub fn lines(&self, first_seq: u64) -> Lines<'_> {
        Lines::new(&self.bytes, first_seq)
    }
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn get_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Some(value);
        }
    }
    None
}

/// Rows smaller than this are stored as they are: compressing saves little.
const PACK_FROM: usize = 1024;

/// No row unpacks to more than this (the longest line is stored in pieces
/// of [`super::lines::MAX_LINE`]); a damaged size claiming more is refused
/// rather than allocated.
const MAX_UNPACKED: usize = 64 * 1024 * 1024;

/// The bytes to store for a batch, and whether they are packed.
pub fn pack(bytes: &[u8]) -> (Cow<'_, [u8]>, bool) {
    if bytes.len() >= PACK_FROM {
        let packed = lz4_flex::block::compress_prepend_size(bytes);
        if packed.len() <= bytes.len() - bytes.len() / 8 {
            return (Cow::Owned(packed), true);
        }
    }
    (Cow::Borrowed(bytes), false)
}

/// A stored row's bytes in the form [`decode`] reads.
pub fn unpack(stored: &[u8], packed: bool) -> Result<Cow<'_, [u8]>> {
    if !packed {
        return Ok(Cow::Borrowed(stored));
    }
    let damaged =
        || Error::Internal("a stored run output row is damaged (it does not unpack)".into());
    let (size, body) = lz4_flex::block::uncompressed_size(stored).map_err(|_| damaged())?;
    if size > MAX_UNPACKED {
        return Err(damaged());
    }
    let mut out = vec![0; size];
    match lz4_flex::block::decompress_into(body, &mut out) {
        Ok(n) if n == size => Ok(Cow::Owned(out)),
        _ => Err(damaged()),
    }
}

/// One line read in place from a batch or a stored row.
#[derive(Debug, Clone, Copy)]
pub struct LineRef<'a> {
    pub seq: u64,
    pub stream: Stream,
    pub at_ms: i64,
    text: &'a [u8],
}

impl<'a> LineRef<'a> {
    /// The text (a damaged row's invalid UTF-8 shown as replacement characters).
    pub fn text(&self) -> Cow<'a, str> {
        super::lines::utf8(self.text)
    }

    pub fn to_line(&self) -> LogLine {
        LogLine {
            seq: self.seq,
            stream: self.stream,
            at_ms: self.at_ms,
            text: self.text().into_owned(),
        }
    }
}

/// The lines of a batch or row in order; ends early at damage (which
/// [`decode`] reports).
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    bytes: &'a [u8],
    at: usize,
    seq: u64,
    last_ms: i64,
    /// What is left of a joined entry being read.
    joined: Option<Joined<'a>>,
}

#[derive(Debug, Clone, Copy)]
struct Joined<'a> {
    rest: &'a [u8],
    stream: Stream,
    at_ms: i64,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8], first_seq: u64) -> Lines<'a> {
        Lines {
            bytes,
            at: 0,
            seq: first_seq,
            last_ms: 0,
            joined: None,
        }
    }

    fn next_line(&mut self) -> Option<Result<LineRef<'a>>> {
        if let Some(joined) = self.joined.take() {
            let text = match memchr::memchr(b'\n', joined.rest) {
                Some(end) => {
                    self.joined = Some(Joined {
                        rest: &joined.rest[end + 1..],
                        ..joined
                    });
                    &joined.rest[..end]
                }
                None => joined.rest,
            };
            let text = text.strip_suffix(b"\r").unwrap_or(text);
            return Some(Ok(self.line(joined.stream, joined.at_ms, text)));
        }
        if self.at >= self.bytes.len() {
            return None;
        }
        let mut at = self.at;
        let parsed = (|| {
            let head = get_varint(self.bytes, &mut at)?;
            let at_ms = if head & 0b100 != 0 {
                let time = self.bytes.get(at..at + 8)?;
                at += 8;
                i64::from_le_bytes(time.try_into().ok()?)
            } else {
                self.last_ms
                    .checked_add(i64::try_from(get_varint(self.bytes, &mut at)?).ok()?)?
            };
            let code = head & 0b11;
            let joined = code == JOINED;
            let stream = if joined {
                let code = *self.bytes.get(at)?;
                at += 1;
                (1..=2)
                    .contains(&code)
                    .then_some(Stream::from_code(code.into()))?
            } else {
                Stream::from_code(code as i64)
            };
            let len = usize::try_from(head >> 3).ok()?;
            let text = self.bytes.get(at..at.checked_add(len)?)?;
            at += len;
            Some((stream, at_ms, text, joined))
        })();
        let Some((stream, at_ms, text, joined)) = parsed else {
            self.at = self.bytes.len();
            return Some(Err(Error::Internal(
                "a stored run output row is damaged".into(),
            )));
        };
        self.at = at;
        self.last_ms = at_ms;
        if joined {
            self.joined = Some(Joined {
                rest: text,
                stream,
                at_ms,
            });
            return self.next_line();
        }
        Some(Ok(self.line(stream, at_ms, text)))
    }

    fn line(&mut self, stream: Stream, at_ms: i64, text: &'a [u8]) -> LineRef<'a> {
        let line = LineRef {
            seq: self.seq,
            stream,
            at_ms,
            text,
        };
        self.seq += 1;
        line
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = LineRef<'a>;

    fn next(&mut self) -> Option<LineRef<'a>> {
        self.next_line().and_then(Result::ok)
    }
}

/// The lines of a stored row whose first line is `first_seq`, calling
/// `each` for every line at or after `from` until it returns false.
pub fn decode<'a>(
    bytes: &'a [u8],
    first_seq: u64,
    from: u64,
    mut each: impl FnMut(LineRef<'a>) -> bool,
) -> Result<()> {
    let mut lines = Lines::new(bytes, first_seq);
    while let Some(line) = lines.next_line() {
        let line = line?;
        if line.seq >= from && !each(line) {
            break;
        }
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
                // The clock goes backwards once (line 13).
                at_ms: 1_700_000_000_000 + [0, 5, 5, 2, 900][(seq - 10) as usize],
                // Lengths whose head takes one, two and three bytes.
                text: format!(
                    "line {seq} ünïcode {}",
                    "x".repeat(((seq - 10) * 700) as usize)
                ),
            })
            .collect();
        let mut batch = Batch::default();
        for line in &lines {
            batch.push(line.stream, line.at_ms, &line.text);
        }
        assert_eq!(batch.len(), 5);
        let in_memory: Vec<LogLine> = batch.lines(10).map(|l| l.to_line()).collect();
        assert_eq!(in_memory, lines);
        // Batches joined read as one.
        let (mut head, mut tail) = (Batch::default(), Batch::default());
        for (i, line) in lines.iter().enumerate() {
            let part = if i < 2 { &mut head } else { &mut tail };
            part.push(line.stream, line.at_ms, &line.text);
        }
        head.append(tail);
        assert_eq!(head.len(), 5);
        assert_eq!(head.bytes().len(), batch.bytes().len() + 8 - 1);
        let joined: Vec<LogLine> = head.lines(10).map(|l| l.to_line()).collect();
        assert_eq!(joined, lines);
        let bytes = batch.bytes().to_vec();
        let mut all = Vec::new();
        decode(&bytes, 10, 0, |l| {
            all.push(l.to_line());
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

    #[test]
    fn a_read_of_many_lines_is_one_entry_that_reads_as_its_lines() {
        let mut batch = Batch::default();
        batch.push(Stream::Golive, 1_700_000_000_000, "started\r");
        batch.push_split(
            Stream::Stderr,
            1_700_000_000_004,
            Split::Joined {
                text: "one\r\n\ntwo ünï\r\r\nthree\r",
                count: 4,
            },
        );
        batch.push_split(
            Stream::Stdout,
            1_700_000_000_004,
            Split::Joined { text: "", count: 1 },
        );
        batch.push_split(Stream::Stdout, 1_700_000_000_009, Split::Line("last"));
        assert_eq!(batch.len(), 7);
        let expected = [
            (10, Stream::Golive, 0, "started\r"),
            (11, Stream::Stderr, 4, "one"),
            (12, Stream::Stderr, 4, ""),
            (13, Stream::Stderr, 4, "two ünï\r"),
            (14, Stream::Stderr, 4, "three"),
            (15, Stream::Stdout, 4, ""),
            (16, Stream::Stdout, 9, "last"),
        ];
        let read = |bytes: &[u8], from: u64| {
            let mut lines = Vec::new();
            decode(bytes, 10, from, |l| {
                lines.push((
                    l.seq,
                    l.stream,
                    l.at_ms - 1_700_000_000_000,
                    l.text().into_owned(),
                ));
                true
            })
            .map(|()| lines)
        };
        let all = read(batch.bytes(), 0).unwrap();
        assert_eq!(all.len(), expected.len());
        for (line, want) in all.iter().zip(expected) {
            assert_eq!((line.0, line.1, line.2, line.3.as_str()), want);
        }
        // A window starting inside the joined entry.
        let tail = read(batch.bytes(), 13).unwrap();
        assert_eq!(tail.first().map(|l| l.0), Some(13));
        assert_eq!(tail.len(), 4);
        assert_eq!(batch.lines(10).count(), 7);
        // A joined entry naming no stream of a program is damage.
        let mut bad = Batch::default();
        bad.push_split(
            Stream::Golive,
            1_700_000_000_000,
            Split::Joined {
                text: "a\nb",
                count: 2,
            },
        );
        assert!(read(bad.bytes(), 0).is_err());
    }

    #[test]
    fn large_rows_are_packed_small_and_incompressible_ones_are_not_and_damage_is_reported() {
        let mut text = Batch::default();
        for i in 0..2_000 {
            text.push(
                Stream::Stdout,
                1_700_000_000_000 + i,
                &format!("line {i} of a deployment"),
            );
        }
        let (stored, packed) = pack(text.bytes());
        assert!(packed);
        assert!(
            stored.len() * 4 < text.bytes().len(),
            "{} of {}",
            stored.len(),
            text.bytes().len()
        );
        assert_eq!(unpack(&stored, true).unwrap(), text.bytes());

        let mut small = Batch::default();
        small.push(Stream::Stderr, 1_700_000_000_000, "one short line");
        assert_eq!(pack(small.bytes()), (Cow::Borrowed(small.bytes()), false));
        assert_eq!(unpack(small.bytes(), false).unwrap(), small.bytes());

        // Bytes that do not compress (a pseudo-random line) stay as they are.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let noise: String = (0..4_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                char::from(b'!' + (state % 90) as u8)
            })
            .collect();
        let mut random = Batch::default();
        random.push(Stream::Stdout, 1_700_000_000_000, &noise);
        assert!(!pack(random.bytes()).1);

        // A cut row, a flipped byte and a size claiming gigabytes are damage, not a panic.
        assert!(unpack(&stored[..stored.len() - 10], true).is_err());
        let mut huge = stored.to_vec();
        huge[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(unpack(&huge, true).is_err());
        // LZ4 has no checksum, so a flipped byte may unpack to other text
        // (the record's signature catches that); it must never panic.
        for at in [4, 5, 40, stored.len() / 2, stored.len() - 1] {
            let mut flipped = stored.to_vec();
            flipped[at] ^= 0xff;
            if let Ok(bytes) = unpack(&flipped, true) {
                let _ = decode(&bytes, 0, 0, |_| true);
            }
        }
    }
}
