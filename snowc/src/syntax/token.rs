//! Tokens produced by the lexer and consumed by the parser.

use super::ast::Span;

/// Reserved words (§2.4). The last six have no grammar and are always errors.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Kw {
    Fn,
    Def,
    Pub,
    Let,
    Module,
    Import,
    Struct,
    Type,
    Interface,
    Impl,
    Where,
    If,
    Else,
    Case,
    Match,
    Do,
    End,
    When,
    For,
    In,
    While,
    Break,
    Continue,
    Return,
    Actor,
    Service,
    Supervisor,
    Call,
    Cast,
    Spawn,
    Send,
    Receive,
    After,
    SelfKw,
    Link,
    Terminate,
    True,
    False,
    Nil,
    And,
    Or,
    Not,
    Alias,
    Cond,
    Monitor,
    Trait,
    Trap,
    With,
}

const KEYWORDS: &[(&str, Kw)] = &[
    ("fn", Kw::Fn),
    ("def", Kw::Def),
    ("pub", Kw::Pub),
    ("let", Kw::Let),
    ("module", Kw::Module),
    ("import", Kw::Import),
    ("struct", Kw::Struct),
    ("type", Kw::Type),
    ("interface", Kw::Interface),
    ("impl", Kw::Impl),
    ("where", Kw::Where),
    ("if", Kw::If),
    ("else", Kw::Else),
    ("case", Kw::Case),
    ("match", Kw::Match),
    ("do", Kw::Do),
    ("end", Kw::End),
    ("when", Kw::When),
    ("for", Kw::For),
    ("in", Kw::In),
    ("while", Kw::While),
    ("break", Kw::Break),
    ("continue", Kw::Continue),
    ("return", Kw::Return),
    ("actor", Kw::Actor),
    ("service", Kw::Service),
    ("supervisor", Kw::Supervisor),
    ("call", Kw::Call),
    ("cast", Kw::Cast),
    ("spawn", Kw::Spawn),
    ("send", Kw::Send),
    ("receive", Kw::Receive),
    ("after", Kw::After),
    ("self", Kw::SelfKw),
    ("link", Kw::Link),
    ("terminate", Kw::Terminate),
    ("true", Kw::True),
    ("false", Kw::False),
    ("nil", Kw::Nil),
    ("and", Kw::And),
    ("or", Kw::Or),
    ("not", Kw::Not),
    ("alias", Kw::Alias),
    ("cond", Kw::Cond),
    ("monitor", Kw::Monitor),
    ("trait", Kw::Trait),
    ("trap", Kw::Trap),
    ("with", Kw::With),
];

/// Every keyword, in the lexer's order (editors list them).
pub fn keywords() -> impl Iterator<Item = &'static str> {
    KEYWORDS.iter().map(|(s, _)| *s)
}

impl Kw {
    pub fn from_word(w: &str) -> Option<Kw> {
        KEYWORDS.iter().find(|(s, _)| *s == w).map(|(_, k)| *k)
    }
    pub fn text(self) -> &'static str {
        KEYWORDS
            .iter()
            .find(|(_, k)| *k == self)
            .map(|(s, _)| *s)
            .unwrap_or("?")
    }
    /// The six words reserved without any grammar.
    pub fn is_reserved_only(self) -> bool {
        matches!(
            self,
            Kw::Alias | Kw::Cond | Kw::Monitor | Kw::Trait | Kw::Trap | Kw::With
        )
    }
}

#[derive(Clone, PartialEq, Debug)]
pub enum Tok {
    Int(i64),
    Float(f64),
    Ident(String),
    Kw(Kw),
    /// Opening `"` or `"""` of a string.
    StrStart,
    /// Decoded literal text inside a string.
    StrText(String),
    /// `${`
    InterpOpen,
    /// The `}` closing an interpolation.
    InterpClose,
    /// Closing quote(s) of a string.
    StrEnd,
    Newline,
    Eof,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    EqEq,
    NotEq,
    Lt,
    Gt,
    Le,
    Ge,
    AndAnd,
    OrOr,
    Bang,
    PipeGt,
    DotDot,
    LtGt,
    PlusPlus,
    Assign,
    Arrow,
    FatArrow,
    ColonColon,
    Colon,
    Question,
    Bar,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Dot,
    Semi,
}

impl Tok {
    /// Source spelling of punctuation tokens.
    pub fn punct_text(&self) -> Option<&'static str> {
        Some(match self {
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Percent => "%",
            Tok::EqEq => "==",
            Tok::NotEq => "!=",
            Tok::Lt => "<",
            Tok::Gt => ">",
            Tok::Le => "<=",
            Tok::Ge => ">=",
            Tok::AndAnd => "&&",
            Tok::OrOr => "||",
            Tok::Bang => "!",
            Tok::PipeGt => "|>",
            Tok::DotDot => "..",
            Tok::LtGt => "<>",
            Tok::PlusPlus => "++",
            Tok::Assign => "=",
            Tok::Arrow => "->",
            Tok::FatArrow => "=>",
            Tok::ColonColon => "::",
            Tok::Colon => ":",
            Tok::Question => "?",
            Tok::Bar => "|",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::Comma => ",",
            Tok::Dot => ".",
            Tok::Semi => ";",
            Tok::InterpOpen => "${",
            Tok::InterpClose => "}",
            _ => return None,
        })
    }

    /// How the token is named in "found …" messages.
    pub fn describe(&self) -> String {
        match self {
            Tok::Int(n) => format!("integer `{n}`"),
            Tok::Float(_) => "float literal".to_string(),
            Tok::Ident(s) => format!("identifier `{s}`"),
            Tok::Kw(k) if k.is_reserved_only() => format!("reserved word `{}`", k.text()),
            Tok::Kw(k) => format!("keyword `{}`", k.text()),
            Tok::StrStart => "string".to_string(),
            Tok::StrText(_) => "string text".to_string(),
            Tok::StrEnd => "end of string".to_string(),
            Tok::Newline => "newline".to_string(),
            Tok::Eof => "end of file".to_string(),
            other => format!("`{}`", other.punct_text().unwrap_or("?")),
        }
    }

    /// How the token is named in "expected …" messages.
    pub fn expected_name(&self) -> String {
        match self {
            Tok::Kw(k) => format!("`{}`", k.text()),
            Tok::Ident(_) => "identifier".to_string(),
            Tok::Newline => "newline".to_string(),
            Tok::Eof => "end of file".to_string(),
            other => other.describe(),
        }
    }
}

#[derive(Clone, PartialEq, Debug)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}
