//! Open connections counted per client address, so that one client cannot take every slot.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct PerIp {
    limit: usize,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// One open connection of a client; dropping it gives the slot back.
pub struct IpSlot {
    key: Option<IpAddr>,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// An IPv6 client owns at least a /64, so it counts as one client; IPv4 addresses count alone.
fn client_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let mut segments = v6.segments();
            segments[4..].fill(0);
            IpAddr::V6(segments.into())
        }
        v4 => v4,
    }
}

impl PerIp {
    /// `limit` 0 counts nothing and refuses nobody.
    pub fn new(limit: usize) -> Self {
        Self {
            limit,
            open: Arc::default(),
        }
    }

    /// A slot for one more connection from `ip`, or None when it has `limit` open already.
    pub fn enter(&self, ip: IpAddr) -> Option<IpSlot> {
        if self.limit == 0 {
            return Some(IpSlot {
                key: None,
                open: self.open.clone(),
            });
        }
        let key = client_key(ip);
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let count = open.entry(key).or_insert(0);
        if *count >= self.limit {
            return None;
        }
        *count += 1;
        Some(IpSlot {
            key: Some(key),
            open: self.open.clone(),
        })
    }

    /// How many clients hold a connection now.
    #[cfg(test)]
    pub fn clients(&self) -> usize {
        self.open.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

impl Drop for IpSlot {
    fn drop(&mut self) {
        let Some(key) = self.key else {
            return;
        };
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = open.get_mut(&key) {
            *count -= 1;
            // Forget clients that left, so the map stays as small as the open connections.
            if *count == 0 {
                open.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_client_and_forgets_who_left() {
        let per_ip = PerIp::new(2);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let first = per_ip.enter(a).unwrap();
        let _second = per_ip.enter(a).unwrap();
        assert!(per_ip.enter(a).is_none(), "a third from the same address");
        assert!(
            per_ip.enter(b).is_some(),
            "another address has its own count"
        );
        drop(first);
        assert!(
            per_ip.enter(a).is_some(),
            "a closed connection frees its slot"
        );
        assert_eq!(per_ip.clients(), 1);
    }

    #[test]
    fn an_ipv6_prefix_is_one_client() {
        let per_ip = PerIp::new(1);
        let _one = per_ip.enter("2001:db8::1".parse().unwrap()).unwrap();
        assert!(per_ip.enter("2001:db8::ffff:2".parse().unwrap()).is_none());
        assert!(per_ip.enter("2001:db8:0:1::1".parse().unwrap()).is_some());
        let _v4 = per_ip.enter("::ffff:10.0.0.1".parse().unwrap()).unwrap();
        assert!(per_ip.enter("10.0.0.1".parse().unwrap()).is_none());
    }

    #[test]
    fn zero_is_no_limit() {
        let per_ip = PerIp::new(0);
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let slots: Vec<_> = (0..1000).map(|_| per_ip.enter(ip).unwrap()).collect();
        assert_eq!(slots.len(), 1000);
        assert_eq!(per_ip.clients(), 0);
    }
}
