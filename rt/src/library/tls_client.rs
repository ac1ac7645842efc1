//! The TLS client configuration shared by the HTTP client and the
//! PostgreSQL client: rustls on ring, TLS 1.2 and 1.3, trusting the webpki
//! roots plus the certificates of `SSL_CERT_FILE` (ruling 12), or, for a
//! PostgreSQL `sslrootcert=<path>`, the certificates of that file only (as
//! libpq does). Configurations are built once per root file and kept.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// The default configuration: webpki roots and `SSL_CERT_FILE`.
pub fn default_config() -> Result<Arc<ClientConfig>, String> {
    static CONFIG: OnceLock<Result<Arc<ClientConfig>, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let mut roots = RootCertStore::empty();
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            // Unset or empty: the webpki roots alone.
            if let Some(path) = std::env::var_os("SSL_CERT_FILE").filter(|p| !p.is_empty()) {
                let p = path.to_string_lossy().into_owned();
                add_pem_file(&mut roots, &p).map_err(|e| format!("TLS: SSL_CERT_FILE {e}"))?;
            }
            build(roots)
        })
        .clone()
}

/// A configuration trusting only the certificates in the PEM file `path`.
pub fn config_with_roots(path: &str) -> Result<Arc<ClientConfig>, String> {
    static BY_PATH: OnceLock<Mutex<HashMap<String, Arc<ClientConfig>>>> = OnceLock::new();
    let m = BY_PATH.get_or_init(Mutex::default);
    if let Some(c) = m.lock().unwrap_or_else(|e| e.into_inner()).get(path) {
        return Ok(c.clone());
    }
    let mut roots = RootCertStore::empty();
    add_pem_file(&mut roots, path).map_err(|e| format!("TLS: sslrootcert {e}"))?;
    let c = build(roots)?;
    m.lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(path.to_string(), c.clone());
    Ok(c)
}

/// Adds every certificate of the PEM file `path`; at least one is needed.
fn add_pem_file(roots: &mut RootCertStore, path: &str) -> Result<(), String> {
    let bad = |e: String| format!("{path}: {e}");
    let pem = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
    let mut n = 0;
    for c in CertificateDer::pem_slice_iter(&pem) {
        let c = c.map_err(|e| bad(e.to_string()))?;
        roots.add(c).map_err(|e| bad(e.to_string()))?;
        n += 1;
    }
    if n == 0 {
        return Err(bad("no certificates".into()));
    }
    Ok(())
}

fn build(roots: RootCertStore) -> Result<Arc<ClientConfig>, String> {
    // ring, as the project chose (its deprecation only notes that it has
    // no post-quantum key exchange).
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(cfg))
}
