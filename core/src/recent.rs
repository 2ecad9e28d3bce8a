//! [`Recent`]: a map that keeps at most so many entries and forgets the
//! oldest first; the client and the server keep decoded documents in one.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// A map bounded to `capacity` entries; putting one more forgets the
/// entry put longest ago. Taking an entry removes it (the caller puts it
/// back when done), so an entry is never used by two holders at once.
#[derive(Debug)]
pub struct Recent<K, V> {
    map: HashMap<K, V>,
    order: VecDeque<K>,
    capacity: usize,
}

impl<K: Eq + Hash + Clone, V> Recent<K, V> {
    /// An empty map that keeps at most `capacity` entries.
    pub fn new(capacity: usize) -> Self {
        Self {
            map: HashMap::new(),
            order: VecDeque::new(),
            capacity,
        }
    }

    /// Remove and return the entry for `key`.
    pub fn take(&mut self, key: &K) -> Option<V> {
        self.map.remove(key)
    }

    /// Keep `value` under `key`, forgetting the oldest entries beyond the
    /// capacity.
    pub fn put(&mut self, key: K, value: V) {
        if self.map.insert(key.clone(), value).is_none() {
            self.order.push_back(key);
        }
        while self.map.len() > self.capacity {
            match self.order.pop_front() {
                Some(old) => {
                    self.map.remove(&old);
                }
                None => break,
            }
        }
        // Keys taken and not put back stay in `order`; drop them now and
        // then so it does not grow without bound.
        if self.order.len() > self.capacity * 4 {
            let map = &self.map;
            self.order.retain(|k| map.contains_key(k));
        }
    }

    /// Forget everything.
    pub fn clear(&mut self) {
        self.map.clear();
        self.order.clear();
    }

    /// How many entries are kept.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_most_recent_and_stays_bounded() {
        let mut r = Recent::new(3);
        for k in 0..5 {
            r.put(k, k * 10);
        }
        assert_eq!(r.len(), 3);
        assert_eq!(r.take(&0), None, "the oldest were forgotten");
        assert_eq!(r.take(&1), None);
        assert_eq!(r.take(&4), Some(40));
        assert_eq!(r.take(&4), None, "taking removes");
        // Taking and putting back many times keeps the bookkeeping small.
        for _ in 0..100 {
            let v = r.take(&3).expect("kept");
            r.put(3, v);
        }
        assert!(r.order.len() <= 3 * 4 + 1);
        r.put(7, 70);
        r.put(8, 80);
        assert_eq!(r.take(&2), None, "2 was the oldest");
        assert_eq!(r.take(&3), Some(30));
        r.clear();
        assert!(r.is_empty());
    }
}
