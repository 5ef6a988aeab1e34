//! One TLS handshake with a server, to see what it serves: SNI set to the
//! server name, and, when asked, only RSA or only ECDSA signature schemes
//! offered (TLS 1.3 signature algorithms, TLS 1.2 cipher suites), so that a
//! server holding both certificates (nginx with two `ssl_certificate`)
//! must show the one of that key type. The chain is recorded, never
//! rejected: judging it is the rules' work. The handshake signature is
//! still verified, so the server holds the key of the leaf it sends.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme, SupportedCipherSuite};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;

/// The key type a handshake asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyType {
    Rsa,
    Ecdsa,
    /// Whatever the server prefers (one certificate configured).
    Any,
}

impl KeyType {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::Rsa => "RSA",
            KeyType::Ecdsa => "ECDSA",
            KeyType::Any => "any key type",
        }
    }

    fn allows(self, scheme: SignatureScheme) -> bool {
        let name = format!("{scheme:?}");
        match self {
            KeyType::Rsa => name.starts_with("RSA_"),
            KeyType::Ecdsa => name.starts_with("ECDSA_"),
            KeyType::Any => true,
        }
    }
}

/// What a server showed.
#[derive(Clone, Debug)]
pub struct Shown {
    /// The certificates as sent, leaf first (DER).
    pub chain: Vec<Vec<u8>>,
    /// `TLSv1.3`, `TLSv1.2`.
    pub version: String,
}

/// Accepts any chain; checks the handshake signature with the leaf.
#[derive(Debug)]
struct Recorder {
    algorithms: WebPkiSupportedAlgorithms,
    schemes: Vec<SignatureScheme>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.schemes.clone()
    }
}

fn config(key: KeyType) -> Result<rustls::ClientConfig, String> {
    let mut provider: CryptoProvider = rustls::crypto::ring::default_provider();
    provider.cipher_suites.retain(|suite| match suite {
        SupportedCipherSuite::Tls12(s) => s.sign.iter().any(|scheme| key.allows(*scheme)),
        SupportedCipherSuite::Tls13(_) => true,
    });
    let algorithms = provider.signature_verification_algorithms;
    let schemes: Vec<SignatureScheme> = algorithms
        .supported_schemes()
        .into_iter()
        .filter(|s| key.allows(*s))
        .collect();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(Recorder {
            algorithms,
            schemes,
        }))
        .with_no_client_auth();
    Ok(config)
}

/// Why a handshake did not complete.
#[derive(Debug)]
pub enum Failure {
    /// The server refused it with a TLS alert (nginx's
    /// `ssl_reject_handshake on` sends `unrecognized_name`).
    Alert(String),
    Other(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Alert(alert) => write!(f, "TLS handshake refused with the alert {alert}"),
            Failure::Other(why) => f.write_str(why),
        }
    }
}

/// A completed handshake and the connection it opened.
async fn connect(
    addr: SocketAddr,
    sni: &str,
    key: KeyType,
) -> Result<(Shown, tokio_rustls::client::TlsStream<TcpStream>), Failure> {
    let name = ServerName::try_from(sni.to_string())
        .map_err(|e| Failure::Other(format!("`{sni}`: {e}")))?;
    let connector =
        tokio_rustls::TlsConnector::from(Arc::new(config(key).map_err(Failure::Other)?));
    let tcp = TcpStream::connect(addr)
        .await
        .map_err(|e| Failure::Other(format!("TCP connection failed: {e}")))?;
    let tls = connector.connect(name, tcp).await.map_err(|e| {
        let alert = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            .and_then(|inner| match inner {
                rustls::Error::AlertReceived(alert) => Some(format!("{alert:?}")),
                _ => None,
            });
        match alert {
            Some(alert) => Failure::Alert(alert),
            None => Failure::Other(format!("TLS handshake failed: {e}")),
        }
    })?;
    let (_, connection) = tls.get_ref();
    let chain: Vec<Vec<u8>> = connection
        .peer_certificates()
        .unwrap_or_default()
        .iter()
        .map(|c| c.as_ref().to_vec())
        .collect();
    let version = connection
        .protocol_version()
        .map_or_else(String::new, |v| format!("{v:?}").replace('_', "."));
    Ok((Shown { chain, version }, tls))
}

/// Connects to `addr`, sends `sni`, and returns the chain the server shows.
pub async fn handshake(
    addr: SocketAddr,
    sni: &str,
    key: KeyType,
    timeout: Duration,
) -> Result<Shown, String> {
    let attempt = async {
        let (shown, _) = connect(addr, sni, key).await.map_err(|e| e.to_string())?;
        Ok::<Shown, String>(shown)
    };
    tokio::time::timeout(timeout, attempt)
        .await
        .map_err(|_| format!("no TLS handshake within {timeout:?}"))?
}

/// A handshake sending `sni`, then the one HTTP request drift sends on it
/// (see [`super::http`]) with `sni` as Host, all within `timeout`.
pub async fn handshake_and_request(
    addr: SocketAddr,
    sni: &str,
    timeout: Duration,
) -> Result<Result<(Shown, super::report::HttpAnswer), String>, String> {
    let attempt = async {
        match connect(addr, sni, KeyType::Any).await {
            Ok((shown, tls)) => Ok(Ok((shown, super::http::get_root(tls, sni).await))),
            Err(Failure::Alert(alert)) => Ok(Err(alert)),
            Err(Failure::Other(why)) => Err(why),
        }
    };
    tokio::time::timeout(timeout, attempt)
        .await
        .map_err(|_| format!("no TLS handshake within {timeout:?}"))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_types_restrict_schemes_and_tls12_suites() {
        let rsa = config(KeyType::Rsa).expect("config");
        let ecdsa = config(KeyType::Ecdsa).expect("config");
        let any = config(KeyType::Any).expect("config");
        for (cfg, wanted) in [(&rsa, "ECDHE_RSA"), (&ecdsa, "ECDHE_ECDSA")] {
            let tls12: Vec<String> = cfg
                .crypto_provider()
                .cipher_suites
                .iter()
                .filter(|s| matches!(s, SupportedCipherSuite::Tls12(_)))
                .map(|s| format!("{:?}", s.suite()))
                .collect();
            assert!(!tls12.is_empty());
            assert!(tls12.iter().all(|s| s.contains(wanted)), "{tls12:?}");
        }
        assert!(
            any.crypto_provider().cipher_suites.len() > rsa.crypto_provider().cipher_suites.len()
        );
        assert!(KeyType::Rsa.allows(SignatureScheme::RSA_PSS_SHA256));
        assert!(!KeyType::Rsa.allows(SignatureScheme::ECDSA_NISTP256_SHA256));
        assert!(KeyType::Ecdsa.allows(SignatureScheme::ECDSA_NISTP256_SHA256));
    }
}
