//! Splitting a child's output into lines: every byte kept, a final line
//! without newline included, a very long line cut into pieces only past
//! [`MAX_LINE`], and every line masked before it leaves here.

use std::borrow::Cow;

use super::mask::Masker;

/// Longer lines are stored in pieces of this size (a megabyte line stays whole).
pub const MAX_LINE: usize = 8 * 1024 * 1024;

/// What the splitter hands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split<'a> {
    /// One line, without its line ending.
    Line(&'a str),
    /// The `count` complete lines of one read joined by `\n`, each possibly
    /// still ending in `\r` (whoever reads them drops it): handing on a
    /// read at a time is what keeps pace with a program printing a million
    /// short lines.
    Joined { text: &'a str, count: usize },
}

pub struct LineSplitter {
    pending: Vec<u8>,
    max: usize,
    masker: Masker,
}

impl LineSplitter {
    pub fn new(masker: Masker) -> LineSplitter {
        LineSplitter::with_max(masker, MAX_LINE)
    }

    pub fn with_max(masker: Masker, max: usize) -> LineSplitter {
        // A piece must be able to hold the longest secret form whole.
        let max = max.max(masker.longest() * 2 + 16);
        LineSplitter {
            pending: Vec::new(),
            max,
            masker,
        }
    }

    /// Hands `out` the complete lines `chunk` ends, masked.
    pub fn feed(&mut self, chunk: &[u8], out: &mut impl FnMut(Split<'_>)) {
        let mut rest = chunk;
        // A line begun in an earlier read is joined and handled on its own.
        if !self.pending.is_empty() {
            let Some(at) = memchr::memchr(b'\n', rest) else {
                self.pending.extend_from_slice(rest);
                self.cut_long_line(out);
                return;
            };
            self.pending.extend_from_slice(&rest[..at]);
            let line = std::mem::take(&mut self.pending);
            self.finish_line(&line, out);
            // Keep the allocation for the next partial line.
            self.pending = line;
            self.pending.clear();
            rest = &rest[at + 1..];
        }
        // The other complete lines of this read are masked and checked as
        // one text: a program printing short lines fast pays per read, not
        // per line.
        if let Some(end) = memchr::memrchr(b'\n', rest) {
            let masked = self.masker.mask_bytes(&rest[..end]);
            match simdutf8::basic::from_utf8(&masked) {
                Ok(text) => {
                    // memchr's count is vectorised; a filter over the bytes is not.
                    let count = 1 + memchr::memchr_iter(b'\n', text.as_bytes()).count();
                    out(Split::Joined { text, count });
                }
                Err(_) => {
                    for line in masked.split(|&b| b == b'\n') {
                        out(Split::Line(&utf8(line.strip_suffix(b"\r").unwrap_or(line))));
                    }
                }
            }
            rest = &rest[end + 1..];
        }
        self.pending.extend_from_slice(rest);
        self.cut_long_line(out);
    }

    fn cut_long_line(&mut self, out: &mut impl FnMut(Split<'_>)) {
        while self.pending.len() > self.max {
            self.cut_piece(out);
        }
    }

    /// Hands `out` the final line when the output ended without a newline.
    pub fn finish(&mut self, out: &mut impl FnMut(Split<'_>)) {
        if !self.pending.is_empty() {
            let line = std::mem::take(&mut self.pending);
            self.finish_line(&line, out);
        }
    }

    fn finish_line(&self, line: &[u8], out: &mut impl FnMut(Split<'_>)) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        out(Split::Line(&text_of(self.masker.mask_bytes(line))));
    }

    /// Stores the front of an over-long line as a piece of its own, never
    /// cutting through a secret: the cut moves to before any secret form
    /// that crosses it, and what follows it waits for more bytes.
    fn cut_piece(&mut self, out: &mut impl FnMut(Split<'_>)) {
        let mut cut = self.max - self.masker.longest();
        for range in self.masker.matches(&self.pending) {
            if range.start < cut && range.end > cut {
                cut = range.start;
            }
        }
        // Never cut inside a UTF-8 character.
        while cut > 0 && cut < self.pending.len() && (self.pending[cut] & 0xC0) == 0x80 {
            cut -= 1;
        }
        if cut == 0 {
            cut = self.max;
        }
        let rest = self.pending.split_off(cut);
        let piece = std::mem::replace(&mut self.pending, rest);
        out(Split::Line(&text_of(self.masker.mask_bytes(&piece))));
    }
}

/// Bytes as text, borrowed when they are valid UTF-8 (invalid bytes become
/// replacement characters). `String::from_utf8_lossy` does the same, but
/// checks valid text several times slower (and `std::str::from_utf8` a few
/// times slower than SIMD), and every output line passes here.
pub(super) fn utf8(bytes: &[u8]) -> Cow<'_, str> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Masked bytes as text, without copying them again.
fn text_of(bytes: Cow<'_, [u8]>) -> Cow<'_, str> {
    match bytes {
        Cow::Borrowed(b) => utf8(b),
        Cow::Owned(v) => Cow::Owned(
            String::from_utf8(v)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&[u8]], masker: Masker, max: usize) -> Vec<String> {
        let mut splitter = LineSplitter::with_max(masker, max);
        let mut out = Vec::new();
        let mut collect = |split: Split<'_>| match split {
            Split::Line(line) => out.push(line.to_string()),
            Split::Joined { text, count } => {
                let lines: Vec<&str> = text
                    .split('\n')
                    .map(|line| line.strip_suffix('\r').unwrap_or(line))
                    .collect();
                assert_eq!(lines.len(), count, "{text:?}");
                out.extend(lines.into_iter().map(str::to_string));
            }
        };
        for chunk in chunks {
            splitter.feed(chunk, &mut collect);
        }
        splitter.finish(&mut collect);
        out
    }

    #[test]
    fn lines_across_chunks_and_a_final_partial_line_are_kept() {
        let lines = split(
            &[b"one\ntw", b"o\r\n\nthr", b"ee"],
            Masker::none(),
            MAX_LINE,
        );
        assert_eq!(lines, ["one", "two", "", "three"]);
    }

    #[test]
    fn a_secret_split_across_writes_is_masked() {
        let masker = Masker::new(["hunter22"]);
        let lines = split(&[b"pass=hun", b"ter", b"22 ok\n"], masker, MAX_LINE);
        assert_eq!(lines, ["pass=*** ok"]);
    }

    #[test]
    fn a_long_line_is_cut_into_pieces_without_cutting_a_secret() {
        let masker = Masker::new(["hunter22"]);
        // Pieces of 64 bytes; the secret straddles the first cut.
        let mut line = vec![b'x'; 50];
        line.extend_from_slice(b"hunter22");
        line.extend(vec![b'y'; 100]);
        let lines = split(&[&line[..55], &line[55..]], masker, 64);
        let joined = lines.concat();
        assert!(!joined.contains("hunter22"), "{lines:?}");
        assert!(joined.contains("***"));
        assert_eq!(joined.len(), 150 + 3, "every other byte kept: {lines:?}");
        assert!(lines.len() >= 2);
    }

    #[test]
    fn many_lines_in_one_read_are_split_masked_and_their_returns_dropped() {
        let masker = Masker::new(["hunter22"]);
        let lines = split(
            &[
                b"a\r\nhunter22\n\nb hunter22 c\r\nd\ne",
                b"f\ng\r\nh\xffi\nj\n",
            ],
            masker,
            MAX_LINE,
        );
        assert_eq!(
            lines,
            ["a", "***", "", "b *** c", "d", "ef", "g", "h\u{fffd}i", "j"]
        );
    }

    #[test]
    fn the_lines_are_the_same_whatever_the_reads_are() {
        let text: Vec<u8> = (0..500)
            .flat_map(|i| format!("line {i}{}\n", if i % 7 == 0 { "\r" } else { "" }).into_bytes())
            .collect();
        let whole = split(&[&text], Masker::none(), MAX_LINE);
        assert_eq!(whole.len(), 500);
        assert_eq!(whole[7], "line 7");
        for size in [1, 2, 3, 5, 64, 1000] {
            let reads: Vec<&[u8]> = text.chunks(size).collect();
            assert_eq!(
                split(&reads, Masker::none(), MAX_LINE),
                whole,
                "reads of {size}"
            );
        }
    }

    #[test]
    fn invalid_utf8_is_kept_as_replacement_characters() {
        let lines = split(&[b"caf\xe9\n"], Masker::none(), MAX_LINE);
        assert_eq!(lines, ["caf\u{fffd}"]);
    }
}
