use super::*;

#[test]
fn counts_come_from_the_last_number_of_the_tag() {
    assert_eq!(tag_count("INSERT 0 5"), 5);
    assert_eq!(tag_count("UPDATE 3"), 3);
    assert_eq!(tag_count("SELECT 10"), 10);
    assert_eq!(tag_count("CREATE TABLE"), 0);
    assert_eq!(tag_count(""), 0);
}

/// An ErrorResponse as the server frames it, parsed back.
fn error_response(fields: &[(u8, &str)]) -> ErrorResponseBody {
    let mut body = Vec::new();
    for (t, v) in fields {
        body.push(*t);
        body.extend_from_slice(v.as_bytes());
        body.push(0);
    }
    body.push(0);
    let mut msg = BytesMut::new();
    msg.extend_from_slice(b"E");
    msg.extend_from_slice(&((body.len() + 4) as i32).to_be_bytes());
    msg.extend_from_slice(&body);
    match Message::parse(&mut msg).unwrap().unwrap() {
        Message::ErrorResponse(b) => b,
        _ => unreachable!("an E message parses as ErrorResponse"),
    }
}

#[test]
fn error_text_is_the_message_field_only() {
    let b = error_response(&[
        (b'S', "ERROR"),
        (b'C', "42P01"),
        (b'M', "relation \"users\" does not exist"),
    ]);
    assert_eq!(error_text(&b), "relation \"users\" does not exist");
    let b = error_response(&[(b'S', "ERROR")]);
    assert_eq!(error_text(&b), "unknown server error");
}
