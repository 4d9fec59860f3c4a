//! Weya's two credentials, and which one each action's page documents.
//!
//! Weya's pages differ per action: addCallsToBatch takes the workspace key
//! (`x-api-key`), the batch list, batch-details, start-calling,
//! stop-calling, delete-batch and add-phone take a Bearer token, and
//! createBatch takes either. So a client holds both when both are
//! configured ([`Credentials`]) and sends each action the one its page
//! documents, falling back to the one it has ([`Credentials::for_action`]).
//! This module is the one place that rule is written.

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use super::error::ApiError;

/// Which of the two headers a request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AuthMode {
    /// `x-api-key: KEY`, the workspace key (dashboard: Settings → API access).
    ApiKey,
    /// `Authorization: Bearer TOKEN`.
    Bearer,
}

impl AuthMode {
    /// How the screen names it: `x-api-key`, `Bearer token`.
    pub fn label(self) -> &'static str {
        match self {
            Self::ApiKey => "x-api-key",
            Self::Bearer => "Bearer token",
        }
    }

    /// The environment variable that supplies it.
    pub fn env_var(self) -> &'static str {
        match self {
            Self::ApiKey => "WEYA_API_KEY",
            Self::Bearer => "WEYA_TOKEN",
        }
    }

    /// The config file's key that supplies it.
    pub fn config_key(self) -> &'static str {
        match self {
            Self::ApiKey => "api_key",
            Self::Bearer => "token",
        }
    }

    /// The flag that reads it from standard input.
    pub fn stdin_flag(self) -> &'static str {
        match self {
            Self::ApiKey => "--api-key-stdin",
            Self::Bearer => "--token-stdin",
        }
    }

    /// Where to set it, in words: "WEYA_TOKEN, or token in the config file".
    pub fn where_to_set(self) -> String {
        format!(
            "{}, or {} in the config file",
            self.env_var(),
            self.config_key()
        )
    }

    /// The header line with the credential masked, as curl would send it:
    /// `x-api-key: ••••cdef`, `Authorization: Bearer ••••cdef`.
    pub fn header_line(self, masked: &str) -> String {
        match self {
            Self::ApiKey => format!("x-api-key: {masked}"),
            Self::Bearer => format!("Authorization: Bearer {masked}"),
        }
    }
}

impl std::fmt::Display for AuthMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// What a request is for, so that it carries the credential its page
/// documents and an error can say which one that is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    CreateBatch,
    AddCalls,
    ListBatches,
    BatchDetails,
    StartCalling,
    StopCalling,
    DeleteBatch,
    AddPhone,
    /// The phone list: no page documents it (its path is our assumption).
    ListPhones,
}

impl Action {
    /// Every action, in the order `doctor` lists them.
    pub const ALL: [Self; 9] = [
        Self::CreateBatch,
        Self::AddCalls,
        Self::ListBatches,
        Self::BatchDetails,
        Self::StartCalling,
        Self::StopCalling,
        Self::DeleteBatch,
        Self::AddPhone,
        Self::ListPhones,
    ];

    /// In words, after "for": "for start-calling".
    pub fn label(self) -> &'static str {
        match self {
            Self::CreateBatch => "createBatch",
            Self::AddCalls => "addCallsToBatch",
            Self::ListBatches => "the batch list",
            Self::BatchDetails => "batch-details",
            Self::StartCalling => "start-calling",
            Self::StopCalling => "stop-calling",
            Self::DeleteBatch => "delete-batch",
            Self::AddPhone => "add-phone",
            Self::ListPhones => "the phone list",
        }
    }

    /// The credential the action's page in Weya's reference shows.
    pub fn documented_auth(self) -> DocumentedAuth {
        match self {
            Self::CreateBatch => DocumentedAuth::Either,
            Self::AddCalls => DocumentedAuth::ApiKey,
            Self::ListBatches
            | Self::BatchDetails
            | Self::StartCalling
            | Self::StopCalling
            | Self::DeleteBatch
            | Self::AddPhone => DocumentedAuth::Bearer,
            Self::ListPhones => DocumentedAuth::Undocumented,
        }
    }
}

/// Which credential a page of Weya's reference shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentedAuth {
    /// `x-api-key` or `Authorization: Bearer` (createBatch).
    Either,
    /// `Authorization: Bearer` only.
    Bearer,
    /// `x-api-key` only.
    ApiKey,
    /// No page: the phone list is our assumption.
    Undocumented,
}

impl DocumentedAuth {
    /// The setting that supplies it.
    pub fn setting(self) -> &'static str {
        match self {
            Self::Either | Self::Undocumented => "WEYA_API_KEY or WEYA_TOKEN",
            Self::Bearer => "WEYA_TOKEN",
            Self::ApiKey => "WEYA_API_KEY",
        }
    }

    /// "a Bearer token", …
    pub fn describe(self) -> &'static str {
        match self {
            Self::Either => "an x-api-key or a Bearer token",
            Self::Bearer => "a Bearer token",
            Self::ApiKey => "an x-api-key workspace key",
            Self::Undocumented => "no credential (it documents no such endpoint)",
        }
    }

    /// Short, for a table: "x-api-key or Bearer", "Bearer", …
    pub fn short(self) -> &'static str {
        match self {
            Self::Either => "x-api-key or Bearer",
            Self::Bearer => "Bearer",
            Self::ApiKey => "x-api-key",
            Self::Undocumented => "no page (path assumed)",
        }
    }

    /// Whether a request sent with `mode` used a credential the page
    /// documents (an undocumented page documents none, so any will do).
    pub fn accepts(self, mode: AuthMode) -> bool {
        match self {
            Self::Either | Self::Undocumented => true,
            Self::Bearer => mode == AuthMode::Bearer,
            Self::ApiKey => mode == AuthMode::ApiKey,
        }
    }

    /// The credential sent when both are configured. createBatch takes
    /// either: the key is preferred, because the batch then belongs to
    /// the workspace of the key that addCallsToBatch needs to fill it.
    /// The phone list, documented nowhere, gets the token, as the other
    /// lists by user ID (the batch list, add-phone) do.
    pub fn preferred(self) -> AuthMode {
        match self {
            Self::Either | Self::ApiKey => AuthMode::ApiKey,
            Self::Bearer | Self::Undocumented => AuthMode::Bearer,
        }
    }

    /// The mode to send when the modes in `has` are configured: the
    /// preferred one, else the one there is. `None` with none.
    pub fn choose(self, has: impl Fn(AuthMode) -> bool) -> Option<AuthMode> {
        let preferred = self.preferred();
        let other = match preferred {
            AuthMode::ApiKey => AuthMode::Bearer,
            AuthMode::Bearer => AuthMode::ApiKey,
        };
        [preferred, other].into_iter().find(|m| has(*m))
    }
}

/// One credential and where it came from ("environment variable
/// WEYA_TOKEN"), to say so when it is refused. `Debug` shows it masked.
#[derive(Clone)]
pub struct Credential {
    secret: SecretString,
    source: String,
}

impl Credential {
    pub fn new(secret: SecretString, source: impl Into<String>) -> Self {
        Self {
            secret,
            source: source.into(),
        }
    }

    /// Where it came from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// All but (at most) its last four characters hidden; short
    /// credentials are hidden entirely.
    pub fn masked(&self) -> String {
        mask(&self.secret)
    }

    pub(super) fn expose(&self) -> &str {
        self.secret.expose_secret()
    }
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} from {}", self.masked(), self.source)
    }
}

/// The credentials configured: the workspace key, a Bearer token, or both.
#[derive(Clone, Default)]
pub struct Credentials {
    key: Option<Credential>,
    token: Option<Credential>,
}

impl Credentials {
    /// Adds (or replaces) the credential for `mode`.
    pub fn with(mut self, mode: AuthMode, credential: Credential) -> Self {
        *self.slot(mode) = Some(credential);
        self
    }

    fn slot(&mut self, mode: AuthMode) -> &mut Option<Credential> {
        match mode {
            AuthMode::ApiKey => &mut self.key,
            AuthMode::Bearer => &mut self.token,
        }
    }

    /// The credential for `mode`, if configured.
    pub fn get(&self, mode: AuthMode) -> Option<&Credential> {
        match mode {
            AuthMode::ApiKey => self.key.as_ref(),
            AuthMode::Bearer => self.token.as_ref(),
        }
    }

    /// The modes configured, the key first.
    pub fn modes(&self) -> Vec<AuthMode> {
        [AuthMode::ApiKey, AuthMode::Bearer]
            .into_iter()
            .filter(|m| self.get(*m).is_some())
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.key.is_none() && self.token.is_none()
    }

    /// The mode a request for `action` carries, and its credential.
    pub fn for_action(&self, action: Action) -> Option<(AuthMode, &Credential)> {
        let mode = action.documented_auth().choose(|m| self.get(m).is_some())?;
        Some((mode, self.get(mode)?))
    }

    /// What a request for `action` carries, masked, as a curl header line;
    /// `None` with no credential.
    pub fn header_line(&self, action: Action) -> Option<String> {
        let (mode, credential) = self.for_action(action)?;
        Some(mode.header_line(&credential.masked()))
    }

    /// The header of a request for `action` (none with no credential),
    /// marked sensitive so that no debug print of it shows it.
    pub(super) fn headers(&self, action: Action) -> Result<HeaderMap, ApiError> {
        let mut headers = HeaderMap::new();
        let Some((mode, credential)) = self.for_action(action) else {
            return Ok(headers);
        };
        let invalid = || {
            ApiError::Config(format!(
                "the {} ({}) contains characters a header cannot carry",
                mode.label(),
                credential.source()
            ))
        };
        match mode {
            AuthMode::ApiKey => {
                let mut v = HeaderValue::from_str(credential.expose()).map_err(|_| invalid())?;
                v.set_sensitive(true);
                headers.insert("x-api-key", v);
            }
            AuthMode::Bearer => {
                let mut v = HeaderValue::from_str(&format!("Bearer {}", credential.expose()))
                    .map_err(|_| invalid())?;
                v.set_sensitive(true);
                headers.insert(AUTHORIZATION, v);
            }
        }
        Ok(headers)
    }

    /// Checks every configured credential can be sent as a header, so a
    /// bad one is refused before any request rather than on the first
    /// action that would carry it.
    pub(super) fn check(&self) -> Result<(), ApiError> {
        for action in [Action::AddCalls, Action::ListBatches] {
            self.headers(action)?;
        }
        Ok(())
    }
}

/// The shortest credential masked in a server's text: a shorter one
/// cannot be told from ordinary words ("key" in "invalid key"), and hiding
/// every occurrence would garble the text, and the answer's JSON with it.
/// Weya's keys and tokens are far longer.
pub const MIN_MASKED_CHARS: usize = 8;

impl Credentials {
    /// `text` from a server with every configured credential, as it is and
    /// URL-encoded, replaced by its masked form: a server that echoes the
    /// credential it was sent ("invalid key sk_live_…") must not put it on
    /// the screen, in a log or in the journal. Credentials shorter than
    /// [`MIN_MASKED_CHARS`] are left.
    pub fn hide_in(&self, text: Vec<u8>) -> Vec<u8> {
        let mut secrets: Vec<(&str, String)> = Vec::new();
        for credential in [&self.key, &self.token].into_iter().flatten() {
            let secret = credential.expose();
            if secret.chars().count() < MIN_MASKED_CHARS {
                continue;
            }
            secrets.push((secret, credential.masked()));
        }
        // The longer first: one credential may hold the other.
        secrets.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
        secrets.iter().fold(text, |text, (secret, masked)| {
            replace_encoded(text, secret.as_bytes(), masked.as_bytes())
        })
    }

    /// [`Credentials::hide_in`] for text.
    pub fn hide_in_text(&self, text: &str) -> String {
        String::from_utf8(self.hide_in(text.as_bytes().to_vec()))
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

/// `text` with every copy of `secret` (not empty) replaced by `with`,
/// however a server wrote it: each of its bytes as it is, percent-encoded
/// in either case (`%2B`, `%2b`, `%5F` for `_`, needed or not), `+` for a
/// space (form encoding), or escaped as in a JSON string (`\/`,
/// `\u002b`), in any mix. Where copies overlap, the leftmost is replaced,
/// as far as it reaches.
fn replace_encoded(text: Vec<u8>, secret: &[u8], with: &[u8]) -> Vec<u8> {
    if secret.is_empty() {
        return text;
    }
    let mut out: Option<Vec<u8>> = None;
    let mut i = 0;
    let mut kept = 0;
    let first = secret[0];
    while i < text.len() {
        let may_start = text[i] == first || matches!(text[i], b'%' | b'+' | b'\\');
        if let Some(end) = may_start
            .then(|| encoded_copy_at(&text, i, secret))
            .flatten()
        {
            let out = out.get_or_insert_with(|| Vec::with_capacity(text.len()));
            out.extend_from_slice(&text[kept..i]);
            out.extend_from_slice(with);
            i = end;
            kept = end;
        } else {
            i += 1;
        }
    }
    match out {
        None => text,
        Some(mut out) => {
            out.extend_from_slice(&text[kept..]);
            out
        }
    }
}

/// Where a copy of `secret` starting at `at` ends (the farthest end when
/// the encodings allow several), if one starts there.
fn encoded_copy_at(text: &[u8], at: usize, secret: &[u8]) -> Option<usize> {
    // Every position a copy of the secret's first bytes can reach: few,
    // as only a `%` or a backslash read as itself can also start an encoding.
    let mut ends = vec![at];
    let mut next = Vec::new();
    for &b in secret {
        next.clear();
        for &j in &ends {
            for len in encodings_at(text, j, b).into_iter().flatten() {
                if !next.contains(&(j + len)) {
                    next.push(j + len);
                }
            }
        }
        if next.is_empty() {
            return None;
        }
        std::mem::swap(&mut ends, &mut next);
    }
    ends.into_iter().max()
}

/// The lengths of the ways byte `b` may be written at `text[j..]`.
fn encodings_at(text: &[u8], j: usize, b: u8) -> [Option<usize>; 2] {
    let rest = &text[j.min(text.len())..];
    let hex = |at: usize| -> Option<u8> {
        let h = rest.get(at..at + 2)?;
        if !h.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()
    };
    let literal = (rest.first() == Some(&b)).then_some(1);
    let encoded = match rest.first() {
        Some(b'%') if hex(1) == Some(b) => Some(3),
        Some(b'+') if b == b' ' => Some(1),
        Some(b'\\') => match rest.get(1) {
            Some(&c) if c == b && matches!(b, b'"' | b'\\' | b'/') => Some(2),
            Some(b'u' | b'U') if rest.get(2..4) == Some(&b"00"[..]) && hex(4) == Some(b) => Some(6),
            _ => None,
        },
        _ => None,
    };
    [literal, encoded]
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &self.key)
            .field("token", &self.token)
            .finish()
    }
}

/// One credential given directly, as tests and the sandbox do.
#[derive(Clone)]
pub enum Auth {
    /// `x-api-key: KEY`, the workspace key.
    ApiKey(SecretString),
    /// `Authorization: Bearer TOKEN`.
    Bearer(SecretString),
}

impl Auth {
    pub fn mode(&self) -> AuthMode {
        match self {
            Self::ApiKey(_) => AuthMode::ApiKey,
            Self::Bearer(_) => AuthMode::Bearer,
        }
    }

    /// The credential with all but (at most) its last four characters hidden.
    pub fn masked(&self) -> String {
        match self {
            Self::ApiKey(s) | Self::Bearer(s) => mask(s),
        }
    }
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Auth({} {})", self.mode(), self.masked())
    }
}

impl From<Auth> for Credentials {
    fn from(auth: Auth) -> Self {
        let mode = auth.mode();
        let (Auth::ApiKey(secret) | Auth::Bearer(secret)) = auth;
        Self::default().with(mode, Credential::new(secret, "the configuration"))
    }
}

/// All but (at most) the last four characters hidden; credentials shorter
/// than 16 characters are hidden entirely (four of twelve would give too
/// much away).
fn mask(secret: &SecretString) -> String {
    let secret = secret.expose_secret();
    let n = secret.chars().count();
    if n >= 16 {
        let tail: String = secret.chars().skip(n - 4).collect();
        format!("••••{tail}")
    } else {
        "••••".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both() -> Credentials {
        Credentials::default()
            .with(
                AuthMode::ApiKey,
                Credential::new(SecretString::from("sk_live_0123456789abcdef"), "env key"),
            )
            .with(
                AuthMode::Bearer,
                Credential::new(SecretString::from("tok_0123456789abcd5678"), "env token"),
            )
    }

    #[test]
    fn with_both_each_action_carries_what_its_page_documents() {
        let both = both();
        let mode = |action| both.for_action(action).map(|(m, _)| m);
        assert_eq!(mode(Action::AddCalls), Some(AuthMode::ApiKey));
        assert_eq!(mode(Action::CreateBatch), Some(AuthMode::ApiKey));
        for action in [
            Action::ListBatches,
            Action::BatchDetails,
            Action::StartCalling,
            Action::StopCalling,
            Action::DeleteBatch,
            Action::AddPhone,
            Action::ListPhones,
        ] {
            assert_eq!(mode(action), Some(AuthMode::Bearer), "{action:?}");
        }
        assert_eq!(
            both.header_line(Action::DeleteBatch).as_deref(),
            Some("Authorization: Bearer ••••5678")
        );
        assert_eq!(
            both.header_line(Action::AddCalls).as_deref(),
            Some("x-api-key: ••••cdef")
        );
    }

    #[test]
    fn with_one_every_action_carries_it() {
        let key_only = Credentials::default().with(
            AuthMode::ApiKey,
            Credential::new(SecretString::from("k"), "env"),
        );
        for action in Action::ALL {
            assert_eq!(
                key_only.for_action(action).map(|(m, _)| m),
                Some(AuthMode::ApiKey)
            );
        }
        assert!(
            Credentials::default()
                .for_action(Action::AddCalls)
                .is_none()
        );
    }

    #[test]
    fn debug_shows_credentials_masked() {
        let debug = format!("{:?}", both());
        assert!(!debug.contains("0123456789"), "{debug}");
        assert!(debug.contains("••••cdef from env key"), "{debug}");
    }

    #[test]
    fn a_credential_a_server_echoes_is_masked_as_it_is_and_url_encoded() {
        let key = "sk_live/0123+456789=abcdef";
        let token = "tok_0123456789abcd5678";
        let creds = Credentials::default()
            .with(
                AuthMode::ApiKey,
                Credential::new(SecretString::from(key), "env key"),
            )
            .with(
                AuthMode::Bearer,
                Credential::new(SecretString::from(token), "env token"),
            );
        let said = format!(
            "invalid key {key}; token Bearer {token}, twice: {key}{key}; \
             <a href=\"/x?k=sk_live%2F0123%2B456789%3Dabcdef\">sk_live%2f0123%2b456789%3dabcdef</a>"
        );
        let shown = creds.hide_in_text(&said);
        assert_eq!(
            shown,
            "invalid key ••••cdef; token Bearer ••••5678, twice: ••••cdef••••cdef; \
             <a href=\"/x?k=••••cdef\">••••cdef</a>"
        );
        // Not a byte of invalid UTF-8 is lost around it.
        let bytes = [b"\xff ".as_slice(), key.as_bytes(), b" \xfe"].concat();
        assert_eq!(
            creds.hide_in(bytes),
            [b"\xff ".as_slice(), "••••cdef".as_bytes(), b" \xfe"].concat()
        );
        // Cut short, a credential is not the credential: left as it is.
        assert_eq!(creds.hide_in_text("sk_live/0123+45"), "sk_live/0123+45");
        // Too short to tell from words: "key" stays in "invalid key".
        let short = Credentials::default().with(
            AuthMode::ApiKey,
            Credential::new(SecretString::from("key"), "env"),
        );
        assert_eq!(short.hide_in_text("invalid key"), "invalid key");
    }

    /// `text` with every `%XX` decoded, `+` read as a space or not, and
    /// JSON's `\u00XX` escapes undone: what a reader could decode from it.
    fn decodings(text: &[u8]) -> Vec<Vec<u8>> {
        let hex = |h: Option<&[u8]>| {
            h.and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        };
        [false, true]
            .into_iter()
            .map(|plus| {
                let mut out = Vec::new();
                let mut i = 0;
                while i < text.len() {
                    let (b, len) = match text[i] {
                        b'%' if hex(text.get(i + 1..i + 3)).is_some() => {
                            (hex(text.get(i + 1..i + 3)).unwrap_or(0), 3)
                        }
                        b'\\'
                            if text.get(i + 1..i + 4) == Some(&b"u00"[..])
                                && hex(text.get(i + 4..i + 6)).is_some() =>
                        {
                            (hex(text.get(i + 4..i + 6)).unwrap_or(0), 6)
                        }
                        b'+' if plus => (b' ', 1),
                        c => (c, 1),
                    };
                    out.push(b);
                    i += len;
                }
                out
            })
            .collect()
    }

    proptest::proptest! {
        /// Issue 20: a server that echoes the credential percent-encoded
        /// in lowercase, form-encoded, with characters encoded that need
        /// not be, or JSON-escaped, in any mix, gets it masked.
        #[test]
        fn a_credential_echoed_in_any_mix_of_encodings_is_never_left_decodable(
            secret in "[ -~]{8,40}",
            forms in proptest::collection::vec(0u8..6, 40),
            before in "[ -~]{0,12}",
            after in "[ -~]{0,12}",
        ) {
            let creds = Credentials::default().with(
                AuthMode::Bearer,
                Credential::new(SecretString::from(secret.clone()), "env"),
            );
            let mut echoed = before.into_bytes();
            for (&b, form) in secret.as_bytes().iter().zip(forms) {
                let written = match form {
                    1 => format!("%{b:02X}"),
                    2 => format!("%{b:02x}"),
                    3 => format!("%{:x}{:X}", b >> 4, b & 15),
                    4 if b == b' ' => "+".to_owned(),
                    5 => format!("\\u{b:04x}"),
                    _ => (b as char).to_string(),
                };
                echoed.extend_from_slice(written.as_bytes());
            }
            echoed.extend_from_slice(after.as_bytes());
            let shown = creds.hide_in(echoed.clone());
            for decoded in decodings(&shown) {
                proptest::prop_assert!(
                    !decoded.windows(secret.len()).any(|w| w == secret.as_bytes()),
                    "{secret:?} decodable from {:?}",
                    String::from_utf8_lossy(&shown)
                );
            }
        }
    }

    #[test]
    fn masked_credentials_hide_all_but_four() {
        let long = Auth::ApiKey(SecretString::from("sk_live_0123456789abcdef"));
        assert_eq!(long.masked(), "••••cdef");
        assert!(!format!("{long:?}").contains("0123456789"));
        let short = Auth::Bearer(SecretString::from("abc123"));
        assert_eq!(short.masked(), "••••");
    }
}
