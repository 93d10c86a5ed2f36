//! Webhooks: where an integrator may ask the zone to send its events, and
//! when a failed delivery is tried again. The address rules defend the
//! zone's own network (SSRF): a target that is, or resolves to, a loopback,
//! private, link-local or otherwise non-public address is refused — when
//! subscribing and again at each delivery, so a name that changes what it
//! resolves to (DNS rebinding) gains nothing — unless an administrator
//! allows private targets for the whole server.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use chrono::{DateTime, Duration, Utc};

crate::closed_set! {
    /// Where a webhook delivery stands.
    pub enum DeliveryState {
        Pending = "pending", "待推送", "Pending";
        Delivered = "delivered", "已送达", "Delivered";
        Failed = "failed", "推送失败", "Failed";
    }
}

/// What an address is, for deciding whether the server may call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressClass {
    Public,
    Loopback,
    /// RFC 1918, IPv6 unique-local, and the shared (carrier-grade NAT) range.
    Private,
    LinkLocal,
    /// 0.0.0.0, ::, broadcast, multicast, documentation, benchmarking and
    /// other ranges no webhook receiver lives in.
    Reserved,
}

impl AddressClass {
    pub fn of(ip: IpAddr) -> AddressClass {
        match ip {
            IpAddr::V4(v4) => v4_class(v4),
            IpAddr::V6(v6) => v6_class(v6),
        }
    }

    /// Whether the server may send to it: public always; private, loopback
    /// and link-local only where an administrator allows them; reserved never.
    pub fn allowed(self, allow_private: bool) -> bool {
        match self {
            AddressClass::Public => true,
            AddressClass::Loopback | AddressClass::Private | AddressClass::LinkLocal => {
                allow_private
            }
            AddressClass::Reserved => false,
        }
    }
}

fn v4_class(ip: Ipv4Addr) -> AddressClass {
    let [a, b, c, _] = ip.octets();
    match (a, b, c) {
        (127, _, _) => AddressClass::Loopback,
        (10, _, _) | (192, 168, _) => AddressClass::Private,
        (172, b, _) if (16..=31).contains(&b) => AddressClass::Private,
        (100, b, _) if (64..=127).contains(&b) => AddressClass::Private,
        (169, 254, _) => AddressClass::LinkLocal,
        (0, _, _) | (224..=255, _, _) => AddressClass::Reserved,
        (192, 0, 0) | (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => AddressClass::Reserved,
        (198, 18 | 19, _) => AddressClass::Reserved,
        _ => AddressClass::Public,
    }
}

fn v6_class(ip: Ipv6Addr) -> AddressClass {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_class(v4);
    }
    let segments = ip.segments();
    // NAT64 (64:ff9b::/96) reaches the IPv4 address it embeds
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., hi, lo] = segments;
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        return v4_class(Ipv4Addr::new(a, b, c, d));
    }
    match segments[0] {
        _ if ip.is_loopback() => AddressClass::Loopback,
        _ if ip.is_unspecified() => AddressClass::Reserved,
        s if s & 0xfe00 == 0xfc00 => AddressClass::Private,
        s if s & 0xffc0 == 0xfe80 => AddressClass::LinkLocal,
        s if s & 0xff00 == 0xff00 => AddressClass::Reserved,
        0x2001 if segments[1] == 0x0db8 => AddressClass::Reserved,
        0x0100 if segments[1..4] == [0, 0, 0] => AddressClass::Reserved,
        // the rest of ::/8: IPv4-compatible and other deprecated forms
        s if s & 0xff00 == 0 => AddressClass::Reserved,
        _ => AddressClass::Public,
    }
}

/// A webhook target: an `http` or `https` URL with a host, no credentials,
/// at most 2000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    url: String,
    host: String,
    port: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("a webhook URL is http:// or https:// with a host, at most 2000 characters")]
    Malformed,
    #[error("a webhook URL may not carry a user name or password")]
    Credentials,
}

impl Target {
    pub fn parse(raw: &str) -> Result<Target, TargetError> {
        let url = raw.trim();
        if url.len() > 2000 || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(TargetError::Malformed);
        }
        let (scheme, rest) = url.split_once("://").ok_or(TargetError::Malformed)?;
        let default_port = match scheme.to_ascii_lowercase().as_str() {
            "http" => 80,
            "https" => 443,
            _ => return Err(TargetError::Malformed),
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.contains('@') {
            return Err(TargetError::Credentials);
        }
        let (host, port) = match authority.strip_prefix('[') {
            // [v6]:port
            Some(v6) => {
                let (host, after) = v6.split_once(']').ok_or(TargetError::Malformed)?;
                let port = match after.strip_prefix(':') {
                    Some(p) => p.parse().map_err(|_| TargetError::Malformed)?,
                    None if after.is_empty() => default_port,
                    None => return Err(TargetError::Malformed),
                };
                (host.to_owned(), port)
            }
            None => match authority.rsplit_once(':') {
                Some((host, p)) => (
                    host.to_owned(),
                    p.parse().map_err(|_| TargetError::Malformed)?,
                ),
                None => (authority.to_owned(), default_port),
            },
        };
        let host_ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:".contains(c));
        if !host_ok || port == 0 {
            return Err(TargetError::Malformed);
        }
        Ok(Target {
            url: url.to_owned(),
            host: host.to_ascii_lowercase(),
            port,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The host to resolve (a name, or an address literal).
    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn port(&self) -> u16 {
        self.port
    }
}

/// Why a target is refused: the first address it resolves to that the
/// server may not call, or that it resolves to nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RefusedTarget {
    #[error("the webhook host resolves to {0}, a {1:?} address the server does not call")]
    Address(IpAddr, AddressClass),
    #[error("the webhook host does not resolve")]
    Unresolved,
}

/// Checks every address a target resolved to: all must be allowed (a name
/// with one public and one private address is refused).
pub fn check_addresses(addresses: &[IpAddr], allow_private: bool) -> Result<(), RefusedTarget> {
    if addresses.is_empty() {
        return Err(RefusedTarget::Unresolved);
    }
    for ip in addresses {
        let class = AddressClass::of(*ip);
        if !class.allowed(allow_private) {
            return Err(RefusedTarget::Address(*ip, class));
        }
    }
    Ok(())
}

/// When failed deliveries are tried again: exponential backoff from `base`,
/// capped at `cap`, with full jitter, until `give_up_after` from the first
/// attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    pub base: Duration,
    pub cap: Duration,
    pub give_up_after: Duration,
}

impl Retry {
    /// The time of the next attempt after `attempts` failed ones (the first
    /// made at `first`), or None when the period is over. `jitter` in
    /// [0, 1] spreads retries so that failing receivers are not hit in step.
    pub fn next(
        self,
        attempts: u32,
        first: DateTime<Utc>,
        now: DateTime<Utc>,
        jitter: f64,
    ) -> Option<DateTime<Utc>> {
        let exponent = attempts.saturating_sub(1).min(30);
        let ceiling = self
            .base
            .checked_mul(1_i32 << exponent)
            .map_or(self.cap, |d| d.min(self.cap));
        let ms = ceiling.num_milliseconds() as f64 * jitter.clamp(0.0, 1.0);
        // never sooner than a second: a receiver that fails fast is not hammered
        let wait = Duration::milliseconds(ms as i64).max(Duration::seconds(1));
        let at = now + wait;
        (at <= first + self.give_up_after).then_some(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn class(text: &str) -> AddressClass {
        AddressClass::of(text.parse().unwrap())
    }

    #[test]
    fn addresses_are_classed_by_their_ranges() {
        for public in [
            "8.8.8.8",
            "1.1.1.1",
            "223.5.5.5",
            "172.32.0.1",
            "100.128.0.1",
            "2400:3200::1",
        ] {
            assert_eq!(class(public), AddressClass::Public, "{public}");
        }
        for loopback in ["127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1"] {
            assert_eq!(class(loopback), AddressClass::Loopback, "{loopback}");
        }
        for private in [
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "fd00::1",
            "fc12::9",
            "::ffff:10.0.0.1",
        ] {
            assert_eq!(class(private), AddressClass::Private, "{private}");
        }
        for link in ["169.254.169.254", "fe80::1", "64:ff9b::a9fe:a9fe"] {
            assert_eq!(class(link), AddressClass::LinkLocal, "{link}");
        }
        for reserved in [
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "240.0.0.1",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "198.18.0.1",
            "192.0.0.8",
            "::",
            "ff02::1",
            "2001:db8::1",
            "::10.0.0.1",
            "100::1",
        ] {
            assert_eq!(class(reserved), AddressClass::Reserved, "{reserved}");
        }
    }

    #[test]
    fn only_public_addresses_pass_unless_private_ones_are_allowed() {
        let ip = |t: &str| -> IpAddr { t.parse().unwrap() };
        assert_eq!(check_addresses(&[ip("8.8.8.8")], false), Ok(()));
        assert_eq!(
            check_addresses(&[ip("8.8.8.8"), ip("127.0.0.1")], false),
            Err(RefusedTarget::Address(
                ip("127.0.0.1"),
                AddressClass::Loopback
            )),
            "every address must pass"
        );
        assert_eq!(check_addresses(&[], false), Err(RefusedTarget::Unresolved));
        assert_eq!(
            check_addresses(&[ip("127.0.0.1"), ip("10.0.0.1")], true),
            Ok(())
        );
        assert!(
            check_addresses(&[ip("0.0.0.0")], true).is_err(),
            "reserved never"
        );
    }

    #[test]
    fn targets_are_http_urls_with_a_host_and_no_credentials() {
        let t = Target::parse(" https://hooks.example.com/gridwork?x=1 ").unwrap();
        assert_eq!((t.host(), t.port()), ("hooks.example.com", 443));
        let t = Target::parse("http://127.0.0.1:8099/hook").unwrap();
        assert_eq!((t.host(), t.port()), ("127.0.0.1", 8099));
        let t = Target::parse("http://[::1]:9000/").unwrap();
        assert_eq!((t.host(), t.port()), ("::1", 9000));
        assert_eq!(Target::parse("http://[::1]/").unwrap().port(), 80);
        assert_eq!(
            Target::parse("https://u:p@example.com/"),
            Err(TargetError::Credentials)
        );
        for bad in [
            "ftp://example.com/",
            "example.com",
            "http:///x",
            "http://exa mple.com/",
            "http://example.com:0/",
            "http://example.com:99999/",
            "http://[::1/",
            "file:///etc/passwd",
        ] {
            assert_eq!(Target::parse(bad), Err(TargetError::Malformed), "{bad}");
        }
        assert!(Target::parse(&format!("https://example.com/{}", "a".repeat(2000))).is_err());
    }

    #[test]
    fn retries_back_off_with_jitter_until_the_period_ends() {
        let retry = Retry {
            base: Duration::seconds(30),
            cap: Duration::hours(1),
            give_up_after: Duration::hours(24),
        };
        let first = Utc.with_ymd_and_hms(2026, 12, 3, 0, 0, 0).unwrap();
        // full jitter: at most base·2^(n-1), at least a second
        assert_eq!(
            retry.next(1, first, first, 1.0),
            Some(first + Duration::seconds(30))
        );
        assert_eq!(
            retry.next(3, first, first, 1.0),
            Some(first + Duration::seconds(120))
        );
        assert_eq!(
            retry.next(3, first, first, 0.5),
            Some(first + Duration::seconds(60))
        );
        assert_eq!(
            retry.next(1, first, first, 0.0),
            Some(first + Duration::seconds(1))
        );
        assert_eq!(
            retry.next(20, first, first, 1.0),
            Some(first + Duration::hours(1)),
            "capped"
        );
        assert_eq!(
            retry.next(200, first, first, 1.0),
            Some(first + Duration::hours(1))
        );
        let late = first + Duration::hours(23) + Duration::minutes(30);
        assert_eq!(
            retry.next(20, first, late, 1.0),
            None,
            "past the period: give up"
        );
        assert!(retry.next(20, first, late, 0.1).is_some());
    }
}
