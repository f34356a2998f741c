//! Where a webhook may be delivered: an `EndpointUrl` names an https URL, and `is_public`
//! decides whether an address may be reached (pure; the resolver applies it after DNS).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

/// Longest endpoint URL.
pub const URL_MAX: usize = 2_000;

/// An endpoint URL that may receive events: `https` (or `http` where local destinations are
/// allowed), a host, no credentials and no fragment. Where local destinations are not allowed,
/// a literal address must be public; a name is checked again, after DNS resolution, at every
/// delivery (`is_public`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointUrl(Url);

impl EndpointUrl {
    pub fn parse(raw: &str, allow_local: bool) -> Result<Self, &'static str> {
        if raw.len() > URL_MAX {
            return Err("a URL is at most 2000 characters");
        }
        let url = Url::parse(raw).map_err(|_| "not an absolute URL")?;
        match url.scheme() {
            "https" => {}
            "http" if allow_local => {}
            _ => return Err("an endpoint URL is https"),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("an endpoint URL carries no credentials: verify the signature instead");
        }
        if url.fragment().is_some() {
            return Err("an endpoint URL has no fragment");
        }
        let public = match url.host() {
            None => return Err("an endpoint URL names a host"),
            Some(Host::Ipv4(ip)) => is_public(IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => is_public(IpAddr::V6(ip)),
            Some(Host::Domain(name)) => {
                let name = name.trim_end_matches('.');
                !(name.eq_ignore_ascii_case("localhost")
                    || name.to_ascii_lowercase().ends_with(".localhost"))
            }
        };
        if !public && !allow_local {
            return Err(
                "an endpoint URL names a public host (not loopback, private or link-local)",
            );
        }
        Ok(Self(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn url(&self) -> &Url {
        &self.0
    }
}

/// Whether an address is one a webhook may be delivered to when local destinations are not
/// allowed: not loopback, private, shared (CGNAT), link-local, unspecified, multicast,
/// broadcast, documentation, benchmarking or reserved, also inside IPv4-mapped and NAT64
/// IPv6 addresses.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => is_public_v6(ip),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let segments = ip.segments();
    // NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., hi, lo] = segments;
        return is_public_v4(Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo)));
    }
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (segments[0] & 0xfe00) == 0xfc00 // unique local
        || (segments[0] & 0xffc0) == 0xfe80 // link-local
        || (segments[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (segments[0] == 0x2001 && segments[1] == 0x0db8)) // documentation
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_destinations_unless_local_ones_are_allowed() {
        for refused in [
            "http://example.com/hook",
            "https://127.0.0.1/hook",
            "https://10.1.2.3/",
            "https://172.16.0.1/",
            "https://192.168.1.1/",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/",
            "https://0.0.0.0/",
            "https://[::1]/",
            "https://[fe80::1]/",
            "https://[fd00::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[64:ff9b::a00:1]/",
            "https://localhost:8443/",
            "https://api.localhost/",
            "https://user:pw@example.com/",
            "https://example.com/#frag",
            "ftp://example.com/",
            "example.com/hook",
        ] {
            assert!(
                EndpointUrl::parse(refused, false).is_err(),
                "{refused} was accepted"
            );
        }
        for accepted in [
            "https://example.com/hooks/debrief",
            "https://93.184.216.34:8443/x?y=1",
            "https://[2606:4700::1111]/",
        ] {
            assert!(
                EndpointUrl::parse(accepted, false).is_ok(),
                "{accepted} was refused"
            );
        }
        assert!(EndpointUrl::parse("http://127.0.0.1:9000/hook", true).is_ok());
        assert!(EndpointUrl::parse("ftp://127.0.0.1/", true).is_err());
        assert!(is_public("8.8.8.8".parse().unwrap()));
        assert!(!is_public("198.18.0.1".parse().unwrap()));
        assert!(!is_public("240.0.0.1".parse().unwrap()));
    }
}
