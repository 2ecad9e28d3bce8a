//! Trusting a team's server: the system's certificate authorities, plus
//! the certificates a person gives (`--ca-cert`, or the first-run
//! screen's certificate field), and TLS failures said in words.
//!
//! A certificate given is trusted two ways: as an authority that signs
//! the server's certificate, and as the server's own certificate, pinned.
//! The second is what a self-signed certificate made the usual way needs
//! (`openssl req -x509` marks it `CA:TRUE`, which the web's rules refuse
//! as a server's certificate): a person who hands Carnet the exact
//! certificate the server presents has said they trust that server, so it
//! is accepted as it is, whatever name or constraints it carries.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};

use crate::error::{ClientError, Result};

/// The certificates of a PEM file, refused with a sentence when there is
/// none or one does not parse.
pub fn certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| {
            ClientError::BadInput(format!(
                "the server's certificate could not be read ({e}); give the PEM file the server uses, starting with -----BEGIN CERTIFICATE-----"
            ))
        })?;
    if certs.is_empty() {
        return Err(ClientError::BadInput(
            "the certificate file holds no certificate; give the PEM file the server uses, starting with -----BEGIN CERTIFICATE-----".into(),
        ));
    }
    Ok(certs)
}

/// A TLS configuration trusting the system's authorities, `given` as
/// authorities, and `given` as pinned server certificates.
pub fn config(given: Vec<CertificateDer<'static>>) -> Result<rustls::ClientConfig> {
    let provider = CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
    let system = rustls_platform_verifier::Verifier::new_with_extra_roots(
        given.iter().cloned(),
        Arc::clone(&provider),
    )
    .map_err(|e| ClientError::BadInput(format!("the certificate cannot be trusted: {e}")))?;
    let verifier = Pinned {
        pinned: given,
        system,
        provider: Arc::clone(&provider),
    };
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Internal(format!("TLS set-up failed: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// The system's verifier, unless the server presents one of the pinned
/// certificates.
#[derive(Debug)]
struct Pinned {
    pinned: Vec<CertificateDer<'static>>,
    system: rustls_platform_verifier::Verifier,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        if self
            .pinned
            .iter()
            .any(|c| c.as_ref() == end_entity.as_ref())
        {
            return Ok(ServerCertVerified::assertion());
        }
        self.system
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// What went wrong with TLS in `e`'s chain of causes, in words, if it was
/// TLS at all.
pub fn explain(e: &(dyn std::error::Error + 'static), server: &str) -> Option<String> {
    // An `io::Error` wrapping another error gives that error's source as
    // its own, skipping the error itself: step into it with `get_ref`.
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(tls) = c.downcast_ref::<rustls::Error>() {
            return Some(sentence(tls, server));
        }
        cause = match c.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => c.source(),
        };
    }
    None
}

fn sentence(e: &rustls::Error, server: &str) -> String {
    let ask = "ask your coordinator for the server's certificate file and give it (--ca-cert, or the certificate field when joining)";
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer | CertificateError::BadSignature => format!(
                "the certificate of {server} is not signed by an authority this computer trusts; if your team's server uses its own certificate, {ask}"
            ),
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => format!(
                "the certificate presented is not for {server}: check the server's address, or the server's certificate names another host"
            ),
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => format!(
                "the certificate of {server} has expired; the server's administrator must renew it"
            ),
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => format!(
                "the certificate of {server} is not valid yet; check this computer's date and time"
            ),
            CertificateError::Revoked => {
                format!("the certificate of {server} was revoked by its authority")
            }
            other => format!(
                "the certificate of {server} was refused ({other:?}); if your team's server uses its own certificate, {ask}"
            ),
        },
        other => format!("the secure connection to {server} failed: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_a_certificate_is_refused_with_a_sentence() {
        for pem in [
            &b""[..],
            b"not a certificate",
            b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
        ] {
            let e = certificates(pem).expect_err("refused");
            assert!(e.to_string().contains("BEGIN CERTIFICATE"), "{e}");
        }
    }

    #[test]
    fn tls_failures_are_said_in_words() {
        let e = rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
        // As hyper gives it: an io error around an io error around it.
        let io = std::io::Error::other(std::io::Error::new(std::io::ErrorKind::InvalidData, e));
        let said = explain(&io, "https://carnet.example").expect("tls");
        assert!(said.contains("not signed by an authority"), "{said}");
        let name = rustls::Error::InvalidCertificate(CertificateError::NotValidForName);
        assert!(explain(&name, "x").expect("tls").contains("not for x"));
        assert!(explain(&std::io::Error::other("plain"), "x").is_none());
    }
}
