//! Reading the source text back at saphyr positions, which count characters.

/// The chunk's text with a forward-moving character-to-byte cursor, so that
/// looking up positions in document order costs linear time overall.
pub(crate) struct Source<'t> {
    text: &'t str,
    ascii: bool,
    /// A known (character index, byte index) pair at or before recent lookups.
    cursor: (usize, usize),
}

impl<'t> Source<'t> {
    pub(crate) fn new(text: &'t str) -> Source<'t> {
        Source {
            text,
            ascii: text.is_ascii(),
            cursor: (0, 0),
        }
    }

    /// The byte offset of character `index` (the end of the text if past it).
    fn byte_offset(&mut self, index: usize) -> usize {
        if self.ascii {
            return index.min(self.text.len());
        }
        if index < self.cursor.0 {
            self.cursor = (0, 0);
        }
        let (mut chars, mut bytes) = self.cursor;
        for c in self.text[bytes..].chars() {
            if chars == index {
                break;
            }
            chars += 1;
            bytes += c.len_utf8();
        }
        self.cursor = (chars, bytes);
        bytes
    }

    /// The character just before character `index`.
    pub(crate) fn char_before(&mut self, index: usize) -> Option<char> {
        let end = self.byte_offset(index);
        self.text[..end].chars().next_back()
    }

    /// Whether the text after character `index` is blank and the text does
    /// not end with a line break (the last line is unterminated).
    pub(crate) fn ends_unterminated_after(&mut self, index: usize) -> bool {
        if self.text.ends_with('\n') {
            return false;
        }
        let from = self.byte_offset(index);
        self.text[from..].chars().all(|c| c == ' ' || c == '\t')
    }

    /// The characters from `start` to `end` (error messages only).
    pub(crate) fn slice(&mut self, start: usize, end: usize) -> &'t str {
        let from = self.byte_offset(start);
        let to = self.byte_offset(end.max(start));
        &self.text[from..to]
    }
}

#[cfg(test)]
mod tests {
    use super::Source;

    #[test]
    fn lookups_by_character_index() {
        let mut source = Source::new("é: [x, {y: 1}]");
        assert_eq!(source.char_before(4), Some('['));
        assert_eq!(source.char_before(8), Some('{'));
        assert_eq!(source.slice(3, 5), "[x");
        assert_eq!(source.char_before(1), Some('é'));
        assert_eq!(source.char_before(0), None);
        assert_eq!(source.char_before(99), Some(']'));
    }
}
