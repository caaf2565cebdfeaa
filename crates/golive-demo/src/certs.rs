//! Certificates generated on the spot: a demo CA and server certificates
//! that are valid, about to expire, expired, not yet valid, for another
//! host, or self-signed.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::sign::CertifiedKey;
use time::{Duration, OffsetDateTime};

/// What a server certificate is like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Valid for 90 days, for 127.0.0.1 and localhost.
    Valid,
    /// Valid, but ends in this many days.
    Expiring(i64),
    Expired,
    NotYetValid,
    /// For another host name than 127.0.0.1 / localhost.
    WrongHost,
    /// Valid dates and host, but signed by itself rather than the CA.
    SelfSigned,
}

/// A certificate authority that issues the server certificates.
pub struct Authority {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

/// A server certificate with its key.
pub struct ServerCert {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

impl ServerCert {
    /// The form rustls serves.
    pub fn certified_key(&self) -> Result<Arc<CertifiedKey>, String> {
        let provider = rustls::crypto::aws_lc_rs::default_provider();
        CertifiedKey::from_der(self.chain.clone(), self.key.clone_key(), &provider)
            .map(Arc::new)
            .map_err(|e| format!("cannot use the generated certificate: {e}"))
    }
}

impl Authority {
    pub fn new() -> Result<Authority, String> {
        let mut params = CertificateParams::default();
        params
            .distinguished_name
            .push(DnType::CommonName, "golive demo CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let now = OffsetDateTime::now_utc();
        params.not_before = now - Duration::days(1);
        params.not_after = now + Duration::days(3650);
        let key = KeyPair::generate().map_err(|e| e.to_string())?;
        let issuer = CertifiedIssuer::self_signed(params, key).map_err(|e| e.to_string())?;
        Ok(Authority { issuer })
    }

    /// The CA certificate, PEM: what a monitor's CA file holds.
    pub fn pem(&self) -> String {
        self.issuer.pem()
    }

    pub fn issue(&self, kind: Kind) -> Result<ServerCert, String> {
        let hosts = match kind {
            Kind::WrongHost => vec!["wrong-host.example".to_string()],
            _ => vec!["127.0.0.1".to_string(), "localhost".to_string()],
        };
        let mut params = CertificateParams::new(hosts).map_err(|e| e.to_string())?;
        params
            .distinguished_name
            .push(DnType::CommonName, "golive demo server");
        let now = OffsetDateTime::now_utc();
        let (from, until) = match kind {
            Kind::Expiring(days) => (
                now - Duration::days(60),
                now + Duration::days(days) + Duration::hours(1),
            ),
            Kind::Expired => (now - Duration::days(90), now - Duration::days(2)),
            Kind::NotYetValid => (now + Duration::days(2), now + Duration::days(90)),
            _ => (now - Duration::days(1), now + Duration::days(90)),
        };
        params.not_before = from;
        params.not_after = until;
        let key = KeyPair::generate().map_err(|e| e.to_string())?;
        let certificate = if kind == Kind::SelfSigned {
            params.self_signed(&key)
        } else {
            params.signed_by(&key, &self.issuer)
        }
        .map_err(|e| e.to_string())?;
        let mut chain = vec![certificate.der().clone()];
        if kind != Kind::SelfSigned {
            chain.push(self.issuer.der().clone());
        }
        Ok(ServerCert {
            chain,
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        })
    }
}
