use super::*;

/// A client frame: masked with a fixed key, the length in the form asked
/// (`form` 0 = shortest).
fn client(b0: u8, payload: &[u8], form: u8) -> Vec<u8> {
    let key = [0x37, 0xfa, 0x21, 0x3d];
    let n = payload.len();
    let mut out = vec![b0];
    let form = if form == 0 {
        match n {
            0..=125 => 7,
            126..=65535 => 16,
            _ => 64,
        }
    } else {
        form
    };
    match form {
        7 => out.push(0x80 | n as u8),
        16 => {
            out.push(0x80 | 126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        _ => {
            out.push(0x80 | 127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    out.extend_from_slice(&key);
    out.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
    out
}

fn all(bytes: &[u8]) -> Result<Vec<Event>, Fail> {
    let mut d = Decoder::default();
    let mut buf = bytes.to_vec();
    let mut out = vec![];
    while let Some(e) = d.next(&mut buf)? {
        out.push(e);
    }
    Ok(out)
}

fn err(reason: &str) -> Fail {
    Fail {
        code: 1002,
        reason: Box::leak(reason.to_string().into_boxed_str()),
    }
}

#[test]
fn masked_text_in_every_length_form() {
    for (n, form) in [(5, 7), (5, 16), (5, 64), (300, 16), (70_000, 64)] {
        let text = "a".repeat(n);
        let got = all(&client(0x81, text.as_bytes(), form)).unwrap();
        assert_eq!(got, vec![Event::Text(text.into_bytes())]);
    }
}

#[test]
fn partial_frames_wait_byte_by_byte() {
    let frame = client(0x82, &[1, 2, 3, 200], 0);
    let mut d = Decoder::default();
    let mut buf = vec![];
    for (i, &b) in frame.iter().enumerate() {
        assert_eq!(d.next(&mut buf), Ok(None), "after {i} bytes");
        buf.push(b);
    }
    assert_eq!(
        d.next(&mut buf),
        Ok(Some(Event::Binary(vec![1, 2, 3, 200])))
    );
    assert!(buf.is_empty());
}

#[test]
fn fragments_with_a_ping_between_and_utf8_split_across_them() {
    let euro = "€".as_bytes(); // three bytes, split 1 | 2
    let mut bytes = client(0x01, &euro[..1], 0);
    bytes.extend(client(0x89, b"hi", 0));
    bytes.extend(client(0x80, &euro[1..], 0));
    let got = all(&bytes).unwrap();
    assert_eq!(
        got,
        vec![Event::Ping(b"hi".to_vec()), Event::Text(euro.to_vec())]
    );
}

#[test]
fn invalid_utf8_is_1007_on_the_whole_message() {
    let mut bytes = client(0x01, &[0xe2, 0x82], 0);
    bytes.extend(client(0x80, &[0x41], 0));
    assert_eq!(all(&bytes), Err(BAD_UTF8));
    // A binary message is not checked.
    assert_eq!(
        all(&client(0x82, &[0xff], 0)),
        Ok(vec![Event::Binary(vec![0xff])])
    );
}

#[test]
fn protocol_errors() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (client(0xC1, b"x", 0), "reserved bits set"),
        (client(0x83, b"x", 0), "unknown opcode"),
        (client(0x8B, b"x", 0), "unknown opcode"),
        (client(0x09, b"x", 0), "fragmented control frame"),
        (client(0x89, &[0; 126], 16), "control frame too large"),
        (vec![0x81, 0x01, b'x'], "unmasked client frame"),
        (client(0x80, b"x", 0), "unexpected continuation frame"),
        (
            [client(0x01, b"a", 0), client(0x81, b"b", 0)].concat(),
            "new message during fragmented sequence",
        ),
        (client(0x88, &[3], 0), "invalid close frame"),
        (
            client(0x88, &1005u16.to_be_bytes(), 0),
            "invalid close code",
        ),
    ];
    for (bytes, reason) in cases {
        assert_eq!(all(&bytes), Err(err(reason)), "{reason}");
    }
    let mut top = vec![0x82, 0x80 | 127];
    top.extend_from_slice(&(1u64 << 63).to_be_bytes());
    assert_eq!(all(&top), Err(err("invalid frame length")));
}

#[test]
fn the_cap_fails_from_the_header_per_frame_and_per_message() {
    let mut over = vec![0x82, 0x80 | 127];
    over.extend_from_slice(&((MAX_MESSAGE + 1) as u64).to_be_bytes());
    assert_eq!(all(&over), Err(TOO_BIG));
    // Two fragments of 8 MiB + 1: the second header already breaks the cap.
    let half = vec![0u8; MAX_MESSAGE / 2 + 1];
    let mut bytes = client(0x02, &half, 0);
    bytes.extend_from_slice(&client(0x80, &half, 0)[..14]);
    assert_eq!(all(&bytes), Err(TOO_BIG));
    // Exactly the cap is fine.
    let full = vec![7u8; MAX_MESSAGE];
    assert_eq!(all(&client(0x82, &full, 0)), Ok(vec![Event::Binary(full)]));
}

#[test]
fn close_payloads() {
    assert_eq!(all(&client(0x88, b"", 0)), Ok(vec![Event::Close(None)]));
    let mut p = 1000u16.to_be_bytes().to_vec();
    p.extend_from_slice(b"bye");
    assert_eq!(
        all(&client(0x88, &p, 0)),
        Ok(vec![Event::Close(Some((1000, b"bye".to_vec())))])
    );
}

#[test]
fn server_frames_use_the_shortest_form_and_no_mask() {
    assert_eq!(encode(OP_TEXT, b"hi"), vec![0x81, 2, b'h', b'i']);
    let f = encode(OP_BINARY, &[0; 126]);
    assert_eq!(&f[..4], &[0x82, 126, 0, 126]);
    let f = encode(OP_BINARY, &[0; 65535]);
    assert_eq!(&f[..4], &[0x82, 126, 0xff, 0xff]);
    let f = encode(OP_BINARY, &[0; 65536]);
    assert_eq!(&f[..10], &[0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
    assert_eq!(f.len(), 10 + 65536);
}

#[test]
fn close_reasons_are_cut_to_123_bytes_at_a_character() {
    assert_eq!(close(None, b"ignored"), vec![0x88, 0]);
    let f = close(Some(1008), "x".repeat(200).as_bytes());
    assert_eq!(f[1] as usize, 125);
    assert_eq!(&f[2..4], &1008u16.to_be_bytes());
    // 122 ASCII bytes then a 2-byte character: the character is dropped.
    let reason = format!("{}é", "y".repeat(122));
    let f = close(Some(1000), reason.as_bytes());
    assert_eq!(f[1] as usize, 2 + 122);
}

#[test]
fn wants_sizes_a_large_frame() {
    let frame = client(0x82, &vec![1; 100_000], 0);
    let d = Decoder::default();
    assert_eq!(d.wants(&frame[..20]), frame.len());
    assert_eq!(d.wants(&frame[..1]), 2);
}
