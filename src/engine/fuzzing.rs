//! Entry points for the fuzz targets (`fuzz/`, `bench/fuzz.sh`): the parsers that read what
//! others wrote. Not part of the API; each takes arbitrary bytes and must neither panic nor hang.

use std::collections::HashMap;

use super::file::{Remote, Validators};
use super::http::{FetchError, HttpClient, NetConfig, RequestOptions, Sink};

/// The job store's journal as the engine reads it at start: every line decoded and applied, and
/// each resulting record turned back into a job (as `Engine::load` does, without a store).
pub fn journal(bytes: &[u8]) {
    let mut latest = HashMap::new();
    let text = String::from_utf8_lossy(bytes);
    for line in text.split('\n').filter(|l| !l.is_empty()) {
        if let Some(entry) = super::store::decode(line) {
            super::store::apply(&mut latest, entry);
        }
        // The same line as a record with a right checksum, so the fuzzer gets past it to the
        // JSON and the records.
        let json = line.split_once(' ').map_or(line, |(_, j)| j);
        let sealed = format!("{:08x} {json}", crc32fast::hash(json.as_bytes()));
        if let Some(entry) = super::store::decode(&sealed) {
            super::store::apply(&mut latest, entry);
        }
    }
    for (_, record) in latest {
        let _ = super::job::Job::from_record(record, None);
    }
}

/// A frame of the service protocol, as the service (ToService) and the client (ToClient) decode
/// it from a socket.
pub fn wire(bytes: &[u8]) {
    let mut buf = Vec::new();
    let mut r = bytes;
    while super::wire::read_frame::<super::wire::ToService>(&mut r, &mut buf).is_ok() {}
    let mut r = bytes;
    while super::wire::read_frame::<super::wire::ToClient>(&mut r, &mut buf).is_ok() {}
    let mut r = bytes;
    let _ = super::wire::read_frame::<super::wire::Hello>(&mut r, &mut buf);
}

/// Texts a caller or a server controls: custom headers (SetCustomHeaders), remote names
/// (AddFile), and a Content-Range.
pub fn texts(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let _ = super::job::parse_headers(&text);
    let _ = Remote::parse(&text);
    let _ = super::file::check_local_name(&text);
    super::http::fuzz_content_range(&text);
}

/// Collects a response body.
struct Memory {
    data: Vec<u8>,
}

impl Sink for Memory {
    fn restart(&mut self) -> Result<(), FetchError> {
        self.data.clear();
        Ok(())
    }
    fn begin(&mut self, _size: Option<u64>, _v: &Validators) -> Result<(), FetchError> {
        Ok(())
    }
    fn write(&mut self, offset: u64, data: &[u8]) -> Result<(), FetchError> {
        // A server that lies about offsets must not make us allocate without bound.
        let end = offset.saturating_add(data.len() as u64);
        if end > 64 << 20 {
            return Err(FetchError::InvalidResponse("too far".into()));
        }
        if self.data.len() < end as usize {
            self.data.resize(end as usize, 0);
        }
        self.data[offset as usize..end as usize].copy_from_slice(data);
        Ok(())
    }
}

/// An HTTP client for [`http_response`] with short timeouts.
pub fn http_client() -> HttpClient {
    HttpClient::new(&NetConfig {
        connect_timeout: std::time::Duration::from_secs(2),
        read_timeout: std::time::Duration::from_millis(300),
        ..NetConfig::default()
    })
}

/// The whole HTTP response path: `client` fetches `url` (a loopback server the fuzz target runs,
/// answering with the fuzz input), from `offset`, with `known` validators when `resume`. With
/// `piece`, the request of one piece of a segmented download instead: bytes `offset..offset +
/// 1000` with `If-Range` (`fetch_span`, which an on-demand file uses too).
pub fn http_response(client: &HttpClient, url: &str, offset: u64, resume: bool, piece: bool) {
    let Ok(remote) = Remote::parse(url) else { return };
    let known =
        resume.then(|| Validators { etag: Some("\"x\"".into()), last_modified: None, size: Some(offset * 2 + 1) });
    let opts = RequestOptions::default();
    let mut sink = Memory { data: Vec::new() };
    match (&remote, piece) {
        (Remote::Http(u), true) => {
            let _ = client.fetch_span(u, offset, offset + 999, known.as_ref(), &opts, &|| false, &mut sink);
        }
        _ => {
            let _ = client.fetch(&remote, None, offset, known.as_ref(), &opts, &|| false, &mut sink);
        }
    }
}
