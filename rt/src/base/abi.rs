//! Rust mirrors of the C structs in `c-support/snow.h`, the descriptors the
//! runtime defines, and small helpers for reading values out of objects.
//!
//! Every `#[repr(C)]` struct here must match snow.h field for field; the
//! layout test at the bottom pins the sizes and offsets generated C relies on.

use core::ffi::c_char;

pub type Word = u64;

pub const K_INT: u32 = 1;
pub const K_FLOAT: u32 = 2;
pub const K_BOOL: u32 = 3;
pub const K_UNIT: u32 = 4;
pub const K_PID: u32 = 5;
pub const K_STRING: u32 = 16;
pub const K_LIST: u32 = 17;
pub const K_MAP: u32 = 18;
pub const K_SET: u32 = 19;
pub const K_RANGE: u32 = 20;
pub const K_QUEUE: u32 = 21;
pub const K_TUPLE: u32 = 22;
pub const K_STRUCT: u32 = 23;
pub const K_SUM: u32 = 24;
pub const K_VARIANT: u32 = 25;
pub const K_CLOSURE: u32 = 26;
pub const K_OPAQUE: u32 = 27;

pub const F_DISPLAY: u32 = 1;
pub const F_DEBUG: u32 = 2;
pub const F_OPTION: u32 = 4;

pub const GC_STATIC: u64 = 0x8000_0000_0000_0000;

pub const BUDGET: i64 = 4000;

pub fn kind_is_ptr(k: u32) -> bool {
    k >= K_STRING
}

#[repr(C)]
pub struct Hdr {
    pub ty: *const SnowType,
    pub gc: u64,
}

#[repr(C)]
pub struct SnowStr {
    pub h: Hdr,
    pub len: i64,
    pub data: [u8; 0],
}

impl SnowStr {
    /// # Safety
    /// `s` must point to a valid string object.
    pub unsafe fn bytes<'a>(s: *const SnowStr) -> &'a [u8] {
        core::slice::from_raw_parts((*s).data.as_ptr(), (*s).len as usize)
    }
}

#[repr(C)]
pub struct SnowList {
    pub h: Hdr,
    pub len: i64,
    pub items: *mut Word,
    pub store: *mut Hdr,
}

#[repr(C)]
pub struct SnowRange {
    pub h: Hdr,
    pub start: i64,
    pub stop: i64,
}

pub type ShowFn = unsafe extern "C" fn(*mut Ctx, Word) -> Word;
pub type EqFn = unsafe extern "C" fn(*mut Ctx, Word, Word) -> bool;
pub type CmpFn = unsafe extern "C" fn(*mut Ctx, Word, Word) -> i64;
pub type HashFn = unsafe extern "C" fn(*mut Ctx, Word) -> i64;

#[repr(C)]
pub struct SnowType {
    pub kind: u32,
    pub flags: u32,
    pub name: *const c_char,
    pub size: u32,
    pub nparams: u32,
    pub params: *const *const SnowType,
    pub offsets: *const u32,
    pub field_names: *const *const c_char,
    pub tag: i64,
    pub display: Option<ShowFn>,
    pub debug: Option<ShowFn>,
    pub eq: Option<EqFn>,
    pub cmp: Option<CmpFn>,
    pub hash: Option<HashFn>,
}

// Descriptors are immutable after construction (compiler-emitted `const`
// data or the runtime's statics below), so sharing them is sound.
unsafe impl Sync for SnowType {}

impl SnowType {
    /// A descriptor of `kind` named `name` with nothing else set: the
    /// runtime's own descriptors fill in what they need with
    /// `..SnowType::bare(kind, name)`.
    pub const fn bare(kind: u32, name: &'static core::ffi::CStr) -> SnowType {
        SnowType {
            kind,
            flags: 0,
            name: name.as_ptr(),
            size: 0,
            nparams: 0,
            params: core::ptr::null(),
            offsets: core::ptr::null(),
            field_names: core::ptr::null(),
            tag: 0,
            display: None,
            debug: None,
            eq: None,
            cmp: None,
            hash: None,
        }
    }

    /// Parameter `i` (element, key/value, field, variant).
    ///
    /// # Safety
    /// `i < nparams` and the descriptor is well formed.
    pub unsafe fn param(&self, i: usize) -> &SnowType {
        &**self.params.add(i)
    }

    /// # Safety
    /// `i < nparams` and `offsets` is present.
    pub unsafe fn offset(&self, i: usize) -> usize {
        *self.offsets.add(i) as usize
    }

    /// The descriptor's name as bytes (empty when absent).
    pub fn name_bytes(&self) -> &[u8] {
        if self.name.is_null() {
            return b"";
        }
        // SAFETY: names are NUL-terminated C strings that live as long as
        // the descriptor.
        unsafe { core::ffi::CStr::from_ptr(self.name).to_bytes() }
    }

    /// # Safety
    /// `i < nparams` and `field_names` is present.
    pub unsafe fn field_name(&self, i: usize) -> &[u8] {
        if self.field_names.is_null() {
            return b"";
        }
        core::ffi::CStr::from_ptr(*self.field_names.add(i)).to_bytes()
    }
}

#[repr(C)]
pub struct Loc {
    pub file: *const c_char,
    pub line: u32,
    pub col: u32,
}

/// A function's name (`count/1`) and definition site, handed to the slow
/// path by its stack checks for the `stack overflow` report. Runtime code
/// that recurses has one without a file.
#[repr(C)]
pub struct FnLoc {
    pub name: *const c_char,
    pub loc: Loc,
}

// SAFETY: read-only static data (string literals).
unsafe impl Sync for FnLoc {}

impl FnLoc {
    pub const fn runtime(name: &'static core::ffi::CStr) -> FnLoc {
        FnLoc {
            name: name.as_ptr(),
            loc: Loc {
                file: core::ptr::null(),
                line: 0,
                col: 0,
            },
        }
    }
}

#[repr(C)]
pub struct Ctx {
    pub budget: i64,
    pub stack_limit: *mut c_char,
    pub loc: *const Loc,
    /// The process's `gc::process_state::ProcessState` (opaque here, as in C).
    pub proc_: *mut core::ffi::c_void,
}

const fn scalar(kind: u32, name: &'static core::ffi::CStr) -> SnowType {
    SnowType {
        flags: F_DISPLAY | F_DEBUG,
        ..SnowType::bare(kind, name)
    }
}

#[no_mangle]
pub static snow_t_Int: SnowType = scalar(K_INT, c"Int");
#[no_mangle]
pub static snow_t_Float: SnowType = scalar(K_FLOAT, c"Float");
#[no_mangle]
pub static snow_t_Bool: SnowType = scalar(K_BOOL, c"Bool");
#[no_mangle]
pub static snow_t_Unit: SnowType = scalar(K_UNIT, c"()");
#[no_mangle]
pub static snow_t_Pid: SnowType = scalar(K_PID, c"Pid");
#[no_mangle]
pub static snow_t_String: SnowType = scalar(K_STRING, c"String");
#[no_mangle]
pub static snow_t_Range: SnowType = SnowType {
    size: core::mem::size_of::<SnowRange>() as u32,
    ..scalar(K_RANGE, c"Range")
};

/// Reads the field of kind `kind` stored at `p` as a word, honouring the
/// natural C type the compiler used for it: Int/Pid int64, Float double,
/// Bool `bool` (1 byte), Unit `snow_unit` (1 byte), everything else a pointer.
///
/// # Safety
/// `p` points to a field of that kind inside a live object.
pub unsafe fn read_field(p: *const u8, kind: u32) -> Word {
    match kind {
        K_INT | K_PID | K_FLOAT => (p as *const u64).read_unaligned(),
        K_BOOL => (p.read() != 0) as Word,
        K_UNIT => p.read() as Word,
        _ => (p as *const usize).read_unaligned() as Word,
    }
}

/// Field `i` of a tuple/struct/variant/closure object described by `t`.
///
/// # Safety
/// `obj` is a live object whose layout `t` describes and `i < t.nparams`.
pub unsafe fn field(obj: *const u8, t: &SnowType, i: usize) -> (Word, &SnowType) {
    let ft = t.param(i);
    (read_field(obj.add(t.offset(i)), ft.kind), ft)
}

/// The function pointer of a closure (`snow_closure`: the 16-byte header,
/// then the code pointer), for the caller to cast to the closure's type.
///
/// # Safety
/// `c` is a live closure object.
pub unsafe fn closure_code(c: *const core::ffi::c_void) -> *const core::ffi::c_void {
    *((c as *const u8).add(16) as *const *const core::ffi::c_void)
}

/// The layout descriptor of a heap object.
///
/// # Safety
/// `w` is a pointer word to a live object.
pub unsafe fn obj_type<'a>(w: Word) -> &'a SnowType {
    &*(*(w as usize as *const Hdr)).ty
}

pub fn f64_of(w: Word) -> f64 {
    f64::from_bits(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};

    /// The C layouts of snow.h on this target: `W` is the pointer size
    /// (4 on 32-bit ARM, 8 on x86-64 and AArch64); 64-bit fields are
    /// 8-aligned on every supported target.
    #[test]
    fn layouts_match_snow_h() {
        const W: usize = size_of::<usize>();
        let align8 = |n: usize| n.div_ceil(8) * 8;
        assert_eq!(size_of::<Hdr>(), 16);
        assert_eq!(offset_of!(SnowStr, len), 16);
        assert_eq!(offset_of!(SnowStr, data), 24);
        assert_eq!(offset_of!(SnowList, items), 24);
        assert_eq!(offset_of!(SnowList, store), 24 + W);
        assert_eq!(offset_of!(SnowRange, stop), 24);
        assert_eq!(offset_of!(SnowType, params), 16 + W);
        let tag = align8(16 + 4 * W);
        assert_eq!(offset_of!(SnowType, tag), tag);
        assert_eq!(offset_of!(SnowType, hash), tag + 8 + 4 * W);
        assert_eq!(size_of::<Ctx>(), align8(8 + 3 * W));
        if W == 8 {
            assert_eq!((offset_of!(SnowType, hash), size_of::<Ctx>()), (88, 32));
        }
    }
}
