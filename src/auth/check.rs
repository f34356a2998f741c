//! `debrief check` for authentication: the keys verify the allowed algorithms, and the
//! identity provider's discovery document agrees with the configuration.

use jsonwebtoken::DecodingKey;

use super::keys::KeySource;
use super::Authenticator;

/// A finding of `debrief check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    /// Worth a look, not a failure.
    Warn,
    Fail,
}

impl Authenticator {
    /// For `debrief check`: whether the keys can verify tokens of the allowed algorithms, and
    /// whether the identity provider's discovery document agrees with the configuration. Each
    /// finding is (passed, what, detail); only a failed one fails the check.
    pub async fn check(&self, issuer: &str) -> Vec<(Verdict, &'static str, String)> {
        let fits = |key: &DecodingKey| self.algorithms.iter().any(|a| a.family() == key.family());
        let mut findings = Vec::new();
        match &self.keys {
            KeySource::Secret(_) => {
                findings.push((Verdict::Ok, "keys", "an HS256 secret".to_owned()));
            }
            KeySource::PublicKeys(keys) => {
                let missing: Vec<String> = self
                    .algorithms
                    .iter()
                    .filter(|a| !keys.iter().any(|k| k.family() == a.family()))
                    .map(|a| format!("{a:?}"))
                    .collect();
                if missing.is_empty() {
                    findings.push((Verdict::Ok, "keys", format!("{} public key(s)", keys.len())));
                } else {
                    findings.push((
                        Verdict::Fail,
                        "keys",
                        format!("no key for the allowed algorithm(s) {}", missing.join(", ")),
                    ));
                }
            }
            KeySource::Jwks(cache) => {
                match cache.fetch_now().await {
                    Ok(keys) => {
                        let usable = keys.values().filter(|k| fits(k)).count();
                        let verdict = if usable == 0 {
                            Verdict::Fail
                        } else {
                            Verdict::Ok
                        };
                        findings.push((
                            verdict,
                            "jwks",
                            format!(
                                "{}: {} signing key(s), {usable} usable with {:?}",
                                cache.url(),
                                keys.len(),
                                self.algorithms
                            ),
                        ));
                    }
                    Err(error) => findings.push((
                        Verdict::Fail,
                        "jwks",
                        format!("cannot fetch {}: {error:#}", cache.url()),
                    )),
                }
                if issuer.starts_with("https://") || issuer.starts_with("http://") {
                    match cache.discovery(issuer).await {
                        Ok((published, _)) if published != issuer => findings.push((
                            Verdict::Fail,
                            "issuer",
                            format!("DEBRIEF_AUTH_ISSUER is {issuer:?}, the provider says {published:?}"),
                        )),
                        Ok((_, jwks_uri)) if jwks_uri != cache.url() => findings.push((
                            Verdict::Fail,
                            "issuer",
                            format!("the provider publishes its keys at {jwks_uri}, not at DEBRIEF_AUTH_JWKS_URL"),
                        )),
                        Ok(_) => findings.push((
                            Verdict::Ok,
                            "issuer",
                            format!("{issuer} (its discovery document names the same issuer and key set)"),
                        )),
                        Err(error) => findings.push((
                            Verdict::Warn,
                            "issuer",
                            format!("{issuer}: no discovery document to compare with ({error:#})"),
                        )),
                    }
                } else {
                    findings.push((
                        Verdict::Warn,
                        "issuer",
                        format!("{issuer:?} is not a URL: identity providers issue URLs"),
                    ));
                }
            }
        }
        findings
    }
}
