//! TLS for probes: which certificates are trusted (the OS's roots, plus a
//! monitor's own CA file), how many days the server's certificate has left,
//! and which certificate problem a failed handshake was.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

/// Reads every certificate of a PEM file; the error names the file and why.
pub fn read_pem_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let bytes = std::fs::read(path)
        .map_err(|e| format!("cannot read the CA file {}: {e}", path.display()))?;
    let certificates: Vec<_> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("the CA file {} is not PEM: {e}", path.display()))?;
    if certificates.is_empty() {
        return Err(format!(
            "the CA file {} holds no certificate (expected -----BEGIN CERTIFICATE-----)",
            path.display()
        ));
    }
    Ok(certificates)
}

/// A client configuration trusting the OS's roots and `extra` certificates.
pub fn client_config(extra: &[CertificateDer<'static>]) -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    // Unreadable system certificates are skipped: one bad file in
    // /etc/ssl/certs must not stop every probe.
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    for certificate in extra {
        roots
            .add(certificate.clone())
            .map_err(|e| format!("a certificate of the CA file cannot be trusted: {e}"))?;
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

/// Whole days from `now` until the certificate's notAfter (negative once expired).
pub fn days_left(der: &[u8], now: jiff::Timestamp) -> Option<i64> {
    let (_, certificate) = x509_parser::parse_x509_certificate(der).ok()?;
    let not_after = certificate.validity().not_after.timestamp();
    Some((not_after - now.as_second()).div_euclid(86_400))
}

/// The certificate problem behind a failed request, if that is what it was.
pub fn certificate_problem(
    error: &(dyn std::error::Error + 'static),
) -> Option<(&'static str, String)> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if let Some(rustls::Error::InvalidCertificate(problem)) =
            current.downcast_ref::<rustls::Error>()
        {
            return Some(describe(problem));
        }
        // hyper wraps the handshake's io::Error in another io::Error, and an
        // io::Error's `source` skips the error it carries: step into it.
        source = match current.downcast_ref::<std::io::Error>() {
            Some(io) => match io.get_ref() {
                Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
                None => std::error::Error::source(io),
            },
            None => current.source(),
        };
    }
    None
}

fn describe(problem: &rustls::CertificateError) -> (&'static str, String) {
    use rustls::CertificateError as E;
    match problem {
        E::Expired | E::ExpiredContext { .. } => (
            "certificate_expired",
            "certificate expired: the server's certificate is past its end date; renew it".into(),
        ),
        E::NotValidYet | E::NotValidYetContext { .. } => (
            "certificate_not_yet_valid",
            "certificate not yet valid: its start date is in the future (or this machine's clock is wrong)".into(),
        ),
        E::NotValidForName | E::NotValidForNameContext { .. } => (
            "certificate_wrong_host",
            "certificate is for another host name than the URL's".into(),
        ),
        E::UnknownIssuer => (
            "certificate_untrusted",
            "certificate untrusted: it is self-signed or from an unknown authority; give the monitor a CA file if it is your own".into(),
        ),
        E::Revoked => ("certificate_untrusted", "certificate revoked".into()),
        other => (
            "certificate_untrusted",
            format!("certificate rejected: {other:?}"),
        ),
    }
}
