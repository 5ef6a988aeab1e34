//! The one HTTP request `tripline drift` sends: on the TLS connection of a
//! default-server probe, `GET /` with the probe's name as Host, no body,
//! `User-Agent: tripline-drift` and `Connection: close`. Only the status
//! line is read (at most 1 KiB); the connection is closed after it, so a
//! page is never downloaded. nginx's `return 444` closes the connection
//! without a byte, which reads as [`HttpAnswer::Closed`].

use super::report::HttpAnswer;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The bytes of the answer read at most: the status line fits.
const MAX_READ: usize = 1024;

/// The request, as sent.
pub fn request(host: &str) -> String {
    format!(
        "GET / HTTP/1.1\r\nHost: {host}\r\nUser-Agent: tripline-drift\r\nAccept: */*\r\nConnection: close\r\n\r\n"
    )
}

/// Sends the request on `stream` and reads the status code.
pub async fn get_root<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, host: &str) -> HttpAnswer {
    if let Err(e) = stream.write_all(request(host).as_bytes()).await {
        return HttpAnswer::Failed(format!("sending the request failed: {e}"));
    }
    let mut answer = Vec::with_capacity(256);
    let mut chunk = [0u8; 256];
    while answer.len() < MAX_READ && !answer.contains(&b'\n') {
        match stream.read(&mut chunk).await {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&chunk[..n.min(MAX_READ - answer.len())]),
            // A TLS close without close_notify after nothing: nginx's 444.
            Err(_) if answer.is_empty() => return HttpAnswer::Closed,
            Err(e) => return HttpAnswer::Failed(format!("reading the answer failed: {e}")),
        }
    }
    if answer.is_empty() {
        return HttpAnswer::Closed;
    }
    status(&answer)
}

/// `HTTP/1.1 421 Misdirected Request` → 421.
fn status(answer: &[u8]) -> HttpAnswer {
    let line = answer.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut words = line.split_whitespace();
    match (
        words.next(),
        words.next().and_then(|c| c.parse::<u16>().ok()),
    ) {
        (Some(version), Some(code)) if version.starts_with("HTTP/") => HttpAnswer::Status(code),
        _ => HttpAnswer::Failed("the answer is not HTTP".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_documented_request_and_its_status() {
        let sent = request("unknown.example");
        assert!(sent.starts_with("GET / HTTP/1.1\r\nHost: unknown.example\r\n"));
        assert!(sent.contains("User-Agent: tripline-drift\r\n"));
        assert!(sent.ends_with("\r\n\r\n"));
        assert_eq!(
            status(b"HTTP/1.1 421 Misdirected\r\n"),
            HttpAnswer::Status(421)
        );
        assert!(matches!(
            status(b"SSH-2.0-OpenSSH\r\n"),
            HttpAnswer::Failed(_)
        ));
    }
}
