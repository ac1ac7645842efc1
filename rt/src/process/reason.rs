//! Exit reasons (chapter 4 §4.4.2) and their ABI tags.

use std::fmt;

pub const TAG_NORMAL: i32 = 0;
pub const TAG_ERROR: i32 = 1;
pub const TAG_KILLED: i32 = 2;
pub const TAG_LINKED: i32 = 3;
pub const TAG_SHUTDOWN: i32 = 4;
pub const TAG_CUSTOM: i32 = 5;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    Normal,
    Error(Vec<u8>),
    Killed,
    Linked(u64, Box<Reason>),
    Shutdown,
    Custom(Vec<u8>),
}

impl Reason {
    pub fn tag(&self) -> i32 {
        match self {
            Reason::Normal => TAG_NORMAL,
            Reason::Error(_) => TAG_ERROR,
            Reason::Killed => TAG_KILLED,
            Reason::Linked(..) => TAG_LINKED,
            Reason::Shutdown => TAG_SHUTDOWN,
            Reason::Custom(_) => TAG_CUSTOM,
        }
    }

    /// `normal` and `shutdown` are normal; every other reason is abnormal.
    pub fn is_normal(&self) -> bool {
        matches!(self, Reason::Normal | Reason::Shutdown)
    }

    /// The reason a tag names, for signals sent through the ABI; `msg` is
    /// the text of `error`/`custom`. `linked` cannot be sent directly.
    pub fn from_tag(tag: i32, msg: &[u8]) -> Option<Reason> {
        Some(match tag {
            TAG_NORMAL => Reason::Normal,
            TAG_ERROR => Reason::Error(msg.to_vec()),
            TAG_KILLED => Reason::Killed,
            TAG_SHUTDOWN => Reason::Shutdown,
            TAG_CUSTOM => Reason::Custom(msg.to_vec()),
            _ => return None,
        })
    }

    /// The message carried by `error`/`custom` (empty otherwise).
    pub fn message(&self) -> &[u8] {
        match self {
            Reason::Error(m) | Reason::Custom(m) => m,
            Reason::Linked(_, r) => r.message(),
            _ => b"",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Normal => write!(f, "normal"),
            Reason::Error(m) => write!(f, "error({})", String::from_utf8_lossy(m)),
            Reason::Killed => write!(f, "killed"),
            Reason::Linked(p, r) => write!(f, "linked(<0.{p}>, {r})"),
            Reason::Shutdown => write!(f, "shutdown"),
            Reason::Custom(m) => write!(f, "custom({})", String::from_utf8_lossy(m)),
        }
    }
}
