//! The stdlib modules: every list of module names the compiler needs
//! (runtime modules, flat-name prefixes, method-syntax receivers, scalar
//! modules with protocol members, data modules) is a column here.

use crate::types::ty::{Opaque, Ty, TyCon, OPTION, RESULT};

pub struct Module {
    pub name: &'static str,
    /// Its functions have flat names: `string_length` is `String.length`.
    pub flat: bool,
    /// Method syntax on values of this type looks here (`s.length()`).
    pub receiver: Option<TyCon>,
    /// The protocol methods are members at the receiver type
    /// (`Int.to_string` is `(Int) -> String`).
    pub protocols: bool,
    /// Another module whose table entries this one also answers for
    /// (`Json.parse` is `JSON.parse`; `Json.encode` is its own).
    pub shares: Option<&'static str>,
    /// Written in Snow only (`prelude/`): a receiver module, but not a
    /// runtime module name for imports.
    pub snow_only: bool,
    /// A data module: its functions only compute a value from their
    /// arguments (and allocate), so `mir::checks` may run them twice.
    pub data: bool,
}

const fn m(name: &'static str) -> Module {
    Module {
        name,
        flat: false,
        receiver: None,
        protocols: false,
        shares: None,
        snow_only: false,
        data: false,
    }
}

const fn data(module: Module) -> Module {
    Module {
        data: true,
        ..module
    }
}

const fn flat(name: &'static str) -> Module {
    Module {
        flat: true,
        ..m(name)
    }
}

const fn of(module: Module, receiver: TyCon) -> Module {
    Module {
        receiver: Some(receiver),
        ..module
    }
}

const fn scalar(name: &'static str, receiver: TyCon) -> Module {
    Module {
        protocols: true,
        ..of(m(name), receiver)
    }
}

pub const MODULES: &[Module] = &[
    Module {
        protocols: true,
        ..data(of(flat("String"), TyCon::String))
    },
    data(of(flat("List"), TyCon::List)),
    of(flat("Map"), TyCon::Map),
    of(flat("Set"), TyCon::Set),
    flat("Tuple"),
    data(of(flat("Range"), TyCon::Range)),
    data(of(flat("Queue"), TyCon::Queue)),
    flat("File"),
    flat("IO"),
    flat("Env"),
    of(flat("JSON"), TyCon::Json),
    Module {
        shares: Some("JSON"),
        ..m("Json")
    },
    data(m("Math")),
    data(scalar("Int", TyCon::Int)),
    data(scalar("Float", TyCon::Float)),
    m("Timer"),
    m("Process"),
    m("Job"),
    // Networking and databases (chapter 05): reserved names.
    flat("HTTP"),
    Module {
        shares: Some("HTTP"),
        ..m("Http")
    },
    of(flat("Request"), TyCon::Opaque(Opaque::Request)),
    of(flat("Response"), TyCon::Opaque(Opaque::Response)),
    of(m("HttpReply"), TyCon::Opaque(Opaque::HttpReply)),
    flat("Sqlite"),
    flat("Pg"),
    flat("Pool"),
    m("Ws"),
    Module {
        snow_only: true,
        ..of(m("Option"), TyCon::Adt(OPTION))
    },
    Module {
        snow_only: true,
        ..of(m("Result"), TyCon::Adt(RESULT))
    },
];

/// The receiver type of a module with protocol members.
pub fn protocol_receiver(name: &str) -> Option<Ty> {
    let m = super::module(name)?;
    let c = m.receiver.filter(|_| m.protocols)?;
    Some(Ty::Con(c, vec![]))
}
