//! The client's address, for the sign-in throttle, the partner form's hourly limit and the
//! audit log. Out of the box it is the connection's own address: no header a client can
//! write is believed. Behind a reverse proxy an administrator names the proxy's addresses
//! (`trusted_proxies`) and its header (`client_ip_header`); the header is then read only on
//! connections that come from one of those addresses.

use std::net::IpAddr;

/// The client's address from the connection's remote address and the configured header.
/// `header` is the header's value when the header is configured and present.
pub fn resolve(remote: Option<IpAddr>, header: Option<&str>, trusted: &[IpAddr]) -> Option<IpAddr> {
    let remote = remote.map(|ip| ip.to_canonical())?;
    if !trusted.contains(&remote) {
        return Some(remote);
    }
    let Some(header) = header else { return Some(remote) };
    // `X-Forwarded-For` lists every hop, the nearest last: the first one from the right that
    // is not one of our proxies is the client. `X-Real-IP` holds one address.
    for hop in header.rsplit(',') {
        match parse(hop) {
            Some(ip) if trusted.contains(&ip) => continue,
            Some(ip) => return Some(ip),
            None => return Some(remote),
        }
    }
    Some(remote)
}

fn parse(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    let text = text.strip_prefix('[').and_then(|t| t.split_once(']')).map(|(ip, _)| ip).unwrap_or(text);
    text.parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

/// Reads the `trusted_proxies` setting: addresses separated by commas or spaces.
pub fn parse_list(items: &[String]) -> Result<Vec<IpAddr>, String> {
    items
        .iter()
        .flat_map(|item| item.split([',', ' ']))
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| item.parse::<IpAddr>().map(|ip| ip.to_canonical()).map_err(|_| item.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxy_the_header_is_ignored() {
        assert_eq!(resolve(Some(ip("198.51.100.7")), Some("203.0.113.9"), &[]), Some(ip("198.51.100.7")));
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let proxies = [ip("127.0.0.1")];
        assert_eq!(resolve(Some(ip("127.0.0.1")), Some("203.0.113.9"), &proxies), Some(ip("203.0.113.9")));
        assert_eq!(resolve(Some(ip("198.51.100.7")), Some("203.0.113.9"), &proxies), Some(ip("198.51.100.7")));
        assert_eq!(resolve(Some(ip("::ffff:127.0.0.1")), Some("203.0.113.9"), &proxies), Some(ip("203.0.113.9")));
    }

    #[test]
    fn forwarded_for_is_read_from_the_right() {
        let proxies = [ip("10.0.0.1"), ip("10.0.0.2")];
        let chain = "1.2.3.4, 203.0.113.9, 10.0.0.2";
        assert_eq!(resolve(Some(ip("10.0.0.1")), Some(chain), &proxies), Some(ip("203.0.113.9")));
        assert_eq!(resolve(Some(ip("10.0.0.1")), Some("n'importe quoi"), &proxies), Some(ip("10.0.0.1")));
        assert_eq!(resolve(Some(ip("10.0.0.1")), None, &proxies), Some(ip("10.0.0.1")));
    }

    #[test]
    fn the_setting_takes_commas_or_spaces() {
        let list = parse_list(&["127.0.0.1, ::1".into(), "10.0.0.1".into()]).unwrap();
        assert_eq!(list, vec![ip("127.0.0.1"), ip("::1"), ip("10.0.0.1")]);
        assert_eq!(parse_list(&["127.0.0.300".into()]), Err("127.0.0.300".into()));
    }
}
