//! One transfer attempt of one file over HTTP(S) (or from a local file): resume with Range and
//! If-Range, follow redirects under a policy, check that the server's answer fits what is already on
//! disk, and hand the bytes to a sink at their offsets.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use super::file::{ranged_size, resolved_length, FileRange, LocalError, Remote, Validators};

/// How redirects are treated (BG_HTTP_REDIRECT_POLICY_*). The default allows redirects silently,
/// except from https to http.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct RedirectPolicy {
    /// DISALLOW: a redirect is an error.
    pub disallow: bool,
    /// ALLOW_REPORT: the file's remote name becomes the final URL.
    pub report: bool,
    /// ALLOW_HTTPS_TO_HTTP: an https URL may redirect to http.
    pub https_to_http: bool,
}

/// The redirect policy's bits of the security flags (BG_HTTP_REDIRECT_POLICY_MASK).
pub const REDIRECT_POLICY_MASK: u32 = 0x0700;
/// BG_HTTP_REDIRECT_POLICY_ALLOW_REPORT (ALLOW_SILENT is 0).
pub const REDIRECT_POLICY_ALLOW_REPORT: u32 = 0x0100;
/// BG_HTTP_REDIRECT_POLICY_DISALLOW, the last defined policy.
pub const REDIRECT_POLICY_DISALLOW: u32 = 0x0200;
/// BG_HTTP_REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP.
pub const REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP: u32 = 0x0800;

/// Whether `flags` are security flags IBackgroundCopyJobHttpOptions::SetSecurityFlags takes: the
/// BG_SSL_* bits, a defined redirect policy and ALLOW_HTTPS_TO_HTTP, and nothing else.
pub fn security_flags_valid(flags: u32) -> bool {
    let known = super::tls::SSL_FLAGS | REDIRECT_POLICY_MASK | REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP;
    flags & !known == 0 && flags & REDIRECT_POLICY_MASK <= REDIRECT_POLICY_DISALLOW
}

/// What a job asks of every request: redirect policy, extra headers, and the largest file it
/// accepts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestOptions {
    pub redirect: RedirectPolicy,
    /// Extra request headers (IBackgroundCopyJobHttpOptions::SetCustomHeaders).
    pub headers: Vec<(String, String)>,
    /// A file larger than this fails before anything is written (Job5 MAX_DOWNLOAD_SIZE).
    pub max_size: Option<u64>,
    /// Server credentials, used only to answer a 401 challenge of a matching scheme.
    pub credentials: Vec<super::job::Credential>,
    /// A custom verb instead of GET (HttpOptions2::SetHttpMethod): no Range, no HEAD.
    pub method: Option<String>,
    /// Job5 DYNAMIC_CONTENT: a response without a size is read to its end, nothing resumes (an
    /// interrupted file starts again from byte 0), and no HEAD is sent.
    pub dynamic: bool,
    /// The job's proxy settings; None is PRECONFIG (the environment).
    pub proxy: Option<super::job::ProxySettings>,
    /// Basic credentials for the proxy (SetCredentials with BG_AUTH_TARGET_PROXY), sent up front.
    pub proxy_credentials: Option<super::job::Credential>,
    /// Every proxy credential; with a Digest one, a 407 challenge is answered (`proxy_auth`).
    pub proxy_auth: Vec<super::job::Credential>,
    /// The TLS client certificate (HttpOptions::SetClientCertificateByID/ByName).
    pub client_cert: Option<super::certs::ClientCertificate>,
    /// Headers that answer a 401 challenge no credential answers (DO HttpCustomAuthHeaders).
    pub auth_headers: Vec<(String, String)>,
    /// The size to expect when a response gives none (DO TotalSizeBytes).
    pub size_hint: Option<u64>,
    /// Certificate checks: BG_SSL_* flags and the job's validation callback.
    pub tls: super::tls::TlsPolicy,
    /// The job's owner: local sources and client certificate files are read as this user
    /// (`Owner::act`). None reads them as the process.
    pub owner: Option<super::job::Owner>,
    /// The job's bandwidth limit, shared by its connections (the engine's is added by the client).
    pub rate: Option<std::sync::Arc<super::rate::Rate>>,
    /// A FOREGROUND job's transfer: the others under the same limits wait for it.
    pub foreground: bool,
    /// The job's DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS (0: the engine's `NetConfig::segments`).
    pub segments: u32,
}

/// Splits a WinHTTP-style list (entries separated by `;` or white space).
fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| c == ';' || c.is_whitespace()).filter(|e| !e.is_empty())
}

/// The OVERRIDE proxies for a URL scheme, in the order to try them: the `scheme=proxy` entries
/// for it, then the entries without a scheme.
fn pick_override(list: &str, scheme: &str) -> Vec<String> {
    let mut named = Vec::new();
    let mut plain = Vec::new();
    for e in split_list(list) {
        match e.split_once('=') {
            Some((s, p)) if s.eq_ignore_ascii_case(scheme) => named.push(p.to_string()),
            Some(_) => {}
            None => plain.push(e.to_string()),
        }
    }
    named.extend(plain);
    named
}

/// The environment's proxy for a URL scheme (`https_proxy` for https, `http_proxy` for http,
/// `all_proxy` for both; lower case first) and its `no_proxy` list.
fn env_proxy(scheme: &str) -> (Option<String>, Vec<String>) {
    let names: &[&str] = match scheme {
        "https" => &["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"],
        _ => &["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"],
    };
    let proxy = names.iter().find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()));
    let bypass = ["no_proxy", "NO_PROXY"]
        .iter()
        .find_map(|n| std::env::var(n).ok())
        .map(|v| v.split(',').map(|e| e.trim().to_string()).filter(|e| !e.is_empty()).collect())
        .unwrap_or_default();
    (proxy, bypass)
}

/// The proxies a request to `url` may go through, in order (none: a direct connection), per the
/// job's settings: NO_PROXY none; OVERRIDE the job's list (a proxy that cannot be reached is
/// skipped for the next one) and bypass list; PRECONFIG and AUTODETECT the environment
/// (`http_proxy`, `https_proxy`, `all_proxy`, `no_proxy`). Bypass entries are host names,
/// `.suffix` or `*.suffix` patterns, `*`, or `<local>` (host names without a dot). An entry that
/// is not a usable proxy URL is a connection failure naming it.
fn proxies_for(opts: &RequestOptions, url: &url::Url) -> Result<Vec<ureq::Proxy>, FetchError> {
    use super::job::ProxyUsage;
    let (entries, bypass): (Vec<String>, Vec<String>) = match &opts.proxy {
        Some(s) if s.usage == ProxyUsage::NoProxy => return Ok(Vec::new()),
        Some(s) if s.usage == ProxyUsage::Override => (
            pick_override(s.list.as_deref().unwrap_or(""), url.scheme()),
            split_list(s.bypass.as_deref().unwrap_or("")).map(str::to_string).collect(),
        ),
        _ => {
            let (p, b) = env_proxy(url.scheme());
            (p.into_iter().collect(), b)
        }
    };
    let host = url.host_str().unwrap_or("");
    let local = !host.contains('.') && !host.contains(':');
    if entries.is_empty() || (local && bypass.iter().any(|b| b.eq_ignore_ascii_case("<local>"))) {
        return Ok(Vec::new());
    }
    entries.iter().map(|e| proxy_of(e, &bypass, opts)).collect()
}

/// One proxy list entry as a ureq proxy, with the job's proxy credentials and bypass list.
fn proxy_of(entry: &str, bypass: &[String], opts: &RequestOptions) -> Result<ureq::Proxy, FetchError> {
    let bad = || FetchError::ConnectFailed(format!("the proxy {entry:?} is not a usable proxy address"));
    let with_scheme = if entry.contains("://") { entry.to_string() } else { format!("http://{entry}") };
    let u = url::Url::parse(&with_scheme).map_err(|_| bad())?;
    let proto = match u.scheme() {
        "http" => ureq::ProxyProtocol::Http,
        "https" => ureq::ProxyProtocol::Https,
        _ => return Err(bad()),
    };
    let mut b = ureq::Proxy::builder(proto)
        .host(u.host_str().ok_or_else(bad)?)
        .port(u.port_or_known_default().ok_or_else(bad)?);
    if let Some(c) = &opts.proxy_credentials {
        b = b.username(&c.user).password(&c.password);
    } else if let (Some(c), ureq::ProxyProtocol::Http) =
        (opts.proxy_auth.iter().find(|c| c.scheme == super::job::AuthScheme::Digest), proto)
    {
        // Never sent as such (proxy_auth's connector answers the Digest challenge itself): it only
        // keeps tunnels opened with these credentials in a connection pool of their own.
        b = b.username(&format!("digest:{}", c.user)).password(&c.password);
    }
    for e in bypass.iter().filter(|b| !b.eq_ignore_ascii_case("<local>")) {
        b = b.no_proxy(e);
    }
    b.build().map_err(|_| bad())
}

/// Whether a failure came from not reaching the host (a proxy, an upload farm's named server) at
/// all, rather than from its answer.
pub(crate) fn unreachable(e: &FetchError) -> bool {
    matches!(e, FetchError::ConnectFailed(_) | FetchError::NoNetwork(_) | FetchError::NameNotResolved(_))
}

/// The Authorization header answering a 401's `WWW-Authenticate` challenges with the job's
/// credentials: Digest (RFC 7616, via the digest_auth crate) when the server offers it and Digest
/// credentials are set, else Basic. None when no offered scheme has credentials.
fn authorization(
    response: &ureq::http::Response<ureq::Body>,
    creds: &[super::job::Credential],
    method: &str,
    url: &url::Url,
) -> Option<String> {
    use super::job::AuthScheme;
    let challenges: Vec<&str> =
        response.headers().get_all("www-authenticate").iter().filter_map(|v| v.to_str().ok()).collect();
    let offered = |scheme: &str| {
        challenges
            .iter()
            .copied()
            .find(|c| c.trim_start().get(..scheme.len()).is_some_and(|p| p.eq_ignore_ascii_case(scheme)))
    };
    let cred = |scheme: AuthScheme| creds.iter().find(|c| c.scheme == scheme);
    if let (Some(challenge), Some(c)) = (offered("digest"), cred(AuthScheme::Digest)) {
        let mut prompt = digest_auth::parse(challenge).ok()?;
        let uri = match url.query() {
            Some(q) => format!("{}?{}", url.path(), q),
            None => url.path().to_string(),
        };
        let ctx = digest_auth::AuthContext::new_with_method(
            c.user.as_str(),
            c.password.as_str(),
            uri,
            Option::<&[u8]>::None,
            digest_auth::HttpMethod(method.to_string().into()),
        );
        return prompt.respond(&ctx).ok().map(|h| h.to_header_string());
    }
    if let (Some(_), Some(c)) = (offered("basic"), cred(AuthScheme::Basic)) {
        use base64::Engine as _;
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", c.user, c.password));
        return Some(format!("Basic {token}"));
    }
    None
}

/// Most redirects followed for one request.
pub const MAX_REDIRECTS: usize = 10;

/// Network settings of the engine.
#[derive(Debug, Clone)]
pub struct NetConfig {
    pub connect_timeout: Duration,
    /// Longest silence while waiting for response headers or body bytes (the whole response head
    /// must arrive within twice this).
    pub read_timeout: Duration,
    pub user_agent: String,
    /// The engine's bandwidth limit for every transfer together (`DELIVERYOPT_MAX_BYTES_PER_SECOND`).
    pub max_bytes_per_second: Option<u64>,
    /// Most connections one large file is fetched over at once (`DELIVERYOPT_SEGMENTS`, 1..=16;
    /// a job's DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS overrides it).
    pub segments: usize,
    /// A connection that keeps its thread on the CPU this share of its time (percent) or more
    /// gets no more connections beside it (`DELIVERYOPT_SEGMENT_BUSY_PERCENT`, default 50).
    pub segment_busy: u32,
}

/// Most connections for one file, whoever asks.
pub const MAX_SEGMENTS: usize = 16;

/// Size of a connection's input buffer, the most one socket read takes.
const INPUT_BUFFER: usize = 1 << 20;

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig {
            connect_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(60),
            user_agent: format!("Microsoft BITS/10.3 (deliveryopt {})", env!("CARGO_PKG_VERSION")),
            max_bytes_per_second: None,
            segments: 8,
            segment_busy: super::segment::BUSY_PERCENT,
        }
    }
}

impl NetConfig {
    /// Defaults, with `DELIVERYOPT_CONNECT_TIMEOUT_MS` and `DELIVERYOPT_READ_TIMEOUT_MS` applied.
    pub fn from_env() -> NetConfig {
        let ms = |name: &str| std::env::var(name).ok().and_then(|v| v.trim().parse::<u64>().ok());
        let mut c = NetConfig::default();
        if let Some(v) = ms("DELIVERYOPT_CONNECT_TIMEOUT_MS") {
            c.connect_timeout = Duration::from_millis(v.max(1));
        }
        if let Some(v) = ms("DELIVERYOPT_READ_TIMEOUT_MS") {
            c.read_timeout = Duration::from_millis(v.max(1));
        }
        c.max_bytes_per_second = ms("DELIVERYOPT_MAX_BYTES_PER_SECOND").filter(|v| *v > 0);
        if let Some(n) = ms("DELIVERYOPT_SEGMENTS") {
            c.segments = n.clamp(1, MAX_SEGMENTS as u64) as usize;
        }
        if let Some(n) = ms("DELIVERYOPT_SEGMENT_BUSY_PERCENT") {
            c.segment_busy = n.min(101) as u32;
        }
        c
    }
}

/// Why an attempt failed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FetchError {
    /// The server answered with an error status.
    Status(u16),
    /// Could not resolve the host name.
    NameNotResolved(String),
    /// Could not connect.
    ConnectFailed(String),
    /// The machine has no route to the network (ENETUNREACH, ENETDOWN, EHOSTUNREACH).
    NoNetwork(String),
    /// No answer in time.
    Timeout(String),
    /// The connection broke, or ended before the announced length.
    ConnectionClosed(String),
    /// TLS failed (certificate or handshake).
    Tls(String),
    /// The response broke the protocol (bad Content-Range, merged ranges, ...).
    InvalidResponse(String),
    /// The server gave no size and the job needs one.
    MissingSize,
    /// A redirect was refused by the policy (status of the redirect).
    RedirectRefused(u16),
    /// More than MAX_REDIRECTS redirects.
    TooManyRedirects,
    /// A problem with the local file (reading a local source, or writing the temporary file).
    Local(LocalError),
    /// The job asked the transfer to stop (suspend, cancel, pre-emption).
    Stopped,
    /// The file is larger than the job's MAX_DOWNLOAD_SIZE.
    MaxDownloadSize(u64),
    /// The job spent longer than its MaximumDownloadTime transferring.
    MaxDownloadTime,
    /// The client rejected the file's content (File3::SetValidationState(FALSE)).
    ValidationFailed,
    /// A requested range starts or ends past the end of the remote file.
    RangeBeyondEnd,
    /// The source file's owner or group could not be given to the copy (SetFileACLFlags; no
    /// CAP_CHOWN). Transient: it may work once the process has the privilege.
    AclPrivilege,
    /// The server does not answer byte ranges (a ranged file needs them).
    NoRangeSupport,
    /// The caller's stream sink failed with this HRESULT (DO StreamInterface).
    StreamWrite(i32),
    /// The remote content changed after bytes of it went to a stream sink, which cannot take
    /// them back.
    ContentChanged,
    /// The server's certificate failed a check the job does not lift (BG_SSL_*).
    Certificate(super::tls::CertProblem, String),
    /// The job's certificate validation callback refused the server with this HRESULT.
    CertCallback(i32),
    /// The job had a certificate validation callback in an earlier process and none is
    /// registered now (BG_E_SERVER_CERT_VALIDATION_INTERFACE_REQUIRED).
    CertCallbackRequired,
    /// A BITS upload server refused a packet with this `BITS-Error-Code` (an HRESULT), its
    /// `BITS-Error-Context` (a BG_ERROR_CONTEXT; 0 when absent) and HTTP status.
    Bits { status: u16, hr: i32, context: u32 },
    /// The upload's source file changed since the upload began (BG_E_LOCAL_FILE_CHANGED).
    LocalFileChanged,
}

impl FetchError {
    /// Retried after MinimumRetryDelay (TRANSIENT_ERROR) rather than fatal (ERROR).
    pub fn is_transient(&self) -> bool {
        match self {
            FetchError::Status(s) => matches!(s, 408 | 425 | 429 | 500 | 502 | 503 | 504),
            FetchError::NameNotResolved(_)
            | FetchError::NoNetwork(_)
            | FetchError::ConnectFailed(_)
            | FetchError::Timeout(_)
            | FetchError::ConnectionClosed(_)
            | FetchError::InvalidResponse(_)
            | FetchError::AclPrivilege
            // BITS puts a job whose callback refused the server in TRANSIENT_ERROR.
            | FetchError::CertCallback(_) => true,
            // A server that is busy or lost the session may take the upload later; a refusal
            // (too large, not allowed, protocol) stays one.
            FetchError::Bits { status, hr, .. } => {
                matches!(status, 408 | 429 | 500 | 502 | 503 | 504) || *hr == 0x8020_001F_u32 as i32
            }
            FetchError::LocalFileChanged => false,
            FetchError::Tls(_)
            | FetchError::MissingSize
            | FetchError::RedirectRefused(_)
            | FetchError::TooManyRedirects
            | FetchError::Local(_)
            | FetchError::Stopped
            | FetchError::MaxDownloadSize(_)
            | FetchError::MaxDownloadTime
            | FetchError::ValidationFailed
            | FetchError::RangeBeyondEnd
            | FetchError::StreamWrite(_)
            | FetchError::ContentChanged
            | FetchError::NoRangeSupport
            | FetchError::Certificate(..)
            | FetchError::CertCallbackRequired => false,
        }
    }
}

/// What a finished attempt learned.
/// The answer to a `BITS_POST` ([`HttpClient::bits_post`]).
#[derive(Debug, Clone)]
pub struct BitsAnswer {
    pub status: u16,
    /// Header names in lower case, values trimmed.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl BitsAnswer {
    /// The first header `name` (lower case), if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchDone {
    pub size: u64,
    pub validators: Validators,
    /// The URL the content came from after redirects (None when there were none).
    pub final_url: Option<url::Url>,
    /// Headers of the last response, `Name: value` lines joined by CRLF.
    pub response_headers: String,
    /// Status of the last response (200, 206...).
    pub status: u16,
}

/// Receives the bytes of one file.
pub trait Sink {
    /// The remote content differs from what is on disk (or the server ignored the Range): drop
    /// everything received so far; writing starts again at offset 0.
    fn restart(&mut self) -> Result<(), FetchError>;
    /// The size and validators are known (called before any `write` of a response).
    fn begin(&mut self, size: Option<u64>, validators: &Validators) -> Result<(), FetchError>;
    /// Writes `data` at `offset`.
    fn write(&mut self, offset: u64, data: &[u8]) -> Result<(), FetchError>;
    /// The bytes `offset..offset + length` of the remote (a ranged file's range, or the part of it
    /// this request fetched) are all written.
    fn range_done(&mut self, _offset: u64, _length: u64) {}
    /// Whether the server answers byte ranges of this file (a 206, or `Accept-Ranges: bytes` on a
    /// 200): told by a whole-file fetch just before `begin`.
    fn accepts_ranges(&mut self, _yes: bool) {}
    /// Whether the sink takes bytes straight from the connection (`write_direct`); the body of a
    /// large response on a plain connection then never passes through this process.
    fn takes_direct(&self) -> bool {
        false
    }
    /// As `write`, for the bytes `direct` holds (`direct.held()` of them, the remote's from
    /// `offset` on): writes those it wants with `direct.write_to`; the rest are dropped.
    fn write_direct(&mut self, _offset: u64, _direct: &mut super::tcp::Direct) -> Result<(), FetchError> {
        Err(FetchError::InvalidResponse("bytes passed to a sink that takes none directly".into()))
    }
}

/// Which agent (and connection pool) a request uses: its client certificate's files and its
/// TLS policy (flags, validation registration). Connections are never shared between keys.
/// An agent is shared by jobs with the same client certificate files (and owner: whoever may
/// read the files) and TLS policy.
type AgentKey = (Option<(std::path::PathBuf, std::path::PathBuf, u32)>, (u32, Option<u64>));

/// An agent and the validation registration it serves (None: the agent needs none).
type PolicyAgent = (ureq::Agent, Option<std::sync::Weak<super::tls::CertValidation>>);

/// The HTTP agents: connection reuse, rustls with the system CA store (`SSL_CERT_FILE` and
/// `SSL_CERT_DIR` honoured) through our own TLS connector (per-job certificate checks, see
/// `tls.rs`), no automatic redirects (the engine applies the policy) and no content decoding
/// (bytes arrive exactly as served).
pub struct HttpClient {
    /// For the default policy (no client certificate, no BG_SSL_* flags, no callback), one agent
    /// for http and one for https, each made on first use: the system's CA certificates are read
    /// only when the first https request needs them.
    plain: once_cell::sync::OnceCell<ureq::Agent>,
    secure: once_cell::sync::OnceCell<ureq::Agent>,
    cfg: NetConfig,
    /// The engine's bandwidth limit (every transfer together), if any.
    global_rate: Option<Arc<super::rate::Rate>>,
    /// One agent per other client certificate and TLS policy in use, with the registration it
    /// serves (dropped once that registration is gone).
    agents: parking_lot::Mutex<std::collections::HashMap<AgentKey, PolicyAgent>>,
}

impl HttpClient {
    /// The limits a transfer with `opts` draws from: its job's and the engine's.
    pub(super) fn rates(&self, opts: &RequestOptions) -> Vec<Arc<super::rate::Rate>> {
        opts.rate.iter().chain(self.global_rate.iter()).cloned().collect()
    }

    /// For a FOREGROUND job's transfer, the marks that make the others under the engine's limit
    /// wait while it runs (kept for the transfer's duration).
    fn foreground(&self, opts: &RequestOptions) -> Option<super::rate::Foreground> {
        opts.foreground.then(|| self.global_rate.as_ref().map(|r| r.foreground())).flatten()
    }

    /// The engine's most connections for one file (`NetConfig::segments`).
    pub fn segments(&self) -> usize {
        self.cfg.segments
    }

    /// How busy a connection may be for another to join it (`NetConfig::segment_busy`).
    pub fn segment_busy(&self) -> u32 {
        self.cfg.segment_busy
    }

    pub fn new(cfg: &NetConfig) -> HttpClient {
        HttpClient {
            plain: once_cell::sync::OnceCell::new(),
            secure: once_cell::sync::OnceCell::new(),
            cfg: cfg.clone(),
            global_rate: cfg.max_bytes_per_second.and_then(super::rate::Rate::new),
            agents: parking_lot::Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// The agent for a job's client certificate (loaded on first use) and TLS policy.
    fn agent_for(&self, opts: &RequestOptions, url: &url::Url) -> Result<ureq::Agent, FetchError> {
        let policy = &opts.tls;
        if opts.client_cert.is_none() && policy.key() == (0, None) {
            let secure = url.scheme() == "https";
            let cell = if secure { &self.secure } else { &self.plain };
            return Ok(cell.get_or_init(|| Self::default_agent(&self.cfg, secure)).clone());
        }
        let key: AgentKey = (
            opts.client_cert.as_ref().map(|c| (c.cert_file.clone(), c.key_file.clone(), owner_uid(opts))),
            policy.key(),
        );
        if let Some((a, _)) = self.agents.lock().get(&key) {
            return Ok(a.clone());
        }
        let client = match &opts.client_cert {
            Some(c) => {
                // Read as the owner: a job names the files, so only files its owner may read.
                let as_owner = act(opts)?;
                let loaded = super::certs::load(c).map_err(|e| FetchError::Tls(format!("client certificate: {e}")));
                drop(as_owner);
                Some(loaded?)
            }
            None => None,
        };
        let config = super::tls::client_config(policy.flags, client).map_err(FetchError::Tls)?;
        let weak = policy.validation.as_ref().map(Arc::downgrade);
        let agent = Self::agent(&self.cfg, config, policy.flags, weak.clone());
        let mut agents = self.agents.lock();
        // Agents of registrations that are gone (replaced, or their job ended) are dropped.
        agents.retain(|_, (_, w)| w.as_ref().is_none_or(|w| w.strong_count() > 0));
        agents.insert(key, (agent.clone(), weak));
        Ok(agent)
    }

    /// The agent of the default TLS policy (no BG_SSL_* flag, no validation callback, no client
    /// certificate): ureq's own rustls connector with the system roots, which costs less CPU per
    /// byte than ours (its certificate failures are mapped to the same codes, `map_ureq_error`).
    /// `with_roots`: the agent for https URLs (the agent for http ones never verifies anybody).
    fn default_agent(cfg: &NetConfig, with_roots: bool) -> ureq::Agent {
        use ureq::unversioned::resolver::DefaultResolver;
        use ureq::unversioned::transport::{ConnectProxyConnector, Connector, RustlsConnector};
        let roots: Vec<ureq::tls::Certificate<'static>> = if with_roots {
            super::tls::SYSTEM_ROOTS.iter().map(|c| ureq::tls::Certificate::from_der(c.as_ref()).to_owned()).collect()
        } else {
            Vec::new()
        };
        let tls = ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::Rustls)
            .root_certs(ureq::tls::RootCerts::Specific(Arc::new(roots)))
            .build();
        let config = Self::config_builder(cfg, 16).tls_config(tls).build();
        let connector = super::proxy_auth::DigestConnectConnector
            .chain(ConnectProxyConnector::default())
            .chain(super::tcp::TcpConnector)
            .chain(RustlsConnector::default());
        ureq::Agent::with_parts(config, connector, DefaultResolver::default())
    }

    /// The agent settings every agent shares; `keep` idle connections per host.
    fn config_builder(cfg: &NetConfig, keep: usize) -> ureq::config::ConfigBuilder<ureq::typestate::AgentScope> {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .allow_non_standard_methods(true)
            // Proxies are chosen per request from the job's settings (proxies_for).
            .proxy(None)
            .max_redirects(0)
            .user_agent(cfg.user_agent.as_str())
            .timeout_connect(Some(cfg.connect_timeout))
            // Silence is limited per read; the whole response head gets twice that, so the per-read
            // limit is what applies (a socket timeout set once per connection, not per request).
            .timeout_recv_response(Some(cfg.read_timeout.saturating_mul(2)))
            .timeout_per_read(Some(cfg.read_timeout))
            .max_idle_connections_per_host(keep)
            // A socket read fills this buffer: with 1 MiB instead of 256 KiB a 512 MiB loopback
            // download took 0.42 instead of 0.50 s in process and 0.44 instead of 0.56 s through
            // the service (medians of 6, alternating). ureq zeroes it when a connection is first
            // used, so each open connection holds 1 MiB (they are kept and reused).
            .input_buffer_size(INPUT_BUFFER)
    }

    /// An agent whose HTTPS connections verify servers with `tls` (built for `ssl_flags`) and
    /// ask `validation`. With BG_SSL_ENABLE_CRL_CHECK no connection is kept for another request,
    /// so every file's connection is checked against the CRLs (BITS checks per file).
    fn agent(
        cfg: &NetConfig,
        tls: Arc<rustls::ClientConfig>,
        ssl_flags: u32,
        validation: Option<std::sync::Weak<super::tls::CertValidation>>,
    ) -> ureq::Agent {
        let keep = if ssl_flags & super::tls::SSL_ENABLE_CRL_CHECK != 0 { 0 } else { 16 };
        use ureq::unversioned::resolver::DefaultResolver;
        use ureq::unversioned::transport::{ConnectProxyConnector, Connector};
        let config = Self::config_builder(cfg, keep).build();
        // As ureq's default chain (a CONNECT tunnel when a proxy is set, else TCP), with our TCP
        // transport (see `tcp`) and our TLS.
        let connector = super::proxy_auth::DigestConnectConnector
            .chain(ConnectProxyConnector::default())
            .chain(super::tcp::TcpConnector)
            .chain(super::tls::JobTlsConnector { config: tls, validation });
        ureq::Agent::with_parts(config, connector, DefaultResolver::default())
    }

    /// One attempt: fetches `remote` from byte `offset` (validated against `known`), writing into
    /// `sink`, until the end of the file or the first error.
    #[allow(clippy::too_many_arguments)]
    pub fn fetch(
        &self,
        remote: &Remote,
        ranges: Option<&[FileRange]>,
        offset: u64,
        known: Option<&Validators>,
        opts: &RequestOptions,
        stop: &dyn Fn() -> bool,
        sink: &mut dyn Sink,
    ) -> Result<FetchDone, FetchError> {
        let _foreground = self.foreground(opts);
        match (remote, ranges) {
            (Remote::Http(url), Some(r)) => self.fetch_ranges(url, r, offset, known, opts, stop, sink),
            // A custom verb, or dynamic content, is fetched without Range: the file starts from
            // byte 0 every time.
            (Remote::Http(url), None) if opts.method.is_some() || opts.dynamic => {
                if offset > 0 {
                    sink.restart()?;
                }
                self.fetch_http(url, 0, None, opts, stop, sink)
            }
            (Remote::Http(url), None) => self.fetch_http(url, offset, known, opts, stop, sink),
            // AddFileWithRanges refuses local sources.
            (Remote::Local(_), Some(_)) => Err(FetchError::NoRangeSupport),
            (Remote::Local(path), None) => {
                // Opened as the owner (the open decides; the reads go through the descriptor).
                let as_owner = act(opts)?;
                let file = std::fs::File::open(path).map_err(|e| FetchError::Local(LocalError::from_io(&e)));
                drop(as_owner);
                fetch_local(file?, offset, known, opts.max_size, stop, sink)
            }
        }
    }

    /// Fetches the listed ranges of `url` one request each, writing them back to back; `offset`
    /// is how many bytes of that output are already on disk. A server that answers a range with
    /// the whole file has no range support (BG_E_INSUFFICIENT_RANGE_SUPPORT) unless it did so
    /// because the content changed, in which case the output starts again from the first range.
    #[allow(clippy::too_many_arguments)]
    fn fetch_ranges(
        &self,
        url: &url::Url,
        ranges: &[FileRange],
        offset: u64,
        known: Option<&Validators>,
        opts: &RequestOptions,
        stop: &dyn Fn() -> bool,
        sink: &mut dyn Sink,
    ) -> Result<FetchDone, FetchError> {
        let mut known = known.cloned();
        let mut offset = offset;
        'round: for _round in 0..2 {
            let mut total = known.as_ref().and_then(|k| k.size);
            let mut out_start = 0u64;
            let mut last: Option<FetchDone> = None;
            for r in ranges {
                let len = resolved_length(r, total);
                // Ranges already on disk are skipped.
                if let Some(len) = len {
                    if out_start + len <= offset {
                        out_start += len;
                        continue;
                    }
                }
                let skip = offset.saturating_sub(out_start);
                let first = r.offset + skip;
                let wanted_last = len.map(|l| r.offset + l - 1);
                if wanted_last.is_some_and(|l| first > l) {
                    return Err(FetchError::RangeBeyondEnd);
                }
                let (mut response, final_url) =
                    self.get_following_redirects(url, Some((first, wanted_last)), known.as_ref(), opts)?;
                let status = response.status().as_u16();
                let headers = header_text(&response);
                match status {
                    206 => {}
                    200 | 203 if known.is_some() && offset > 0 => {
                        // If-Range failed: another version. Start the whole output again.
                        drop(response);
                        sink.restart()?;
                        offset = 0;
                        known = None;
                        continue 'round;
                    }
                    200 | 203 => return Err(FetchError::NoRangeSupport),
                    416 => return Err(FetchError::RangeBeyondEnd),
                    s => return Err(FetchError::Status(s)),
                }
                let cr = header(&response, "content-range")
                    .ok_or_else(|| FetchError::InvalidResponse("206 without Content-Range".into()))?;
                let (got_first, got_last, got_total) = parse_content_range(&cr)
                    .ok_or_else(|| FetchError::InvalidResponse(format!("bad Content-Range: {cr}")))?;
                let v = Validators {
                    etag: header(&response, "etag"),
                    last_modified: header(&response, "last-modified"),
                    size: got_total,
                };
                if known.as_ref().is_some_and(|k| !k.same_content(&v)) {
                    drop(response);
                    sink.restart()?;
                    offset = 0;
                    known = None;
                    continue 'round;
                }
                if got_first != first {
                    return Err(FetchError::InvalidResponse(format!("asked for byte {first}, got {cr}")));
                }
                total = total.or(got_total);
                let Some(len) = resolved_length(r, total) else {
                    return Err(FetchError::MissingSize);
                };
                let end = r.offset + len - 1;
                if total.is_some_and(|t| r.offset >= t || end >= t) || got_last < end {
                    return Err(FetchError::RangeBeyondEnd);
                }
                if got_last != end {
                    return Err(FetchError::InvalidResponse(format!("asked for bytes {first}-{end}, got {cr}")));
                }
                let size = ranged_size(ranges, total).ok_or(FetchError::MissingSize)?;
                if let Some(limit) = opts.max_size.filter(|l| size > *l) {
                    return Err(FetchError::MaxDownloadSize(limit));
                }
                sink.begin(Some(size), &v)?;
                known = Some(v.clone());
                let expected = end - first + 1;
                let body = response.body_mut().with_config().limit(u64::MAX).reader();
                let got = copy_body(
                    body,
                    out_start + skip,
                    expected,
                    (&self.rates(opts), !opts.foreground),
                    stop,
                    sink,
                    None,
                )?;
                if got < expected {
                    return Err(FetchError::ConnectionClosed(format!("range ended after {got} of {expected} bytes")));
                }
                sink.range_done(first, expected);
                offset = out_start + len;
                out_start += len;
                last = Some(FetchDone { size, validators: v, final_url, response_headers: headers, status });
            }
            // Every range was on disk already (a resumed, finished file): nothing to ask.
            return match last {
                Some(done) => Ok(done),
                None => {
                    let v = known.unwrap_or_default();
                    let size = ranged_size(ranges, v.size).unwrap_or(offset);
                    Ok(FetchDone { size, validators: v, final_url: None, response_headers: String::new(), status: 206 })
                }
            };
        }
        Err(FetchError::InvalidResponse("the server's content kept changing".into()))
    }

    /// Fetches bytes `first..=last` of `url` for a file of an on-demand job, handing them to the
    /// sink at their own offsets. `last` past the end is cut to the end (the sink's `begin`, which
    /// learns the size, decides whether that is an error). The answer must be a 206 for exactly
    /// those bytes: a 200 is a server without range support, unless the validators say the content
    /// changed (If-Range failed), in which case the sink drops everything (`restart`) and the span
    /// is asked again. A 416 for a span starting at or past the end tells the size and writes
    /// nothing.
    #[allow(clippy::too_many_arguments)]
    pub fn fetch_span(
        &self,
        url: &url::Url,
        first: u64,
        last: u64,
        known: Option<&Validators>,
        opts: &RequestOptions,
        stop: &dyn Fn() -> bool,
        sink: &mut dyn Sink,
    ) -> Result<FetchDone, FetchError> {
        let _foreground = self.foreground(opts);
        let mut known = known.cloned();
        for _round in 0..2 {
            let (mut response, final_url) =
                self.get_following_redirects(url, Some((first, Some(last))), known.as_ref(), opts)?;
            let status = response.status().as_u16();
            tracing::debug!(status, first, last, "response to a range request");
            let headers = header_text(&response);
            let validators_of = |size: Option<u64>, r: &ureq::http::Response<ureq::Body>| Validators {
                etag: header(r, "etag"),
                last_modified: header(r, "last-modified"),
                size,
            };
            match status {
                206 => {}
                200 | 203 => {
                    let size = header(&response, "content-length").and_then(|v| v.trim().parse::<u64>().ok());
                    let v = validators_of(size, &response);
                    drop(response);
                    if known.as_ref().is_some_and(|k| !k.same_content(&v)) {
                        // If-Range said the content changed: never splice the new one in.
                        sink.restart()?;
                        known = None;
                        continue;
                    }
                    return Err(FetchError::NoRangeSupport);
                }
                416 => {
                    let total = header(&response, "content-range").and_then(|cr| parse_unsatisfied_range(&cr));
                    let Some(total) = total.filter(|t| first >= *t) else { return Err(FetchError::RangeBeyondEnd) };
                    let v = validators_of(Some(total), &response);
                    drop(response);
                    if known.as_ref().is_some_and(|k| !k.same_content(&v)) {
                        sink.restart()?;
                        known = None;
                        continue;
                    }
                    sink.begin(Some(total), &v)?;
                    return Ok(FetchDone { size: total, validators: v, final_url, response_headers: headers, status });
                }
                s => return Err(FetchError::Status(s)),
            }
            let cr = header(&response, "content-range")
                .ok_or_else(|| FetchError::InvalidResponse("206 without Content-Range".into()))?;
            let (got_first, got_last, got_total) = parse_content_range(&cr)
                .ok_or_else(|| FetchError::InvalidResponse(format!("bad Content-Range: {cr}")))?;
            let total = got_total.ok_or(FetchError::MissingSize)?;
            let v = validators_of(Some(total), &response);
            if known.as_ref().is_some_and(|k| !k.same_content(&v)) {
                drop(response);
                sink.restart()?;
                known = None;
                continue;
            }
            let want_last = last.min(total.saturating_sub(1));
            if got_first != first || got_last != want_last || first >= total {
                return Err(FetchError::InvalidResponse(format!("asked for bytes {first}-{last}, got {cr}")));
            }
            if let Some(limit) = opts.max_size.filter(|l| total > *l) {
                return Err(FetchError::MaxDownloadSize(limit));
            }
            sink.begin(Some(total), &v)?;
            let expected = want_last - first + 1;
            let direct = self.direct(&response, expected, sink);
            let body = response.body_mut().with_config().limit(u64::MAX).reader();
            let got = copy_body(body, first, expected, (&self.rates(opts), !opts.foreground), stop, sink, direct)?;
            if got < expected {
                return Err(FetchError::ConnectionClosed(format!("range ended after {got} of {expected} bytes")));
            }
            sink.range_done(first, expected);
            return Ok(FetchDone { size: total, validators: v, final_url, response_headers: headers, status });
        }
        Err(FetchError::InvalidResponse("the server's content kept changing".into()))
    }

    fn fetch_http(
        &self,
        url: &url::Url,
        mut offset: u64,
        known: Option<&Validators>,
        opts: &RequestOptions,
        stop: &dyn Fn() -> bool,
        sink: &mut dyn Sink,
    ) -> Result<FetchDone, FetchError> {
        let mut known = known.cloned();
        // A second round happens only when a ranged answer turned out to be from another version.
        for _round in 0..2 {
            let range = (offset > 0).then_some((offset, None));
            let (mut response, final_url) = self.get_following_redirects(url, range, known.as_ref(), opts)?;
            let status = response.status().as_u16();
            tracing::debug!(status, offset, final_url = %super::file::url_for_log(final_url.as_ref().unwrap_or(url)), "response");
            let headers = header_text(&response);
            let validators_of = |size: Option<u64>, r: &ureq::http::Response<ureq::Body>| Validators {
                etag: header(r, "etag"),
                last_modified: header(r, "last-modified"),
                size,
            };
            let (start, size, validators) = match status {
                200 | 203 => {
                    let size = header(&response, "content-length").and_then(|v| v.trim().parse::<u64>().ok());
                    let v = validators_of(size, &response);
                    if offset > 0 {
                        // The server ignored the Range (or If-Range said the content changed):
                        // the whole file follows, so start over cleanly from byte 0.
                        sink.restart()?;
                    }
                    (0, size, v)
                }
                206 => {
                    let cr = header(&response, "content-range")
                        .ok_or_else(|| FetchError::InvalidResponse("206 without Content-Range".into()))?;
                    let (first, _last, total) = parse_content_range(&cr)
                        .ok_or_else(|| FetchError::InvalidResponse(format!("bad Content-Range: {cr}")))?;
                    let v = validators_of(total, &response);
                    let changed = known.as_ref().is_some_and(|k| !k.same_content(&v));
                    if changed || first != offset {
                        // Another version, or not the bytes we asked for: never splice it in.
                        drop(response);
                        sink.restart()?;
                        offset = 0;
                        known = None;
                        continue;
                    }
                    (first, total, v)
                }
                416 => {
                    // Nothing at or after `offset`: either the file is exactly `offset` bytes long
                    // (done) or it shrank (start over).
                    let total = header(&response, "content-range").and_then(|cr| parse_unsatisfied_range(&cr));
                    if total == Some(offset) && known.as_ref().is_none_or(|k| k.size.is_none_or(|s| s == offset)) {
                        let v = known.clone().unwrap_or(Validators { size: Some(offset), ..Validators::default() });
                        sink.begin(Some(offset), &v)?;
                        return Ok(FetchDone {
                            size: offset,
                            validators: v,
                            final_url,
                            response_headers: headers,
                            status,
                        });
                    }
                    drop(response);
                    sink.restart()?;
                    offset = 0;
                    known = None;
                    continue;
                }
                s => return Err(FetchError::Status(s)),
            };
            let size = match size {
                Some(s) => s,
                None if opts.dynamic => {
                    // Dynamic content: whatever arrives until the end of the body is the file.
                    sink.begin(None, &validators)?;
                    let limit = opts.max_size.map_or(u64::MAX, |l| l.saturating_add(1));
                    let body = response.body_mut().with_config().limit(u64::MAX).reader();
                    let got = copy_body(body, 0, limit, (&self.rates(opts), !opts.foreground), stop, sink, None)?;
                    if let Some(max) = opts.max_size.filter(|m| got > *m) {
                        return Err(FetchError::MaxDownloadSize(max));
                    }
                    let v = Validators { size: Some(got), ..validators };
                    return Ok(FetchDone { size: got, validators: v, final_url, response_headers: headers, status });
                }
                // DO's TotalSizeBytes stands in for a size the server does not give.
                None => match opts.size_hint {
                    Some(hint) => hint,
                    None => return Err(FetchError::MissingSize),
                },
            };
            if let Some(limit) = opts.max_size.filter(|l| size > *l) {
                return Err(FetchError::MaxDownloadSize(limit));
            }
            sink.accepts_ranges(
                status == 206
                    || header(&response, "accept-ranges")
                        .is_some_and(|v| v.split(',').any(|u| u.trim().eq_ignore_ascii_case("bytes"))),
            );
            sink.begin(Some(size), &validators)?;
            let expected = size - start;
            let direct = self.direct(&response, expected, sink);
            let body = response.body_mut().with_config().limit(u64::MAX).reader();
            let got = copy_body(body, start, expected, (&self.rates(opts), !opts.foreground), stop, sink, direct)?;
            if got < expected {
                return Err(FetchError::ConnectionClosed(format!(
                    "the server closed the connection after {} of {} bytes",
                    start + got,
                    size
                )));
            }
            return Ok(FetchDone { size, validators, final_url, response_headers: headers, status });
        }
        Err(FetchError::InvalidResponse("the server's content kept changing".into()))
    }

    /// Sends one request without a body. A plain GET without a proxy takes ureq's request
    /// builder; anything else is an `http::Request` run with a request-level proxy.
    fn send(
        &self,
        method: &str,
        url: &url::Url,
        headers: &[(&str, String)],
        proxy: Option<ureq::Proxy>,
        opts: &RequestOptions,
    ) -> Result<ureq::http::Response<ureq::Body>, FetchError> {
        self.send_body(method, url, headers, &[], proxy, opts)
    }

    /// As [`HttpClient::send`], with a request body (a BITS upload fragment).
    fn send_body(
        &self,
        method: &str,
        url: &url::Url,
        headers: &[(&str, String)],
        body: &[u8],
        proxy: Option<ureq::Proxy>,
        opts: &RequestOptions,
    ) -> Result<ureq::http::Response<ureq::Body>, FetchError> {
        if url.scheme() == "https" && opts.tls.validation_required && opts.tls.validation.is_none() {
            return Err(FetchError::CertCallbackRequired);
        }
        let agent = self.agent_for(opts, url)?;
        if method == "GET" && proxy.is_none() && body.is_empty() {
            let mut req = agent.get(url.as_str());
            for (name, value) in headers {
                req = req.header(*name, value.as_str());
            }
            return req.call().map_err(map_ureq_error);
        }
        let mut req = ureq::http::Request::builder().method(method).uri(url.as_str());
        for (name, value) in headers {
            req = req.header(*name, value.as_str());
        }
        let req = req.body(body).map_err(|e| FetchError::InvalidResponse(format!("bad request: {e}")))?;
        let req = match proxy {
            Some(p) => agent.configure_request(req).proxy(Some(p)).build(),
            None => req,
        };
        if opts.proxy_auth.iter().any(|c| c.scheme == super::job::AuthScheme::Digest) {
            return super::proxy_auth::with_credentials(&opts.proxy_auth, || agent.run(req)).map_err(map_ureq_error);
        }
        agent.run(req).map_err(map_ureq_error)
    }

    /// Sends through the first proxy of the job's list that can be reached (or directly).
    fn send_via_proxies(
        &self,
        method: &str,
        url: &url::Url,
        headers: &[(&str, String)],
        opts: &RequestOptions,
    ) -> Result<ureq::http::Response<ureq::Body>, FetchError> {
        let proxies = proxies_for(opts, url)?;
        if proxies.is_empty() {
            return self.send(method, url, headers, None, opts);
        }
        let last = proxies.len() - 1;
        for (i, p) in proxies.into_iter().enumerate() {
            match self.send(method, url, headers, Some(p), opts) {
                Err(e) if i < last && unreachable(&e) => continue,
                other => return other,
            }
        }
        unreachable!("the last proxy returns")
    }

    /// One packet of the BITS Upload Protocol: a `BITS_POST` to `url` with `headers` (the
    /// packet's own, after the job's custom headers) and `body`, through the job's proxies, with
    /// a 401 answered once from the job's credentials. Redirects are not followed (an upload
    /// session lives on one server). The answer's body is read (at most 64 KiB) so the
    /// connection is reused.
    pub fn bits_post(
        &self,
        url: &url::Url,
        headers: &[(&str, String)],
        body: &[u8],
        opts: &RequestOptions,
    ) -> Result<BitsAnswer, FetchError> {
        let mut auth: Option<String> = None;
        for _ in 0..2 {
            let mut all: Vec<(&str, String)> = opts.headers.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
            all.extend(headers.iter().cloned());
            if let Some(a) = &auth {
                all.push(("Authorization", a.clone()));
            }
            let proxies = proxies_for(opts, url)?;
            let mut response = if proxies.is_empty() {
                self.send_body("BITS_POST", url, &all, body, None, opts)?
            } else {
                let last = proxies.len() - 1;
                let mut out = None;
                for (i, p) in proxies.into_iter().enumerate() {
                    match self.send_body("BITS_POST", url, &all, body, Some(p), opts) {
                        Err(e) if i < last && unreachable(&e) => continue,
                        other => {
                            out = Some(other?);
                            break;
                        }
                    }
                }
                out.ok_or_else(|| FetchError::ConnectFailed("no proxy could be reached".into()))?
            };
            let status = response.status().as_u16();
            if status == 401 && auth.is_none() {
                if let Some(a) = authorization(&response, &opts.credentials, "BITS_POST", url) {
                    let _ = response.body_mut().with_config().limit(64 * 1024).read_to_vec();
                    auth = Some(a);
                    continue;
                }
            }
            let headers: Vec<(String, String)> = response
                .headers()
                .iter()
                .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str().to_ascii_lowercase(), v.trim().to_string())))
                .collect();
            let body = response.body_mut().with_config().limit(64 * 1024).read_to_vec().unwrap_or_default();
            tracing::debug!(status, url = %super::file::url_for_log(url), "BITS_POST answered");
            return Ok(BitsAnswer { status, headers, body });
        }
        Err(FetchError::Status(401))
    }

    /// Asks for a file's size without fetching it (HEAD, or stat for a local file). `None` when the
    /// server does not say or the request fails: the GET then reports any real error.
    pub fn size_of(&self, remote: &Remote, opts: &RequestOptions) -> Option<u64> {
        let policy = opts.redirect;
        // A custom verb may have effects, and dynamic content has no fixed size: no HEAD.
        if opts.method.is_some() || opts.dynamic {
            return None;
        }
        match remote {
            Remote::Local(p) => {
                let _as_owner = act(opts).ok()?;
                std::fs::metadata(p).ok().filter(|m| m.is_file()).map(|m| m.len())
            }
            Remote::Http(url) => {
                let mut current = url.clone();
                let mut auth: Option<String> = None;
                let mut auth_extra: Vec<(String, String)> = Vec::new();
                let mut challenged = false;
                for _ in 0..=MAX_REDIRECTS + 1 {
                    let mut headers: Vec<(&str, String)> =
                        opts.headers.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
                    if let Some(a) = &auth {
                        headers.push(("Authorization", a.clone()));
                    } else {
                        headers.extend(auth_extra.iter().map(|(n, v)| (n.as_str(), v.clone())));
                    }
                    let mut response = self.send_via_proxies("HEAD", &current, &headers, opts).ok()?;
                    // Finish the (empty) body so the connection is reused.
                    let _ = response.body_mut().read_to_vec();
                    let status = response.status().as_u16();
                    if status == 401 && !challenged {
                        challenged = true;
                        auth_extra = opts.auth_headers.clone();
                        auth = authorization(&response, &opts.credentials, "HEAD", &current);
                        if auth.is_none() && auth_extra.is_empty() {
                            return None;
                        }
                        continue;
                    }
                    auth = None;
                    auth_extra.clear();
                    if matches!(status, 301 | 302 | 303 | 307 | 308) && !policy.disallow {
                        let next = current.join(&header(&response, "location")?).ok()?;
                        if next.scheme() == "http" && current.scheme() == "https" && !policy.https_to_http {
                            return None;
                        }
                        current = next;
                        challenged = false;
                        continue;
                    }
                    if status != 200 {
                        return None;
                    }
                    return header(&response, "content-length").and_then(|v| v.trim().parse().ok());
                }
                None
            }
        }
    }

    /// Whether the body of `response` (`expected` bytes, identity-encoded) may go straight from
    /// its connection into the sink's file (see `tcp::Direct`): a large body on a direct
    /// plain-HTTP connection, for a sink that takes it.
    fn direct(
        &self,
        response: &ureq::http::Response<ureq::Body>,
        expected: u64,
        sink: &dyn Sink,
    ) -> Option<super::tcp::Direct> {
        let direct = super::tcp::Direct::take()?;
        // Content-Length framing only, and exactly the bytes expected: a chunked or encoded body
        // is ureq's to decode, and a length that disagrees with Content-Range is ureq's to hold
        // the server to (the direct copy reads `expected` bytes, whatever the head says).
        let identity = header(response, "transfer-encoding").is_none()
            && header(response, "content-encoding").is_none_or(|v| v.trim().eq_ignore_ascii_case("identity"));
        let length = header(response, "content-length").and_then(|v| v.trim().parse::<u64>().ok());
        if expected < DIRECT_MIN || !identity || length != Some(expected) || !sink.takes_direct() {
            return None;
        }
        direct.set_read_timeout(self.cfg.read_timeout).ok()?;
        Some(direct)
    }

    /// Sends the GET (with Range/If-Range when resuming) and follows redirects per the policy.
    fn get_following_redirects(
        &self,
        url: &url::Url,
        range: Option<(u64, Option<u64>)>,
        known: Option<&Validators>,
        opts: &RequestOptions,
    ) -> Result<(ureq::http::Response<ureq::Body>, Option<url::Url>), FetchError> {
        let policy = opts.redirect;
        let mut current = url.clone();
        let mut redirected = false;
        // One answered challenge per URL: a second 401 means the credentials were refused.
        let mut auth: Option<String> = None;
        let mut auth_extra: &[(String, String)] = &[];
        let mut challenged = false;
        for _ in 0..=MAX_REDIRECTS + 1 {
            let mut headers: Vec<(&str, String)> = opts.headers.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
            if let Some(a) = &auth {
                headers.push(("Authorization", a.clone()));
            } else {
                headers.extend(auth_extra.iter().map(|(n, v)| (n.as_str(), v.clone())));
            }
            if let Some((first, last)) = range {
                let last = last.map(|l| l.to_string()).unwrap_or_default();
                headers.push(("Range", format!("bytes={first}-{last}")));
                if let Some(v) = known.and_then(|k| k.if_range()) {
                    headers.push(("If-Range", v.to_string()));
                }
            }
            let method = opts.method.as_deref().unwrap_or("GET");
            super::tcp::forget_last_read();
            let mut response = self.send_via_proxies(method, &current, &headers, opts)?;
            let status = response.status().as_u16();
            if status == 401 && !challenged {
                challenged = true;
                let method = opts.method.as_deref().unwrap_or("GET");
                if let Some(a) = authorization(&response, &opts.credentials, method, &current) {
                    let _ = response.body_mut().with_config().limit(64 * 1024).read_to_vec();
                    auth = Some(a);
                    continue;
                }
                if !opts.auth_headers.is_empty() {
                    let _ = response.body_mut().with_config().limit(64 * 1024).read_to_vec();
                    auth_extra = &opts.auth_headers;
                    continue;
                }
            }
            if matches!(status, 300 | 301 | 302 | 303 | 307 | 308) {
                // A new URL is challenged afresh.
                auth = None;
                auth_extra = &[];
                challenged = false;
                // Drain a small redirect body so the connection can be reused.
                let _ = response.body_mut().with_config().limit(64 * 1024).read_to_vec();
                let Some(location) = header(&response, "location") else {
                    return Err(FetchError::Status(status));
                };
                if policy.disallow {
                    return Err(FetchError::RedirectRefused(status));
                }
                let next = current
                    .join(&location)
                    .map_err(|_| FetchError::InvalidResponse(format!("bad redirect target: {location}")))?;
                match next.scheme() {
                    "http" if current.scheme() == "https" && !policy.https_to_http => {
                        return Err(FetchError::RedirectRefused(status))
                    }
                    "http" | "https" => {}
                    _ => return Err(FetchError::RedirectRefused(status)),
                }
                current = next;
                redirected = true;
                continue;
            }
            return Ok((response, redirected.then_some(current)));
        }
        Err(FetchError::TooManyRedirects)
    }
}

/// Reads the body in large blocks and hands them to the sink at their offsets. Returns the
/// number of body bytes received (at most `expected`).
///
/// With `direct` (the body's connection, see `HttpClient::direct`), the body is read through
/// `body` only until ureq holds none of it; the rest goes from the connection into the sink's
/// file by the kernel (`Sink::write_direct`), and `body` is never read again.
fn copy_body(
    mut body: impl Read,
    start: u64,
    expected: u64,
    (rates, background): (&[Arc<super::rate::Rate>], bool),
    stop: &dyn Fn() -> bool,
    sink: &mut dyn Sink,
    mut direct: Option<super::tcp::Direct>,
) -> Result<u64, FetchError> {
    const BLOCK: usize = 1 << 20;
    // Under a bandwidth limit each read takes at most one grant, drawn before the next read.
    let grant = super::rate::grant(rates);
    let direct_ready = |d: &Option<super::tcp::Direct>| d.as_ref().is_some_and(|d| d.unread() == 0);
    // Sized to what is expected: zeroing a 1 MiB buffer for every small file was a large share of
    // the CPU spent on jobs of many small files.
    let mut buf = vec![0u8; (expected.min(BLOCK as u64) as usize).max(1)];
    let mut got = 0u64;
    while got < expected {
        if stop() {
            return Err(FetchError::Stopped);
        }
        if direct_ready(&direct) {
            let Some(mut d) = direct.take() else { break };
            return copy_direct(&mut d, (start, got, expected), (rates, background, grant), stop, sink);
        }
        let want = (expected - got).min(buf.len() as u64) as usize;
        let want = grant.map_or(want, |g| want.min(g));
        // Fill as much of the block as arrives before writing (fewer, larger writes), but look at
        // the stop request after every read so Suspend/Cancel act at once on a slow server.
        let mut filled = 0;
        let mut stopping = false;
        let started = std::time::Instant::now();
        while filled < want {
            match body.read(&mut buf[filled..want]) {
                Ok(0) => break,
                Ok(n) => {
                    filled += n;
                    if !super::rate::take_all(rates, n, background, stop) {
                        stopping = true;
                        break;
                    }
                    // ureq holds no more of the body: the rest can go directly.
                    if direct_ready(&direct) {
                        break;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    if filled > 0 {
                        sink.write(start + got, &buf[..filled])?;
                    }
                    return Err(map_read_error(e));
                }
            }
            // Fast streams are written in blocks of up to 1 MiB; slow ones at least every 50 ms,
            // so progress (and what a crash can lose) never lags far behind the network.
            if started.elapsed() >= std::time::Duration::from_millis(50) {
                break;
            }
            if stop() {
                stopping = true;
                break;
            }
        }
        if stopping {
            // Keep what arrived: a resume continues after it.
            if filled > 0 {
                sink.write(start + got, &buf[..filled])?;
            }
            return Err(FetchError::Stopped);
        }
        if filled == 0 {
            break;
        }
        sink.write(start + got, &buf[..filled])?;
        got += filled as u64;
    }
    if got == expected {
        // Let the client see the end of the body (a read returning 0): only then does the
        // connection go back to the pool for the next file.
        let _ = body.read(&mut buf[..1]);
    }
    Ok(got)
}

/// Bodies at least this large go from a plain connection into the file by the kernel (a pipe
/// per response is not worth it for less).
const DIRECT_MIN: u64 = 4 << 20;

/// The direct part of `copy_body`: moves `expected - got` more bytes of the body (which starts
/// at remote offset `start`) from the connection into the file, in blocks of up to 1 MiB, each
/// recorded by the sink as `write` records its bytes. Returns the body bytes received in all.
fn copy_direct(
    direct: &mut super::tcp::Direct,
    (start, mut got, expected): (u64, u64, u64),
    (rates, background, grant): (&[Arc<super::rate::Rate>], bool, Option<usize>),
    stop: &dyn Fn() -> bool,
    sink: &mut dyn Sink,
) -> Result<u64, FetchError> {
    const BLOCK: u64 = 1 << 20;
    while got < expected {
        if stop() {
            return Err(FetchError::Stopped);
        }
        let want = (expected - got).min(BLOCK) as usize;
        let want = grant.map_or(want, |g| want.min(g));
        let n = match direct.receive(want) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return Err(FetchError::Timeout("no data from the server in time".into()))
            }
            Err(e) => return Err(map_read_error(e)),
        };
        // Paid for before they count, as `copy_body` does: a piece's last bytes end its
        // connection (a stop), and a wait that a stop cuts short would leave them unpaid.
        let paid = super::rate::take_all(rates, n, background, stop);
        sink.write_direct(start + got, direct)?;
        got += n as u64;
        if !paid {
            return Err(FetchError::Stopped);
        }
    }
    Ok(got)
}

/// Copies a local file (a `file://` or plain-path remote name).
/// Acts as the owner of `opts`'s job on this thread (see `Owner::act`).
fn act(opts: &RequestOptions) -> Result<Option<crate::abi::os::ActingAs>, FetchError> {
    opts.owner.map(|o| o.act()).transpose().map_err(FetchError::Local)
}

fn owner_uid(opts: &RequestOptions) -> u32 {
    opts.owner.map_or(u32::MAX, |o| o.uid)
}

fn fetch_local(
    mut f: std::fs::File,
    offset: u64,
    known: Option<&Validators>,
    max_size: Option<u64>,
    stop: &dyn Fn() -> bool,
    sink: &mut dyn Sink,
) -> Result<FetchDone, FetchError> {
    use std::io::{Seek, SeekFrom};
    use std::os::unix::fs::MetadataExt;
    let meta = f.metadata().map_err(|e| FetchError::Local(LocalError::from_io(&e)))?;
    if meta.is_dir() {
        return Err(FetchError::Local(LocalError::IsDirectory));
    }
    let v = Validators {
        etag: Some(format!("{:x}-{:x}-{:x}", meta.ino(), meta.mtime(), meta.mtime_nsec())),
        last_modified: None,
        size: Some(meta.len()),
    };
    if let Some(limit) = max_size.filter(|l| meta.len() > *l) {
        return Err(FetchError::MaxDownloadSize(limit));
    }
    let mut start = offset;
    if start > 0 && !known.is_some_and(|k| k.same_content(&v)) {
        sink.restart()?;
        start = 0;
    }
    sink.begin(Some(meta.len()), &v)?;
    f.seek(SeekFrom::Start(start)).map_err(|e| FetchError::Local(LocalError::from_io(&e)))?;
    let expected = meta.len().saturating_sub(start);
    let got = copy_body(f, start, expected, (&[], false), stop, sink, None)?;
    if got < expected {
        return Err(FetchError::Local(LocalError::Other("the source file became shorter while it was read".into())));
    }
    Ok(FetchDone { size: meta.len(), validators: v, final_url: None, response_headers: String::new(), status: 200 })
}

fn header(r: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    r.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn header_text(r: &ureq::http::Response<ureq::Body>) -> String {
    let mut s = format!("HTTP/1.1 {}", r.status());
    for (k, v) in r.headers() {
        s.push_str("\r\n");
        s.push_str(k.as_str());
        s.push_str(": ");
        s.push_str(&String::from_utf8_lossy(v.as_bytes()));
    }
    s
}

/// `bytes a-b/total` (total may be `*`).
/// For the fuzz targets (`engine::fuzzing`).
#[doc(hidden)]
pub fn fuzz_content_range(v: &str) {
    let _ = parse_content_range(v);
}

fn parse_content_range(v: &str) -> Option<(u64, u64, Option<u64>)> {
    let rest = v.trim().strip_prefix("bytes")?.trim_start();
    let (range, total) = rest.split_once('/')?;
    let (a, b) = range.trim().split_once('-')?;
    let a: u64 = a.trim().parse().ok()?;
    let b: u64 = b.trim().parse().ok()?;
    if b < a {
        return None;
    }
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse::<u64>().ok()?),
    };
    if total.is_some_and(|t| b >= t) {
        return None;
    }
    Some((a, b, total))
}

/// `bytes */total`.
fn parse_unsatisfied_range(v: &str) -> Option<u64> {
    v.trim().strip_prefix("bytes")?.trim_start().strip_prefix("*/")?.trim().parse().ok()
}

fn map_read_error(e: std::io::Error) -> FetchError {
    // ureq reports its own errors (timeouts, protocol) wrapped in io::Error.
    match e.get_ref().and_then(|inner| inner.downcast_ref::<ureq::Error>()) {
        Some(ureq::Error::Timeout(_)) => FetchError::Timeout("no data from the server in time".into()),
        Some(other) => FetchError::ConnectionClosed(other.to_string()),
        None if e.kind() == std::io::ErrorKind::TimedOut => FetchError::Timeout(e.to_string()),
        None => FetchError::ConnectionClosed(e.to_string()),
    }
}

/// Whether a socket error means the machine has no network to reach the server over.
fn io_is_no_network(io: &std::io::Error) -> bool {
    matches!(io.raw_os_error(), Some(libc::ENETUNREACH | libc::ENETDOWN | libc::EHOSTUNREACH))
}

fn map_ureq_error(e: ureq::Error) -> FetchError {
    match e {
        ureq::Error::StatusCode(s) => FetchError::Status(s),
        ureq::Error::HostNotFound => FetchError::NameNotResolved("the host name could not be resolved".into()),
        ureq::Error::ConnectionFailed => FetchError::ConnectFailed("the connection was refused or failed".into()),
        ureq::Error::Timeout(t) => FetchError::Timeout(format!("timed out ({t:?})")),
        ureq::Error::Tls(m) => FetchError::Tls(m.to_string()),
        ureq::Error::Rustls(rustls::Error::InvalidCertificate(c)) => {
            FetchError::Certificate(super::tls::classify_rustls(&c), c.to_string())
        }
        ureq::Error::Rustls(r) => FetchError::Tls(r.to_string()),
        ureq::Error::TooManyRedirects => FetchError::TooManyRedirects,
        // "proxy server responded 407/Proxy Authentication Required": the proxy's status.
        ureq::Error::ConnectProxyFailed(m) => match m
            .strip_prefix("proxy server responded ")
            .and_then(|r| r.split('/').next())
            .and_then(|c| c.parse::<u16>().ok())
        {
            Some(status) => FetchError::Status(status),
            None => FetchError::ConnectFailed(format!("proxy: {m}")),
        },
        ureq::Error::Io(io) if io.get_ref().is_some_and(|e| e.is::<super::tls::Rejection>()) => {
            match io.get_ref().and_then(|e| e.downcast_ref::<super::tls::Rejection>()) {
                Some(super::tls::Rejection::Callback(hr)) => FetchError::CertCallback(*hr),
                Some(super::tls::Rejection::Certificate(p, d)) => FetchError::Certificate(*p, d.clone()),
                None => FetchError::Tls(io.to_string()),
            }
        }
        ureq::Error::Io(io) if io_is_no_network(&io) => FetchError::NoNetwork(io.to_string()),
        // A handshake of the default policy's connector (ureq's rustls) that rustls refused.
        ureq::Error::Io(io) if io.get_ref().is_some_and(|e| e.is::<rustls::Error>()) => {
            match io.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
                Some(rustls::Error::InvalidCertificate(c)) => {
                    FetchError::Certificate(super::tls::classify_rustls(c), c.to_string())
                }
                Some(other) => FetchError::Tls(other.to_string()),
                None => FetchError::Tls(io.to_string()),
            }
        }
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => FetchError::ConnectFailed(io.to_string()),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => FetchError::Timeout(io.to_string()),
            _ => FetchError::ConnectionClosed(io.to_string()),
        },
        ureq::Error::Protocol(p) => FetchError::InvalidResponse(p.to_string()),
        ureq::Error::BadUri(u) => FetchError::InvalidResponse(format!("bad URL: {u}")),
        other => FetchError::ConnectionClosed(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreachable_networks_are_no_network_and_transient() {
        for errno in [libc::ENETUNREACH, libc::ENETDOWN, libc::EHOSTUNREACH] {
            let e = map_ureq_error(ureq::Error::Io(std::io::Error::from_raw_os_error(errno)));
            assert!(matches!(e, FetchError::NoNetwork(_)), "{errno}: {e:?}");
            assert!(e.is_transient());
        }
        let refused = map_ureq_error(ureq::Error::Io(std::io::Error::from_raw_os_error(libc::ECONNREFUSED)));
        assert!(matches!(refused, FetchError::ConnectFailed(_)));
    }

    /// The byte at `i` of the test bodies.
    fn body_byte(i: usize) -> u8 {
        (i.wrapping_mul(31) ^ (i >> 12)) as u8
    }

    /// How a one-shot test server answers a GET: `len` bytes announced, `send` of them sent
    /// (in pieces), then it closes (`stall`: waits 3 s first).
    #[derive(Clone, Copy)]
    struct Answer {
        len: usize,
        send: usize,
        stall: bool,
    }

    /// Serves one connection on 127.0.0.1: reads the request's head, then `answer`s; returns
    /// the URL.
    fn serve_one(answer: impl FnOnce(&mut std::net::TcpStream) + Send + 'static) -> url::Url {
        use std::io::Read as _;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && s.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            answer(&mut s);
        });
        format!("http://127.0.0.1:{port}/f").parse().unwrap()
    }

    /// A 206 for the whole of a `len`-byte file whose Content-Length says `said` instead.
    fn serve_partial_once(len: usize, said: usize) -> url::Url {
        use std::io::Write as _;
        serve_one(move |s| {
            let mut out = format!(
                "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-{}/{len}\r\nContent-Length: {said}\r\n\r\n",
                len - 1
            )
            .into_bytes();
            out.extend((0..len).map(body_byte));
            let _ = s.write_all(&out);
            std::thread::sleep(Duration::from_millis(500));
        })
    }

    /// Serves `answer` to one connection on 127.0.0.1; returns the URL.
    fn serve_once(answer: Answer) -> url::Url {
        use std::io::Write as _;
        // Made before the request comes: a read timeout of the client's then covers sending
        // only (an instrumented build takes seconds to make 6 MiB byte by byte).
        let body: Vec<u8> = (0..answer.send).map(body_byte).collect();
        serve_one(move |s| {
            // The head and the first bytes of the body in one write: ureq's buffer holds some of
            // the body when the answer is handed over.
            let first = answer.send.min(100_000);
            let mut out = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nAccept-Ranges: bytes\r\n\r\n", answer.len)
                .into_bytes();
            out.extend_from_slice(&body[..first]);
            if s.write_all(&out).is_err() {
                return;
            }
            for piece in body[first..].chunks(300_000) {
                if s.write_all(piece).is_err() {
                    return;
                }
            }
            if answer.stall {
                std::thread::sleep(Duration::from_secs(3));
            }
        })
    }

    /// A file sink that counts what arrives through `write` and through `write_direct`.
    struct FileSink {
        file: std::fs::File,
        direct: bool,
        written: u64,
        direct_written: u64,
        received: u64,
        /// Set by every `write_direct` (a stop for the fetch, as a piece's end is).
        stop_on_direct: Option<Arc<std::sync::atomic::AtomicBool>>,
        /// Emptied by every `write`: the direct bytes that follow must wait for their tokens.
        drain: Option<Arc<super::super::rate::Rate>>,
        drains: u64,
    }

    impl FileSink {
        fn new(path: &std::path::Path, direct: bool, append: bool) -> FileSink {
            let file =
                std::fs::OpenOptions::new().create(true).write(true).read(true).append(append).open(path).unwrap();
            FileSink {
                file,
                direct,
                written: 0,
                direct_written: 0,
                received: 0,
                stop_on_direct: None,
                drain: None,
                drains: 0,
            }
        }
    }

    impl Sink for FileSink {
        fn restart(&mut self) -> Result<(), FetchError> {
            Err(FetchError::ContentChanged)
        }
        fn begin(&mut self, _: Option<u64>, _: &Validators) -> Result<(), FetchError> {
            Ok(())
        }
        fn write(&mut self, offset: u64, data: &[u8]) -> Result<(), FetchError> {
            use std::os::unix::fs::FileExt;
            assert_eq!(offset, self.received, "in order");
            self.file.write_all_at(data, offset).unwrap();
            self.written += data.len() as u64;
            self.received += data.len() as u64;
            if let Some(rate) = &self.drain {
                rate.take(rate.grant(), &|| false);
                self.drains += 1;
            }
            Ok(())
        }
        fn takes_direct(&self) -> bool {
            self.direct
        }
        fn write_direct(&mut self, offset: u64, direct: &mut super::super::tcp::Direct) -> Result<(), FetchError> {
            assert_eq!(offset, self.received, "in order");
            let n = direct.held();
            direct.write_to(&self.file, offset, n).map_err(|e| FetchError::Local(LocalError::from_io(&e)))?;
            self.direct_written += n as u64;
            self.received += n as u64;
            if let Some(stop) = &self.stop_on_direct {
                stop.store(true, std::sync::atomic::Ordering::SeqCst);
            }
            Ok(())
        }
    }

    /// A directory for one test (see `engine::temp_dir`), created.
    fn scratch(tag: &str) -> crate::engine::TempDir {
        let dir = crate::engine::temp_dir(&format!("http-{tag}"));
        std::fs::create_dir_all(&*dir).unwrap();
        dir
    }

    fn fetch_into(answer: Answer, sink: &mut FileSink, read_timeout: Duration) -> Result<FetchDone, FetchError> {
        let client = HttpClient::new(&NetConfig { read_timeout, ..NetConfig::default() });
        let url = serve_once(answer);
        client.fetch(&Remote::Http(url), None, 0, None, &RequestOptions::default(), &|| false, sink)
    }

    fn assert_body(path: &std::path::Path, len: usize) {
        let data = std::fs::read(path).unwrap();
        assert_eq!(data.len(), len);
        if let Some(i) = (0..len).find(|&i| data[i] != body_byte(i)) {
            panic!("byte {i} of {len} differs");
        }
    }

    #[test]
    fn a_large_plain_body_goes_from_the_connection_into_the_file_directly() {
        let dir = scratch("direct");
        let len = 9 << 20;
        let path = dir.join("f");
        let mut sink = FileSink::new(&path, true, false);
        let done = fetch_into(Answer { len, send: len, stall: false }, &mut sink, Duration::from_secs(10)).unwrap();
        assert_eq!(done.size, len as u64);
        assert_body(&path, len);
        assert!(sink.direct_written >= (len - (1 << 20)) as u64, "{} bytes direct", sink.direct_written);
        assert!(sink.written <= 1 << 20, "only what ureq held passed through write: {}", sink.written);

        // A file that refuses spliced bytes (opened for appending) gets them through memory.
        let path = dir.join("append");
        let mut sink = FileSink::new(&path, true, true);
        fetch_into(Answer { len, send: len, stall: false }, &mut sink, Duration::from_secs(10)).unwrap();
        assert_body(&path, len);
        assert!(sink.direct_written > 0);
    }

    #[test]
    fn bytes_taken_directly_are_paid_for_even_when_a_stop_follows_them() {
        // A piece's last bytes end its connection (a stop): they must have been drawn from the
        // limit first, or a file in pieces beats its limit.
        let dir = scratch("paid");
        let path = dir.join("f");
        let len = 9 << 20;
        let rate = super::super::rate::Rate::new(2_000_000).unwrap();
        // An empty bucket (and again after the bytes through `write`, see `drain`): the direct
        // bytes have to wait for their tokens.
        assert!(rate.take(rate.grant(), &|| false));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut sink = FileSink::new(&path, true, false);
        sink.stop_on_direct = Some(stop.clone());
        sink.drain = Some(rate.clone());
        let client = HttpClient::new(&NetConfig::default());
        let opts = RequestOptions { rate: Some(rate.clone()), ..RequestOptions::default() };
        let url = serve_once(Answer { len, send: len, stall: false });
        let stopped = || stop.load(std::sync::atomic::Ordering::SeqCst);
        let e = client.fetch(&Remote::Http(url), None, 0, None, &opts, &stopped, &mut sink).unwrap_err();
        assert!(matches!(e, FetchError::Stopped), "{e:?}");
        assert!(sink.direct_written > 0, "the stop came from a direct write");
        // Paid: the first grant, the bytes, and a grant per `write`.
        let drained = rate.grant() as u64 * (1 + sink.drains);
        assert!(
            rate.paid() >= drained + sink.received,
            "{} bytes received, {} paid for",
            sink.received,
            rate.paid() - drained
        );
    }

    #[test]
    fn a_length_that_disagrees_with_the_range_is_never_taken_directly() {
        // The head says half of what Content-Range says: ureq holds the server to its
        // Content-Length (the range ends short), where a direct copy would read on.
        let dir = scratch("lie");
        let len = 9 << 20;
        let mut sink = FileSink::new(&dir.join("f"), true, false);
        let client = HttpClient::new(&NetConfig::default());
        let url = serve_partial_once(len, len / 2);
        let e = client
            .fetch_span(&url, 0, len as u64 - 1, None, &RequestOptions::default(), &|| false, &mut sink)
            .unwrap_err();
        assert!(matches!(e, FetchError::ConnectionClosed(_)), "{e:?}");
        assert_eq!((sink.direct_written, sink.received), (0, len as u64 / 2));
    }

    #[test]
    fn small_bodies_and_sinks_that_take_nothing_directly_go_through_write() {
        let dir = scratch("plain");
        for (len, direct) in [(3 << 20, true), (9 << 20, false)] {
            let path = dir.join(format!("f{len}"));
            let mut sink = FileSink::new(&path, direct, false);
            fetch_into(Answer { len, send: len, stall: false }, &mut sink, Duration::from_secs(10)).unwrap();
            assert_body(&path, len);
            assert_eq!((sink.written, sink.direct_written), (len as u64, 0));
        }
    }

    #[test]
    fn a_body_cut_short_or_silent_on_the_direct_path_is_the_usual_error() {
        let dir = scratch("short");
        let (len, send) = (9 << 20, 6 << 20);
        let path = dir.join("closed");
        let mut sink = FileSink::new(&path, true, false);
        let e = fetch_into(Answer { len, send, stall: false }, &mut sink, Duration::from_secs(10)).unwrap_err();
        assert!(matches!(e, FetchError::ConnectionClosed(_)), "{e:?}");
        assert!(e.is_transient());
        assert_eq!(sink.received, send as u64);
        assert!(sink.direct_written > 0);
        assert_body(&path, send);

        let path = dir.join("silent");
        let mut sink = FileSink::new(&path, true, false);
        let t = std::time::Instant::now();
        let e = fetch_into(Answer { len, send, stall: true }, &mut sink, Duration::from_millis(300)).unwrap_err();
        assert!(matches!(e, FetchError::Timeout(_)), "{e:?}");
        assert!(t.elapsed() < Duration::from_secs(3), "the read timeout applies: {:?}", t.elapsed());
        assert_eq!(sink.received, send as u64);
        assert_body(&path, send);
    }

    #[test]
    fn content_range_parsing() {
        assert_eq!(parse_content_range("bytes 0-9/10"), Some((0, 9, Some(10))));
        assert_eq!(parse_content_range("bytes 5-9/*"), Some((5, 9, None)));
        assert_eq!(parse_content_range("bytes 5-4/10"), None);
        assert_eq!(parse_content_range("bytes 5-10/10"), None);
        assert_eq!(parse_content_range("items 0-1/2"), None);
        assert_eq!(parse_unsatisfied_range("bytes */1000"), Some(1000));
    }

    #[test]
    fn a_job_that_needs_its_validation_callback_fetches_nothing_over_https_without_it() {
        let client = HttpClient::new(&NetConfig::default());
        let mut opts = RequestOptions::default();
        opts.tls.validation_required = true;
        struct Nothing;
        impl Sink for Nothing {
            fn restart(&mut self) -> Result<(), FetchError> {
                Ok(())
            }
            fn begin(&mut self, _: Option<u64>, _: &Validators) -> Result<(), FetchError> {
                Ok(())
            }
            fn write(&mut self, _: u64, _: &[u8]) -> Result<(), FetchError> {
                Ok(())
            }
        }
        let url = url::Url::parse("https://127.0.0.1:9/x").unwrap();
        let r = client.fetch(&Remote::Http(url), None, 0, None, &opts, &|| false, &mut Nothing);
        assert_eq!(r, Err(FetchError::CertCallbackRequired));
        assert!(client.size_of(&Remote::Http(url::Url::parse("https://127.0.0.1:9/y").unwrap()), &opts).is_none());
    }

    #[test]
    fn transient_and_fatal_errors() {
        assert!(FetchError::Status(503).is_transient());
        assert!(!FetchError::Status(404).is_transient());
        assert!(FetchError::ConnectionClosed(String::new()).is_transient());
        assert!(!FetchError::MissingSize.is_transient());
        assert!(!FetchError::Local(LocalError::DiskFull).is_transient());
    }
}
