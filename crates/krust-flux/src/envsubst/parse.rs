//! Scanner and parser for the `${...}` template language of Flux's envsubst
//! fork (`fluxcd/pkg/envsubst/parse/{scan,parse}.go`).
//!
//! The Go scanner has quirks that decide what is an error and what is text:
//! it deletes escape characters from its own buffer while scanning, `peek`
//! changes the width `unread` steps back by, and a NUL character reads as end
//! of input. Rather than a cleaner grammar that would disagree on corner
//! cases, this is the same state machine (modes, accept predicates, byte
//! positions), re-implemented over a byte buffer.

use super::ParseError;

/// End of input, as Go's scanner spells it (`rune(0)`): a literal NUL in
/// the input also ends the scan.
const EOF: char = '\0';

const SCAN_IDENT: u8 = 1;
const SCAN_LBRACK: u8 = 2;
const SCAN_RBRACK: u8 = 4;
const SCAN_ESCAPE: u8 = 8;

const ESC_DOLLAR: u8 = 1;
const ESC_BACKSLASH: u8 = 2;
const ESC_ALL: u8 = ESC_DOLLAR | ESC_BACKSLASH;

/// Nesting limit for `${a:=${b:=...}}`; Go's growable stack has none, but a
/// hostile input must not overflow ours.
const MAX_DEPTH: usize = 200;

/// One parsed piece of a template.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// Literal text, escapes already removed.
    Text(String),
    /// `${param<name>args...}`; `name` is the operator (`""` for plain `${v}`).
    Func {
        param: String,
        name: String,
        args: Vec<Node>,
    },
}

#[derive(Clone, Copy, PartialEq)]
enum Token {
    Illegal,
    Eof,
    Ident,
    Lbrack,
    Rbrack,
}

/// Which characters the current token may hold; `i` is the byte offset of
/// the end of the character from the token start (1 for an ASCII first char).
#[derive(Clone, Copy)]
enum Accept {
    Rune,
    Ident,
    Colon,
    OneHash,
    NotClosing,
    HashFunc,
    PercentFunc,
    DefaultFunc,
    ReplaceFunc,
    OneEqual,
    OneColon,
    RejectColonClose,
    Slash,
    NotSlash,
    CasingFunc,
}

impl Accept {
    fn accepts(self, r: char, i: usize) -> bool {
        match self {
            Accept::Rune => true,
            // Go: unicode.IsLetter || unicode.IsDigit || '_'. Rust's
            // alphabetic/numeric are slightly wider outside ASCII (marks,
            // letter-like numbers); variable names that can match are ASCII.
            Accept::Ident => r.is_alphabetic() || r.is_numeric() || r == '_',
            Accept::Colon => r == ':',
            Accept::OneHash => r == '#' && i == 1,
            Accept::NotClosing => r != '}',
            Accept::HashFunc => r == '#' && i < 3,
            Accept::PercentFunc => r == '%' && i < 3,
            Accept::DefaultFunc => {
                (i == 1 && r == ':') || (i == 2 && matches!(r, '=' | '-' | '?' | '+'))
            }
            Accept::ReplaceFunc => (i == 1 && r == '/') || (i == 2 && matches!(r, '/' | '#' | '%')),
            Accept::OneEqual => i == 1 && r == '=',
            Accept::OneColon => i == 1 && r == ':',
            Accept::RejectColonClose => r != ':' && r != '}',
            Accept::Slash => r == '/',
            Accept::NotSlash => r != '/',
            Accept::CasingFunc => (r == ',' || r == '^') && i < 3,
        }
    }
}

struct Scanner {
    buf: Vec<u8>,
    pos: usize,
    start: usize,
    width: usize,
    mode: u8,
    escape: u8,
    accept: Accept,
}

/// Go's `utf8.DecodeRune`: invalid input decodes as U+FFFD of width 1
/// (the template parser and [`crate::glob`] both step through bytes with it).
pub(crate) fn decode(bytes: &[u8]) -> (char, usize) {
    let chunk = &bytes[..bytes.len().min(4)];
    let valid = match std::str::from_utf8(chunk) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&chunk[..e.valid_up_to()]).unwrap_or(""),
    };
    match valid.chars().next() {
        Some(c) => (c, c.len_utf8()),
        None => ('\u{FFFD}', 1),
    }
}

impl Scanner {
    fn read(&mut self) -> char {
        if self.pos >= self.buf.len() {
            self.width = 0;
            return EOF;
        }
        let (r, w) = decode(&self.buf[self.pos..]);
        self.width = w;
        self.pos += w;
        r
    }

    fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(self.width);
    }

    /// Deletes the character before `pos` (the escape) from the buffer, so
    /// the escaped character that follows becomes part of the token.
    fn skip(&mut self) {
        if self.pos >= 1 && self.pos <= self.buf.len() {
            self.buf.remove(self.pos - 1);
        }
    }

    fn peek(&mut self) -> char {
        let r = self.read();
        self.unread();
        r
    }

    fn text(&self) -> String {
        let end = self.pos.min(self.buf.len());
        let start = self.start.min(end);
        String::from_utf8_lossy(&self.buf[start..end]).into_owned()
    }

    fn scan(&mut self) -> Token {
        self.start = self.pos;
        let r = self.read();
        if r == EOF {
            Token::Eof
        } else if self.scan_lbrack(r) {
            Token::Lbrack
        } else if self.scan_rbrack(r) {
            Token::Rbrack
        } else if self.scan_ident(r) {
            Token::Ident
        } else {
            Token::Illegal
        }
    }

    fn scan_ident(&mut self, r: char) -> bool {
        if self.mode & SCAN_IDENT == 0 {
            return false;
        }
        if self.scan_escaped(r) {
            self.skip();
        } else if !self.accept.accepts(r, self.pos - self.start) {
            return false;
        }
        loop {
            let r = self.read();
            if r == EOF {
                self.unread();
                break;
            }
            if self.scan_lbrack(r) {
                self.unread();
                self.unread();
                break;
            }
            if self.scan_escaped(r) {
                self.skip();
                continue;
            }
            if !self.accept.accepts(r, self.pos.saturating_sub(self.start)) {
                self.unread();
                break;
            }
        }
        true
    }

    fn scan_lbrack(&mut self, r: char) -> bool {
        if self.mode & SCAN_LBRACK == 0 {
            return false;
        }
        if r == '$' {
            if self.read() == '{' {
                return true;
            }
            self.unread();
        }
        false
    }

    fn scan_rbrack(&self, r: char) -> bool {
        self.mode & SCAN_RBRACK != 0 && r == '}'
    }

    fn scan_escaped(&mut self, r: char) -> bool {
        if self.mode & SCAN_ESCAPE == 0 {
            return false;
        }
        if r == '$' && self.escape & ESC_DOLLAR != 0 && self.peek() == '$' {
            return true;
        }
        if r == '\\' && self.escape & ESC_BACKSLASH != 0 {
            return matches!(self.peek(), '/' | '\\');
        }
        false
    }
}

/// Parses a whole template into its top-level nodes.
pub(crate) fn parse(src: &str) -> Result<Vec<Node>, ParseError> {
    let mut p = Parser {
        s: Scanner {
            buf: src.as_bytes().to_vec(),
            pos: 0,
            start: 0,
            width: 0,
            mode: 0,
            escape: 0,
            accept: Accept::Rune,
        },
        depth: 0,
    };
    let mut nodes = Vec::new();
    loop {
        // Top level: anything is text up to `${`; `$$` is an escaped `$`.
        p.s.accept = Accept::Rune;
        p.s.mode = SCAN_IDENT | SCAN_LBRACK | SCAN_ESCAPE;
        p.s.escape = ESC_DOLLAR;
        match p.s.scan() {
            Token::Ident => nodes.push(Node::Text(p.s.text())),
            Token::Eof => return Ok(nodes),
            Token::Lbrack => nodes.push(p.func()?),
            Token::Illegal | Token::Rbrack => return Err(ParseError::BadSubstitution),
        }
    }
}

struct Parser {
    s: Scanner,
    depth: usize,
}

impl Parser {
    /// After `${`.
    fn func(&mut self) -> Result<Node, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError::TooDeep);
        }
        let node = self.func_inner();
        self.depth -= 1;
        node
    }

    fn func_inner(&mut self) -> Result<Node, ParseError> {
        self.s.escape = ESC_ALL;
        if self.s.peek() == '#' {
            return self.len_func();
        }
        self.s.accept = Accept::Ident;
        self.s.mode = SCAN_IDENT;
        let name = match self.s.scan() {
            Token::Ident => self.s.text(),
            _ => return Err(ParseError::VariableName),
        };
        match self.s.peek() {
            ':' => return self.default_or_substr(name),
            '=' => return self.default_func(name),
            ',' | '^' => return self.casing_func(name),
            '/' => return self.replace_func(name),
            '#' => return self.remove_func(name, Accept::HashFunc),
            '%' => return self.remove_func(name, Accept::PercentFunc),
            _ => {}
        }
        self.s.accept = Accept::Ident;
        self.s.mode = SCAN_RBRACK;
        match self.s.scan() {
            Token::Rbrack => Ok(Node::Func {
                param: name,
                name: String::new(),
                args: Vec::new(),
            }),
            _ => Err(ParseError::MissingClosingBrace),
        }
    }

    fn param(&mut self, accept: Accept, mode: u8) -> Result<Node, ParseError> {
        self.s.accept = accept;
        self.s.mode = mode | SCAN_LBRACK;
        match self.s.scan() {
            Token::Lbrack => self.func(),
            Token::Ident | Token::Rbrack => Ok(Node::Text(self.s.text())),
            _ => Err(ParseError::FuncSubstitution),
        }
    }

    /// Scans the operator token with `accept`, or fails with `err`.
    fn operator(&mut self, accept: Accept, err: ParseError) -> Result<String, ParseError> {
        self.s.accept = accept;
        self.s.mode = SCAN_IDENT;
        match self.s.scan() {
            Token::Ident => Ok(self.s.text()),
            _ => Err(err),
        }
    }

    fn default_or_substr(&mut self, name: String) -> Result<Node, ParseError> {
        // Go reads the ':', peeks, and unreads once: that unread steps back by
        // the *peeked* character's width, which matters only for non-ASCII.
        self.s.read();
        let r = self.s.peek();
        self.s.unread();
        match r {
            '=' | '-' | '?' | '+' => self.default_func(name),
            _ => self.substr_func(name),
        }
    }

    fn substr_func(&mut self, param: String) -> Result<Node, ParseError> {
        let name = self.operator(Accept::OneColon, ParseError::BadSubstitution)?;
        let mut args = vec![self.param(Accept::RejectColonClose, SCAN_IDENT)?];
        self.s.accept = Accept::Colon;
        self.s.mode = SCAN_IDENT | SCAN_RBRACK;
        match self.s.scan() {
            Token::Rbrack => return Ok(Node::Func { param, name, args }),
            Token::Ident => {}
            _ => return Err(ParseError::BadSubstitution),
        }
        args.push(self.param(Accept::NotClosing, SCAN_IDENT)?);
        self.close()?;
        Ok(Node::Func { param, name, args })
    }

    fn remove_func(&mut self, param: String, accept: Accept) -> Result<Node, ParseError> {
        let name = self.operator(accept, ParseError::BadSubstitution)?;
        let args = vec![self.param(Accept::NotClosing, SCAN_IDENT)?];
        self.close()?;
        Ok(Node::Func { param, name, args })
    }

    fn replace_func(&mut self, param: String) -> Result<Node, ParseError> {
        let name = self.operator(Accept::ReplaceFunc, ParseError::BadSubstitution)?;
        let mut args = vec![self.param(Accept::NotSlash, SCAN_IDENT | SCAN_ESCAPE)?];
        // The delimiter: one or more slashes.
        self.operator(Accept::Slash, ParseError::BadSubstitution)?;
        if self.s.peek() != '}' {
            args.push(self.param(Accept::NotClosing, SCAN_IDENT | SCAN_ESCAPE)?);
        }
        self.close()?;
        Ok(Node::Func { param, name, args })
    }

    fn default_func(&mut self, param: String) -> Result<Node, ParseError> {
        let accept = if self.s.peek() == '=' {
            Accept::OneEqual
        } else {
            Accept::DefaultFunc
        };
        let name = self.operator(accept, ParseError::DefaultFunction)?;
        let mut args = Vec::new();
        loop {
            if self.s.peek() == '}' {
                self.close()?;
                return Ok(Node::Func { param, name, args });
            }
            args.push(self.param(Accept::NotClosing, SCAN_IDENT)?);
        }
    }

    fn casing_func(&mut self, param: String) -> Result<Node, ParseError> {
        let name = self.operator(Accept::CasingFunc, ParseError::BadSubstitution)?;
        self.close()?;
        Ok(Node::Func {
            param,
            name,
            args: Vec::new(),
        })
    }

    fn len_func(&mut self) -> Result<Node, ParseError> {
        let name = self.operator(Accept::OneHash, ParseError::BadSubstitution)?;
        let param = self.operator(Accept::Ident, ParseError::BadSubstitution)?;
        self.close()?;
        Ok(Node::Func {
            param,
            name,
            args: Vec::new(),
        })
    }

    fn close(&mut self) -> Result<(), ParseError> {
        self.s.mode = SCAN_RBRACK;
        match self.s.scan() {
            Token::Rbrack => Ok(()),
            _ => Err(ParseError::BadSubstitution),
        }
    }
}
