//! FNV-1a hashing exactly as chapter 03 §3.2.7 prescribes: `x.hash()` is
//! printable, so the bytes fed in and the combine rule are fixed.

pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
pub const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

pub fn fnv_extend(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

pub fn fnv(bytes: &[u8]) -> i64 {
    fnv_extend(FNV_OFFSET, bytes) as i64
}

pub fn hash_int(v: i64) -> i64 {
    fnv(&v.to_le_bytes())
}

pub fn hash_float(v: f64) -> i64 {
    fnv(&v.to_bits().to_le_bytes())
}

pub fn hash_bool(v: bool) -> i64 {
    fnv(&[v as u8])
}

/// combine(h, g): continue FNV-1a from `h` over the 8 little-endian bytes of `g`.
pub fn combine(h: i64, g: i64) -> i64 {
    fnv_extend(h as u64, &g.to_le_bytes()) as i64
}

#[no_mangle]
pub extern "C" fn snow_hash_combine(h: i64, g: i64) -> i64 {
    combine(h, g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // FNV-1a of the empty input is the offset basis; of "a" a published vector.
        assert_eq!(fnv(b"") as u64, FNV_OFFSET);
        assert_eq!(fnv(b"a") as u64, 0xaf63dc4c8601ec8c);
        assert_eq!(fnv(b"foobar") as u64, 0x85944171f73967e8);
        assert_eq!(hash_int(0), fnv(&[0; 8]));
        assert_eq!(combine(FNV_OFFSET as i64, 0), fnv(&[0; 8]));
    }
}
